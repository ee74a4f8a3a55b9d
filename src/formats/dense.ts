/**
 * The dense format: a [rows, cols] lazy array used as a matrix. Products are the dense
 * matmul primitive, which visits only the active rows (or columns) of an event operand.
 */
import { EventfuseError, InvalidArgumentError, InvalidFormatError, ShapeMismatchError } from '../errors.js';
import { LazyArray, matmul, type LinearOperator } from '../api/array.js';
import { array, fromTyped, type ArrayData } from '../api/create.js';
import type { DType } from '../ir/dtype.js';
import { build } from '../ir/build.js';
import { indexNode } from '../ir/leaves.js';
import { isOp } from '../ir/node.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { BYTES, checkAllocation } from '../limits.js';
import { kindOf } from './describe.js';
import {
  applyOp, checkFloatDType, checkOperand, entryOperandError, isMatrixLike, isOptions,
  type EntryOp, type EntryOperand, type FloatDType,
} from './data.js';
import { checkLines, type LineIndices } from './sparse/select.js';
import { fromStructure, registerFormat, type FormatTypes } from './hub.js';
import { Compressed } from './sparse/structure.js';
import { addDenseDiagonal, type DiagValues } from './sparse/diag.js';

declare module './hub.js' {
  interface FormatTypes {
    dense: DenseMatrix;
  }
}

export class DenseMatrix implements LinearOperator {
  readonly format = 'dense' as const;

  /** `data` is the [rows, cols] array of values; it carries the unit. */
  constructor(readonly data: LazyArray) {
    if (data.ndim !== 2) throw new ShapeMismatchError(`dense: expected a matrix [rows, cols], got shape ${showShape(data.shape)}`);
    Object.freeze(this);
  }

  get shape(): readonly [number, number] { return [this.data.shape[0]!, this.data.shape[1]!]; }
  get unit(): Unit { return this.data.unit; }
  get dtype(): DType { return this.data.dtype; }

  leftProduct(x: LazyArray): LazyArray {
    checkOperand('dense.leftProduct', x);
    return matmul(x, this.data);
  }
  rightProduct(x: LazyArray): LazyArray {
    checkOperand('dense.rightProduct', x);
    return matmul(this.data, x);
  }

  todense(): DenseMatrix { return this; }

  /** The nonzero entries, row by row (realizes the values: not inside a traced step). */
  tocsr(): FormatTypes['csr'] {
    const [rows, cols] = this.shape;
    // A [2^31 − 1, 0] matrix holds nothing but would need 2^31 row pointers.
    checkAllocation('dense.tocsr', `the row pointers of a matrix of shape [${rows}, ${cols}] (rows + 1 entries)`, rows + 1, BYTES.int32,
      'use at most 2^31 − 2 rows');
    const v = this.data.dataSync();
    const ptr = new Int32Array(rows + 1);
    const idx: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const x = v[i * cols + j]!;
        if (x !== 0) {
          idx.push(j);
          values.push(x);
        }
      }
      ptr[i + 1] = idx.length;
    }
    const data = fromTyped(this.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values), [values.length], this.unit);
    return fromStructure('dense.tocsr', 'csr', new Compressed('row', rows, cols, ptr, Int32Array.from(idx)), data);
  }

  tocsc(): FormatTypes['csc'] { return this.tocsr().tocsc(); }
  tocoo(): FormatTypes['coo'] { return this.tocsr().tocoo(); }

  /** The transposed matrix (a lazy reordering copy). */
  transpose(): DenseMatrix {
    const [rows, cols] = this.shape;
    checkAllocation('dense.transpose', `the reordering of a matrix of shape [${rows}, ${cols}]`, rows * cols, BYTES.int32, 'transpose it in blocks');
    const order = new Int32Array(rows * cols);
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) order[j * rows + i] = i * cols + j;
    const idx = indexNode(order, [cols, rows]);
    return new DenseMatrix(new LazyArray(build('gather', [this.data.node, idx])));
  }

  withData(data: ArrayData | LazyArray, unit?: Unit | string): DenseMatrix {
    if (!(data instanceof LazyArray) && !Array.isArray(data) && !ArrayBuffer.isView(data)) {
      throw new InvalidArgumentError(`dense.withData: data is ${kindOf(data)}; expected nested rows of numbers or a [rows, cols] LazyArray`);
    }
    let m: DenseMatrix;
    try {
      m = dense(data, unit ?? (data instanceof LazyArray ? undefined : this.unit), { dtype: this.dtype as FloatDType });
    } catch (e) {
      // The same checks as ef.dense, reported under the name the user called.
      if (e instanceof EventfuseError && e.message.startsWith('dense: ')) {
        const Same = e.constructor as new (message: string) => EventfuseError;
        throw new Same(`dense.withData: ${e.message.slice('dense: '.length)}`);
      }
      throw e;
    }
    if (m.shape[0] !== this.shape[0] || m.shape[1] !== this.shape[1]) {
      throw new ShapeMismatchError(`dense.withData: new values have shape ${showShape(m.shape)}; expected ${showShape(this.shape)}`);
    }
    return m;
  }

  /**
   * Elementwise arithmetic: every entry is stored, so a scalar reaches every entry (dense
   * `W + c`), and an array or matrix of this shape (any format, through its todense()) is
   * combined entry by entry.
   */
  add(o: EntryOperand): DenseMatrix { return this.entrywise('add', o); }
  sub(o: EntryOperand): DenseMatrix { return this.entrywise('sub', o); }
  mul(o: EntryOperand): DenseMatrix { return this.entrywise('mul', o); }
  div(o: EntryOperand): DenseMatrix { return this.entrywise('div', o); }
  neg(): DenseMatrix { return new DenseMatrix(this.data.neg()); }
  abs(): DenseMatrix { return new DenseMatrix(this.data.abs()); }

  /** `f` applied to the [rows, cols] values (lazy); it must return a float array of the same shape. */
  map(f: (w: LazyArray) => LazyArray): DenseMatrix {
    if (typeof f !== 'function') throw new InvalidArgumentError(`dense.map: f is ${kindOf(f)}; expected a function (w: LazyArray) => LazyArray`);
    const out: unknown = f(this.data);
    if (!(out instanceof LazyArray)) throw new InvalidArgumentError(`dense.map: f returned ${kindOf(out)}; expected a LazyArray`);
    if (out.ndim !== 2 || out.shape[0] !== this.shape[0] || out.shape[1] !== this.shape[1]) {
      throw new ShapeMismatchError(`dense.map: f returned shape ${showShape(out.shape)}; expected ${showShape(this.shape)} (one value per entry)`);
    }
    if (out.dtype !== 'float32' && out.dtype !== 'float64') throw new InvalidArgumentError(`dense.map: f returned a ${out.dtype} array; expected float32 or float64 values`);
    return new DenseMatrix(out);
  }

  private entrywise(op: EntryOp, o: EntryOperand): DenseMatrix {
    if (typeof o === 'number' || (o instanceof LazyArray && o.ndim === 0)) return new DenseMatrix(applyOp(this.data, op, o));
    const same = (s: readonly number[]): boolean => s.length === 2 && s[0] === this.shape[0] && s[1] === this.shape[1];
    if (o instanceof LazyArray && same(o.shape)) return new DenseMatrix(applyOp(this.data, op, o));
    if (isMatrixLike(o) && same(o.shape) && typeof (o as { todense?: unknown }).todense === 'function') {
      return new DenseMatrix(applyOp(this.data, op, (o as unknown as { todense(): DenseMatrix }).todense().data));
    }
    throw entryOperandError('dense', op, o, this.shape);
  }

  /** The rows `indices` (negative count from the end; repeats and [] allowed): a dense matrix (a gather). */
  rows(indices: LineIndices): DenseMatrix {
    return new DenseMatrix(this.data.take(checkLines('dense.rows', indices, this.shape[0], 'row'), 0));
  }
  /** The columns `indices` (as rows()). */
  cols(indices: LineIndices): DenseMatrix {
    return new DenseMatrix(this.data.take(checkLines('dense.cols', indices, this.shape[1], 'col'), 1));
  }

  /** this + diag(d) for a square matrix (d: a number, 0-d array or vector [n] in a unit of this dimension). */
  diagAdd(d: DiagValues): DenseMatrix { return new DenseMatrix(addDenseDiagonal(this.data, d)); }

  toString(): string {
    return `DENSE([${this.shape.join(', ')}], ${this.dtype}, ${this.unit.toString()})`;
  }
}

registerFormat('dense', { fromArray: (data) => new DenseMatrix(data) });

export interface DenseOptions {
  readonly dtype?: FloatDType;
}

/** `make()`, with its errors (same class) under dense's name: `values` is dense's argument too. */
function asDense(make: () => LazyArray): LazyArray {
  try {
    return make();
  } catch (e) {
    // array() and to() name themselves; the user called dense (`values`, `unit`).
    const prefix = e instanceof EventfuseError ? /^(array|to): /.exec(e.message) : null;
    if (e instanceof EventfuseError && prefix) {
      const Same = e.constructor as new (message: string) => EventfuseError;
      throw new Same(`dense: ${prefix[1] === 'to' ? 'unit: ' : ''}${e.message.slice(prefix[0].length)}`);
    }
    throw e;
  }
}

/** A dense matrix from nested rows, a [rows, cols] array, or a LazyArray (converted to `unit` when given). */
export function dense(values: ArrayData | LazyArray, unit?: Unit | string, options: DenseOptions = {}): DenseMatrix {
  if (!isOptions(options)) {
    throw new InvalidArgumentError(`dense: options is ${kindOf(options)}; expected an object { dtype } or nothing`);
  }
  if (values instanceof LazyArray) {
    // A lazy array of the wrong dtype is a wrong kind of argument, as for ef.binary and csr data.
    if (values.dtype !== 'float32' && values.dtype !== 'float64') {
      throw new InvalidArgumentError(`dense: values have dtype ${values.dtype}; expected float32 or float64`);
    }
    checkFloatDType('dense', options.dtype);
    return new DenseMatrix(unit === undefined ? values : asDense(() => values.to(unit)));
  }
  const typed = ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array);
  if (!Array.isArray(values) && !typed) {
    throw new InvalidArgumentError(`dense: values is ${kindOf(values)}; expected nested rows of numbers [[...], ...] or a [rows, cols] LazyArray`);
  }
  const a = asDense(() => array(values, unit, { dtype: checkFloatDType('dense', options.dtype) }));
  if (a.ndim !== 2) throw new ShapeMismatchError(`dense: expected nested rows [rows, cols], got shape ${showShape(a.shape)}`);
  // array() makes a constant leaf of nested rows: its values are checked here, once.
  const v: ArrayLike<number> = isOp(a.node, 'const') ? a.node.arg.data : [];
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k]!)) {
      const c = a.shape[1]!;
      throw new InvalidFormatError(`dense: values[${Math.floor(k / c)}][${k % c}] is ${v[k]}; expected a finite number`);
    }
  }
  return new DenseMatrix(a);
}
