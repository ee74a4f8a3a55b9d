/**
 * ef.linalg.solve(A, b, { method }): x with A x = b, in unit(b)/unit(A).
 * - 'lu': the direct sparse LU with partial pivoting (lu.ts), any nonsingular A up to
 *   LU_MAX_N unknowns;
 * - 'cg': conjugate gradients (cg.ts) for a symmetric positive definite A; the CG options
 *   (x0, tol, maxIter, preconditioner) are accepted beside `method`.
 * Default: 'lu' for n ≤ LU_DEFAULT_N (direct, exact to rounding, no SPD needed); above it
 * 'cg' when A is symmetric with a positive diagonal, otherwise an InvalidArgumentError that
 * advises method 'lu' (up to LU_MAX_N) or a preconditioned iterative method of one's own.
 */
import { InvalidArgumentError } from '../errors.js';
import type { LazyArray } from '../api/array.js';
import { isOptions } from '../formats/data.js';
import { kindOf, show } from '../formats/describe.js';
import { cgOptions, cgHost, checkSpdShape, type CgOptions } from './cg.js';
import { asymmetry, diagonal, hostMatrix, hostVector, solution } from './host.js';
import { inUnit } from '../formats/data.js';
import { LU_MAX_N, luFactor, luSolve } from './lu.js';

/** The default method is 'lu' up to this many unknowns. */
export const LU_DEFAULT_N = 5000;

export interface SolveOptions extends CgOptions {
  /** 'lu' (direct) or 'cg' (SPD A); chosen from n and A when left out. */
  readonly method?: 'cg' | 'lu';
}

export function solve(A: unknown, b: unknown, options?: SolveOptions): LazyArray {
  const op = 'linalg.solve';
  if (options !== undefined && !isOptions(options)) throw new InvalidArgumentError(`${op}: options is ${kindOf(options)}; expected an object { method, x0, tol, maxIter, preconditioner }`);
  const method = options?.method;
  if (method !== undefined && method !== 'cg' && method !== 'lu') throw new InvalidArgumentError(`${op}: method is ${show(method)}; expected 'lu' or 'cg'`);
  const m = hostMatrix(op, A);
  const rhs = hostVector(op, 'b', b, m.n);
  const unit = (b as LazyArray).unit.div(m.unit);
  const { method: _, ...cgOpts } = options ?? {};
  const o = cgOptions(op, options === undefined ? undefined : cgOpts, m.n);
  let chosen = method;
  if (chosen === undefined) {
    if (m.n <= LU_DEFAULT_N) chosen = 'lu';
    else if (asymmetry(m) === undefined && diagonal(m).every((v) => v > 0)) chosen = 'cg';
    else {
      throw new InvalidArgumentError(`${op}: A has ${m.n} unknowns (above ${LU_DEFAULT_N}, where the default is the direct LU) and is not symmetric with a positive diagonal, so CG does not apply; pass { method: 'lu' } (up to ${LU_MAX_N} unknowns, fill-in permitting)`);
    }
  }
  if (chosen === 'lu') {
    if (options?.x0 !== undefined || options?.maxIter !== undefined || options?.tol !== undefined || options?.preconditioner !== undefined) {
      throw new InvalidArgumentError(`${op}: x0, tol, maxIter and preconditioner are options of method 'cg'; the 'lu' method takes none`);
    }
    return solution(luSolve(luFactor(op, m), rhs), unit);
  }
  const x = options?.x0 === undefined ? new Float64Array(m.n) : hostVector(op, 'x0', inUnit(op, 'x0', options.x0, unit), m.n);
  const d = checkSpdShape(op, m, o.jacobi);
  cgHost(op, m, rhs, x, o, d);
  return solution(x, unit);
}
