/**
 * Fixed-number connectivity: every row (FixedPostNum: each pre neuron has `num` targets) or
 * every column (FixedPreNum: each post neuron has `num` sources) holds exactly `num`
 * entries. The index table is a `Compressed` structure whose pointers are regular
 * (ptr[a] = a · num), so the table itself is the `idx` array. Everything else (products,
 * conversions, todense, withData, mul/div/neg) is SparseMatrix's; the transpose of one
 * class is the other, on the same arrays.
 */
import { InvalidFormatError } from '../../errors.js';
import type { LazyArray } from '../../api/array.js';
import { CSC, CSR, SparseMatrix } from '../sparse/matrix.js';
import type { LineIndices } from '../sparse/select.js';
import type { DiagValues } from '../sparse/diag.js';
import type { Axis, Compressed } from '../sparse/structure.js';

/** Pointer arrays found regular (ptr[a] = a · num), with their num: a structure, its transpose and make()'s results share ptr, so those stay O(1). */
const regularPtr = new WeakMap<Int32Array, number>();

/** ptr[a] = a · num for every a: O(lines) once per pointer array, then O(1). */
function evenlySpaced(ptr: Int32Array, num: number): boolean {
  if (regularPtr.get(ptr) === num) return true;
  for (let a = 0; a < ptr.length; a++) if (ptr[a] !== a * num) return false;
  regularPtr.set(ptr, num);
  return true;
}

/** The structure must be compressed along `axis` with exactly `num` entries in every line (ef.fixedPostNum / fixedPreNum build it so; a structure taken from another matrix may not be). */
function checkRegular(cls: string, s: Compressed, axis: Axis, num: number): void {
  const regular = s.axis === axis && s.nnz === s.major * num && s.ptr.length === s.major + 1 && evenlySpaced(s.ptr, num);
  if (!regular) {
    throw new InvalidFormatError(`${cls}: the structure is compressed by ${s.axis}s with ${s.nnz} entries over ${s.major} ${s.axis}s; expected one compressed by ${axis}s with exactly ${num} entries in every ${axis}`);
  }
}

function describe(m: SparseMatrix, cls: string, num: number): string {
  const [r, c] = m.shape;
  const values = m.data.ndim === 0 ? 'shared weight' : 'per-entry data';
  return `${cls}([${r}, ${c}], num ${num}, ${values}, ${m.dtype}, ${m.unit.toString()})`;
}

/** Each row (pre neuron) has exactly `num` targets (internal constructor: build with `ef.fixedPostNum`). */
export class FixedPostNum extends SparseMatrix {
  readonly format = 'fixedPostNum' as const;
  constructor(structure: Compressed, data: LazyArray, readonly num: number) {
    super(structure, data);
    checkRegular('FixedPostNum', structure, 'row', num);
    Object.freeze(this);
  }
  protected make(s: Compressed, d: LazyArray): this { return new FixedPostNum(s, d, this.num) as this; }
  /** Selected rows keep exactly num targets each: a FixedPostNum. */
  override rows(indices: LineIndices): FixedPostNum { return super.rows(indices) as FixedPostNum; }
  /** Selected columns leave rows with varying counts: a CSR. */
  override cols(indices: LineIndices): CSR { return super.cols(indices) as CSR; }
  protected override selected(s: Compressed, d: LazyArray, axis: Axis): SparseMatrix {
    return axis === 'row' ? this.make(s, d) : new CSR(s, d);
  }
  /** this + diag(d) as a CSR: a line without its diagonal entry gains one, so lines no longer hold exactly num. */
  override diagAdd(d: DiagValues): CSR { return this.tocsr().diagAdd(d); }
  /** The index table (a copy): rows × num, row i's targets (columns) at [i·num, (i+1)·num). */
  table(): Int32Array { return this.structure.idx.slice(); }
  /** O(1): the FixedPreNum [cols, rows] on the same arrays. */
  transpose(): FixedPreNum { return new FixedPreNum(this.structure.transpose(), this.data, this.num); }
  override toString(): string { return describe(this, 'FixedPostNum', this.num); }
}

/** Each column (post neuron) has exactly `num` sources (internal constructor: build with `ef.fixedPreNum`). */
export class FixedPreNum extends SparseMatrix {
  readonly format = 'fixedPreNum' as const;
  constructor(structure: Compressed, data: LazyArray, readonly num: number) {
    super(structure, data);
    checkRegular('FixedPreNum', structure, 'col', num);
    Object.freeze(this);
  }
  protected make(s: Compressed, d: LazyArray): this { return new FixedPreNum(s, d, this.num) as this; }
  /** Selected rows leave columns with varying counts: a CSC. */
  override rows(indices: LineIndices): CSC { return super.rows(indices) as CSC; }
  /** Selected columns keep exactly num sources each: a FixedPreNum. */
  override cols(indices: LineIndices): FixedPreNum { return super.cols(indices) as FixedPreNum; }
  protected override selected(s: Compressed, d: LazyArray, axis: Axis): SparseMatrix {
    return axis === 'col' ? this.make(s, d) : new CSC(s, d);
  }
  /** this + diag(d) as a CSR: a line without its diagonal entry gains one, so lines no longer hold exactly num. */
  override diagAdd(d: DiagValues): CSR { return this.tocsr().diagAdd(d); }
  /** The index table (a copy): cols × num, column j's sources (rows) at [j·num, (j+1)·num). */
  table(): Int32Array { return this.structure.idx.slice(); }
  /** O(1): the FixedPostNum [cols, rows] on the same arrays. */
  transpose(): FixedPostNum { return new FixedPostNum(this.structure.transpose(), this.data, this.num); }
  override toString(): string { return describe(this, 'FixedPreNum', this.num); }
}
