/**
 * The rules a product of an operand with a matrix format follows when it is built (before any
 * backend runs, so this runs once, in the cpu+reference process):
 * - its dtype is the promotion of the operand's and the matrix's (a float64 operand with a
 *   float32 matrix gives float64, and the other way round; events take the matrix's dtype);
 * - an event operand (bool) is dimensionless: a bool array carrying a unit is refused on
 *   either side, for every format, with the unit named;
 * - the dense form of a JIT matrix has the matrix's dtype, even when a weight parameter was
 *   given in a wider one (jitc.uniform's width high − low is kept in the wider dtype).
 * Values are checked elsewhere (test/formats/products.test.ts, on every backend).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

type Matrix = ef.CSR | ef.CSC | ef.COO | ef.DenseMatrix | ef.JITCMatrix | ef.FixedPostNum;

/** A 2 × 3 matrix of each format in `dtype`, in nS. */
function matrices(dtype: 'float32' | 'float64'): [string, Matrix][] {
  const W = ef.csr({ indptr: [0, 1, 3], indices: [0, 1, 2], data: [1, 2, 3], shape: [2, 3], dtype }, 'nS');
  return [
    ['csr', W],
    ['csc', W.tocsc()],
    ['coo', W.tocoo()],
    ['dense', ef.dense([[1, 0, 0], [0, 2, 3]], 'nS', { dtype })],
    ['jitc', ef.jitc.scalar({ shape: [2, 3], prob: 0.5, weight: 1, seed: 3, dtype }, 'nS')],
    ['fixedPostNum', ef.fixedPostNum({ shape: [2, 3], num: 2, seed: 1, weight: 1, dtype }, 'nS')],
  ];
}

test('a product has the promoted dtype of its operand and its matrix, on both sides, for every format', () => {
  for (const [fmt, M] of matrices('float32')) {
    const x64 = (n: number) => ef.ones([n], undefined, 'float64');
    assert.is(ef.matmul(x64(2), M).dtype, 'float64', `${fmt}: float64 x @ float32 M`);
    assert.is(ef.matmul(M, x64(3)).dtype, 'float64', `${fmt}: float32 M @ float64 x`);
    assert.is(ef.matmul(ef.ones([2]), M).dtype, 'float32', `${fmt}: float32 x @ float32 M`);
    assert.is(ef.matmul(ef.binary([1, 0]), M).dtype, 'float32', `${fmt}: events @ float32 M`);
    assert.is(ef.matmul(ef.ones([2], undefined, 'int32'), M).dtype, 'float32', `${fmt}: int32 x @ float32 M`);
  }
  for (const [fmt, M] of matrices('float64')) {
    assert.is(ef.matmul(ef.ones([2]), M).dtype, 'float64', `${fmt}: float32 x @ float64 M`);
    assert.is(ef.matmul(M, ef.binary([1, 0, 1])).dtype, 'float64', `${fmt}: float64 M @ events`);
  }
});

test('a bool operand with a unit is refused as events on either side of every format, naming the unit', () => {
  const spikes = (n: number) => ef.array(new Array(n).fill(1), 'mV', { dtype: 'bool' });
  for (const [fmt, M] of matrices('float32')) {
    expectError(() => ef.matmul(spikes(2), M), ef.UnitMismatchError, 'bool operand is events', 'mV', 'expected no unit');
    expectError(() => ef.matmul(M, spikes(3)), ef.UnitMismatchError, 'bool operand is events', 'mV', 'expected no unit');
    // the same operand without a unit is accepted, and the product takes the matrix's unit
    assert.ok(ef.matmul(ef.binary([1, 1]), M).unit.equals(ef.Unit.of('nS')), `${fmt}: events @ M is in nS`);
  }
});

test('the dense form of a JIT matrix keeps the matrix dtype when a weight parameter is wider', () => {
  const high64 = ef.scalar(1, 'nS', 'float64');
  const U = ef.jitc.uniform({ shape: [2, 3], prob: 0.5, low: 0.5, high: high64, seed: 3 }, 'nS');
  const N = ef.jitc.normal({ shape: [2, 3], prob: 0.5, mean: 0.5, std: high64, seed: 3 }, 'nS');
  for (const [name, J] of [['uniform', U], ['normal', N]] as const) {
    assert.is(J.dtype, 'float32', `${name}: the matrix dtype is the option's (default float32)`);
    assert.is(J.todense().dtype, 'float32', `${name}: todense dtype`);
    assert.is(J.todense().data.dtype, 'float32', `${name}: todense data dtype`);
    assert.is(ef.matmul(ef.binary([1, 1]), J).dtype, 'float32', `${name}: events @ J`);
  }
});

test.run();
