/** Element types and their typed-array storage. */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export const DTYPES: readonly DType[] = Object.freeze(['bool', 'int32', 'float32', 'float64']);

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The typed array that holds each dtype. */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/**
 * reduce and reduceRight with one signature each. On a plain union of typed arrays strict tsc
 * finds them not callable (each member's overloads differ), so `x.dataSync().reduce(...)`
 * would not compile; every typed array has these at runtime.
 */
export interface NumericReducers {
  reduce(callback: (previous: number, current: number, index: number, array: TypedArray) => number): number;
  reduce<U>(callback: (previous: U, current: number, index: number, array: TypedArray) => U, initial: U): U;
  reduceRight(callback: (previous: number, current: number, index: number, array: TypedArray) => number): number;
  reduceRight<U>(callback: (previous: U, current: number, index: number, array: TypedArray) => U, initial: U): U;
}

/**
 * What `dataSync<D>()` returns: the typed array of dtype D when D is named, and for the
 * default (any dtype) a TypedArray whose reduce is callable.
 */
export type DataOf<D extends DType> = DType extends D ? TypedArray & NumericReducers : DataTypeMap[D];

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Copy numbers into a new typed array of `dtype`, with the dtype's rounding (bool: nonzero -> 1). */
export function toTyped(dtype: DType, values: ArrayLike<number>): TypedArray {
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else out.set(values);
  return out;
}

export const rank = (d: DType): number => DTYPES.indexOf(d);
export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

export function checkDType(d: unknown): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new InvalidArgumentError(`unknown dtype ${describeValue(d)}: expected one of ${DTYPES.join(', ')}`);
}

/** Round a float64 value the way storing it in `dtype` would. */
export function roundTo(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(v);
    case 'float64':
      return v;
    case 'int32':
      return v | 0;
    case 'bool':
      return v !== 0 ? 1 : 0;
  }
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Can `dtype` hold `v` (after its rounding)? int32: finite and in range; bool: not NaN. */
export function holds(dtype: DType, v: number): boolean {
  switch (dtype) {
    case 'int32':
      return Number.isFinite(v) && Math.trunc(v) >= INT32_MIN && Math.trunc(v) <= INT32_MAX;
    case 'bool':
      return !Number.isNaN(v);
    default:
      return true;
  }
}

/**
 * Constructors store user values only where the dtype holds them: an int32 of 3e9 or NaN
 * would wrap silently, a NaN bool would be a spike. (Lazy `astype` keeps JavaScript's `| 0`.)
 */
export function checkHolds(op: string, dtype: DType, values: ArrayLike<number>, what = 'values', indexed = true): void {
  if (dtype !== 'int32' && dtype !== 'bool') return;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!holds(dtype, v)) {
      const where = indexed ? `${what}[${i}]` : what;
      const range = dtype === 'int32' ? `a finite number in [${INT32_MIN}, ${INT32_MAX}]` : 'a number other than NaN';
      throw new InvalidArgumentError(`${op}: ${where} is ${v}, which ${dtype} cannot hold; expected ${range} (or choose dtype 'float64')`);
    }
  }
}
