/**
 * The validating constructors `ef.csr`, `ef.csc`, `ef.coo`. Input arrays are copied, so
 * later changes to them do not reach the matrix. COO entries are put in row-major order
 * and duplicate (row, col) entries are summed into one.
 */
import { LazyArray } from '../../api/array.js';
import { fromTyped } from '../../api/create.js';
import { toTyped } from '../../ir/dtype.js';
import { build } from '../../ir/build.js';
import { scalarNode } from '../../ir/leaves.js';
import type { Unit } from '../../units/unit.js';
import { checkFloatDType, makeData, permuteData, type FloatDType, type MatrixData } from '../data.js';
import { COO, CSC, CSR } from './matrix.js';
import { Compressed } from './structure.js';
import { checkIndices, checkIndptr, checkMatrixShape, checkPointers } from './validate.js';
import { InvalidFormatError } from '../../errors.js';
import { kindOf } from '../describe.js';

export interface CompressedInput {
  readonly indptr: ArrayLike<number>;
  readonly indices: ArrayLike<number>;
  /** One value per entry, or one number shared by every entry. */
  readonly data: MatrixData;
  readonly shape: readonly number[];
  readonly dtype?: FloatDType;
}

export interface CooInput {
  readonly row: ArrayLike<number>;
  readonly col: ArrayLike<number>;
  readonly data: MatrixData;
  readonly shape: readonly number[];
  readonly dtype?: FloatDType;
}

function checkObject(fmt: string, input: unknown, keys: readonly string[]): void {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidFormatError(`${fmt}: expected an object { ${keys.join(', ')} }, got ${kindOf(input)}`);
  }
  const missing = keys.filter((k) => (input as Record<string, unknown>)[k] === undefined);
  if (missing.length) throw new InvalidFormatError(`${fmt}: missing ${missing.join(', ')}; expected { ${keys.join(', ')} }`);
}

function compressed(fmt: 'csr' | 'csc', input: CompressedInput, unit: Unit | string | undefined): { structure: Compressed; data: LazyArray } {
  checkObject(fmt, input, ['indptr', 'indices', 'data', 'shape']);
  const [rows, cols] = checkMatrixShape(fmt, input.shape);
  const byRow = fmt === 'csr';
  const [major, minor] = byRow ? [rows, cols] : [cols, rows];
  checkPointers(fmt, major, byRow ? 'rows' : 'columns', [rows, cols]);
  const idx = checkIndices(fmt, 'indices', input.indices, minor, `the number of ${byRow ? 'columns' : 'rows'}`);
  const ptr = checkIndptr(fmt, input.indptr, major, byRow ? 'rows' : 'columns', idx.length);
  const data = makeData(fmt, input.data, idx.length, unit, checkFloatDType(fmt, input.dtype));
  return { structure: new Compressed(byRow ? 'row' : 'col', rows, cols, ptr, idx), data };
}

/** Compressed sparse rows: row i holds columns indices[indptr[i] .. indptr[i+1]-1]. */
export function csr(input: CompressedInput, unit?: Unit | string): CSR {
  const { structure, data } = compressed('csr', input, unit);
  return new CSR(structure, data);
}

/** Compressed sparse columns: column j holds rows indices[indptr[j] .. indptr[j+1]-1]. */
export function csc(input: CompressedInput, unit?: Unit | string): CSC {
  const { structure, data } = compressed('csc', input, unit);
  return new CSC(structure, data);
}

/** Positions 0..n-1 sorted by (row, col), stably: two counting sorts, O(n + rows + cols). */
function rowMajorOrder(row: Int32Array, col: Int32Array, rows: number, cols: number): Int32Array {
  const countingSort = (keys: Int32Array, buckets: number, input: Int32Array): Int32Array => {
    const start = new Int32Array(buckets + 1);
    for (const p of input) start[keys[p]! + 1]!++;
    for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
    const out = new Int32Array(input.length);
    for (const p of input) out[start[keys[p]!]!++] = p;
    return out;
  };
  const identity = Int32Array.from({ length: row.length }, (_, i) => i);
  return countingSort(row, rows, countingSort(col, cols, identity));
}

/** Coordinate entries; duplicates (same row and col) are summed into one entry. */
export function coo(input: CooInput, unit?: Unit | string): COO {
  checkObject('coo', input, ['row', 'col', 'data', 'shape']);
  const [rows, cols] = checkMatrixShape('coo', input.shape);
  // Sorting counts entries per row and per column, and the result is row-compressed.
  checkPointers('coo', rows, 'rows', [rows, cols]);
  checkPointers('coo', cols, 'columns', [rows, cols]);
  const row = checkIndices('coo', 'row', input.row, rows, 'the number of rows');
  const col = checkIndices('coo', 'col', input.col, cols, 'the number of columns', row.length);
  const nnz = row.length;
  const dtype = checkFloatDType('coo', input.dtype);
  const raw = makeData('coo', input.data, nnz, unit, dtype);

  const order = rowMajorOrder(row, col, rows, cols);
  // Group equal (row, col) runs: group g covers sorted positions groupPtr[g] .. groupPtr[g+1]-1.
  const groupPtr: number[] = [0];
  const ptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  for (let k = 0; k < nnz; k++) {
    const p = order[k]!;
    const q = k > 0 ? order[k - 1]! : -1;
    if (k > 0 && row[p] === row[q]! && col[p] === col[q]!) continue;
    if (k > 0) groupPtr.push(k);
    idx.push(col[p]!);
    ptr[row[p]! + 1]!++;
  }
  if (nnz > 0) groupPtr.push(nnz);
  for (let i = 0; i < rows; i++) ptr[i + 1]! += ptr[i]!;
  const structure = new Compressed('row', rows, cols, ptr, Int32Array.from(idx));
  const unique = idx.length;
  if (unique === nnz) return new COO(structure, permuteData(raw, order));
  return new COO(structure, sumDuplicates(raw, order, Int32Array.from(groupPtr), nnz));
}

/** Values of merged entries: group sums (eager for constants, a segment-sum product otherwise). */
function sumDuplicates(raw: LazyArray, order: Int32Array, groupPtr: Int32Array, nnz: number): LazyArray {
  const groups = groupPtr.length - 1;
  const counts = Array.from({ length: groups }, (_, g) => groupPtr[g + 1]! - groupPtr[g]!);
  if (raw.ndim === 0) return raw.mul(fromTyped(toTyped(raw.dtype, counts), [groups]));
  const arg = raw.node.arg;
  if (arg?.kind === 'const') {
    const sums = counts.map((_, g) => {
      let s = 0;
      for (let k = groupPtr[g]!; k < groupPtr[g + 1]!; k++) s += arg.data[order[k]!]!;
      return s;
    });
    return fromTyped(toTyped(raw.dtype, sums), [groups], raw.unit);
  }
  // A (groups × nnz) matrix of ones with one row per group, times the values.
  const ones = new Compressed('row', groups, nnz, groupPtr, order);
  const one = scalarNode(1, undefined, raw.dtype);
  return new LazyArray(build('sparseProduct', [raw.node, one, ones.node(groupPtr), ones.node(order)], {
    kind: 'sparse', rows: groups, cols: nnz, compressed: 'row', permuted: false, side: 'right',
  }));
}

