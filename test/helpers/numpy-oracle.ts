/**
 * NumPy's semantics for the array basics (round, sign, mod, argmax/argmin, cumsum), restated
 * independently of src/: each output element is computed on its own, with formulas that differ
 * from the library's (NumPy 2.x gave every concrete case quoted below).
 */
import type { DType } from '../../src/index.js';
import { promoteTypes, ravel, sizeOf, storeAs, unravel, type Dense } from './oracle.js';

/** np.round: half to even; a zero result keeps the sign of x (np.round(-0.4) is -0.0). */
export function npRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const n = Math.floor(x);
  const d = x - n;
  const r = d < 0.5 ? n : d > 0.5 ? n + 1 : n % 2 === 0 ? n : n + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** np.sign: -1, 0 or 1; np.sign(-0.0) is 0.0 (positive); NaN stays NaN. */
export const npSign = (x: number): number => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * np.mod for operands that are multiples of 1/4 (exact in float32; the tests draw such values):
 * the floored remainder of the integers 4a and 4b, so the result has the divisor's sign and a
 * zero result is -0.0 for a negative divisor (np.mod(4., -2.) is -0.0); x mod 0 is NaN.
 */
export function npModQuarters(a: number, b: number): number {
  const [p, q] = [Math.round(a * 4), Math.round(b * 4)];
  if (p !== a * 4 || q !== b * 4) throw new Error(`npModQuarters: ${a}, ${b} are not multiples of 1/4`);
  if (q === 0) return NaN;
  const r = (((p % q) + q) % q) / 4;
  return r === 0 ? (q < 0 ? -0 : 0) : r;
}

/** The result dtype of floor/ceil/round/sign/mod: NumPy-like promotion, bools as int32. */
export const roundingDType = (operands: readonly (DType | number)[]): DType => promoteTypes(operands);

/** Indices of the elements of `x` along `axis` (null: all, flattened), grouped per output position. */
function groups(x: Dense, axis: number | null, keepdims: boolean): { shape: number[]; members: number[][] } {
  const shape = axis === null ? (keepdims ? x.shape.map(() => 1) : []) : x.shape.flatMap((d, i) => (i === axis ? (keepdims ? [1] : []) : [d]));
  const members: number[][] = Array.from({ length: sizeOf(shape) }, () => []);
  for (let k = 0; k < x.values.length; k++) {
    const idx = unravel(k, x.shape);
    const out = axis === null ? shape.map(() => 0) : keepdims ? idx.map((v, d) => (d === axis ? 0 : v)) : idx.filter((_, d) => d !== axis);
    members[ravel(out, shape)]!.push(k);
  }
  return { shape, members };
}

/**
 * np.argmax / np.argmin (axis null: the position in the flattened array): the first position
 * of the extreme value; a NaN counts as the extreme, so the first NaN wins
 * (np.argmax([1, nan, nan]) is 1, np.argmin([nan, 1]) is 0).
 */
export function npArg(op: 'argmax' | 'argmin', x: Dense, axis: number | null, keepdims = false): Dense {
  const ax = axis === null ? null : axis < 0 ? axis + x.shape.length : axis;
  const { shape, members } = groups(x, ax, keepdims);
  const values = members.map((ks) => {
    const vs = ks.map((k) => x.values[k]!);
    const nan = vs.findIndex(Number.isNaN);
    if (nan >= 0) return nan;
    const extreme = op === 'argmax' ? Math.max(...vs) : Math.min(...vs);
    return vs.indexOf(extreme);
  });
  return { values, shape, dtype: 'int32' };
}

/**
 * np.cumsum with this library's dtypes (bool and int32 give int32; NumPy gives int64 there):
 * the running sum along `axis` (null: the flattened array, a 1-D result), summed exactly in
 * float64 and stored in the result dtype.
 */
export function npCumsum(x: Dense, axis: number | null): Dense {
  const dtype: DType = x.dtype === 'float32' || x.dtype === 'float64' ? x.dtype : 'int32';
  if (axis === null) {
    let acc = 0;
    return { values: x.values.map((v) => storeAs(dtype, (acc += v))), shape: [x.values.length], dtype };
  }
  const ax = axis < 0 ? axis + x.shape.length : axis;
  const values = x.values.map((_, k) => {
    const idx = unravel(k, x.shape);
    let acc = 0;
    for (let j = 0; j <= idx[ax]!; j++) acc += x.values[ravel(idx.map((v, d) => (d === ax ? j : v)), x.shape)]!;
    return storeAs(dtype, acc);
  });
  return { values, shape: [...x.shape], dtype };
}
