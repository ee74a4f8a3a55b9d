/**
 * An event product adds the weights of the active entries only (docs/formats.md): the weights
 * of silent synapses are never read into the sum, so a non-finite weight there (an overflowed
 * plastic weight, a 1/0 computed into the data) cannot turn the result into NaN, as
 * w · 0 = NaN would. Checked for every storing format, both sides, compressed either way, on
 * every backend. Weights that can hold Infinity or NaN must come as a computed LazyArray (the
 * constructors refuse non-finite numbers), so the data here is lazy. The sums are of small
 * integers, exact in float32, so results are compared exactly. As a control, the same 0/1
 * values as a float operand multiply every weight, and give NaN where IEEE says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';

/** A 3 × 4 matrix, row-major: its entries (row, col, weight), zero weights meaning absent. */
type Entries = readonly (readonly [number, number, number])[];

/** The silent row 1 (left product) holds NaN, Infinity and −Infinity; so does column 2 (right product). */
const LEFT: Entries = [[0, 0, 1], [0, 3, 2], [1, 0, NaN], [1, 1, Infinity], [1, 3, -Infinity], [2, 1, 3], [2, 3, 4]];
const RIGHT: Entries = [[0, 0, 1], [0, 2, NaN], [1, 1, 2], [1, 2, Infinity], [2, 2, -Infinity], [2, 3, 5]];
const ROW_SPIKES = [1, 0, 1];
const COL_SPIKES = [1, 1, 0, 1];

/** Sums of the weights of active entries only (the promised result). */
function expected(entries: Entries, side: 'left' | 'right'): number[] {
  const out = new Array<number>(side === 'left' ? 4 : 3).fill(0);
  for (const [r, c, w] of entries) {
    if (side === 'left' && ROW_SPIKES[r]) out[c]! += w;
    if (side === 'right' && COL_SPIKES[c]) out[r]! += w;
  }
  return out;
}

/** CSR, CSC, COO and dense forms of `entries`, its data computed lazily (x · 1) so it may hold non-finite values. */
function formats(entries: Entries): [string, ef.CSR | ef.CSC | ef.COO | ef.DenseMatrix][] {
  const lazy = (v: number[]) => ef.array(v).mul(1);
  const rows = entries.map((e) => e[0]), cols = entries.map((e) => e[1]), data = entries.map((e) => e[2]);
  const indptr = [0, 0, 0, 0];
  for (const r of rows) indptr[r + 1]!++;
  for (let r = 0; r < 3; r++) indptr[r + 1]! += indptr[r]!;
  const W = ef.csr({ indptr, indices: cols, data: lazy(data), shape: [3, 4] });
  const grid = Array.from({ length: 3 }, () => new Array<number>(4).fill(0));
  for (const [r, c, w] of entries) grid[r]![c] = w;
  return [
    ['csr', W],
    ['csc', W.tocsc()],
    ['coo', ef.coo({ row: rows, col: cols, data: lazy(data), shape: [3, 4] })],
    ['dense', ef.dense(ef.array(grid).mul(1))],
  ];
}

for (const side of ['left', 'right'] as const) {
  forEachBackend(test, `events @ M (${side}): the weights of silent entries, NaN and ±Infinity included, are never added`, () => {
    const entries = side === 'left' ? LEFT : RIGHT;
    const want = expected(entries, side);
    assert.ok(want.every(Number.isFinite), 'the oracle holds only finite sums');
    for (const [fmt, M] of formats(entries)) {
      const y = side === 'left' ? ef.matmul(ef.binary(ROW_SPIKES), M) : ef.matmul(M, ef.binary(COL_SPIKES));
      assert.equal(Array.from(y.dataSync()), want, `${fmt} (${side})`);
    }
  });
}

/** Float products multiply every stored weight: the oracle sums w · x over all entries (IEEE: 0 · ±Infinity = NaN). */
function floatExpected(entries: Entries, side: 'left' | 'right'): number[] {
  const out = new Array<number>(side === 'left' ? 4 : 3).fill(0);
  for (const [r, c, w] of entries) {
    if (side === 'left') out[c]! += w * ROW_SPIKES[r]!;
    else out[r]! += w * COL_SPIKES[c]!;
  }
  return out;
}

for (const side of ['left', 'right'] as const) {
  forEachBackend(test, `control: a float operand of the same 0/1 values @ M (${side}) multiplies every weight, so 0 · ±Infinity and 0 · NaN give NaN`, () => {
    const entries = side === 'left' ? LEFT : RIGHT;
    const want = floatExpected(entries, side);
    assert.ok(want.some(Number.isNaN), 'the control has NaN outputs');
    for (const [fmt, M] of formats(entries)) {
      const y = side === 'left' ? ef.matmul(ef.array(ROW_SPIKES), M) : ef.matmul(M, ef.array(COL_SPIKES));
      assert.equal(Array.from(y.dataSync()), want, `${fmt} (${side}, float operand)`);
    }
  });
}

forEachBackend(test, 'fixed-number connectivity: events @ M and M @ events skip the non-finite weights of silent lines', () => {
  // each row has 2 targets; row 1 is silent in the left product and holds NaN and Infinity
  const indices = [[0, 3], [1, 2], [1, 3]];
  const M = ef.fixedPostNum({ shape: [3, 4], indices, data: ef.array([1, 2, NaN, Infinity, 3, 4]).mul(1) });
  assert.equal(Array.from(ef.matmul(ef.binary(ROW_SPIKES), M).dataSync()), [1, 3, 0, 6], 'fixedPostNum (left)');
  // right: column 2 is silent, and holds the only non-finite weight reached there (row 1's Infinity)
  const N = ef.fixedPostNum({ shape: [3, 4], indices, data: ef.array([1, 2, 5, Infinity, 3, 4]).mul(1) });
  assert.equal(Array.from(ef.matmul(N, ef.binary(COL_SPIKES)).dataSync()), [3, 5, 7], 'fixedPostNum (right)');
});

test.run();
