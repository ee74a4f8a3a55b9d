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
  FORMATS, buildMatrix, buildOperand, oracle, oracleAbs, operand, productScale, sparseCase, transposeDense,
  type SparseCase,
} from '../arbitraries/sparse.js';
import { checkProduct, withOperands } from '../helpers/products.js';
import { RUN_OPTS, expectDense, expectIdentical, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(50), includeErrorInReport: true };
const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');




for (const fmt of FORMATS) {
  forEachBackend(test, `${fmt}: x @ M and M @ x (floats, binary and bool events; vectors and batches) match the float64 oracle`, (backend) => {
    fc.assert(fc.property(sparseCase().chain((c) => withOperands(c)), ({ c, left, right }) => {
      const M = buildMatrix(c, fmt);
      const m = oracle(c);
      const abs = oracleAbs(c);
      checkProduct(backend, M, m, abs, left, 'left', fmt);
      checkProduct(backend, M, m, abs, right, 'right', fmt);
    }), OPTS);
  });

  forEachBackend(test, `${fmt}: products with M.transpose() match the transposed oracle`, (backend) => {
    fc.assert(fc.property(sparseCase().chain((c) => withOperands(c)), ({ c, tLeft, tRight }) => {
      const T = buildMatrix(c, fmt).transpose();
      assert.equal([...T.shape], [c.cols, c.rows], 'transpose shape');
      const m = transposeDense(oracle(c));
      const abs = transposeDense({ values: oracleAbs(c), shape: [c.rows, c.cols], dtype: 'float64' }).values;
      checkProduct(backend, T, m, abs, tLeft, 'left', `${fmt}ᵀ`);
      checkProduct(backend, T, m, abs, tRight, 'right', `${fmt}ᵀ`);
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
    const abs = oracleAbs(c);
    const m = oracle(c);
    for (const [x, side] of [[left, 'left'], [right, 'right']] as const) {
      const ev = buildOperand(x);
      const asFloat = ef.array(x.values, '1', { shape: x.shape });
      const a: LazyArray = side === 'left' ? ef.matmul(ev, M) : ef.matmul(M, ev);
      const b: LazyArray = side === 'left' ? ef.matmul(asFloat, M) : ef.matmul(M, asFloat);
      assert.ok(a.unit.equals(b.unit), `units ${a.unit} vs ${b.unit}`);
      const vb = Array.from(b.dataSync());
      expectDense(backend, a, { values: vb, shape: [...b.shape], dtype: b.dtype }, `${fmt} ${side} events vs floats`, 2 * productScale(m, abs, x, side));
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
    const scale = productScale(oracle(c), oracleAbs(c), x, 'left');
    expectDense(backend, a, { values: Array.from(b.dataSync()), shape: [...b.shape], dtype: b.dtype }, `${fmt} shared vs per-entry`, scale);
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
