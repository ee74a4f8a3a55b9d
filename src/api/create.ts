/** Constructors of lazy arrays from user data; every input is validated and copied. */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { Unit } from '../units/unit.js';
import { describeValue } from '../describe.js';
import { BYTES, checkAllocation } from '../limits.js';
import { optionsObject } from '../options.js';
import { allocate, checkDType, checkHolds, holds, roundTo, toTyped, type DType, type TypedArray } from '../ir/dtype.js';
import { constNode, scalarNode } from '../ir/leaves.js';
import { LazyArray, filled } from './array.js';
import { checkShape, showShape, sizeOf, type Shape } from '../ir/shape.js';

/** Nested arrays of numbers or booleans, or a flat typed array. */
export type ArrayData = number | boolean | TypedArray | readonly ArrayData[];

export interface ArrayOptions {
  /** Element type; default float32 for numbers, bool for booleans, the typed array's own type otherwise. */
  readonly dtype?: DType;
  /** Shape of flat data (default: the data's nesting). */
  readonly shape?: readonly number[];
}

// Any typed array of numbers (BigInt64Array holds BigInts, which no dtype takes).
const isTyped = (x: unknown): x is TypedArray => ArrayBuffer.isView(x) && !(x instanceof DataView) && !(x instanceof BigInt64Array) && !(x instanceof BigUint64Array);

/** Walk nested data: check it is rectangular and numeric, return its shape and flat values. */
function flatten(values: ArrayData): { shape: number[]; flat: number[]; allBool: boolean } {
  const shape: number[] = [];
  for (let v: unknown = values; Array.isArray(v) || isTyped(v); v = (v as ArrayLike<unknown>)[0]) {
    shape.push((v as ArrayLike<unknown>).length);
    if ((v as ArrayLike<unknown>).length === 0) break;
  }
  const flat: number[] = [];
  let allBool = true;
  const walk = (v: unknown, depth: number, path: number[]): void => {
    const here = path.length ? `values[${path.join('][')}]` : 'values';
    if (depth === shape.length) {
      if (typeof v === 'boolean') flat.push(v ? 1 : 0);
      else if (typeof v === 'number') {
        allBool = false;
        flat.push(v);
      } else {
        throw new InvalidArgumentError(`array: ${here} is ${describeValue(v)}; expected a number or boolean (data of shape ${showShape(shape)})`);
      }
      return;
    }
    if (!(Array.isArray(v) || isTyped(v)) || (v as ArrayLike<unknown>).length !== shape[depth]) {
      const got = Array.isArray(v) || isTyped(v) ? `length ${(v as ArrayLike<unknown>).length}` : describeValue(v);
      throw new InvalidArgumentError(`array: ragged data: ${here} has ${got}; expected length ${shape[depth]} (shape ${showShape(shape)})`);
    }
    for (let i = 0; i < shape[depth]!; i++) walk((v as ArrayLike<unknown>)[i], depth + 1, [...path, i]);
  };
  walk(values, 0, []);
  return { shape, flat, allBool: allBool && flat.length > 0 };
}

function defaultDType(values: ArrayData, allBool: boolean): DType {
  if (values instanceof Float64Array) return 'float64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Float32Array) return 'float32';
  return allBool ? 'bool' : 'float32';
}

/** `options` as an object: a dtype name is accepted as shorthand (`array(xs, 'mV', 'int32')`). */
function arrayOptions(options: unknown): ArrayOptions {
  if (options === undefined) return {};
  if (typeof options === 'string') return { dtype: checkDType(options) };
  return optionsObject('array', options, ['dtype', 'shape'], '{ dtype?, shape? }', ' or a dtype name') as ArrayOptions;
}

/** A constant array from data (copied): `ef.array([[1, 2], [3, 4]], 'mV')`. */
export function array(values: ArrayData, unit?: Unit | string, options: ArrayOptions | DType = {}): LazyArray {
  const u = Unit.of(unit, 'array: unit');
  const opts = arrayOptions(options);
  if (!isTyped(values) && !Array.isArray(values) && typeof values !== 'number' && typeof values !== 'boolean') {
    throw new InvalidArgumentError(`array: values must be a number, a boolean, nested arrays of them or a typed array, got ${describeValue(values)}`);
  }
  const { shape: nested, flat, allBool } = isTyped(values)
    ? { shape: [values.length], flat: values as ArrayLike<number>, allBool: false }
    : flatten(values);
  const dtype = opts.dtype === undefined ? defaultDType(values, allBool) : checkDType(opts.dtype);
  let shape: Shape = nested;
  if (opts.shape !== undefined) {
    shape = checkShape(opts.shape, 'array: shape');
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeMismatchError(`array: shape ${showShape(shape)} holds ${sizeOf(shape)} elements but the data has ${flat.length}; expected equal counts`);
    }
  }
  checkAllocation('array', `an array of shape ${showShape(shape)}`, flat.length, BYTES[dtype]);
  checkHolds('array', dtype, flat);
  return fromTyped(toTyped(dtype, flat), shape, u);
}

/** @internal wrap a typed array the caller hands over (it must not be mutated afterwards). */
export function fromTyped(data: TypedArray, shape: Shape, unit: Unit = Unit.dimensionless): LazyArray {
  return new LazyArray(constNode(data, shape, unit));
}

function checkNumber(op: string, value: unknown, what = 'value'): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(`${op}: ${what} must be a number, got ${describeValue(value)}`);
  }
  return value;
}

/** A 0-d array: `ef.scalar(0.6, 'nS')`. */
export function scalar(value: number, unit?: Unit | string, dtype: DType = 'float32'): LazyArray {
  if (typeof value !== 'number') throw new InvalidArgumentError(`scalar: value must be a number, got ${describeValue(value)}`);
  const d = checkDType(dtype);
  checkHolds('scalar', d, [value], 'value', false);
  // Store the value as its dtype holds it (like a one-element array): 1.5 as int32 is 1.
  return new LazyArray(scalarNode(roundTo(d, value), Unit.of(unit, 'scalar: unit'), d));
}

function filledArray(op: string, shape: readonly number[], value: number, unit: Unit | string | undefined, dtype: DType): LazyArray {
  const s = checkShape(shape, `${op}: shape`);
  if (typeof value !== 'number') throw new InvalidArgumentError(`${op}: value must be a number, got ${describeValue(value)}`);
  const d = checkDType(dtype);
  const u = Unit.of(unit, `${op}: unit`);
  checkHolds(op, d, [value], 'value', false);
  checkAllocation(op, `an array of shape ${showShape(s)}`, sizeOf(s), BYTES[d]);
  return fromTyped(filled(d, sizeOf(s), value), s, u);
}

/** An array of `shape` filled with `value`. */
export const full = (shape: readonly number[], value: number, unit?: Unit | string, dtype: DType = 'float32'): LazyArray => filledArray('full', shape, value, unit, dtype);
export const zeros = (shape: readonly number[], unit?: Unit | string, dtype: DType = 'float32'): LazyArray => filledArray('zeros', shape, 0, unit, dtype);
export const ones = (shape: readonly number[], unit?: Unit | string, dtype: DType = 'float32'): LazyArray => filledArray('ones', shape, 1, unit, dtype);

/** The dtype `arange` infers: int32 for integers that fit, float64 for larger integers, else float32. */
function arangeDType(first: number, last: number, step: number): DType {
  if (![first, last, step].every(Number.isInteger)) return 'float32';
  return holds('int32', first) && holds('int32', last) ? 'int32' : 'float64';
}

/**
 * Evenly spaced values in [start, stop): `arange(5)`, `arange(0, 1, 0.1, 'ms')`. Without a
 * dtype: int32 when every value is an integer int32 holds, float64 for larger integers,
 * float32 otherwise.
 */
export function arange(start: number, stop?: number, step = 1, unit?: Unit | string, dtype?: DType): LazyArray {
  const [lo, hi] = stop === undefined ? [start, undefined] : [start, stop];
  checkNumber('arange', lo, stop === undefined ? 'stop' : 'start');
  if (hi !== undefined) checkNumber('arange', hi, 'stop');
  checkNumber('arange', step, 'step');
  const [first, end] = hi === undefined ? [0, lo] : [lo, hi];
  if (step === 0 || !Number.isFinite(step)) throw new InvalidArgumentError(`arange: step must be a finite nonzero number, got ${step}`);
  if (!Number.isFinite(first) || !Number.isFinite(end)) throw new InvalidArgumentError(`arange: start and stop must be finite, got ${first} and ${end}`);
  const n = Math.max(0, Math.ceil((end - first) / step));
  const last = first + Math.max(0, n - 1) * step;
  const d = dtype === undefined ? arangeDType(first, last, step) : checkDType(dtype);
  const u = Unit.of(unit, 'arange: unit');
  checkAllocation('arange', `${n} values from ${first} to ${end} in steps of ${step}`, n, BYTES[d], 'choose a larger step or a smaller range');
  if (n > 0) checkHolds('arange', d, [first, last], 'the range', false);
  const out = allocate(d, n);
  for (let i = 0; i < n; i++) out[i] = first + i * step;
  return fromTyped(d === 'bool' ? toTyped('bool', out) : out, [n], u);
}
