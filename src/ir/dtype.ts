/** Element types and their typed-array storage. */
import { InvalidArgumentError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export const DTYPES: readonly DType[] = Object.freeze(['bool', 'int32', 'float32', 'float64']);

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

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
  throw new InvalidArgumentError(`unknown dtype ${JSON.stringify(d)}: expected one of ${DTYPES.join(', ')}`);
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
