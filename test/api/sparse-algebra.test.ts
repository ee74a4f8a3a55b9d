/**
 * Host-side checks of arithmetic and selection on stored weights (docs/formats.md,
 * "Arithmetic and selection on stored weights"; docs/jitc.md, "Rows and columns"): the typed
 * errors and what they name, the units of results, the classes rows/cols return, and that the
 * index array sampling a dense operand is built once per structure. Values on every backend:
 * test/formats/sparse-algebra.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const W = ef.csr({ indptr: [0, 2, 3, 5], indices: [1, 3, 0, 1, 3], data: [0.5, 1, 2, 4, 0.25], shape: [3, 4] }, 'nS');
const values = (m: { todense(): ef.DenseMatrix }): number[] => Array.from(m.todense().data.dataSync());

test('an operand that is neither a scalar, a [rows, cols] array nor a matrix of the pattern is refused, naming its shape', () => {
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    expectError(() => W[op](ef.zeros([4, 3], 'nS')), ef.ShapeMismatchError, `csr.${op}: expected a scalar`, '[3, 4] (sampled at the stored entries)', 'got shape [4, 3]');
    expectError(() => W[op](ef.zeros([3], 'nS')), ef.ShapeMismatchError, `csr.${op}:`, 'got shape [3]');
    expectError(() => W.todense()[op](ef.zeros([3, 3], 'nS')), ef.ShapeMismatchError, `dense.${op}: expected a scalar`, 'got shape [3, 3]');
    expectError(() => W[op]('2' as never), ef.ShapeMismatchError, `csr.${op}:`, 'got string');
  }
  expectError(() => W.add(W.transpose()), ef.ShapeMismatchError, 'csr.add: the other matrix has shape [4, 3]; expected [3, 4]');
});

test('a matrix of another pattern is an InvalidFormatError naming the first line that differs', () => {
  const fewer = ef.csr({ indptr: [0, 1, 2, 4], indices: [1, 0, 1, 3], data: 1, shape: [3, 4] }, 'nS');
  expectError(() => W.add(fewer), ef.InvalidFormatError, 'csr.add: the other matrix has a different structure: row 0 holds 2 stored entries here and 1 in the other', 'W.mul(other.todense())');
  const moved = ef.coo({ row: [0, 0, 1, 2, 2], col: [1, 2, 0, 1, 3], data: 1, shape: [3, 4] }, 'nS');
  expectError(() => W.mul(moved), ef.InvalidFormatError, 'row 0 holds column 2 in the other but not here');
  expectError(() => W.tocsc().mul(moved), ef.InvalidFormatError, 'csc.mul:', 'column 2 holds 0 stored entries here and 1 in the other');
  const J = ef.jitc.scalar({ shape: [3, 4], prob: 0.5, weight: 1, seed: 1 });
  expectError(() => W.add(J as never), ef.InvalidFormatError, 'csr.add: the other matrix is a JIT matrix', 'tocsr()');
  // the same pattern, independently built and stored the other way: accepted
  const same = ef.csc({ indptr: [0, 1, 3, 3, 5], indices: [1, 0, 2, 0, 2], data: [10, 20, 30, 40, 50], shape: [3, 4] }, 'nS');
  assert.equal(values(W.add(same)), [0, 20.5, 0, 41, 12, 0, 0, 0, 0, 34, 0, 50.25]);
});

test('units: add/sub need the dimension of the weights, mul/div combine units; a scalar add reaches stored entries only', () => {
  expectError(() => W.add(ef.scalar(1, 'mV')), ef.UnitMismatchError, 'add', 'nS', 'mV');
  expectError(() => W.sub(ef.ones([3, 4])), ef.UnitMismatchError, 'sub');
  expectError(() => W.add(1), ef.UnitMismatchError, 'add');
  assert.is(W.mul(ef.full([3, 4], 2, 'mV')).unit.toString(), 'nS·mV');
  assert.is(W.div(ef.scalar(2, 'ms')).unit.toString(), 'nS/ms');
  assert.is(W.map((w) => w.mul(w)).unit.toString(), 'nS^2');
  assert.is(W.abs().unit.toString(), 'nS');
  // 1 nS added to the 5 stored entries; the 7 absent ones stay 0 (not the dense W + c)
  assert.equal(values(W.add(ef.scalar(1, 'nS'))), [0, 1.5, 0, 2, 3, 0, 0, 0, 0, 5, 0, 1.25]);
  assert.equal(values(W.todense().add(ef.scalar(1, 'nS'))), [1, 1.5, 1, 2, 3, 1, 1, 1, 1, 5, 1, 1.25]);
  assert.equal(values(W.add(ef.full([3, 4], 0.5, 'pS'))), [0, 0.5005, 0, 1.0005, 2.0005, 0, 0, 0, 0, 4.0005, 0, 0.2505].map(Math.fround));
});

test('map: f gets the stored values and must return a float array of the same length', () => {
  expectError(() => W.map((w) => w.slice({ start: 0, stop: 2 })), ef.ShapeMismatchError, 'csr.map: f returned shape [2]; expected [5]');
  expectError(() => W.map((w) => w.greater(ef.scalar(1, 'nS'))), ef.InvalidArgumentError, 'csr.map: f returned a bool array');
  expectError(() => W.map(() => 3 as never), ef.InvalidArgumentError, 'csr.map: f returned number; expected a LazyArray');
  expectError(() => W.map(7 as never), ef.InvalidArgumentError, 'csr.map: f is number; expected a function');
  expectError(() => W.todense().map((w) => w.sum(0)), ef.ShapeMismatchError, 'dense.map: f returned shape [4]; expected [3, 4]');
  // a shared weight is passed as its 0-d array; f may give one value per entry
  const S = W.withData(2);
  assert.is(S.map((w) => w.mul(3)).data.ndim, 0);
  assert.equal(values(S.map((w) => w.mul(ef.array([1, 2, 3, 4, 5])))), [0, 2, 0, 4, 6, 0, 0, 0, 0, 8, 0, 10]);
  expectError(() => S.map(() => ef.zeros([4], 'nS')), ef.ShapeMismatchError, 'expected [] (one value per stored entry, or [5])');
});

test('rows/cols: indices out of range, not integers or not a list are InvalidArgumentErrors naming the index and the bound', () => {
  expectError(() => W.rows([0, 3]), ef.InvalidArgumentError, 'csr.rows: indices[1] is 3, out of range for 3 rows; expected an integer in [-3, 2]');
  expectError(() => W.cols([-5]), ef.InvalidArgumentError, 'csr.cols: indices[0] is -5, out of range for 4 columns; expected an integer in [-4, 3]');
  expectError(() => W.todense().rows([7]), ef.InvalidArgumentError, 'dense.rows: indices[0] is 7, out of range for 3 rows');
  expectError(() => W.tocoo().cols([1.5]), ef.InvalidArgumentError, 'coo.cols: indices[0] is 1.5; expected an integer column index');
  expectError(() => W.rows(2 as never), ef.InvalidArgumentError, 'csr.rows: indices is number; expected a list of row indices');
  const F = ef.fixedPostNum({ shape: [4, 6], num: 3, weight: 0.5, seed: 42 }, 'nS');
  expectError(() => F.rows([4]), ef.InvalidArgumentError, 'fixedPostNum.rows: indices[0] is 4, out of range for 4 rows');
});

test('rows/cols take a Python slice { start, stop, step } as well as a list: the same lines as the list Python would give', () => {
  const D = ef.dense(ef.array(Array.from({ length: 5 }, (_, i) => Array.from({ length: 6 }, (_, j) => (i * 6 + j) % 7 === 0 ? 0 : i * 6 + j)), 'nS'));
  const J = ef.jitc.uniform({ shape: [5, 6], prob: 0.6, low: 1, high: 2, seed: 3 }, 'nS');
  // Python: list(range(5))[s] for each slice, and list(range(6))[s] for columns
  const cases: [ef.LineSlice, number[], number[]][] = [
    [{ start: 1, stop: 4 }, [1, 2, 3], [1, 2, 3]],
    [{ step: -1 }, [4, 3, 2, 1, 0], [5, 4, 3, 2, 1, 0]],
    [{ start: -2 }, [3, 4], [4, 5]],
    [{ start: 10 }, [], []],
    [{ start: 4, stop: 0, step: -2 }, [4, 2], [4, 2]],
    [{ stop: -10 }, [], []],
  ];
  for (const m of [D, D.tocsr(), D.tocsc(), D.tocoo()] as const) {
    for (const [slice, rows, cols] of cases) {
      assert.equal(values(m.rows(slice)), values(m.rows(rows)), `${m.format} rows ${JSON.stringify(slice)}`);
      assert.equal(values(m.cols(slice)), values(m.cols(cols)), `${m.format} cols ${JSON.stringify(slice)}`);
    }
  }
  assert.equal(values(J.rows({ step: 2 })), values(J.rows([0, 2, 4])), 'jitc rows by a slice');
  expectError(() => W.rows({ step: 0 }), ef.InvalidArgumentError, 'csr.rows: slice step is 0');
  expectError(() => W.rows({ start: 0.5 }), ef.InvalidArgumentError, 'a slice takes integer start, stop and step only, got start 0.5');
  expectError(() => W.cols({ begin: 1 } as never), ef.InvalidArgumentError, "got key 'begin'");
});

test('rows/cols return this format where it can hold the lines (fixed-number off its axis: CSR / CSC)', () => {
  assert.is(W.rows([1]).format, 'csr');
  assert.is(W.tocsc().cols([1]).format, 'csc');
  assert.is(W.tocoo().rows([1]).format, 'coo');
  assert.ok(W.todense().rows([1]) instanceof ef.DenseMatrix);
  const F = ef.fixedPostNum({ shape: [4, 6], num: 3, weight: 0.5, seed: 42 }, 'nS');
  assert.is(String(F.rows([3, -1, 0])), 'FixedPostNum([3, 6], num 3, shared weight, float32, nS)');
  assert.is(String(F.cols([0, 5])).slice(0, 12), 'CSR([4, 2], ');
  assert.is(String(F.transpose().cols([2, 2])), 'FixedPreNum([6, 2], num 3, shared weight, float32, nS)');
  assert.is(F.transpose().rows([1]).format, 'csc');
  assert.equal(values(W.rows([])), []);
  assert.equal(W.cols([]).shape, [3, 0]);
  assert.equal(values(W.rows([-1, 0, -1])), [0, 4, 0, 0.25, 0, 0.5, 0, 1, 0, 4, 0, 0.25]);
});

test('sampling a dense operand is one gather through an index array built once per structure', () => {
  const D = ef.full([3, 4], 2);
  const gatherIndex = (m: ef.CSR): unknown => (m.data.node.src[1] as unknown as { src: { id: number }[] }).src[1]!.id;
  const a = W.mul(D);
  const b = W.withData([1, 2, 3, 4, 5], 'nS').div(ef.full([3, 4], 4));
  assert.is(gatherIndex(a), gatherIndex(b), 'the same index leaf for every matrix of the structure');
  assert.is(a.data.node.src[1]!.op, 'gather');
});

test('JITC: elementwise ops other than scaling, and rows/cols across the generated lines, are refused with advice', () => {
  const J = ef.jitc.normal({ shape: [5, 7], prob: 0.3, mean: 1, std: 0.2, seed: 4 }, 'nS');
  expectError(() => J.add(ef.scalar(1, 'nS')), ef.InvalidFormatError, 'jitc.add: a just-in-time matrix stores no weights', 'tocsr()');
  expectError(() => J.sub(J), ef.InvalidFormatError, 'jitc.sub:', 'tocsr()');
  expectError(() => J.abs(), ef.InvalidFormatError, 'jitc.abs:', 'tocsr()');
  expectError(() => J.map((w: ef.LazyArray) => w), ef.InvalidFormatError, 'jitc.map:', 'tocsr()');
  expectError(() => J.cols([0]), ef.InvalidArgumentError, "jitc.cols: this JIT matrix is generated by rows (orient 'row')", 'J.rows(', 'J.tocsr().cols(indices)');
  expectError(() => J.transpose().rows([0]), ef.InvalidArgumentError, "jitc.rows: this JIT matrix is generated by columns (orient 'col')", 'J.tocsr().rows(indices)');
  expectError(() => J.rows([5]), ef.InvalidArgumentError, 'jitc.rows: indices[0] is 5, out of range for 5 rows');
  const P = J.rows([4, 0, 4]);
  assert.is(String(P), 'JITC([3, 7], normal, prob 0.3, seed 4, orient row, rows picked from 5, float32, nS)');
  assert.is(String(P.transpose()), 'JITC([7, 3], normal, prob 0.3, seed 4, orient col, cols picked from 5, float32, nS)');
  const line = (M: ef.JITCMatrix, i: number): number[] => values(M).slice(i * 7, i * 7 + 7);
  assert.equal(line(P, 0), line(J, 4));
  assert.equal(line(P.rows([1]), 0), line(J, 0));
  assert.equal(values(P.tocsr()), values(P));
});

test.run();
