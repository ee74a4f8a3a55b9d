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
import { SparseMatrix } from '../sparse/matrix.js';
import type { Axis, Compressed } from '../sparse/structure.js';

/** The structure must be compressed along `axis` with `num` entries per line (an O(1) check: constructors build ptr[a] = a · num). */
function checkRegular(cls: string, s: Compressed, axis: Axis, num: number): void {
  const regular = s.axis === axis && s.nnz === s.major * num && s.ptr.length === s.major + 1 && s.ptr[s.major] === s.nnz;
  if (!regular) throw new InvalidFormatError(`${cls}: expected a structure compressed by ${axis}s with ${num} entries per ${axis}`);
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
  /** The index table (a copy): cols × num, column j's sources (rows) at [j·num, (j+1)·num). */
  table(): Int32Array { return this.structure.idx.slice(); }
  /** O(1): the FixedPostNum [cols, rows] on the same arrays. */
  transpose(): FixedPostNum { return new FixedPostNum(this.structure.transpose(), this.data, this.num); }
  override toString(): string { return describe(this, 'FixedPreNum', this.num); }
}
