/**
 * The index structure shared by COO, CSR and CSC: a rows × cols pattern stored compressed
 * along one axis (`ptr` over that axis, `idx` along the other). Immutable; the view
 * compressed along the other axis (with a permutation into the data order) is built once,
 * on first need, and shared with the transpose, which is the same arrays read the other way.
 */
import { indexNode } from '../../ir/leaves.js';
import type { Node } from '../../ir/node.js';
import { compressOther } from '../../ir/structured.js';
import { BYTES, checkAllocation } from '../../limits.js';

export type Axis = 'row' | 'col';

/** The pattern compressed along the other axis; entry p of this view is entry perm[p] of the original. */
export interface OtherView {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly perm: Int32Array;
}

interface Cache {
  other?: OtherView;
  nodes?: Map<Int32Array, Node>;
}

const flip = (a: Axis): Axis => (a === 'row' ? 'col' : 'row');

export class Compressed {
  /** Caches shared between a structure and its transpose (same arrays). */
  private readonly cache: Cache;
  /** This structure compressed along the other axis (not shared: the transpose has another shape). */
  private readonly sibling: { structure?: Compressed } = {};
  /** Per-structure caches that the transpose cannot share (they depend on which axis is rows). */
  private readonly own: { flat?: Node } = {};

  constructor(
    readonly axis: Axis,
    readonly rows: number,
    readonly cols: number,
    readonly ptr: Int32Array,
    readonly idx: Int32Array,
    cache: Cache = {},
  ) {
    this.cache = cache;
    Object.freeze(this);
  }

  get nnz(): number {
    return this.idx.length;
  }

  /** Length of the compressed axis. */
  get major(): number {
    return this.axis === 'row' ? this.rows : this.cols;
  }

  /** Length of the other axis. */
  get minor(): number {
    return this.axis === 'row' ? this.cols : this.rows;
  }

  /** The transposed pattern: O(1), the same arrays compressed along the other axis. */
  transpose(): Compressed {
    return new Compressed(flip(this.axis), this.cols, this.rows, this.ptr, this.idx, this.cache);
  }

  /** Compressed along the other axis (a stable counting sort: O(nnz + minor)), built once. */
  other(op = 'convert'): OtherView {
    if (this.cache.other) return this.cache.other;
    // New pointers over the other axis (minor + 1), new indices and a permutation (nnz each).
    const shape = `[${this.rows}, ${this.cols}]`;
    const otherAxis = this.axis === 'row' ? 'columns' : 'rows';
    checkAllocation(op, `the pointers over the ${this.minor} ${otherAxis} of a sparse matrix of shape ${shape} (${otherAxis} + 1 entries)`,
      this.minor + 1, BYTES.int32, `keep it compressed by ${this.axis}s, or split it into blocks of at most 2^31 − 2 ${otherAxis}`);
    checkAllocation(op, `the indices and permutation (one each per entry) of a sparse matrix of shape ${shape}`, this.nnz, 2 * BYTES.int32,
      'split the matrix into blocks');
    this.cache.other = Object.freeze(compressOther(this.ptr, this.idx, this.minor));
    return this.cache.other;
  }

  /** The same pattern compressed along `axis`, with the permutation into this data order when it moved. */
  along(axis: Axis, op?: string): { structure: Compressed; perm?: Int32Array } {
    if (axis === this.axis) return { structure: this };
    const o = this.other(op);
    if (!this.sibling.structure) {
      // The sibling's own other view is this one: hand it over (inverse permutation) instead of re-sorting.
      const inverse = new Int32Array(o.perm.length);
      o.perm.forEach((p, q) => (inverse[p] = q));
      const back: OtherView = Object.freeze({ ptr: this.ptr, idx: this.idx, perm: inverse });
      const sibling = new Compressed(axis, this.rows, this.cols, o.ptr, o.idx, { other: back });
      sibling.sibling.structure = this;
      this.sibling.structure = sibling;
    }
    return { structure: this.sibling.structure, perm: o.perm };
  }

  /** The explicit index of the compressed axis for every entry (COO's row or col array). */
  expandMajor(): Int32Array {
    const out = new Int32Array(this.nnz);
    for (let a = 0; a < this.major; a++) out.fill(a, this.ptr[a]!, this.ptr[a + 1]!);
    return out;
  }

  /**
   * The flat position row · cols + col of every entry, in entry order, as an int32 leaf: the
   * index array that samples a dense [rows, cols] array at the stored entries (one gather).
   * Built once per structure; every matrix sharing the structure (withData, mul, ...) reuses it.
   */
  flatNode(): Node {
    if (this.own.flat) return this.own.flat;
    const flat = new Int32Array(this.nnz);
    const [outer, inner] = this.axis === 'row' ? [this.cols, 1] : [1, this.cols];
    for (let a = 0; a < this.major; a++) {
      for (let p = this.ptr[a]!; p < this.ptr[a + 1]!; p++) flat[p] = a * outer + this.idx[p]! * inner;
    }
    return (this.own.flat = indexNode(flat));
  }

  /** A constant int32 IR leaf for one of the index arrays (one node per array). */
  node(array: Int32Array): Node {
    const nodes = (this.cache.nodes ??= new Map());
    let n = nodes.get(array);
    if (!n) nodes.set(array, (n = indexNode(array)));
    return n;
  }
}
