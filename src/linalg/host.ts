/**
 * The solvers' view of their operands: A realized once into float64 CSR arrays on the host
 * (its data and index structure), b into a Float64Array, with the checks every solver
 * shares (square A, b a vector of matching length, finite values) and the unit of x.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { fromTyped } from '../api/create.js';
import { showShape } from '../ir/shape.js';
import type { Unit } from '../units/unit.js';
import { DenseMatrix } from '../formats/dense.js';
import { SparseMatrix } from '../formats/sparse/matrix.js';
import { kindOf } from '../formats/describe.js';

/** A square matrix in float64 CSR form (entries of a row in stored order; duplicates kept, they add up). */
export interface HostCsr {
  readonly n: number;
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly val: Float64Array;
  readonly unit: Unit;
}

/** What the solvers accept as A. */
export type SolverMatrix = SparseMatrix | DenseMatrix | LazyArray;

function denseCsr(rows: number, cols: number, v: ArrayLike<number>, unit: Unit): HostCsr {
  const ptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = v[i * cols + j]!;
      if (x !== 0 || Number.isNaN(x)) { idx.push(j); val.push(x); }
    }
    ptr[i + 1] = idx.length;
  }
  return { n: rows, ptr, idx: Int32Array.from(idx), val: Float64Array.from(val), unit };
}

/** A as float64 CSR (realizes its values once); a typed error when it is not a square matrix of finite numbers. */
export function hostMatrix(op: string, A: unknown): HostCsr {
  let m: HostCsr;
  if (A instanceof SparseMatrix) {
    const [rows, cols] = A.shape;
    checkSquare(op, [rows, cols]);
    const { structure, perm } = A.structure.along('row', op);
    const values = A.data.dataSync();
    const shared = A.data.ndim === 0;
    const val = new Float64Array(structure.nnz);
    for (let p = 0; p < val.length; p++) val[p] = values[shared ? 0 : perm ? perm[p]! : p]!;
    m = { n: rows, ptr: structure.ptr, idx: structure.idx, val, unit: A.unit };
  } else if (A instanceof DenseMatrix || (A instanceof LazyArray && A.ndim === 2)) {
    const data = A instanceof DenseMatrix ? A.data : A;
    if (data.dtype === 'bool') throw new InvalidArgumentError(`${op}: A has dtype bool; expected a matrix of numbers`);
    const [rows, cols] = [data.shape[0]!, data.shape[1]!];
    checkSquare(op, [rows, cols]);
    m = denseCsr(rows, cols, data.dataSync(), data.unit);
  } else if (A instanceof LazyArray) {
    throw new ShapeMismatchError(`${op}: A has shape ${showShape(A.shape)}; expected a square matrix [n, n]`);
  } else {
    throw new InvalidArgumentError(`${op}: A is ${kindOf(A)}; expected a square matrix (ef.csr, ef.csc, ef.coo, ef.dense, a fixed-number matrix or a [n, n] LazyArray; convert a JITC matrix with tocsr())`);
  }
  for (let p = 0; p < m.val.length; p++) {
    if (!Number.isFinite(m.val[p]!)) {
      const row = upperBound(m.ptr, p) - 1;
      throw new InvalidArgumentError(`${op}: A[${row}, ${m.idx[p]}] is ${m.val[p]}; expected finite numbers`);
    }
  }
  return m;
}

function checkSquare(op: string, shape: readonly [number, number]): void {
  if (shape[0] !== shape[1]) throw new ShapeMismatchError(`${op}: A has shape ${showShape(shape)}; expected a square matrix [n, n]`);
}

/** The first a with ptr[a] > p. */
function upperBound(ptr: Int32Array, p: number): number {
  let lo = 0, hi = ptr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ptr[mid]! > p) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** A vector [n] of finite numbers (`name`: b, x0), realized into float64. */
export function hostVector(op: string, name: string, v: unknown, n: number): Float64Array {
  if (!(v instanceof LazyArray)) throw new InvalidArgumentError(`${op}: ${name} is ${kindOf(v)}; expected a LazyArray vector [${n}]`);
  if (v.ndim !== 1 || v.shape[0] !== n) {
    throw new ShapeMismatchError(`${op}: ${name} has shape ${showShape(v.shape)}; expected [${n}] (A is [${n}, ${n}])`);
  }
  if (v.dtype === 'bool') throw new InvalidArgumentError(`${op}: ${name} has dtype bool; expected numbers`);
  const out = Float64Array.from(v.dataSync());
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!)) throw new InvalidArgumentError(`${op}: ${name}[${i}] is ${out[i]}; expected finite numbers`);
  }
  return out;
}

/** y = A x. */
export function matvec(A: HostCsr, x: Float64Array, y: Float64Array): void {
  const { n, ptr, idx, val } = A;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = ptr[i]!, e = ptr[i + 1]!; p < e; p++) s += val[p]! * x[idx[p]!]!;
    y[i] = s;
  }
}

export function norm2(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}

/** x as a float64 LazyArray [n] in `unit`. */
export const solution = (x: Float64Array, unit: Unit): LazyArray => fromTyped(x, [x.length], unit);

/**
 * The first pair (i, j) with A[i, j] ≠ A[j, i] beyond a relative 1e-10 of their magnitudes
 * (duplicates summed), or undefined for a symmetric matrix. O(nnz + n).
 */
export function asymmetry(A: HostCsr): { i: number; j: number; aij: number; aji: number } | undefined {
  const { n, ptr, idx, val } = A;
  // the transpose, by a counting sort over columns
  const tptr = new Int32Array(n + 1);
  for (let p = 0; p < idx.length; p++) tptr[idx[p]! + 1]!++;
  for (let j = 0; j < n; j++) tptr[j + 1]! += tptr[j]!;
  const fill = tptr.slice(0, n);
  const tidx = new Int32Array(idx.length);
  const tval = new Float64Array(idx.length);
  for (let i = 0; i < n; i++) {
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) {
      const q = fill[idx[p]!]!++;
      tidx[q] = i; tval[q] = val[p]!;
    }
  }
  const row = new Float64Array(n), col = new Float64Array(n), mag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) { row[idx[p]!]! += val[p]!; mag[idx[p]!]! += Math.abs(val[p]!); }
    for (let q = tptr[i]!; q < tptr[i + 1]!; q++) { col[tidx[q]!]! += tval[q]!; mag[tidx[q]!]! += Math.abs(tval[q]!); }
    let bad: { i: number; j: number; aij: number; aji: number } | undefined;
    const check = (j: number): void => {
      if (!bad && Math.abs(row[j]! - col[j]!) > 1e-10 * mag[j]!) bad = { i, j, aij: row[j]!, aji: col[j]! };
    };
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) check(idx[p]!);
    for (let q = tptr[i]!; q < tptr[i + 1]!; q++) check(tidx[q]!);
    for (let p = ptr[i]!; p < ptr[i + 1]!; p++) { row[idx[p]!] = 0; col[idx[p]!] = 0; mag[idx[p]!] = 0; }
    for (let q = tptr[i]!; q < tptr[i + 1]!; q++) { row[tidx[q]!] = 0; col[tidx[q]!] = 0; mag[tidx[q]!] = 0; }
    if (bad) return bad;
  }
  return undefined;
}

/** The diagonal (duplicates summed). */
export function diagonal(A: HostCsr): Float64Array {
  const d = new Float64Array(A.n);
  for (let i = 0; i < A.n; i++) for (let p = A.ptr[i]!; p < A.ptr[i + 1]!; p++) if (A.idx[p] === i) d[i]! += A.val[p]!;
  return d;
}
