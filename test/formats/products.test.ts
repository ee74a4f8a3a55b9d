/**
 * Products with matrix formats (dense, COO, CSR, CSC and the transpose of each) against a
 * float64 dense oracle, on every backend: x @ M and M @ x with float operands and events
 * (ef.binary or a bool comparison), vectors and batches, shapes with 0 and 1 rows or
 * columns, empty rows, duplicate entries, long rows, shared and per-entry weights; the
 * result dtype and unit (data unit × operand unit; events are dimensionless).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import {
  FORMATS, buildMatrix, buildOperand, heldOracle, oracle, oracleAbs, oracleCount, operand, productMagnitudes, sparseCase, transposeDense,
  type Format, type OperandCase, type SparseCase,
} from '../arbitraries/sparse.js';
import { checkProduct, productBound, withOperands, type ProductCells } from '../helpers/products.js';
import { RUN_OPTS, expectDenseWithin, expectIdentical, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(50), includeErrorInReport: true };
const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');

/**
 * The cells of c as format `fmt` holds them (transposed or not), for checkProduct: entry counts,
 * and where the float32 rounding of a merged COO duplicate is not settled. ef.coo merges
 * duplicates into one float32 entry; where the merge is a lazy op (lazy data: a segment sum;
 * a shared weight: weight × count) the reference backend feeds the merged value to the
 * product unrounded while cpu rounds it to float32 (measured: 1 ulp of the output apart),
 * so those cells get 2^-24 of their terms on the reference backend only.
 */
function heldCells(c: SparseCase, fmt: Format, backend: string, transposed = false): ProductCells {
  const t = (v: number[]): number[] => (transposed ? transposeDense({ values: v, shape: [c.rows, c.cols], dtype: 'float64' }).values : v);
  const count = oracleCount(c);
  const unsure = fmt === 'coo' && (c.dataKind === 'lazy' || c.shared !== undefined) && c.dtype === 'float32' && backend === 'reference';
  return { count: t(count), unsettled: unsure ? t(oracleAbs(c).map((a, i) => (count[i]! > 1 ? a : 0))) : undefined };
}

/**
 * Two products of the same terms computed two ways (`b` one of them): each is within
 * productBound of the exact value, so they are within twice that of each other, per output
 * (both use the same matrix, so a dense matrix's rounded cells are common to them).
 */
function twoProducts(backend: string, c: SparseCase, x: OperandCase, side: 'left' | 'right', b: readonly number[]): number[] {
  const mag = productMagnitudes(oracleAbs(c), oracleCount(c), [c.rows, c.cols], x, side);
  return productBound(backend, c.dtype, b, mag).map((v) => 2 * v);
}



for (const fmt of FORMATS) {
  forEachBackend(test, `${fmt}: x @ M and M @ x (floats, binary and bool events; vectors and batches) match the float64 oracle`, (backend) => {
    fc.assert(fc.property(sparseCase().chain((c) => withOperands(c)), ({ c, left, right }) => {
      const M = buildMatrix(c, fmt);
      const m = heldOracle(c, fmt);
      const abs = oracleAbs(c);
      const cells = heldCells(c, fmt, backend);
      checkProduct(backend, M, m, abs, left, 'left', fmt, cells);
      checkProduct(backend, M, m, abs, right, 'right', fmt, cells);
    }), OPTS);
  });

  forEachBackend(test, `${fmt}: products with M.transpose() match the transposed oracle`, (backend) => {
    fc.assert(fc.property(sparseCase().chain((c) => withOperands(c)), ({ c, tLeft, tRight }) => {
      const T = buildMatrix(c, fmt).transpose();
      assert.equal([...T.shape], [c.cols, c.rows], 'transpose shape');
      const m = transposeDense(heldOracle(c, fmt));
      const abs = transposeDense({ values: oracleAbs(c), shape: [c.rows, c.cols], dtype: 'float64' }).values;
      const cells = heldCells(c, fmt, backend, true);
      checkProduct(backend, T, m, abs, tLeft, 'left', `${fmt}ᵀ`, cells);
      checkProduct(backend, T, m, abs, tRight, 'right', `${fmt}ᵀ`, cells);
    }), OPTS);
  });
}

forEachBackend(test, 'the spellings agree bit for bit: ef.matmul, x.matmul(M), M.leftProduct / rightProduct', () => {
  const cases = sparseCase({ long: false }).chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), left: operand(c.rows, 'left'), right: operand(c.cols, 'right') }));
  fc.assert(fc.property(cases, ({ c, fmt, left, right }) => {
    const M = buildMatrix(c, fmt);
    const xl = buildOperand(left);
    const xr = buildOperand(right);
    const y = ef.matmul(xl, M);
    expectIdentical(xl.matmul(M), y, 'x.matmul(M)');
    expectIdentical(M.leftProduct(xl), y, 'M.leftProduct(x)');
    expectIdentical(M.rightProduct(xr), ef.matmul(M, xr), 'M.rightProduct(x)');
  }), { ...OPTS, numRuns: runs(25) });
});

forEachBackend(test, 'events and their 0/1 float spelling give the same product (within rounding)', (backend) => {
  const cases = sparseCase().chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), left: operand(c.rows, 'left', ['binary', 'bool']), right: operand(c.cols, 'right', ['binary', 'bool']) }));
  fc.assert(fc.property(cases, ({ c, fmt, left, right }) => {
    const M = buildMatrix(c, fmt);
    for (const [x, side] of [[left, 'left'], [right, 'right']] as const) {
      const ev = buildOperand(x);
      const asFloat = ef.array(x.values, '1', { shape: x.shape });
      const a: LazyArray = side === 'left' ? ef.matmul(ev, M) : ef.matmul(M, ev);
      const b: LazyArray = side === 'left' ? ef.matmul(asFloat, M) : ef.matmul(M, asFloat);
      assert.ok(a.unit.equals(b.unit), `units ${a.unit} vs ${b.unit}`);
      const vb = Array.from(b.dataSync());
      expectDenseWithin(backend, a, { values: vb, shape: [...b.shape], dtype: b.dtype }, `${fmt} ${side} events vs floats`, twoProducts(backend, c, x, side, vb), 'events vs floats');
    }
  }), OPTS);
});

forEachBackend(test, 'a shared weight equals the same weight given per entry', (backend) => {
  const cases = sparseCase({ shared: true }).chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), x: operand(c.rows, 'left') }));
  fc.assert(fc.property(cases, ({ c, fmt, x }) => {
    const perEntry: SparseCase = { ...c, shared: undefined };
    const a = ef.matmul(buildOperand(x), buildMatrix(c, fmt));
    const b = ef.matmul(buildOperand(x), buildMatrix(perEntry, fmt));
    const vb = Array.from(b.dataSync());
    expectDenseWithin(backend, a, { values: vb, shape: [...b.shape], dtype: b.dtype }, `${fmt} shared vs per-entry`, twoProducts(backend, c, x, 'left', vb), 'shared vs per-entry');
  }), OPTS);
});

forEachBackend(test, 'result dtype and unit: float32 data gives float32; float64 data gives float64; units multiply', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const c: SparseCase = { rows: 2, cols: 3, row: [0, 1, 1], col: [2, 0, 0], values: [1.5, -2, 0.25], shared: undefined, dtype, dataKind: 'numbers' };
    for (const fmt of FORMATS) {
      const M = buildMatrix(c, fmt, 'nS');
      const spikes = ef.binary([1, 1]);
      const v = ef.array([1, 2], 'mV');
      for (const y of [ef.matmul(spikes, M), ef.matmul(v, M), ef.matmul(M, ef.binary([0, 1, 1])), ef.matmul(M, ef.array([1, 2, 3], 'mV'))]) {
        assert.is(y.dtype, dtype, `${fmt} ${dtype}: dtype`);
        assert.ok(y.dataSync() instanceof (dtype === 'float32' ? Float32Array : Float64Array), `${fmt}: storage`);
      }
      assert.ok(ef.matmul(spikes, M).unit.equals(nS), `${fmt}: spikes @ W[nS] is in nS`);
      assert.ok(ef.matmul(v, M).unit.equals(mVnS), `${fmt}: x[mV] @ W[nS] is in mV·nS`);
      assert.ok(ef.matmul(M, ef.array([1, 2, 3], 'V')).unit.equals(ef.Unit.of('V').mul(nS)), `${fmt}: W[nS] @ x[V] is in V·nS`);
      if (M.format !== 'dense') assert.ok(ef.matmul(ef.binary([1, 0]), M.withData(0.5, 'uS')).unit.equals(ef.Unit.of('uS')), `${fmt}: withData unit`);
    }
  }
});

test.run();
