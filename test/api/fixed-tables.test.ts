/**
 * Given index tables and num at their edges, host-side (no backend): a repeat in the very first
 * line is refused like one in any other line (nested and flat tables, both classes), and num
 * accepts the whole documented range [0, 2^31 − 1] when the table is empty.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

test('a repeated index in the first line is refused, naming both positions (nested and flat, rows and columns)', () => {
  const IF = ef.InvalidFormatError;
  const base = { shape: [3, 4], weight: 1 };
  expectError(() => ef.fixedPostNum({ ...base, indices: [[2, 2], [0, 1], [0, 3]] }), IF,
    'fixedPostNum: indices[0][1] is 2, which row 0 already holds at indices[0][0]; expected distinct indices per row (or allowDuplicates: true)');
  expectError(() => ef.fixedPostNum({ ...base, indices: [3, 1, 3, 0, 1, 2, 0, 2, 1], num: 3 }), IF,
    'fixedPostNum: indices[2] is 3, which row 0 already holds at indices[0]');
  expectError(() => ef.fixedPreNum({ ...base, indices: [[1, 0, 1], [0, 1, 2], [0, 1, 2], [2, 1, 0]] }), IF,
    'fixedPreNum: indices[0][2] is 1, which column 0 already holds at indices[0][0]; expected distinct indices per column');
  // a one-line table: the only line is the first one
  expectError(() => ef.fixedPostNum({ shape: [1, 5], indices: [[4, 0, 4]], weight: 1 }), IF, 'indices[0][2] is 4, which row 0 already holds at indices[0][0]');
  // with allowDuplicates the same tables are kept as given
  const kept = ef.fixedPostNum({ ...base, indices: [[2, 2], [0, 1], [0, 3]], allowDuplicates: true });
  assert.equal(Array.from(kept.table()), [2, 2, 0, 1, 0, 3]);
});

test('num may be as large as 2^31 − 1 when there are no lines (an empty table); 2^31 is refused', () => {
  const top = 2 ** 31 - 1;
  const sampled = ef.fixedPostNum({ shape: [0, 5], num: top, seed: 1, weight: 1, allowDuplicates: true });
  assert.is(sampled.num, top);
  assert.is(sampled.table().length, 0);
  assert.equal(sampled.shape, [0, 5]);
  // without duplicates num may equal the other dimension, here 2^31 − 1 rows
  const pre = ef.fixedPreNum({ shape: [top, 0], num: top, seed: 1, weight: 1 });
  assert.is(pre.num, top);
  assert.is(pre.nnz, 0);
  const given = ef.fixedPostNum({ shape: [0, 3], indices: [], num: top, weight: 1 });
  assert.is(given.num, top);
  expectError(() => ef.fixedPostNum({ shape: [0, 5], num: top + 1, seed: 1, weight: 1, allowDuplicates: true }), ef.InvalidArgumentError,
    'fixedPostNum: num is 2147483648; expected an integer in [0, 2147483647]');
  expectError(() => ef.fixedPostNum({ shape: [0, 3], indices: [], num: top + 1, weight: 1 }), ef.InvalidArgumentError, 'num is 2147483648');
});

test.run();
