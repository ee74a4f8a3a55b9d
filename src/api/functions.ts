/**
 * The op functions of the public API. Every op is dual: data-first `ef.add(x, y)` and
 * data-last `pipe(x, ef.add(y))` for fp-ts pipelines.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { optionsObject } from '../options.js';
import { dual, extraArguments } from './dual.js';
import * as A from './array.js';
import type { LazyArray, LinearOperator, Operand, PackedOperand, ReduceOptions } from './array.js';
import type { BinaryOp, UnaryOp } from '../ir/ops.js';
import type { SliceSpec } from '../ir/indexing.js';

type Binary = {
  (a: Operand, b: Operand): LazyArray;
  (b: Operand): (a: Operand) => LazyArray;
};
const binaryOp = (op: BinaryOp): Binary => dual(2, (a: Operand, b: Operand) => A.binary(op, a, b), op);
const unaryOp = (op: UnaryOp) => (x: Operand): LazyArray => A.unary(op, x);

export const add = binaryOp('add');
export const sub = binaryOp('sub');
export const mul = binaryOp('mul');
export const div = binaryOp('div');
export const pow = binaryOp('pow');
export const maximum = binaryOp('maximum');
export const minimum = binaryOp('minimum');
/** NumPy's mod (floored: the sign of the divisor; x mod 0 is NaN, 0 for int32); b in a's unit. */
export const mod = binaryOp('mod');
export const greater = binaryOp('greater');
export const greaterEqual = binaryOp('greaterEqual');
export const less = binaryOp('less');
export const lessEqual = binaryOp('lessEqual');
export const equal = binaryOp('equal');
export const notEqual = binaryOp('notEqual');
/** Bool arrays only (comparisons, spikes); `not` is the logical not. */
export const logicalAnd = binaryOp('logicalAnd');
export const logicalOr = binaryOp('logicalOr');
export const logicalXor = binaryOp('logicalXor');

export const neg = unaryOp('neg');
export const abs = unaryOp('abs');
export const exp = unaryOp('exp');
export const log = unaryOp('log');
export const sqrt = unaryOp('sqrt');
export const sin = unaryOp('sin');
export const cos = unaryOp('cos');
export const tanh = unaryOp('tanh');
export const not = unaryOp('not');
/** Rounding of the stored values, in the array's own unit; round is half to even (NumPy). */
export const floor = unaryOp('floor');
export const ceil = unaryOp('ceil');
export const round = unaryOp('round');
export const sign = unaryOp('sign');

/** where(cond, a, b), or data-last where(a, b)(cond). */
export const where: {
  (cond: Operand, a: Operand, b: Operand): LazyArray;
  (a: Operand, b: Operand): (cond: Operand) => LazyArray;
} = dual(3, A.where, 'where', ['a', 'b']);

/** clip(x, lo, hi), or data-last clip(lo, hi)(x). */
export const clip: {
  (x: Operand, lo: Operand, hi: Operand): LazyArray;
  (lo: Operand, hi: Operand): (x: Operand) => LazyArray;
} = dual(3, A.clip, 'clip', ['lo', 'hi']);

/** matmul(a, b), or data-last matmul(b)(a). */
export const matmul: {
  (a: LazyArray | LinearOperator | PackedOperand, b: LazyArray | LinearOperator | PackedOperand): LazyArray;
  (b: LazyArray | LinearOperator | PackedOperand): (a: LazyArray | LinearOperator | PackedOperand) => LazyArray;
} = dual(2, A.matmul, 'matmul', ['W']);

/** Options of the function forms of reductions: the axis travels with keepdims, never positionally. */
export interface ReductionOptions extends ReduceOptions {
  /** The axis to reduce (negative counts from the end); all axes when left out. */
  readonly axis?: number;
}

type Reduction = {
  (x: LazyArray, options?: ReductionOptions): LazyArray;
  (options?: ReductionOptions): (x: LazyArray) => LazyArray;
};

/**
 * The options argument of a reduction function. A number is refused: `xs.map(ef.sum)` passes
 * the index there, which as an axis would reduce over axis 0 without a word.
 */
function reductionOptions(name: string, o: unknown, dataFirst: boolean, keys: readonly string[]): ReductionOptions {
  if (o === undefined) return {};
  if (typeof o === 'number') {
    const trap = dataFirst ? ` (a number there is what passing ef.${name} to map/forEach supplies: the index)` : '';
    throw new InvalidArgumentError(
      `${name}: the ${dataFirst ? 'second' : 'first'} argument is the number ${o}, but the function form takes an options object: ` +
        `write ef.${name}(${dataFirst ? 'x, ' : ''}{ axis: ${o} }) or the method x.${name}(${o})${trap}`,
    );
  }
  const shape = `{ ${keys.map((k) => `${k}?`).join(', ')} }`;
  if (A.isLazyArray(o)) throw new InvalidArgumentError(`${name}: options must be an object ${shape}, got an array`);
  return optionsObject(name, o, keys, shape) as ReductionOptions;
}

/** Data-first when the first argument is an array; otherwise an options object (or nothing) comes first. */
const reduction = (name: string, f: (x: LazyArray, axis?: number, options?: ReduceOptions) => LazyArray, keys: readonly string[] = ['axis', 'keepdims']): Reduction =>
  ((...args: unknown[]) => {
    if (A.isLazyArray(args[0])) {
      if (args.length > 2) throw extraArguments(name, 2, args.length, ['{ axis }']);
      const o = reductionOptions(name, args[1], true, keys);
      return f(args[0], o.axis, { keepdims: o.keepdims });
    }
    if (args.length > 1 && typeof args[0] !== 'number') {
      throw new InvalidArgumentError(`${name}: expected a LazyArray as the first argument, got ${describeValue(args[0])}`);
    }
    const o = reductionOptions(name, args[0], false, keys);
    return (x: LazyArray) => f(x, o.axis, { keepdims: o.keepdims });
  }) as Reduction;

export const sum = reduction('sum', (x, axis, o) => A.reduce('sum', x, axis, o));
export const max = reduction('max', (x, axis, o) => A.reduce('max', x, axis, o));
export const min = reduction('min', (x, axis, o) => A.reduce('min', x, axis, o));
export const mean = reduction('mean', A.mean);

/** reshape(x, shape), or data-last reshape(shape)(x). A view: no copy. */
export const reshape: {
  (x: LazyArray, shape: readonly number[]): LazyArray;
  (shape: readonly number[]): (x: LazyArray) => LazyArray;
} = dual(2, (x: LazyArray, shape: readonly number[]) => arrayOf('reshape', x).reshape(shape), 'reshape', ['shape']);

/** expandDims(x, axis), or data-last expandDims(axis)(x). A view: no copy. */
export const expandDims: {
  (x: LazyArray, axis: number): LazyArray;
  (axis: number): (x: LazyArray) => LazyArray;
} = dual(2, (x: LazyArray, axis: number) => arrayOf('expandDims', x).expandDims(axis), 'expandDims', ['axis']);

type OptionalArg<A> = {
  (x: LazyArray, arg?: A): LazyArray;
  (arg?: A): (x: LazyArray) => LazyArray;
};

/** Data-first when the first argument is an array, else data-last (the argument is optional). */
const optionalArg = <A>(name: string, f: (x: LazyArray, arg?: A) => LazyArray): OptionalArg<A> =>
  ((...args: unknown[]) => {
    if (args.length > 2) throw extraArguments(name, 2, args.length, ['arg']);
    if (A.isLazyArray(args[0])) return f(args[0], args[1] as A | undefined);
    if (args.length > 1) throw new InvalidArgumentError(`${name}: expected a LazyArray as the first argument, got ${describeValue(args[0])}`);
    return (x: LazyArray) => f(arrayOf(name, x), args[0] as A | undefined);
  }) as OptionalArg<A>;

/** squeeze(x, axis?), or data-last squeeze(axis?)(x). A view: no copy. */
export const squeeze = optionalArg<number | readonly number[]>('squeeze', (x, axis) => x.squeeze(axis));
/** transpose(x, perm?), or data-last transpose(perm?)(x): a dense transpose (a gather). */
export const transpose = optionalArg<readonly number[]>('transpose', (x, perm) => x.transpose(perm));

function arrayOf(name: string, x: unknown): LazyArray {
  if (!A.isLazyArray(x)) throw new InvalidArgumentError(`${name}: expected a LazyArray, got ${describeValue(x)}`);
  return x;
}

/** concat(arrays, axis = 0): np.concatenate. */
export const concat = A.concat;
/** stack(arrays, axis = 0): np.stack. */
export const stack = A.stack;

/** slice(x, ...specs), or data-last slice(...specs)(x): NumPy basic slicing (see LazyArray.slice). */
export const slice: {
  (x: LazyArray, ...specs: readonly SliceSpec[]): LazyArray;
  (...specs: readonly SliceSpec[]): (x: LazyArray) => LazyArray;
} = ((...args: unknown[]) => {
  if (A.isLazyArray(args[0])) return args[0].slice(...(args.slice(1) as SliceSpec[]));
  return (x: LazyArray) => arrayOf('slice', x).slice(...(args as SliceSpec[]));
}) as never;

export interface TakeOptions {
  /** The axis to take along (negative counts from the end); the flattened array when left out. */
  readonly axis?: number;
}

const isOptions = (o: unknown): boolean => typeof o === 'object' && o !== null && !Array.isArray(o) && !ArrayBuffer.isView(o) && !A.isLazyArray(o);

/**
 * take(x, indices, { axis }?), or data-last take(indices, { axis }?)(x): np.take. The axis goes
 * in an options object, so an array of indices is never mistaken for the data.
 */
export const take: {
  (x: LazyArray, indices: A.Indices, options?: TakeOptions): LazyArray;
  (indices: A.Indices, options?: TakeOptions): (x: LazyArray) => LazyArray;
} = ((...args: unknown[]) => {
  if (args.length > 3) throw extraArguments('take', 3, args.length, ['indices', '{ axis }']);
  const axisOf = (o: unknown): number | undefined =>
    o === undefined ? undefined : (optionsObject('take', o, ['axis'], '{ axis? }') as TakeOptions).axis;
  if (A.isLazyArray(args[0]) && args.length >= 2 && !isOptions(args[1])) return args[0].take(args[1] as A.Indices, axisOf(args[2]));
  if (args.length > 2) throw new InvalidArgumentError(`take: expected a LazyArray as the first argument, got ${describeValue(args[0])}`);
  return (x: LazyArray) => arrayOf('take', x).take(args[0] as A.Indices, axisOf(args[1]));
}) as never;
/** int32 positions of the first extreme (NumPy: the first NaN, if any); { axis, keepdims } as for sum. */
export const argmax = reduction('argmax', (x, axis, o) => A.reduce('argmax', x, axis, o));
export const argmin = reduction('argmin', (x, axis, o) => A.reduce('argmin', x, axis, o));
/** Options of cumsum's function form. */
export interface ScanOptions {
  /** The axis to sum along (negative counts from the end); the flattened array when left out. */
  readonly axis?: number;
}

/** cumsum(x, { axis }) or data-last cumsum({ axis })(x): running sums; all axes flattened when left out. */
export const cumsum: {
  (x: LazyArray, options?: ScanOptions): LazyArray;
  (options?: ScanOptions): (x: LazyArray) => LazyArray;
} = reduction('cumsum', (x, axis) => A.cumsum(x, axis), ['axis']);
