/** Product checks shared by the format suites: x @ M and M @ x against dense math on an oracle. */
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { buildOperand, operand, operandDense, productMagnitudes, type OperandCase, type ProductMagnitudes } from '../arbitraries/sparse.js';
import { capabilities } from './backends.js';
import { MIN_NORMAL32, U32, U64, gamma, ulp32, ulp64 } from './close.js';
import { matmul, type Dense } from './oracle.js';
import { expectDenseWithin } from './suite.js';

const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');

/**
 * The absolute error bound of each output of a product on `backend`, against the float64
 * oracle `expected` (row-major), from that output's own terms (`mag`: S_j and n_j):
 *
 * - float64 sums (cpu, reference; capabilities().float64Sums): float32 inputs multiply
 *   exactly in float64, the float64 sum is off by at most γ_n(2^-53)·S_j, and the store rounds
 *   once to the output's dtype, half an ulp (a full ulp of the exact value where the rounded
 *   sum crosses into the next binade). The float64 oracle is off by as much again as the
 *   backend's sum: bound = 1 ulp + 2·γ_{n+1}(2^-53)·S_j, in ulps of the output's own dtype
 *   (float32 or float64). The γ term is far below an ulp unless the output cancels.
 * - float32 sums (gpujs): each of the n_j products and additions rounds in float32, and
 *   float64 data is held as float32 (one more rounding per term): γ_{n+1}(2^-24)·S_j, plus
 *   1 ulp of the output for the oracle held as float32, plus (n_j + 1)·2^-126 for
 *   products and partial sums flushed to zero below the normal range.
 *
 * `cellU`: the relative rounding of the oracle's cells against the entries the backend adds
 * (0 where the oracle adds the same entries in float64; 2^-24 where it is a float32 matrix
 * whose cells are rounded sums of duplicates), adding cellU·S_j.
 */
export function productBound(backend: string, dtype: ef.DType, expected: readonly number[], mag: ProductMagnitudes, cellU = 0): number[] {
  const caps = capabilities(backend);
  return expected.map((e, j) => {
    const s = mag.sum[j]!;
    const n = mag.terms[j]!;
    const cells = cellU * s;
    if (!caps.float64Sums) return ulp32(e) + gamma(n + 1, U32) * s + (n + 1) * MIN_NORMAL32 + cells;
    const ulp = dtype === 'float64' && caps.dtypes.includes('float64') ? ulp64 : ulp32;
    return ulp(e) + 2 * gamma(n + 1, U64) * s + cells;
  });
}

/** What checkProduct knows of the matrix beyond its oracle. */
export interface ProductCells {
  /** Entries per cell: `m` is then the matrix as the format holds it (heldOracle). */
  readonly count?: readonly number[];
  /**
   * Σ |entry| of the cells whose float32 rounding is not settled (a merged duplicate held
   * rounded by one backend and unrounded by another): 2^-24 of each such term is allowed.
   */
  readonly unsettled?: readonly number[];
}

/**
 * Check x @ M (left) or M @ x (right) against the oracle `m` (with Σ|entry| per cell in
 * `mAbs` for the per-output error bound): values, shape, dtype, and the unit (data in nS;
 * float operands in mV). With `cells.count` (entries per cell) `m` must be the matrix as the
 * format holds it (heldOracle); without, `m` may be a materialized matrix whose float32
 * cells are rounded (sums of duplicates, weights drawn in float64): 2^-24 of every term more,
 * and 2^-150 per unit of |x| for a cell rounded into the subnormal range.
 */
export function checkProduct(backend: string, M: ef.LinearOperator, m: Dense, mAbs: readonly number[], x: OperandCase, side: 'left' | 'right', what: string, cells: ProductCells = {}): void {
  const X = buildOperand(x, 'mV');
  const y = side === 'left' ? ef.matmul(X, M) : ef.matmul(M, X);
  const xd = operandDense(x);
  const label = `${what}: ${side === 'left' ? `${x.kind}${JSON.stringify(x.shape)} @ ${M}` : `${M} @ ${x.kind}${JSON.stringify(x.shape)}`}`;
  const want = side === 'left' ? matmul(xd, m) : matmul(m, xd);
  const rounded = cells.count === undefined && m.dtype === 'float32';
  const bound = productBound(backend, want.dtype, want.values, productMagnitudes(mAbs, cells.count, m.shape, x, side), rounded ? U32 : 0);
  if (rounded) {
    // a cell rounded into float32's subnormal range is off by up to 2^-150 absolute, not 2^-24 relative
    const tiny = productMagnitudes(mAbs.map((a) => (a === 0 ? 0 : 2 ** -150)), undefined, m.shape, x, side).sum;
    bound.forEach((b, j) => { bound[j] = b + tiny[j]!; });
  }
  if (cells.unsettled !== undefined) {
    const unsettled = productMagnitudes(cells.unsettled, cells.count, m.shape, x, side).sum;
    bound.forEach((b, j) => { bound[j] = b + U32 * unsettled[j]!; });
  }
  expectDenseWithin(backend, y, want, label, bound, `product ${want.dtype}${cells.count === undefined ? ' (uncounted)' : ''}`);
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
