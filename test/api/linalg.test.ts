/**
 * Typed errors and units of W.diagAdd and ef.linalg (not a shared suite: argument checks and
 * host-side solves, which run the same on every backend).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const spd = () => ef.csr({ indptr: [0, 2, 5, 7], indices: [0, 1, 0, 1, 2, 1, 2], data: [4, -1, -1, 4, -1, -1, 4], shape: [3, 3] }, 'nS');
const rect = () => ef.csr({ indptr: [0, 1, 1], indices: [2], data: [1], shape: [2, 3] }, 'nS');

test('diagAdd: a non-square matrix is a ShapeMismatchError in every format', () => {
  for (const W of [rect(), rect().tocsc(), rect().tocoo(), rect().todense()]) {
    expectError(() => W.diagAdd(1), ef.ShapeMismatchError, `${W.format}.diagAdd`, '[2, 3]', 'square');
  }
  const F = ef.fixedPostNum({ shape: [3, 4], num: 1, weight: 1, seed: 1 });
  expectError(() => F.diagAdd(1), ef.ShapeMismatchError, 'csr.diagAdd', '[3, 4]');
});

test('diagAdd: d of the wrong shape, unit, kind or value', () => {
  const W = spd();
  expectError(() => W.diagAdd(ef.array([1, 2], 'nS')), ef.ShapeMismatchError, 'd has shape [2]', '[3]');
  expectError(() => W.diagAdd(ef.array([1, 2, 3], 'mV')), ef.UnitMismatchError, 'csr.diagAdd', 'mV', 'nS');
  expectError(() => W.todense().diagAdd(ef.scalar(1, 'ms')), ef.UnitMismatchError, 'dense.diagAdd');
  expectError(() => W.diagAdd(NaN), ef.InvalidArgumentError, 'finite');
  expectError(() => W.diagAdd('1' as unknown as number), ef.InvalidArgumentError, 'd is');
  expectError(() => W.diagAdd(ef.binary([1, 0, 1])), ef.InvalidArgumentError, 'bool');
});

test('diagAdd: units convert; fixed-number matrices give a CSR; float64 stays float64', () => {
  const W = spd().diagAdd(ef.scalar(0.002, 'uS'));
  assert.equal(Array.from(W.todense().data.dataSync()).filter((_, q) => q % 4 === 0), [6, 6, 6]);
  const F = ef.fixedPreNum({ shape: [4, 4], num: 2, weight: 1, seed: 2 }).diagAdd(3);
  assert.ok(F instanceof ef.CSR);
  const D = ef.dense([[1, 2], [3, 4]], 'nS', { dtype: 'float64' }).diagAdd(0.1);
  assert.is(D.dtype, 'float64');
  assert.equal(Array.from(D.data.dataSync()), [1.1, 2, 3, 4.1]);
});

test('solve and cg: a non-square A and mismatched shapes are ShapeMismatchErrors', () => {
  expectError(() => ef.linalg.solve(rect(), ef.ones([2])), ef.ShapeMismatchError, 'linalg.solve', '[2, 3]', 'square');
  expectError(() => ef.linalg.cg(rect().todense(), ef.ones([2])), ef.ShapeMismatchError, 'linalg.cg', '[2, 3]');
  expectError(() => ef.linalg.cg(spd(), ef.ones([4])), ef.ShapeMismatchError, 'b has shape [4]', 'expected [3]');
  expectError(() => ef.linalg.solve(spd(), ef.ones([3, 1])), ef.ShapeMismatchError, 'b has shape [3, 1]');
  expectError(() => ef.linalg.cg(spd(), ef.ones([3]), { x0: ef.ones([2], '1/nS') }), ef.ShapeMismatchError, 'x0 has shape [2]');
  expectError(() => ef.linalg.solve(ef.ones([3]), ef.ones([3])), ef.ShapeMismatchError, 'A has shape [3]');
});

test('solve: a singular matrix is a SingularMatrixError naming the column', () => {
  const A = ef.dense([[1, 2, 0], [2, 4, 0], [0, 0, 1]]);
  expectError(() => ef.linalg.solve(A, ef.ones([3])), ef.SingularMatrixError, 'column 1', 'singular');
  const zeroCol = ef.csr({ indptr: [0, 1, 2, 3], indices: [0, 2, 2], data: [1, 1, 1], shape: [3, 3] });
  expectError(() => ef.linalg.solve(zeroCol, ef.ones([3]), { method: 'lu' }), ef.SingularMatrixError, 'column 1');
});

test('cg: no convergence within maxIter is a ConvergenceError giving the residual and iterations', () => {
  const e = expectError(() => ef.linalg.cg(spd(), ef.array([1, 2, 3]), { maxIter: 1 }), ef.ConvergenceError, 'in 1 iterations', 'relative residual', 'reached');
  assert.match(e.message, /reached \d\.\d{3}e-\d/);
  expectError(() => ef.linalg.solve(spd(), ef.array([1, 2, 3]), { method: 'cg', maxIter: 0 }), ef.ConvergenceError, 'in 0 iterations');
});

test('cg: an indefinite symmetric matrix breaks down (pᵀAp ≤ 0) with a ConvergenceError; a non-positive diagonal is refused up front', () => {
  // eigenvalues 3 and −1, positive diagonal: Jacobi applies, the second step finds negative curvature
  const A = ef.dense([[1, 2], [2, 1]]);
  expectError(() => ef.linalg.cg(A, ef.array([1, 0])), ef.ConvergenceError, 'broke down at iteration 2', 'not positive definite', "method: 'lu'");
  const N = ef.dense([[2, 0], [0, -1]]);
  expectError(() => ef.linalg.cg(N, ef.array([1, 1])), ef.InvalidArgumentError, 'A[1, 1] is -1', 'Jacobi');
  expectError(() => ef.linalg.cg(ef.dense([[0, 1], [1, 0]]), ef.array([1, 1])), ef.InvalidArgumentError, 'A[0, 0] is 0');
  expectError(() => ef.linalg.cg(N, ef.array([1, 1]), { preconditioner: 'none' }), ef.ConvergenceError, 'not positive definite');
  expectError(() => ef.linalg.cg(ef.dense([[2, 1], [0, 2]]), ef.array([1, 1])), ef.InvalidArgumentError, 'not symmetric', 'A[0, 1] = 1', 'A[1, 0] = 0');
});

test('NaN in b (or A) and bad options are InvalidArgumentErrors', () => {
  expectError(() => ef.linalg.cg(spd(), ef.array([1, NaN, 3])), ef.InvalidArgumentError, 'b[1] is NaN');
  expectError(() => ef.linalg.solve(spd(), ef.array([1, 2, Infinity])), ef.InvalidArgumentError, 'b[2] is Infinity');
  const lazyNaN = spd().withData(ef.array([4, -1, -1, 4, -1, -1, 4]).abs().log().mul(0).add(ef.array([1, 0, 0, 1, 0, 0, NaN])));
  expectError(() => ef.linalg.solve(lazyNaN, ef.ones([3])), ef.InvalidArgumentError, 'A[2, 2] is NaN');
  expectError(() => ef.linalg.cg(spd(), ef.ones([3]), { tol: 0 }), ef.InvalidArgumentError, 'tol is 0');
  expectError(() => ef.linalg.cg(spd(), ef.ones([3]), { maxIter: 1.5 }), ef.InvalidArgumentError, 'maxIter is 1.5');
  expectError(() => ef.linalg.cg(spd(), ef.ones([3]), { preconditioner: 'ilu' as 'none' }), ef.InvalidArgumentError, '"ilu"');
  expectError(() => ef.linalg.cg(spd(), ef.ones([3]), { maxiter: 3 } as object), ef.InvalidArgumentError, "unknown option 'maxiter'");
  expectError(() => ef.linalg.solve(spd(), ef.ones([3]), { method: 'qr' as 'lu' }), ef.InvalidArgumentError, '"qr"');
  expectError(() => ef.linalg.solve(spd(), ef.ones([3]), { method: 'lu', tol: 1e-3 }), ef.InvalidArgumentError, "method 'cg'");
  expectError(() => ef.linalg.solve([[1]] as unknown as ef.CSR, ef.ones([1])), ef.InvalidArgumentError, 'A is');
  expectError(() => ef.linalg.cg(spd(), [1, 2, 3] as unknown as ef.LazyArray), ef.InvalidArgumentError, 'b is');
});

test('units: x is in unit(b)/unit(A); x0 is converted; a zero b gives x = 0 at once', () => {
  const r = ef.linalg.cg(spd(), ef.array([1, 2, 3], 'pA'), { tol: 1e-12 });
  assert.ok(r.x.unit.equals(ef.Unit.of('pA/nS')));
  assert.is(r.x.dtype, 'float64');
  const mV = r.x.to('mV').dataSync();
  const lu = ef.linalg.solve(spd(), ef.array([1, 2, 3], 'pA'), { method: 'lu' }).to('mV').dataSync();
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(mV[i]! - lu[i]!) < 1e-9, `${mV[i]} vs ${lu[i]}`);
  // x0 = the solution, in mV: converged before the first step
  const again = ef.linalg.cg(spd(), ef.array([1, 2, 3], 'pA'), { x0: ef.array(Array.from(lu), 'mV', { dtype: 'float64' }), tol: 1e-9 });
  assert.is(again.iterations, 0);
  expectError(() => ef.linalg.cg(spd(), ef.ones([3], 'pA'), { x0: ef.ones([3], 'nS') }), ef.UnitMismatchError, 'x0');
  const zero = ef.linalg.cg(spd(), ef.zeros([3], 'pA'));
  assert.equal([zero.iterations, zero.residual, Array.from(zero.x.dataSync())], [0, 0, [0, 0, 0]]);
});

test('the default method: lu up to LU_DEFAULT_N unknowns', () => {
  assert.is(ef.linalg.LU_DEFAULT_N, 5000);
  // an unsymmetric matrix is solved by the default (lu), which cg would refuse
  const A = ef.dense([[2, 1], [0, 3]]);
  assert.equal(Array.from(ef.linalg.solve(A, ef.array([3, 3])).dataSync()), [1, 1]);
});

test('the new error classes derive from EventfuseError and carry their names', () => {
  for (const C of [ef.ConvergenceError, ef.SingularMatrixError]) {
    const e = new C('msg');
    assert.ok(e instanceof ef.EventfuseError);
    assert.is(e.name, C.name);
  }
});

test.run();
