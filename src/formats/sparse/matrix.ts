/**
 * COO, CSR and CSC: one index structure (structure.ts) plus values (data.ts). They differ
 * only in how the structure is compressed and in which arrays they show:
 * - CSR: compressed by rows (`indptr` over rows, `indices` are columns);
 * - CSC: compressed by columns (the CSR arrays of the transpose);
 * - COO: explicit (row, col) pairs; `ef.coo` sorts them row-major and sums duplicates,
 *   while `tocoo()` and `transpose()` keep the stored order of the matrix they come from.
 * Products are `sparseProduct` IR nodes; an event operand makes the product walk the
 * matrix along the contracted axis (the other view is built once and cached).
 */
import { LazyArray } from '../../api/array.js';
import type { LinearOperator } from '../../api/array.js';
import { build } from '../../ir/build.js';
import { declareOtherView } from '../../ir/pattern.js';
import type { DType } from '../../ir/dtype.js';
import type { Node, SparseArg } from '../../ir/node.js';
import type { Unit } from '../../units/unit.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { InvalidArgumentError, InvalidFormatError, ShapeMismatchError } from '../../errors.js';
import { showShape } from '../../ir/shape.js';
import {
  applyOp, checkOperand, entryOperandError, isMatrixLike, makeData, permuteData,
  type EntryOp, type EntryOperand, type FloatDType, type MatrixData,
} from '../data.js';
import { kindOf } from '../describe.js';
import { checkLines, matchEntries, selectLines, type LineIndices } from './select.js';
import { fromArray, registerFormat, type FormatTypes } from '../hub.js';
import type { Axis, Compressed } from './structure.js';
import { addDiagonal, type DiagValues } from './diag.js';

declare module '../hub.js' {
  interface FormatTypes {
    csr: CSR;
    csc: CSC;
    coo: COO;
  }
}

export type SparseFormat = 'coo' | 'csr' | 'csc' | 'fixedPostNum' | 'fixedPreNum';

export abstract class SparseMatrix implements LinearOperator {
  abstract readonly format: SparseFormat;

  constructor(
    /** @internal the index structure (shared, immutable). */
    readonly structure: Compressed,
    /** Values: [nnz] per entry, or [] for one shared weight. Carries the unit. */
    readonly data: LazyArray,
  ) {}

  get shape(): readonly [number, number] { return [this.structure.rows, this.structure.cols]; }
  get nnz(): number { return this.structure.nnz; }
  get unit(): Unit { return this.data.unit; }
  get dtype(): DType { return this.data.dtype; }

  /** @internal a new matrix of this format. */
  protected abstract make(structure: Compressed, data: LazyArray): this;

  /** x @ this: y[.., j] = Σ_i x[.., i] M[i, j]; for events, the sum of the active rows. */
  leftProduct(x: LazyArray): LazyArray {
    return this.product(x, 'left');
  }

  /** this @ x: y[i, ..] = Σ_j M[i, j] x[j, ..]; for events, the sum of the active columns. */
  rightProduct(x: LazyArray): LazyArray {
    return this.product(x, 'right');
  }

  private product(x: LazyArray, side: 'left' | 'right'): LazyArray {
    checkOperand(`${this.format}.${side}Product`, x);
    // Events walk the contracted axis (cost: active × fan-out); floats use the stored order.
    const contracted: Axis = side === 'left' ? 'row' : 'col';
    const axis = x.dtype === 'bool' ? contracted : this.structure.axis;
    return new LazyArray(build('sparseProduct', [x.node, ...this.operands(axis, 'matmul')], this.arg(axis, side)));
  }

  /** data, ptr, idx and (when entries moved and are not shared) perm, for the view along `axis`. */
  private operands(axis: Axis, op: string): Node[] {
    const { structure, perm } = this.structure.along(axis, op);
    const [ptr, idx] = [this.structure.node(structure.ptr), this.structure.node(structure.idx)];
    // A lowering that walks the other axis (gpujs gathers per output) reuses this view's cached sort.
    declareOtherView(ptr, idx, () => structure.other(op));
    const nodes = [this.data.node, ptr, idx];
    if (perm && this.data.ndim > 0) nodes.push(this.structure.node(perm));
    return nodes;
  }

  private arg(axis: Axis, side: SparseArg['side']): SparseArg {
    const permuted = axis !== this.structure.axis && this.data.ndim > 0;
    return { kind: 'sparse', rows: this.structure.rows, cols: this.structure.cols, compressed: axis, permuted, side };
  }

  /** The dense matrix (lazy: a densify node; duplicates add up). */
  todense(): FormatTypes['dense'] {
    const [rows, cols] = this.shape;
    // Refused here, before any node is built, with advice for sparse matrices.
    checkAllocation(`${this.format}.todense`, `the dense form of a ${this.format} matrix of shape [${rows}, ${cols}]`, rows * cols,
      BYTES[this.dtype === 'float64' ? 'float64' : 'float32'], 'keep it sparse and use its products (ef.matmul)');
    const axis = this.structure.axis;
    return fromArray(`${this.format}.todense`, 'dense', new LazyArray(build('densify', this.operands(axis, 'todense'), this.arg(axis, 'none'))));
  }

  tocsr(): CSR { return this.convert(CSR, 'row', 'tocsr'); }
  tocsc(): CSC { return this.convert(CSC, 'col', 'tocsc'); }
  tocoo(): COO { return new COO(this.structure, this.data); }

  private convert<T extends SparseMatrix>(cls: new (s: Compressed, d: LazyArray) => T, axis: Axis, op: string): T {
    if (this instanceof cls) return this;
    const { structure, perm } = this.structure.along(axis, `${this.format}.${op}`);
    return new cls(structure, permuteData(this.data, perm));
  }

  /** The transpose: O(1), the same arrays read along the other axis (CSR <-> CSC, COO stays COO). */
  abstract transpose(): SparseMatrix;

  /** The same structure with new values ([nnz] or one shared number), in this matrix's entry order. */
  withData(data: MatrixData, unit?: Unit | string): this {
    const u = unit ?? (data instanceof LazyArray ? undefined : this.unit);
    const dtype: FloatDType = data instanceof LazyArray ? 'float32' : (this.dtype as FloatDType);
    return this.make(this.structure, makeData(`${this.format}.withData`, data, this.nnz, u, dtype));
  }

  /**
   * Arithmetic on the stored entries; the result keeps this structure. `o` is a scalar (a number
   * or a 0-d array: every stored entry, never the absent ones, so `add` is not dense `W + c`),
   * a dense [rows, cols] array or DenseMatrix sampled at the stored entries (one gather), or a
   * matrix of the same pattern (any of these formats; its entries matched to these).
   */
  add(o: EntryOperand): this { return this.entrywise('add', o); }
  sub(o: EntryOperand): this { return this.entrywise('sub', o); }
  /** Scale every stored value (a number or a 0-d array, whose unit multiplies in), or multiply entry by entry (see add). */
  mul(o: EntryOperand): this { return this.entrywise('mul', o); }
  div(o: EntryOperand): this { return this.entrywise('div', o); }
  neg(): this { return this.make(this.structure, this.data.neg()); }
  abs(): this { return this.make(this.structure, this.data.abs()); }

  /**
   * `f` applied to the stored values (lazy, fused with what reads them): [nnz], or [] for a
   * shared weight. It must return a float array of the same shape (a shared weight may become
   * [nnz]); units follow f.
   */
  map(f: (w: LazyArray) => LazyArray): this {
    const op = `${this.format}.map`;
    if (typeof f !== 'function') throw new InvalidArgumentError(`${op}: f is ${kindOf(f)}; expected a function (w: LazyArray) => LazyArray`);
    const out: unknown = f(this.data);
    if (!(out instanceof LazyArray)) throw new InvalidArgumentError(`${op}: f returned ${kindOf(out)}; expected a LazyArray`);
    const fits = out.ndim === this.data.ndim ? out.shape[0] === this.data.shape[0] : out.ndim === 1 && out.shape[0] === this.nnz;
    if (!fits) {
      throw new ShapeMismatchError(`${op}: f returned shape ${showShape(out.shape)}; expected ${showShape(this.data.shape)} (one value per stored entry${this.data.ndim === 0 ? ', or [' + this.nnz + ']' : ''})`);
    }
    if (out.dtype !== 'float32' && out.dtype !== 'float64') {
      throw new InvalidArgumentError(`${op}: f returned a ${out.dtype} array; expected float32 or float64 values`);
    }
    return this.make(this.structure, out);
  }

  private entrywise(op: EntryOp, o: EntryOperand): this {
    return this.make(this.structure, applyOp(this.data, op, this.atEntries(op, o)));
  }

  /** The operand's value at each stored entry (in entry order), or a scalar. */
  private atEntries(op: EntryOp, o: EntryOperand): number | LazyArray {
    const name = `${this.format}.${op}`;
    if (typeof o === 'number') return o;
    const [rows, cols] = this.shape;
    if (o instanceof LazyArray) {
      if (o.ndim === 0) return o;
      if (o.ndim === 2 && o.shape[0] === rows && o.shape[1] === cols) return new LazyArray(build('gather', [o.node, this.structure.flatNode()]));
      throw entryOperandError(this.format, op, o, this.shape);
    }
    if (o instanceof SparseMatrix) return permuteData(o.data, matchEntries(name, this.structure, o.structure));
    if (isMatrixLike(o) && o.format === 'dense') return this.atEntries(op, (o as unknown as { data: LazyArray }).data);
    if (isMatrixLike(o) && o.format === 'jitc') {
      throw new InvalidFormatError(`${name}: the other matrix is a JIT matrix, which stores no entries to match; convert it with tocsr() (its stored form) or sample it densely with W.${op}(J.todense())`);
    }
    throw entryOperandError(this.format, op, o, this.shape);
  }

  /** The rows `indices` (negative count from the end; repeats and [] allowed), as a new matrix. */
  rows(indices: LineIndices): SparseMatrix { return this.select('row', indices); }
  /** The columns `indices` (as rows()). */
  cols(indices: LineIndices): SparseMatrix { return this.select('col', indices); }

  private select(axis: Axis, indices: LineIndices): SparseMatrix {
    const op = `${this.format}.${axis === 'row' ? 'rows' : 'cols'}`;
    const picked = checkLines(op, indices, axis === 'row' ? this.shape[0] : this.shape[1], axis);
    const { structure, take } = selectLines(op, this.structure, axis, picked);
    return this.selected(structure, permuteData(this.data, take), axis);
  }

  /** @internal the matrix of selected lines (this format, unless it cannot hold them). */
  protected selected(structure: Compressed, data: LazyArray, _axis: Axis): SparseMatrix { return this.make(structure, data); }

  /**
   * this + diag(d) for a square matrix (d: a number, 0-d array or vector [n] in a unit of this
   * dimension): diagonal entries get d added, missing ones are inserted (sparse/diag.ts).
   */
  diagAdd(d: DiagValues): SparseMatrix {
    const { structure, data } = addDiagonal(this.format, this.structure, this.data, d);
    return this.make(structure, data);
  }

  toString(): string {
    const [r, c] = this.shape;
    return `${this.format.toUpperCase()}([${r}, ${c}], nnz ${this.nnz}, ${this.data.ndim === 0 ? 'shared weight' : 'per-entry data'}, ${this.dtype}, ${this.unit.toString()})`;
  }
}

/** Compressed sparse rows (internal constructor: build with `ef.csr`). */
export class CSR extends SparseMatrix {
  readonly format = 'csr' as const;
  constructor(structure: Compressed, data: LazyArray) {
    super(structure, data);
    Object.freeze(this);
  }
  protected make(s: Compressed, d: LazyArray): this { return new CSR(s, d) as this; }
  override rows(indices: LineIndices): CSR { return super.rows(indices) as CSR; }
  override cols(indices: LineIndices): CSR { return super.cols(indices) as CSR; }
  /** this + diag(d), as a CSR (see SparseMatrix.diagAdd). */
  override diagAdd(d: DiagValues): CSR { return super.diagAdd(d) as CSR; }
  /** Row pointers (a copy): row i holds entries indptr[i] .. indptr[i+1]-1. */
  get indptr(): Int32Array { return this.structure.ptr.slice(); }
  /** Column of each entry (a copy). */
  get indices(): Int32Array { return this.structure.idx.slice(); }
  transpose(): CSC { return new CSC(this.structure.transpose(), this.data); }
}

/** Compressed sparse columns (internal constructor: build with `ef.csc`). */
export class CSC extends SparseMatrix {
  readonly format = 'csc' as const;
  constructor(structure: Compressed, data: LazyArray) {
    super(structure, data);
    Object.freeze(this);
  }
  protected make(s: Compressed, d: LazyArray): this { return new CSC(s, d) as this; }
  override rows(indices: LineIndices): CSC { return super.rows(indices) as CSC; }
  override cols(indices: LineIndices): CSC { return super.cols(indices) as CSC; }
  /** this + diag(d), as a CSC (see SparseMatrix.diagAdd). */
  override diagAdd(d: DiagValues): CSC { return super.diagAdd(d) as CSC; }
  /** Column pointers (a copy): column j holds entries indptr[j] .. indptr[j+1]-1. */
  get indptr(): Int32Array { return this.structure.ptr.slice(); }
  /** Row of each entry (a copy). */
  get indices(): Int32Array { return this.structure.idx.slice(); }
  transpose(): CSR { return new CSR(this.structure.transpose(), this.data); }
}

/** Coordinate format (internal constructor: build with `ef.coo`). */
export class COO extends SparseMatrix {
  readonly format = 'coo' as const;
  constructor(structure: Compressed, data: LazyArray) {
    super(structure, data);
    Object.freeze(this);
  }
  protected make(s: Compressed, d: LazyArray): this { return new COO(s, d) as this; }
  override rows(indices: LineIndices): COO { return super.rows(indices) as COO; }
  override cols(indices: LineIndices): COO { return super.cols(indices) as COO; }
  /** this + diag(d), as a COO (see SparseMatrix.diagAdd). */
  override diagAdd(d: DiagValues): COO { return super.diagAdd(d) as COO; }
  /** Row of each entry (a copy), in the stored order. */
  get row(): Int32Array { return this.structure.axis === 'row' ? this.structure.expandMajor() : this.structure.idx.slice(); }
  /** Column of each entry (a copy), in the stored order. */
  get col(): Int32Array { return this.structure.axis === 'col' ? this.structure.expandMajor() : this.structure.idx.slice(); }
  transpose(): COO { return new COO(this.structure.transpose(), this.data); }
}

registerFormat('csr', { fromStructure: (structure, data) => new CSR(structure, data) });
registerFormat('csc', { fromStructure: (structure, data) => new CSC(structure, data) });
registerFormat('coo', { fromStructure: (structure, data) => new COO(structure, data) });
