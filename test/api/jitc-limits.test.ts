/**
 * The sizes a JIT matrix's conversions announce when they refuse (docs/jitc.md, "Limits";
 * src/formats/jitc/matrix.ts): checked while building, on the host, once.
 * - todense counts 4 bytes per float32 entry and 8 per float64 entry;
 * - tocsr counts, per expected entry, an int32 index, and for drawn weights (uniform,
 *   normal) also a float64 draw and the stored weight (4 or 8 bytes): 4, 16 or 20 bytes;
 * - the expected count is shown with grouped digits below 10^15 and as an exponent from there;
 * - 2^31 − 1 lines need 2^31 pointers: refused, even when no entry is expected;
 * - a draw past a lowered limit names that limit alone (the 2^31 − 1 wording is for the real one).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { storedEntries } from '../../src/formats/jitc/matrix.js';
import { MAX_ELEMENTS, showBytes } from '../../src/limits.js';
import { expectError } from '../helpers/suite.js';

test('todense announces 4 bytes per float32 entry and 8 per float64 entry', () => {
  for (const [dtype, bytes] of [['float32', 4], ['float64', 8]] as const) {
    const J = ef.jitc.scalar({ shape: [1e5, 1e5], prob: 0.01, weight: 1, seed: 1, dtype });
    expectError(() => J.todense(), ef.ResourceError, `would hold 10,000,000,000 elements (${showBytes(1e10 * bytes)})`);
  }
});

test('tocsr announces 4 bytes per expected entry for scalar weights, 16 for drawn float32 weights, 20 for float64', () => {
  const base = { shape: [1e9, 1e9] as const, prob: 0.5, seed: 3 };
  const cases: [string, ef.JITCMatrix, number][] = [
    ['scalar', ef.jitc.scalar({ ...base, shape: [1e9, 1e9], weight: 1 }), 4],
    ['uniform float32', ef.jitc.uniform({ ...base, shape: [1e9, 1e9], low: 0, high: 1 }), 4 + 8 + 4],
    ['normal float64', ef.jitc.normal({ ...base, shape: [1e9, 1e9], mean: 0, std: 1, dtype: 'float64' }), 4 + 8 + 8],
  ];
  for (const [name, J, perEntry] of cases) {
    const e = expectError(() => J.tocsr(), ef.ResourceError, 'jitc.tocsr:');
    assert.ok(e.message.includes(`(${showBytes(5e17 * perEntry)})`), `${name}: ${perEntry} bytes per entry in: ${e.message}`);
  }
});

test('the expected count: grouped digits below 10^15, an exponent from 10^15', () => {
  const count = (rows: number, cols: number) =>
    expectError(() => ef.jitc.scalar({ shape: [rows, cols], prob: 1, weight: 1, seed: 1 }).tocsr(), ef.ResourceError).message;
  assert.match(count(1e5, 1e9), 'expected rows · cols · prob = 100,000,000,000,000)');
  assert.match(count(1e6, 1e9), 'expected rows · cols · prob = 1.00e+15)');
});

test('2^31 − 1 lines need 2^31 pointers: refused even with nothing expected to store', () => {
  for (const orient of ['row', 'col'] as const) {
    const shape = orient === 'row' ? [MAX_ELEMENTS, 1] : [1, MAX_ELEMENTS];
    const J = ef.jitc.scalar({ shape, prob: 0, weight: 1, seed: 1, orient });
    expectError(() => J.tocsr(), ef.ResourceError, `the pointers over the 2147483647 ${orient === 'row' ? 'rows' : 'columns'} of a JIT matrix`, '2,147,483,648 elements');
  }
  // control: a matrix of a few lines with nothing expected converts (its pointers are all 0)
  const empty = ef.jitc.scalar({ shape: [5, 1], prob: 0, weight: 1, seed: 1 }).tocsr();
  assert.equal(Array.from(empty.indptr), [0, 0, 0, 0, 0, 0]);
});

test('a draw past a lowered limit names that limit alone', () => {
  const J = ef.jitc.scalar({ shape: [100, 100], prob: 0.5, weight: 1, seed: 7 });
  const e = expectError(() => storedEntries(J, 'jitc.tocsr', 1000), ef.ResourceError);
  assert.match(e.message, 'drew more than 1000 entries; the limit is 1000 entries (int32 indices)');
});

test.run();
