/**
 * ef.grad(f, { argnums }) and ef.valueAndGrad: gradients of a scalar function with respect to
 * the chosen arguments (default the first). Each gradient has its argument's kind (array,
 * matrix with the gradient as its data, record) and is a lazy array in unit(f) / unit(arg).
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, NotDifferentiableError, ShapeMismatchError } from '../errors.js';
import type { LazyArray } from '../api/array.js';
import { isFloat } from '../ir/dtype.js';
import { scalarNode } from '../ir/leaves.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { trace } from './trace.js';

export interface GradOptions<I extends number | readonly number[] = number | readonly number[]> {
  /** Which arguments to differentiate: one index (the gradient alone) or several (an array of gradients). Default 0. */
  readonly argnums?: I;
}

type Fn<A extends readonly unknown[]> = (...args: A) => LazyArray;
type Grads<A extends readonly unknown[], I> = I extends number ? A[I] : unknown[];

function argnumsOf(who: string, options: unknown, arity: number): { list: number[]; single: boolean } {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidArgumentError(`${who}: options must be an object { argnums? }, got ${describeValue(options)}`);
  const extra = Object.keys(options ?? {}).filter((k) => k !== 'argnums');
  if (extra.length) throw new InvalidArgumentError(`${who}: unknown option '${extra[0]}'; expected { argnums? }`);
  const raw: unknown = (options as GradOptions | undefined)?.argnums ?? 0;
  const single = !Array.isArray(raw);
  const list = (single ? [raw] : (raw as unknown[])) as unknown[];
  list.forEach((i) => {
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= arity) {
      throw new InvalidArgumentError(`${who}: argnums entries must be argument indices in [0, ${arity - 1}] for the ${arity} argument(s) given, got ${describeValue(i)}`);
    }
  });
  if (new Set(list).size !== list.length) throw new InvalidArgumentError(`${who}: argnums [${list.join(', ')}] repeats an index; expected each argument once`);
  return { list: list as number[], single };
}

function valueAndGradOf(who: string, f: (...args: never[]) => unknown, options: unknown, args: readonly unknown[]): { value: LazyArray; grad: unknown } {
  const { list, single } = argnumsOf(who, options, args.length);
  const call = trace(who, f, args, list);
  const v = call.value;
  if (v.ndim !== 0) throw new ShapeMismatchError(`${who}: f must return a 0-d (scalar) array, got shape ${showShape(v.shape)} (${v.dtype}); reduce it (sum, mean) or use ef.vjp with a cotangent`);
  if (!isFloat(v.dtype)) throw new NotDifferentiableError(`${who}: f must return a float32 or float64 scalar, got a ${v.dtype} one; expected a float loss (cast it with astype('float32'))`);
  const grads = call.pullback(scalarNode(1, Unit.dimensionless, v.dtype, true));
  return { value: v, grad: single ? grads[0] : grads };
}

/** The gradient of the scalar function f with respect to argument 0, or the arguments `argnums`. */
export function grad<A extends readonly unknown[]>(f: Fn<A>): (...args: A) => A[0];
export function grad<A extends readonly unknown[], I extends number | readonly number[]>(f: Fn<A>, options: GradOptions<I>): (...args: A) => Grads<A, I>;
export function grad(f: Fn<unknown[]>, options?: GradOptions): (...args: unknown[]) => unknown {
  return (...args) => valueAndGradOf('grad', f as (...a: never[]) => unknown, options, args).grad;
}

/** f's value and its gradient (as `grad`), from one trace of f. */
export function valueAndGrad<A extends readonly unknown[]>(f: Fn<A>): (...args: A) => { value: LazyArray; grad: A[0] };
export function valueAndGrad<A extends readonly unknown[], I extends number | readonly number[]>(f: Fn<A>, options: GradOptions<I>): (...args: A) => { value: LazyArray; grad: Grads<A, I> };
export function valueAndGrad(f: Fn<unknown[]>, options?: GradOptions): (...args: unknown[]) => { value: LazyArray; grad: unknown } {
  return (...args) => valueAndGradOf('valueAndGrad', f as (...a: never[]) => unknown, options, args);
}
