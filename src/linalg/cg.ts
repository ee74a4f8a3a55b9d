/**
 * ef.linalg.cg: preconditioned conjugate gradients for a symmetric positive definite A.
 * A is realized once into float64 CSR arrays (host.ts) and the iteration runs on the host in
 * float64: each step needs two dot products on the host anyway (to choose the step and to
 * test convergence), and a relative residual of 1e-8 is below float32 rounding, which a
 * gpujs backend would impose on lazy products.
 */
import { ConvergenceError, InvalidArgumentError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { inUnit, isOptions } from '../formats/data.js';
import { kindOf, show } from '../formats/describe.js';
import { asymmetry, diagonal, hostMatrix, hostVector, matvec, norm2, solution, type HostCsr } from './host.js';

export interface CgOptions {
  /** A first guess, in unit(b)/unit(A) (or a unit of that dimension); zeros by default. */
  readonly x0?: LazyArray;
  /** Stop when ‖b − A x‖ / ‖b‖ ≤ tol (default 1e-8). */
  readonly tol?: number;
  /** At most this many iterations (default 10 · n). */
  readonly maxIter?: number;
  /** 'jacobi' (default): divide the residual by A's diagonal; 'none': plain CG. */
  readonly preconditioner?: 'jacobi' | 'none';
}

export interface CgResult {
  /** The solution, float64, in unit(b)/unit(A). */
  readonly x: LazyArray;
  readonly iterations: number;
  /** ‖b − A x‖ / ‖b‖ of the returned x (recomputed from x, not the recurrence). */
  readonly residual: number;
}

const CG_KEYS = ['x0', 'tol', 'maxIter', 'preconditioner'];

export interface CheckedCg {
  readonly tol: number;
  readonly maxIter: number;
  readonly jacobi: boolean;
}

/** The options, checked (unknown keys are refused, so a misspelt `maxiter` is not ignored). */
export function cgOptions(op: string, options: unknown, n: number, extra: readonly string[] = []): CheckedCg {
  if (options === undefined) return { tol: 1e-8, maxIter: 10 * n, jacobi: true };
  if (!isOptions(options)) throw new InvalidArgumentError(`${op}: options is ${kindOf(options)}; expected an object { ${CG_KEYS.join(', ')} }`);
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!CG_KEYS.includes(k) && !extra.includes(k)) throw new InvalidArgumentError(`${op}: unknown option '${k}'; expected ${[...extra, ...CG_KEYS].join(', ')}`);
  }
  const tol = o['tol'] ?? 1e-8;
  if (typeof tol !== 'number' || !(tol > 0) || !Number.isFinite(tol)) throw new InvalidArgumentError(`${op}: tol is ${show(tol)}; expected a positive number (a relative residual, e.g. 1e-8)`);
  const maxIter = o['maxIter'] ?? 10 * n;
  if (typeof maxIter !== 'number' || !Number.isInteger(maxIter) || maxIter < 0) throw new InvalidArgumentError(`${op}: maxIter is ${show(maxIter)}; expected an integer ≥ 0`);
  const pre = o['preconditioner'] ?? 'jacobi';
  if (pre !== 'jacobi' && pre !== 'none') throw new InvalidArgumentError(`${op}: preconditioner is ${show(pre)}; expected 'jacobi' or 'none'`);
  return { tol, maxIter, jacobi: pre === 'jacobi' };
}

/** Symmetric, and for Jacobi a positive diagonal; typed errors with advice otherwise. */
export function checkSpdShape(op: string, A: HostCsr, jacobi: boolean): Float64Array {
  const bad = asymmetry(A);
  if (bad) {
    throw new InvalidArgumentError(`${op}: A is not symmetric: A[${bad.i}, ${bad.j}] = ${bad.aij} but A[${bad.j}, ${bad.i}] = ${bad.aji}; CG needs a symmetric positive definite matrix (use ef.linalg.solve(A, b, { method: 'lu' }) for a general one)`);
  }
  const d = diagonal(A);
  if (jacobi) {
    for (let i = 0; i < A.n; i++) {
      if (!(d[i]! > 0)) {
        throw new InvalidArgumentError(`${op}: A[${i}, ${i}] is ${d[i]}; the Jacobi preconditioner divides by the diagonal, and a symmetric positive definite matrix has a positive one (A is not SPD: use method 'lu')`);
      }
    }
  }
  return d;
}

/** CG on host arrays: x (updated in place) and the iterations and residual reached. */
export function cgHost(op: string, A: HostCsr, b: Float64Array, x: Float64Array, o: CheckedCg, d: Float64Array): { iterations: number; residual: number } {
  const n = A.n;
  const bnorm = norm2(b);
  const r = new Float64Array(n), z = new Float64Array(n), p = new Float64Array(n), q = new Float64Array(n);
  if (bnorm === 0) { x.fill(0); return { iterations: 0, residual: 0 }; }
  const precondition = (): void => { for (let i = 0; i < n; i++) z[i] = o.jacobi ? r[i]! / d[i]! : r[i]!; };
  const trueResidual = (): number => {
    matvec(A, x, q);
    for (let i = 0; i < n; i++) r[i] = b[i]! - q[i]!;
    return norm2(r) / bnorm;
  };
  let residual = trueResidual();
  precondition();
  p.set(z);
  let rz = 0;
  for (let i = 0; i < n; i++) rz += r[i]! * z[i]!;
  let k = 0;
  for (;;) {
    if (residual <= o.tol) {
      // the recurrence drifts from b − A x: accept only the recomputed residual
      residual = trueResidual();
      if (residual <= o.tol) return { iterations: k, residual };
      precondition();
      p.set(z);
      rz = 0;
      for (let i = 0; i < n; i++) rz += r[i]! * z[i]!;
    }
    if (k >= o.maxIter) {
      throw new ConvergenceError(`${op}: did not converge in ${o.maxIter} iterations: the relative residual ‖b − A x‖/‖b‖ reached ${trueResidual().toExponential(3)}, above tol ${o.tol} (raise maxIter or tol, use the 'jacobi' preconditioner, or method 'lu' for a moderate n)`);
    }
    matvec(A, p, q);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i]! * q[i]!;
    if (!(pq > 0)) {
      throw new ConvergenceError(`${op}: broke down at iteration ${k + 1}: pᵀAp = ${pq} ≤ 0, so A is not positive definite (relative residual reached ${residual.toExponential(3)}); CG needs a symmetric positive definite matrix: use ef.linalg.solve(A, b, { method: 'lu' })`);
    }
    const alpha = rz / pq;
    for (let i = 0; i < n; i++) { x[i]! += alpha * p[i]!; r[i]! -= alpha * q[i]!; }
    k++;
    residual = norm2(r) / bnorm;
    precondition();
    let rzNext = 0;
    for (let i = 0; i < n; i++) rzNext += r[i]! * z[i]!;
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < n; i++) p[i] = z[i]! + beta * p[i]!;
  }
}

/** Solve A x = b for a symmetric positive definite A by (Jacobi-preconditioned) conjugate gradients. */
export function cg(A: unknown, b: unknown, options?: CgOptions): CgResult {
  return cgWith('linalg.cg', A, b, options);
}

export function cgWith(op: string, A: unknown, b: unknown, options: unknown, extra: readonly string[] = []): CgResult {
  const m = hostMatrix(op, A);
  const rhs = hostVector(op, 'b', b, m.n);
  const o = cgOptions(op, options, m.n, extra);
  const unit = (b as LazyArray).unit.div(m.unit);
  const given = (options as CgOptions | undefined)?.x0;
  const x = given === undefined ? new Float64Array(m.n) : hostVector(op, 'x0', given instanceof LazyArray ? inUnit(op, 'x0', given, unit) : given, m.n);
  const d = checkSpdShape(op, m, o.jacobi);
  const { iterations, residual } = cgHost(op, m, rhs, x, o, d);
  return { x: solution(x, unit), iterations, residual };
}
