/**
 * Host-side checks of the CSR / CSC / COO classes (src/formats/sparse): the values an indptr
 * may hold (non-negative int32 integers, each refused entry named with the reason), the
 * String() of a matrix (shared weight or per-entry data, kept through every view and
 * conversion, as docs/formats.md shows it), and the memory estimate of the other view of a
 * structure (docs/plasticity.md: "it costs two int32 arrays of nnz"), checked against a
 * lowered machine memory.
 */
import os from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

// ------------------------------------------------------------------ indptr values

test('csr / csc: an indptr entry that is not a non-negative int32 integer is refused as such, naming it', () => {
  // [0, v, 2]: 2 entries in 2 lines; v is the bad pointer in the middle
  const bad: [unknown, string][] = [
    [1.5, '1.5'], // a number, not an integer (would truncate to 1 and pass every other check)
    [-1, '-1'], // an integer below 0
    [2 ** 31, '2147483648'], // past int32 (would wrap to −2^31 and pass the order check)
    [2 ** 32 + 1, '4294967297'], // wraps to 1: a valid-looking pointer
    [Number.NaN, 'NaN'],
    ['1', '"1"'],
  ];
  for (const fmt of ['csr', 'csc'] as const) {
    for (const [v, shown] of bad) {
      const input = { indptr: [0, v as number, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] };
      const e = expectError(() => ef[fmt](input), ef.InvalidFormatError);
      assert.is(e.message, `${fmt}: indptr[1] is ${shown}; expected a non-negative int32 integer`, `${fmt} with ${shown}`);
    }
    // the first entry too: refused as a value before its "must be 0" rule
    const first = expectError(() => ef[fmt]({ indptr: [-1, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }), ef.InvalidFormatError);
    assert.is(first.message, `${fmt}: indptr[0] is -1; expected a non-negative int32 integer`);
    const first2 = expectError(() => ef[fmt]({ indptr: [0.5, 2], indices: [0, 0], data: [1, 2], shape: [1, 1] }), ef.InvalidFormatError);
    assert.is(first2.message, `${fmt}: indptr[0] is 0.5; expected a non-negative int32 integer`);
  }
});

test('csr: an indptr entry of 2^31 − 1 is an int32: it is refused for the rule it breaks, not as out of range', () => {
  // the last pointer must equal the number of indices
  let e = expectError(() => ef.csr({ indptr: [0, 2 ** 31 - 1], indices: [0], data: 1, shape: [1, 2] }), ef.InvalidFormatError);
  assert.is(e.message, 'csr: indptr[1] is 2147483647; expected 1 (the length of indices)');
  // and a later pointer may not be smaller
  e = expectError(() => ef.csr({ indptr: [0, 2 ** 31 - 1, 1], indices: [0], data: 1, shape: [2, 2] }), ef.InvalidFormatError);
  assert.is(e.message, 'csr: indptr[2] is 1, less than indptr[1] = 2147483647; expected non-decreasing');
});

test('csr / csc: valid pointers with empty lines (repeated values, the last line included) are kept as given', () => {
  const m = ef.csr({ indptr: [0, 0, 2, 2, 3], indices: [1, 0, 1], data: [1, 2, 3], shape: [4, 2] });
  assert.equal(Array.from(m.indptr), [0, 0, 2, 2, 3]);
  const c = ef.csc({ indptr: Float64Array.of(0, 1, 1), indices: [2], data: [5], shape: [3, 2] });
  assert.equal(Array.from(c.indptr), [0, 1, 1]);
  assert.equal(Array.from(c.indices), [2]);
});

// ------------------------------------------------------------------ String()

test('String(m): format, shape, nnz, shared weight or per-entry data, dtype and unit, through views and conversions', () => {
  const shared = ef.csr({ indptr: [0, 1, 3], indices: [0, 1, 2], data: 0.5, shape: [2, 3] }, 'nS');
  const perEntry = ef.csr({ indptr: [0, 1, 3], indices: [0, 1, 2], data: [1, 2, 3], shape: [2, 3] }, 'nS');
  assert.is(String(shared), 'CSR([2, 3], nnz 3, shared weight, float32, nS)');
  assert.is(String(perEntry), 'CSR([2, 3], nnz 3, per-entry data, float32, nS)');
  assert.is(String(shared.transpose()), 'CSC([3, 2], nnz 3, shared weight, float32, nS)');
  assert.is(String(perEntry.tocsc()), 'CSC([2, 3], nnz 3, per-entry data, float32, nS)');
  assert.is(String(shared.tocoo()), 'COO([2, 3], nnz 3, shared weight, float32, nS)');
  assert.is(String(perEntry.withData(2, 'mV')), 'CSR([2, 3], nnz 3, shared weight, float32, mV)');
  assert.is(String(shared.withData([4, 5, 6])), 'CSR([2, 3], nnz 3, per-entry data, float32, nS)');
  // a computed (lazy) per-entry array, and float64
  assert.is(String(shared.withData(ef.array([1, 2, 3], 'pA').mul(2))), 'CSR([2, 3], nnz 3, per-entry data, float32, pA)');
  const d64 = ef.csc({ indptr: [0, 2], indices: [0, 3], data: [1, 2], shape: [4, 1], dtype: 'float64' });
  assert.is(String(d64), 'CSC([4, 1], nnz 2, per-entry data, float64, 1)');
  // COO: duplicates are merged, a shared weight with duplicates becomes per-entry sums
  assert.is(String(ef.coo({ row: [1, 0], col: [0, 1], data: 2, shape: [2, 2] })), 'COO([2, 2], nnz 2, shared weight, float32, 1)');
  assert.is(String(ef.coo({ row: [1, 1], col: [0, 0], data: 2, shape: [2, 2] })), 'COO([2, 2], nnz 1, per-entry data, float32, 1)');
  assert.is(String(ef.coo({ row: [], col: [], data: [], shape: [0, 3] })), 'COO([0, 3], nnz 0, per-entry data, float32, 1)');
});

// ------------------------------------------------------------------ the other view's cost

/** Run f with os.totalmem() (the library's memory limit) lowered to `bytes`. */
function withMemory<T>(bytes: number, f: () => T): T {
  const original = os.totalmem;
  os.totalmem = () => bytes;
  syncBuiltinESMExports();
  try {
    return f();
  } finally {
    os.totalmem = original;
    syncBuiltinESMExports();
  }
}

test('the other view of a structure is estimated at two int32 per entry (indices and permutation): refused above, built at the limit', () => {
  const nnz = 1000;
  // 10 rows, 1000 columns, one entry per column: the column pointers (1001 int32) cost less than the entries
  const fresh = (): ef.COO => ef.coo({ row: Array.from({ length: nnz }, (_, j) => j % 10), col: Array.from({ length: nnz }, (_, j) => j), data: 1, shape: [10, nnz] });
  const active = new Uint8Array(nnz);
  for (const j of [0, 15, 999]) active[j] = 1; // rows 0, 5 and 9
  const spikes = ef.binary(active);
  const need = 2 * 4 * nnz; // 8000 B = 7.8 KiB
  const refusals: [string, (m: ef.COO) => unknown][] = [
    ['coo.tocsc', (m) => m.tocsc()],
    ['matmul', (m) => ef.matmul(m, spikes)], // events on the columns walk the column view
  ];
  for (const [op, f] of refusals) {
    const e = withMemory(need - 1, () => expectError(() => f(fresh()), ef.ResourceError));
    assert.is(e.message, `${op}: the indices and permutation (one each per entry) of a sparse matrix of shape [10, 1000] would need 7.8 KiB, more than this machine's 7.8 KiB of memory; split the matrix into blocks`);
  }
  // exactly enough memory is enough
  const csc = withMemory(need, () => fresh().tocsc());
  assert.equal(Array.from(csc.indptr.subarray(0, 4)), [0, 1, 2, 3]);
  assert.equal(Array.from(csc.indices.subarray(995)), [5, 6, 7, 8, 9]);
  const y = withMemory(need, () => ef.matmul(fresh(), spikes));
  assert.equal(Array.from(y.dataSync()), [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
});

test.run();
