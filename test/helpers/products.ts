/** Product checks shared by the format suites: x @ M and M @ x against dense math on an oracle. */
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { buildOperand, operand, operandDense, productScale, type OperandCase } from '../arbitraries/sparse.js';
import { matmul, type Dense } from './oracle.js';
import { expectDense } from './suite.js';

const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');

/**
 * Check x @ M (left) or M @ x (right) against the oracle `m` (with Σ|entry| per cell in `mAbs`,
 * for the tolerance): values, shape, dtype, and the unit (data in nS; float operands in mV).
 */
export function checkProduct(backend: string, M: ef.LinearOperator, m: Dense, mAbs: readonly number[], x: OperandCase, side: 'left' | 'right', what: string): void {
  const X = buildOperand(x, 'mV');
  const y = side === 'left' ? ef.matmul(X, M) : ef.matmul(M, X);
  const xd = operandDense(x);
  const label = `${what}: ${side === 'left' ? `${x.kind}${JSON.stringify(x.shape)} @ ${M}` : `${M} @ ${x.kind}${JSON.stringify(x.shape)}`}`;
  expectDense(backend, y, side === 'left' ? matmul(xd, m) : matmul(m, xd), label, productScale(m, mAbs, x, side));
  const unit = x.kind === 'float' ? mVnS : nS;
  assert.ok(y.unit.equals(unit), `${label}: unit ${y.unit}, expected ${unit}`);
}

type OperandArb = (n: number, side: 'left' | 'right') => fc.Arbitrary<OperandCase>;

/** A case with operands (from `make`, default the shared generator) for both sides of M and of its transpose. */
export const withOperands = <C extends { readonly rows: number; readonly cols: number }>(c: C, make: OperandArb = operand) =>
  fc.record({
    c: fc.constant(c),
    left: make(c.rows, 'left'),
    right: make(c.cols, 'right'),
    tLeft: make(c.cols, 'left'),
    tRight: make(c.rows, 'right'),
  });
