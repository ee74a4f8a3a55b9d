/**
 * The op functions of the public API. Every op is dual: data-first `ef.add(x, y)` and
 * data-last `pipe(x, ef.add(y))` for fp-ts pipelines.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { optionsObject } from '../options.js';
import { dual, extraArguments } from './dual.js';
import * as A from './array.js';
import type { LazyArray, LinearOperator, Operand, ReduceOptions } from './array.js';
import type { BinaryOp, UnaryOp } from '../ir/ops.js';

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
  (a: LazyArray | LinearOperator, b: LazyArray | LinearOperator): LazyArray;
  (b: LazyArray | LinearOperator): (a: LazyArray | LinearOperator) => LazyArray;
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
