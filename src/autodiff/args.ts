/**
 * What can be differentiated: a LazyArray, a matrix of a format (its stored data: the gradient
 * is the same kind of matrix, same structure, with the gradient as its data, via `withData`),
 * or a record (plain object, nested at will) of these. `flatten` lists the arrays of one
 * argument and rebuilds the same shape of value from other arrays.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, NotDifferentiableError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { isFloat } from '../ir/dtype.js';

/** A matrix format with stored data (dense, COO, CSR, CSC, fixed-number). */
export interface WithData {
  readonly data: LazyArray;
  withData(data: LazyArray): unknown;
}

export type Differentiable = LazyArray | WithData | { readonly [key: string]: Differentiable };

const isWithData = (x: unknown): x is WithData =>
  typeof x === 'object' && x !== null && (x as WithData).data instanceof LazyArray && typeof (x as WithData).withData === 'function';

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

export interface Flat {
  /** The arrays, depth first, with where they are (`args[0].w`). */
  readonly leaves: readonly { readonly array: LazyArray; readonly path: string }[];
  /** The same kind of value with these arrays in their places. */
  readonly rebuild: (arrays: readonly LazyArray[]) => unknown;
}

export function flatten(x: unknown, path: string, who: string): Flat {
  if (x instanceof LazyArray) {
    if (!isFloat(x.dtype)) {
      throw new NotDifferentiableError(`${who}: ${path} is a ${x.dtype} array; only float32 and float64 arrays have gradients (cast it with astype('float32'), or leave it out of argnums)`);
    }
    return { leaves: [{ array: x, path }], rebuild: (a) => a[0]! };
  }
  if (isWithData(x)) {
    const inner = flatten(x.data, `${path}.data`, who);
    return { leaves: inner.leaves, rebuild: (a) => x.withData(a[0]!) };
  }
  if (isRecord(x)) {
    const keys = Object.keys(x);
    const parts = keys.map((k) => flatten(x[k], `${path}.${k}`, who));
    return {
      leaves: parts.flatMap((p) => p.leaves),
      rebuild: (a) => {
        let at = 0;
        return Object.fromEntries(keys.map((k, i) => {
          const n = parts[i]!.leaves.length;
          const v = parts[i]!.rebuild(a.slice(at, at + n));
          at += n;
          return [k, v];
        }));
      },
    };
  }
  const jit = typeof x === 'object' && x !== null && typeof (x as { withData?: unknown }).withData === 'function';
  throw new InvalidArgumentError(`${who}: ${path} is ${describeValue(x)}${jit ? ' without stored data (a JIT matrix regenerates its weights: differentiate its parameters instead)' : ''}; expected a LazyArray, a matrix with stored data, or a record of these`);
}
