/**
 * Array data and lazy arrays for property tests. Values are finite; float32 values are
 * exact float32 numbers of moderate magnitude, so results stay comparable across backends.
 */
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import type { DType, LazyArray } from '../../src/index.js';
import { shape as anyShape, sizeOf, type ShapeOptions, type ShapeT } from './shape.js';
import { dtype as anyDType } from './dtype.js';
import { deviceExact } from '../helpers/backends.js';

export interface ValueOptions {
  /** Smallest value (default -100). */
  readonly min?: number;
  /** Largest value (default 100). */
  readonly max?: number;
  /** Whole numbers only (handy where ties matter: comparisons, max/min). */
  readonly integer?: boolean;
}

/** Flat row-major values and their shape. */
export interface ArrayCase {
  readonly values: number[];
  readonly shape: ShapeT;
  readonly dtype: DType;
}

/** An ArrayCase plus the ef array built from it. */
export interface LazyCase extends ArrayCase {
  readonly array: LazyArray;
  readonly unit: string;
}

const asArb = <T>(x: T | fc.Arbitrary<T>): fc.Arbitrary<T> => (x instanceof fc.Arbitrary ? x : fc.constant(x));

/** One element of `dtype` in [min, max]. */
export function element(dtype: DType, opts: ValueOptions = {}): fc.Arbitrary<number> {
  const min = opts.min ?? -100;
  const max = opts.max ?? 100;
  if (dtype === 'bool') return fc.constantFrom(0, 1);
  if (dtype === 'int32' || opts.integer) return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
  if (dtype === 'float32') {
    // fc.float needs float32 bounds; round them inwards so values stay in [min, max].
    let lo = Math.fround(min);
    if (lo < min) lo = Math.fround(min + Math.abs(min) * 1e-7 + 1e-38);
    let hi = Math.fround(max);
    if (hi > max) hi = Math.fround(max - Math.abs(max) * 1e-7 - 1e-38);
    return fc.float({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map(deviceExact);
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map(deviceExact);
}

/** Values for an array of `shape` and `dtype` (either fixed or drawn). */
export function arrayOf(
  shape: ShapeT | fc.Arbitrary<ShapeT>,
  dtype: DType | fc.Arbitrary<DType> = 'float32',
  opts: ValueOptions = {},
): fc.Arbitrary<ArrayCase> {
  return fc.tuple(asArb(shape), asArb(dtype)).chain(([s, d]) =>
    fc
      .array(element(d, opts), { minLength: sizeOf(s), maxLength: sizeOf(s) })
      .map((values) => ({ values, shape: [...s], dtype: d })),
  );
}

/** Build the ef array of an ArrayCase. */
export function toLazy(c: ArrayCase, unit = '1'): LazyArray {
  return ef.array(c.values, unit, { dtype: c.dtype, shape: c.shape });
}

export interface LazyArrayOptions {
  readonly shape?: ShapeT | fc.Arbitrary<ShapeT>;
  readonly dtype?: DType | fc.Arbitrary<DType>;
  readonly unit?: string | fc.Arbitrary<string>;
  readonly values?: ValueOptions;
  /** Used when `shape` is not given. */
  readonly shapeOptions?: ShapeOptions;
}

/** A lazy ef array together with the data it was built from. */
export function lazyArray(opts: LazyArrayOptions = {}): fc.Arbitrary<LazyCase> {
  const shape = opts.shape ?? anyShape(opts.shapeOptions);
  return fc
    .tuple(arrayOf(shape, opts.dtype ?? anyDType, opts.values), asArb(opts.unit ?? '1'))
    .map(([c, unit]) => ({ ...c, unit, array: toLazy(c, unit) }));
}

/** Lazy arrays for each of `shapes` (e.g. from broadcastShapes), dtypes drawn independently. */
export function lazyArrays(
  shapes: ShapeT[],
  dtype: DType | fc.Arbitrary<DType> = anyDType,
  values: ValueOptions = {},
): fc.Arbitrary<LazyCase[]> {
  return fc.tuple(...shapes.map((s) => lazyArray({ shape: s, dtype, values }))) as fc.Arbitrary<LazyCase[]>;
}

/**
 * Plain JS numbers as operands: quarter steps in [-2, 2], both whole and fractional, and
 * exact in float32 (so comparisons with them agree on every backend).
 */
export const plainNumber: fc.Arbitrary<number> = fc.integer({ min: -8, max: 8 }).map((n) => n / 4);
