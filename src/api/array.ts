/**
 * LazyArray: the user-facing value. Immutable and lazy: every op builds an IR node;
 * nothing is computed until `data()` / `dataSync()`.
 */
import { realize, realizedValues } from '../backends/registry.js';
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { Unit } from '../units/unit.js';
import { sameDimension } from '../units/rules.js';
import { allocate, checkDType, roundTo, type DataOf, type DType, type TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';
import { build, rescale } from '../ir/build.js';
import { scalarNode } from '../ir/leaves.js';
import type { BinaryOp, ReduceOp, UnaryOp } from '../ir/ops.js';
import { broadcastShapes, normalizeAxis, showShape, type Shape } from '../ir/shape.js';
import { concatNodes, sliceNode, stackNodes, takeNode, transposeNode, type KnownIndices, type SliceSpec } from '../ir/indexing.js';
import { expandDimsNode, reshapeNode, squeezeNode } from '../ir/views.js';

/** Anything an op accepts as an operand: an array, or a plain (dimensionless) number. */
export type Operand = LazyArray | number;

export interface ReduceOptions {
  readonly keepdims?: boolean;
}

export class LazyArray {
  /** @internal the IR node this array stands for. */
  readonly node: Node;

  constructor(node: Node) {
    this.node = node;
    Object.freeze(this);
  }

  get shape(): Shape { return this.node.shape; }
  get dtype(): DType { return this.node.dtype; }
  get unit(): Unit { return this.node.unit; }
  get size(): number { return this.node.size; }
  get ndim(): number { return this.node.shape.length; }

  /**
   * Compute (on the current backend) and return a fresh copy of the values, in the typed
   * array of this array's dtype. `dataSync<'int32'>()` narrows the type, as in TF.js: an
   * unchecked static assertion that the dtype is int32.
   */
  dataSync<D extends DType = DType>(): DataOf<D> {
    return realize([this.node])[0]!.slice() as DataOf<D>;
  }

  async data<D extends DType = DType>(): Promise<DataOf<D>> {
    return this.dataSync<D>();
  }

  /** The single value of a one-element array. */
  item(): number {
    if (this.size !== 1) throw new InvalidArgumentError(`item: expected an array with one element, got shape ${showShape(this.shape)}`);
    return this.dataSync()[0]!;
  }

  /** The same quantity expressed in another unit of the same dimension (mV -> V). */
  to(unit: Unit | string): LazyArray {
    const target = Unit.of(unit);
    return new LazyArray(rescale(this.node, this.unit.factorTo(target, 'to'), target));
  }

  /** Reinterpret with a new dtype (values converted: float -> int truncates, nonzero -> true). */
  astype(dtype: DType): LazyArray {
    const d = checkDType(dtype);
    return d === this.dtype ? this : new LazyArray(build('cast', [this.node], { kind: 'cast', dtype: d }));
  }

  add(o: Operand): LazyArray { return binary('add', this, o); }
  sub(o: Operand): LazyArray { return binary('sub', this, o); }
  mul(o: Operand): LazyArray { return binary('mul', this, o); }
  div(o: Operand): LazyArray { return binary('div', this, o); }
  pow(o: Operand): LazyArray { return binary('pow', this, o); }
  maximum(o: Operand): LazyArray { return binary('maximum', this, o); }
  minimum(o: Operand): LazyArray { return binary('minimum', this, o); }
  /** NumPy's mod: floored, with the sign of `o`; `o` is converted to this array's unit. */
  mod(o: Operand): LazyArray { return binary('mod', this, o); }
  greater(o: Operand): LazyArray { return binary('greater', this, o); }
  greaterEqual(o: Operand): LazyArray { return binary('greaterEqual', this, o); }
  less(o: Operand): LazyArray { return binary('less', this, o); }
  lessEqual(o: Operand): LazyArray { return binary('lessEqual', this, o); }
  equal(o: Operand): LazyArray { return binary('equal', this, o); }
  notEqual(o: Operand): LazyArray { return binary('notEqual', this, o); }
  /** Logical ops take bool arrays only (e.g. comparisons); see also `not`. */
  logicalAnd(o: Operand): LazyArray { return binary('logicalAnd', this, o); }
  logicalOr(o: Operand): LazyArray { return binary('logicalOr', this, o); }
  logicalXor(o: Operand): LazyArray { return binary('logicalXor', this, o); }
  neg(): LazyArray { return unary('neg', this); }
  abs(): LazyArray { return unary('abs', this); }
  exp(): LazyArray { return unary('exp', this); }
  log(): LazyArray { return unary('log', this); }
  sqrt(): LazyArray { return unary('sqrt', this); }
  sin(): LazyArray { return unary('sin', this); }
  cos(): LazyArray { return unary('cos', this); }
  tanh(): LazyArray { return unary('tanh', this); }
  not(): LazyArray { return unary('not', this); }
  /** floor, ceil and round act on the values in this array's own unit; round is half to even. */
  floor(): LazyArray { return unary('floor', this); }
  ceil(): LazyArray { return unary('ceil', this); }
  round(): LazyArray { return unary('round', this); }
  /** -1, 0 or 1 (NaN stays NaN), dimensionless. */
  sign(): LazyArray { return unary('sign', this); }
  /** Clip into [lo, hi]; the bounds must share this array's dimension. */
  clip(lo: Operand, hi: Operand): LazyArray { return clip(this, lo, hi); }
  /** Elementwise choice: where this is nonzero take `a`, else `b`. */
  where(a: Operand, b: Operand): LazyArray { return where(this, a, b); }
  sum(axis?: number, options?: ReduceOptions): LazyArray { return reduce('sum', this, axis, options); }
  max(axis?: number, options?: ReduceOptions): LazyArray { return reduce('max', this, axis, options); }
  min(axis?: number, options?: ReduceOptions): LazyArray { return reduce('min', this, axis, options); }
  mean(axis?: number, options?: ReduceOptions): LazyArray { return mean(this, axis, options); }
  /** int32 position of the first largest value (of the first NaN, if any) along `axis`, or in the flattened array. */
  argmax(axis?: number, options?: ReduceOptions): LazyArray { return reduce('argmax', this, axis, options); }
  argmin(axis?: number, options?: ReduceOptions): LazyArray { return reduce('argmin', this, axis, options); }
  /** Running sum along `axis`; over the flattened array (1-D result) when left out. */
  cumsum(axis?: number): LazyArray { return cumsum(this, axis); }
  /** this @ o: o is an array or a matrix format (dense, COO, CSR, CSC, ...). */
  matmul(o: LazyArray | LinearOperator): LazyArray { return matmul(this, o); }

  /** The same values (row-major) under a new shape; one entry may be -1 (inferred). A view: no copy. */
  reshape(shape: readonly number[]): LazyArray { return new LazyArray(reshapeNode(this.node, shape)); }
  /** A new size-1 axis at `axis` (in [-(ndim + 1), ndim]). A view: no copy. */
  expandDims(axis: number): LazyArray { return new LazyArray(expandDimsNode(this.node, axis)); }
  /** Without the size-1 axes named (every size-1 axis when none is). A view: no copy. */
  squeeze(axis?: number | readonly number[]): LazyArray { return new LazyArray(squeezeNode(this.node, axis)); }
  /** Axes permuted (reversed by default), as a dense array: a gather of the output's size. */
  transpose(perm?: readonly number[]): LazyArray { return new LazyArray(transposeNode(this.node, perm)); }
  /**
   * NumPy basic slicing, one spec per leading axis: an index (drops the axis; negative counts
   * from the end), null (the whole axis) or `{ start, stop, step }` (Python slice rules).
   */
  slice(...specs: readonly SliceSpec[]): LazyArray { return new LazyArray(sliceNode(this.node, specs)); }
  /** np.take: the entries at `indices` along `axis` (the flattened array when omitted). */
  take(indices: Indices, axis?: number): LazyArray { return new LazyArray(takeNode(this.node, knownIndices(indices), axis)); }

  toString(): string {
    return `LazyArray(shape ${showShape(this.shape)}, ${this.dtype}, ${this.unit.toString()})`;
  }
}

/** The options util.inspect passes to a custom inspect function (the part used here). */
interface InspectOptions {
  readonly [option: string]: unknown;
}
type Inspect = (value: unknown, options: InspectOptions) => string;

/**
 * What console.log shows: toString() and, for at most INSPECT_VALUES elements, the values
 * when they cost nothing: constructor data, scalars, or values the current backend already
 * computed. Anything else prints `(lazy)`: logging must not start a computation (which
 * could be slow, or fail, and would change what `explain` and the caches see). Installed
 * under Node's registered symbol, not as a class member, so the public types need no
 * node:util (the package's .d.ts works without @types/node).
 */
Object.defineProperty(LazyArray.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: LazyArray, _depth: number, options: InspectOptions, show: Inspect): string {
    const head = this.toString();
    try {
      if (this.size > INSPECT_VALUES) return `${head} (${this.size} values)`;
      const values = knownValues(this.node);
      if (!values) return `${head} (lazy)`;
      const nested = nest(Array.from(values, (v) => (this.dtype === 'bool' ? v !== 0 : v)), this.shape);
      return `${head} ${show(nested, { ...options, depth: null, compact: true, breakLength: Infinity })}`;
    } catch {
      return head;
    }
  },
});

/** Largest array whose values console.log shows. */
export const INSPECT_VALUES = 32;

/** Values of `node` available without computing: constants, scalars, earlier results. */
function knownValues(node: Node): ArrayLike<number> | undefined {
  if (node.arg?.kind === 'const') return node.arg.data;
  if (node.arg?.kind === 'scalar') return [roundTo(node.dtype, node.arg.value)];
  return realizedValues(node);
}

/** Row-major values as nested arrays of `shape` (a 0-d array is its one value). */
function nest<T>(values: readonly T[], shape: Shape): unknown {
  if (shape.length === 0) return values[0];
  const [n, ...rest] = shape as [number, ...number[]];
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => nest(values.slice(i * step, (i + 1) * step), rest));
}

export const isLazyArray = (x: unknown): x is LazyArray => x instanceof LazyArray;

/** Plain numbers become weak, dimensionless scalars. */
export function operandNode(x: Operand, op: string, which = 'operand'): Node {
  if (x instanceof LazyArray) return x.node;
  if (typeof x === 'number') return scalarNode(x, Unit.dimensionless, 'float32', true);
  throw new InvalidArgumentError(`${op}: expected a LazyArray or a number as ${which}, got ${describeValue(x)}`);
}

export function unary(op: UnaryOp, x: Operand): LazyArray {
  return new LazyArray(build(op, [operandNode(x, op)]));
}

export function binary(op: BinaryOp, a: Operand, b: Operand): LazyArray {
  return new LazyArray(build(op, [operandNode(a, op, 'first operand'), operandNode(b, op, 'second operand')]));
}

export function where(cond: Operand, a: Operand, b: Operand): LazyArray {
  return new LazyArray(build('where', [operandNode(cond, 'where', 'condition'), operandNode(a, 'where', 'second operand'), operandNode(b, 'where', 'third operand')]));
}

export function clip(x: Operand, lo: Operand, hi: Operand): LazyArray {
  // Check the bounds against x under the name the user called, then build max/min.
  const nodes = [[x, 'operand'], [lo, 'lower bound'], [hi, 'upper bound']].map(([o, which]) => operandNode(o as Operand, 'clip', which as string));
  sameDimension('clip', nodes.map((n) => n.unit));
  broadcastShapes('clip', nodes.map((n) => n.shape));
  return binary('minimum', binary('maximum', x, lo), hi);
}

function reduceArg(op: string, x: LazyArray, axis: number | undefined, options: ReduceOptions | undefined) {
  if (!(x instanceof LazyArray)) throw new InvalidArgumentError(`${op}: expected a LazyArray, got ${describeValue(x)}`);
  if (axis !== undefined && axis !== null && typeof axis !== 'number') {
    throw new InvalidArgumentError(`${op}: axis must be an integer or undefined (all axes), got ${describeValue(axis)}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidArgumentError(`${op}: options must be an object { keepdims? }, got ${describeValue(options)}`);
  }
  const keepdims: unknown = options?.keepdims;
  if (keepdims !== undefined && typeof keepdims !== 'boolean') throw new InvalidArgumentError(`${op}: keepdims must be a boolean, got ${describeValue(keepdims)}`);
  return {
    kind: 'reduce' as const,
    axis: axis === undefined || axis === null ? null : normalizeAxis(op, axis, x.ndim),
    keepdims: options?.keepdims ?? false,
  };
}

export function reduce(op: ReduceOp, x: LazyArray, axis?: number, options?: ReduceOptions): LazyArray {
  return new LazyArray(build(op, [x.node], reduceArg(op, x, axis, options)));
}

export function cumsum(x: LazyArray, axis?: number): LazyArray {
  const { axis: ax } = reduceArg('cumsum', x, axis, undefined);
  return new LazyArray(build('cumsum', [x.node], { kind: 'scan', axis: ax }));
}

export function mean(x: LazyArray, axis?: number, options?: ReduceOptions): LazyArray {
  const arg = reduceArg('mean', x, axis, options);
  const count = arg.axis === null ? x.size : x.shape[arg.axis]!;
  const total = x.dtype === 'float64' ? reduce('sum', x, axis, options) : reduce('sum', x, axis, options).astype('float32');
  return total.div(count);
}

/**
 * A matrix that multiplies arrays from either side without being an array itself (the
 * sparse and event formats implement it), so that matmul dispatches without the IR
 * knowing any format.
 */
export interface LinearOperator {
  readonly shape: Shape;
  /** x @ this: x is [rows] or [batch, rows]. */
  leftProduct(x: LazyArray): LazyArray;
  /** this @ x: x is [cols] or [cols, batch]. */
  rightProduct(x: LazyArray): LazyArray;
}

export const isLinearOperator = (x: unknown): x is LinearOperator =>
  typeof x === 'object' && x !== null && !(x instanceof LazyArray)
  && typeof (x as LinearOperator).leftProduct === 'function' && typeof (x as LinearOperator).rightProduct === 'function';

/** Bit-packed events ({ bits, shape, wordsPerRow }, src/formats/events/bitpack.ts): a product operand. */
export interface PackedOperand {
  readonly bits: Uint32Array;
  readonly shape: readonly number[];
  readonly wordsPerRow: number;
}

/** Reads packed events as a bool array; set by the events format when it loads (no import of formats here). */
let packedReader: ((p: PackedOperand) => LazyArray) | undefined;
export function registerPackedReader(read: (p: PackedOperand) => LazyArray): void {
  packedReader = read;
}
const isPacked = (x: unknown): x is PackedOperand =>
  typeof x === 'object' && x !== null && !(x instanceof LazyArray) && (x as PackedOperand).bits instanceof Uint32Array && 'wordsPerRow' in x;

/** a @ b for arrays and matrix formats (one side must be an array; packed events count as one). */
export function matmul(a: LazyArray | LinearOperator | PackedOperand, b: LazyArray | LinearOperator | PackedOperand): LazyArray {
  if (packedReader && isPacked(a)) a = packedReader(a);
  if (packedReader && isPacked(b)) b = packedReader(b);
  if (a instanceof LazyArray && b instanceof LazyArray) return new LazyArray(build('matmul', [a.node, b.node]));
  if (a instanceof LazyArray && isLinearOperator(b)) return b.leftProduct(a);
  if (isLinearOperator(a) && b instanceof LazyArray) return a.rightProduct(b);
  const what = (x: unknown): string => (x instanceof LazyArray ? 'an array' : isLinearOperator(x) ? 'a matrix format' : describeValue(x));
  if (isLinearOperator(a) && isLinearOperator(b)) {
    throw new InvalidArgumentError('matmul: both operands are matrix formats; expected one array operand (use todense().data for one of them)');
  }
  throw new InvalidArgumentError(`matmul: expected arrays or matrix formats, got ${what(a)} and ${what(b)}`);
}

/** Indices known when an expression is built: a number, number[], Int32Array or a constant int32 array. */
export type Indices = number | readonly number[] | Int32Array | LazyArray;

function knownIndices(v: unknown): KnownIndices {
  if (typeof v === 'number') return checkIndices([v], []);
  if (v instanceof Int32Array) return { values: v, shape: [v.length] };
  if (Array.isArray(v)) return checkIndices(v, [v.length]);
  if (v instanceof LazyArray) {
    if (v.dtype !== 'int32') throw new InvalidArgumentError(`take: indices must be int32, got a ${v.dtype} array`);
    const arg = v.node.arg;
    if (arg?.kind === 'const') return { values: arg.data, shape: v.shape };
    if (arg?.kind === 'scalar') return { values: [arg.value], shape: [] };
    throw new InvalidArgumentError('take: indices must be known when the expression is built (a number, number[], Int32Array or a constant int32 array); got a computed array');
  }
  throw new InvalidArgumentError(`take: indices must be a number, number[], Int32Array or an int32 array, got ${describeValue(v)}`);
}

function checkIndices(values: readonly unknown[], shape: Shape): KnownIndices {
  values.forEach((i, k) => {
    if (typeof i !== 'number' || !Number.isInteger(i)) throw new InvalidArgumentError(`take: indices[${k}] must be an integer, got ${describeValue(i)}`);
  });
  return { values: values as number[], shape };
}

function checkArrays(op: string, arrays: unknown): Node[] {
  if (!Array.isArray(arrays)) throw new InvalidArgumentError(`${op}: expected an array of LazyArrays, got ${describeValue(arrays)}`);
  return arrays.map((a: unknown, i) => {
    if (!(a instanceof LazyArray)) throw new InvalidArgumentError(`${op}: arrays[${i}] must be a LazyArray, got ${describeValue(a)}`);
    return a.node;
  });
}

/** np.concatenate: shapes equal except along `axis`; units converted to the first's; dtypes widened. */
export const concat = (arrays: readonly LazyArray[], axis = 0): LazyArray => new LazyArray(concatNodes('concat', checkArrays('concat', arrays), axis));
/** np.stack: equal shapes joined along a new axis `axis`. */
export const stack = (arrays: readonly LazyArray[], axis = 0): LazyArray => new LazyArray(stackNodes(checkArrays('stack', arrays), axis));

/** A typed array holding `size` copies of `value` (used by constructors). */
export function filled(dtype: DType, size: number, value: number): TypedArray {
  const out = allocate(dtype, size);
  out.fill(value);
  return out;
}
