/**
 * The fixed-number classes themselves, host-side (no backend): what String(m) says (the format
 * of docs/formats.md's example: class, shape, num, shared weight or per-entry data, dtype,
 * unit) and what the exported constructors accept. `new ef.FixedPostNum(structure, data, num)`
 * is public API (the class is exported for instanceof and its constructor is not private), so
 * a structure taken from another matrix must hold exactly `num` entries in every line,
 * compressed along the right axis, or be refused with an InvalidFormatError saying both.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

test('String(m): class, shape, num, shared weight or per-entry data, dtype and unit; kept through transpose, mul, neg and withData', () => {
  const shared = ef.fixedPostNum({ shape: [4, 6], num: 3, weight: 0.5, seed: 42 }, 'nS');
  assert.is(String(shared), 'FixedPostNum([4, 6], num 3, shared weight, float32, nS)');
  assert.is(String(shared.transpose()), 'FixedPreNum([6, 4], num 3, shared weight, float32, nS)');
  assert.is(String(shared.mul(2)), 'FixedPostNum([4, 6], num 3, shared weight, float32, nS)');
  assert.is(String(shared.withData(new Array(12).fill(1))), 'FixedPostNum([4, 6], num 3, per-entry data, float32, nS)');

  const sharedArray = ef.fixedPreNum({ shape: [5, 2], num: 4, weight: ef.scalar(2, 'mV', 'float64'), seed: 1 });
  assert.is(String(sharedArray), 'FixedPreNum([5, 2], num 4, shared weight, float64, mV)');

  const perEntry = ef.fixedPreNum({ shape: [3, 2], indices: [[0, 2], [1, 2]], data: [1, 2, 3, 4] }, 'nS');
  assert.is(String(perEntry), 'FixedPreNum([3, 2], num 2, per-entry data, float32, nS)');
  assert.is(String(perEntry.neg()), 'FixedPreNum([3, 2], num 2, per-entry data, float32, nS)');
  assert.is(String(perEntry.transpose()), 'FixedPostNum([2, 3], num 2, per-entry data, float32, nS)');

  const lazyData = ef.fixedPostNum({ shape: [2, 5], num: 1, seed: 3, data: ef.array([1, 2], 'S', 'float64') });
  assert.is(String(lazyData), 'FixedPostNum([2, 5], num 1, per-entry data, float64, S)');
});

test('the exported constructors accept a structure with exactly num entries per line along their axis', () => {
  const W = ef.fixedPostNum({ shape: [3, 7], num: 4, seed: 9, data: Array.from({ length: 12 }, (_, k) => k) }, 'nS');
  const again = new ef.FixedPostNum(W.structure, W.data, 4);
  assert.equal(Array.from(again.table()), Array.from(W.table()));
  assert.is(again.num, 4);
  assert.is(String(again), String(W));
  const T = new ef.FixedPreNum(W.structure.transpose(), W.data, 4);
  assert.equal(Array.from(T.table()), Array.from(W.table()));
  assert.equal(T.shape, [7, 3]);

  // a CSR (CSC) whose rows (columns) happen to hold 2 entries each is a FixedPostNum (FixedPreNum) with num 2
  const csr = ef.csr({ indptr: [0, 2, 4, 6], indices: [0, 3, 1, 2, 0, 1], data: [1, 2, 3, 4, 5, 6], shape: [3, 4] }, 'nS');
  const post = new ef.FixedPostNum(csr.structure, csr.data, 2);
  assert.equal(Array.from(post.table()), [0, 3, 1, 2, 0, 1]);
  assert.is(String(post), 'FixedPostNum([3, 4], num 2, per-entry data, float32, nS)');
  const csc = ef.csc({ indptr: [0, 2, 4], indices: [0, 2, 1, 2], data: [1, 2, 3, 4], shape: [3, 2] }, 'nS');
  const pre = new ef.FixedPreNum(csc.structure, csc.data, 2);
  assert.equal(Array.from(pre.table()), [0, 2, 1, 2]);
  // num 0 over no entries
  const empty = ef.csr({ indptr: [0, 0, 0], indices: [], data: [], shape: [2, 3] });
  assert.is(new ef.FixedPostNum(empty.structure, empty.data, 0).num, 0);
});

test('the exported constructors refuse a structure with the wrong count, an uneven count or the wrong axis, saying what it is and what was expected', () => {
  const IF = ef.InvalidFormatError;
  // rows of 1 and 3 entries: 4 entries over 2 rows, as many as num 2 needs, but not 2 in every row
  const uneven = ef.csr({ indptr: [0, 1, 4], indices: [0, 0, 1, 2], data: [1, 1, 1, 1], shape: [2, 3] }, 'nS');
  expectError(() => new ef.FixedPostNum(uneven.structure, uneven.data, 2), IF,
    'FixedPostNum: the structure is compressed by rows with 4 entries over 2 rows; expected one compressed by rows with exactly 2 entries in every row');
  expectError(() => new ef.FixedPreNum(uneven.structure.transpose(), uneven.data, 2), IF,
    'FixedPreNum: the structure is compressed by cols with 4 entries over 2 cols; expected one compressed by cols with exactly 2 entries in every col');
  // the wrong count
  expectError(() => new ef.FixedPostNum(uneven.structure, uneven.data, 3), IF, 'with 4 entries over 2 rows', 'exactly 3 entries in every row');
  // even lines along the other axis: a CSC with 2 entries per column is not a FixedPostNum
  const csc = ef.csc({ indptr: [0, 2, 4], indices: [0, 2, 1, 2], data: [1, 2, 3, 4], shape: [3, 2] });
  expectError(() => new ef.FixedPostNum(csc.structure, csc.data, 2), IF,
    'FixedPostNum: the structure is compressed by cols with 4 entries over 2 cols; expected one compressed by rows with exactly 2 entries in every row');
  const csr = ef.csr({ indptr: [0, 2, 4], indices: [0, 2, 1, 2], data: [1, 2, 3, 4], shape: [2, 3] });
  expectError(() => new ef.FixedPreNum(csr.structure, csr.data, 2), IF, 'FixedPreNum: the structure is compressed by rows', 'expected one compressed by cols');
  // a structure checked before with another num is still checked against this one
  const W = ef.fixedPostNum({ shape: [2, 3], num: 2, seed: 4, weight: 1 });
  expectError(() => new ef.FixedPostNum(W.structure, W.data, 1), IF, 'with 4 entries over 2 rows', 'exactly 1 entries in every row');
  // as many entries as num 2 needs over 3 rows, spread 3, 1, 2 or 2, 1, 3
  for (const indptr of [[0, 3, 4, 6], [0, 2, 3, 6]]) {
    const m = ef.csr({ indptr, indices: indptr[1] === 3 ? [0, 1, 2, 0, 0, 2] : [0, 1, 0, 0, 1, 2], data: [1, 1, 1, 1, 1, 1], shape: [3, 3] });
    expectError(() => new ef.FixedPostNum(m.structure, m.data, 2), IF, 'with 6 entries over 3 rows', 'exactly 2 entries in every row');
  }
});

test.run();
