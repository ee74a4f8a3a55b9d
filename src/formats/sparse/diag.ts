/**
 * `W.diagAdd(d)`: W + diag(d) for a square matrix, d one number (or a 0-d array) for every
 * diagonal entry, or a vector [n]. Values stay lazy (gathers and one add: any backend, inside
 * a traced step too); only the index structure is rebuilt, once, on the host:
 * - the first stored entry of a line at the diagonal gets d added (a duplicate diagonal
 *   entry, which CSR/CSC may hold, is left as it is, so the cell's sum grows by d once);
 * - a line without one gets a new entry holding d, inserted before the first entry of the
 *   line with a larger index, so a sorted line stays sorted; other entries keep their order.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../../errors.js';
import { LazyArray, concat } from '../../api/array.js';
import { fromTyped, scalar, zeros } from '../../api/create.js';
import { build } from '../../ir/build.js';
import { indexNode } from '../../ir/leaves.js';
import { showShape } from '../../ir/shape.js';
import type { Unit } from '../../units/unit.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { inUnit } from '../data.js';
import { kindOf, show } from '../describe.js';
import { Compressed } from './structure.js';

/** What `diagAdd` accepts: one number, a 0-d array or a vector [n], in a unit of the matrix's dimension. */
export type DiagValues = number | LazyArray;

/** The matrix must be square: its side n. */
export function squareSide(op: string, shape: readonly [number, number]): number {
  if (shape[0] !== shape[1]) {
    throw new ShapeMismatchError(`${op}: the matrix has shape ${showShape(shape)}; expected a square matrix [n, n]`);
  }
  return shape[0];
}

/**
 * d as a lazy array of shape [] or [n], in `unit` and `dtype` (a number is taken in `unit`;
 * an array is converted from its own unit, which must have the same dimension).
 */
export function diagValues(op: string, d: unknown, n: number, unit: Unit, dtype: 'float32' | 'float64'): LazyArray {
  if (typeof d === 'number') {
    if (!Number.isFinite(d)) throw new InvalidArgumentError(`${op}: d is ${show(d)}; expected a finite number, a 0-d array or a vector [${n}]`);
    return scalar(d, unit, dtype);
  }
  if (!(d instanceof LazyArray)) {
    throw new InvalidArgumentError(`${op}: d is ${kindOf(d)}; expected a number, a 0-d array or a vector [${n}] (a LazyArray in a unit of the matrix's dimension)`);
  }
  if (d.dtype === 'bool') throw new InvalidArgumentError(`${op}: d has dtype bool; expected numbers (float32, float64 or int32)`);
  if (!(d.ndim === 0 || (d.ndim === 1 && d.shape[0] === n))) {
    throw new ShapeMismatchError(`${op}: d has shape ${showShape(d.shape)}; expected [] (one value for every diagonal entry) or [${n}]`);
  }
  return inUnit(op, 'd', d, unit).astype(dtype);
}

/** The rebuilt structure: entry q of it takes old entry src[q] (−1: a new entry) plus d[diag[q]] (−1: nothing). */
export interface DiagStructure {
  readonly structure: Compressed;
  readonly src: Int32Array;
  readonly diag: Int32Array;
}

/** The structure of W + diag(d): one new entry per line that has no diagonal entry (O(nnz + n)). */
export function diagStructure(op: string, s: Compressed): DiagStructure {
  const n = s.major;
  let missing = 0;
  const first = new Int32Array(n).fill(-1); // position of each line's first diagonal entry
  for (let a = 0; a < n; a++) {
    for (let p = s.ptr[a]!; p < s.ptr[a + 1]!; p++) {
      if (s.idx[p] === a) { first[a] = p; break; }
    }
    if (first[a] === -1) missing++;
  }
  const nnz = s.nnz + missing;
  checkAllocation(op, `the ${nnz} entries of a [${s.rows}, ${s.cols}] matrix with its diagonal (indices, sources and diagonal positions)`,
    nnz, 3 * BYTES.int32, 'split the matrix into blocks');
  const ptr = new Int32Array(n + 1);
  const idx = new Int32Array(nnz);
  const src = new Int32Array(nnz).fill(-1);
  const diag = new Int32Array(nnz).fill(-1);
  let q = 0;
  for (let a = 0; a < n; a++) {
    const end = s.ptr[a + 1]!;
    let inserted = first[a] !== -1;
    for (let p = s.ptr[a]!; p < end; p++) {
      const j = s.idx[p]!;
      if (!inserted && j > a) {
        idx[q] = a; diag[q] = a; q++;
        inserted = true;
      }
      idx[q] = j; src[q] = p;
      if (p === first[a]) diag[q] = a;
      q++;
    }
    if (!inserted) { idx[q] = a; diag[q] = a; q++; }
    ptr[a + 1] = q;
  }
  return { structure: new Compressed(s.axis, s.rows, s.cols, ptr, idx), src, diag };
}

/** `from` ([] or [m]) gathered at `at`, with −1 reading 0 (a zero appended past its end). */
function gatherOrZero(from: LazyArray, at: Int32Array): LazyArray {
  const flat = from.ndim === 0 ? from.reshape([1]) : from;
  const len = flat.shape[0]!;
  const shared = from.ndim === 0;
  const index = Int32Array.from(at, (k) => (k < 0 ? len : shared ? 0 : k));
  const padded = concat([flat, zeros([1], flat.unit, flat.dtype)]);
  return new LazyArray(build('gather', [padded.node, indexNode(index)]));
}

/** W + diag(d) for a sparse matrix: its new structure and values (in W's unit and dtype). */
export function addDiagonal(fmt: string, s: Compressed, data: LazyArray, d: unknown): { structure: Compressed; data: LazyArray } {
  const op = `${fmt}.diagAdd`;
  const n = squareSide(op, [s.rows, s.cols]);
  const dtype = data.dtype === 'float64' ? 'float64' : 'float32';
  const dv = diagValues(op, d, n, data.unit, dtype);
  const { structure, src, diag } = diagStructure(op, s);
  if (structure.nnz === 0) return { structure, data: fromTyped(dtype === 'float64' ? new Float64Array(0) : new Float32Array(0), [0], data.unit) };
  return { structure, data: gatherOrZero(data, src).add(gatherOrZero(dv, diag)) };
}

/** W + diag(d) for a dense [n, n] array of values: the values plus (identity · d as a column). */
export function addDenseDiagonal(values: LazyArray, d: unknown): LazyArray {
  const op = 'dense.diagAdd';
  const n = squareSide(op, [values.shape[0]!, values.shape[1]!]);
  const dtype = values.dtype === 'float64' ? 'float64' : 'float32';
  const dv = diagValues(op, d, n, values.unit, dtype);
  checkAllocation(op, `the diagonal of a [${n}, ${n}] matrix (as an [n, n] array)`, n * n, BYTES[dtype], 'use a sparse format (tocsr())');
  const eye = dtype === 'float64' ? new Float64Array(n * n) : new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const column = dv.ndim === 0 ? dv : dv.reshape([n, 1]);
  return values.add(fromTyped(eye, [n, n]).mul(column));
}
