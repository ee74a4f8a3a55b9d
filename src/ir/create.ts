/** Constructors of lazy arrays from user data; every input is validated and copied. */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { Unit } from '../units/unit.js';
import { checkDType, roundTo, toTyped, type DType, type TypedArray } from './dtype.js';
import { intern } from './node.js';
import { scalarNode } from './primitive.js';
import { LazyArray, filled } from './array.js';
import { checkShape, showShape, sizeOf, type Shape } from './shape.js';

/** Nested arrays of numbers or booleans, or a flat typed array. */
export type ArrayData = number | boolean | TypedArray | readonly ArrayData[];

export interface ArrayOptions {
  /** Element type; default float32 for numbers, bool for booleans, the typed array's own type otherwise. */
  readonly dtype?: DType;
  /** Shape of flat data (default: the data's nesting). */
  readonly shape?: readonly number[];
}

const isTyped = (x: unknown): x is TypedArray => ArrayBuffer.isView(x) && !(x instanceof DataView);

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
        throw new InvalidArgumentError(`array: ${here} is ${Array.isArray(v) ? 'an array' : JSON.stringify(v) ?? typeof v}; expected a number or boolean (data of shape ${showShape(shape)})`);
      }
      return;
    }
    if (!(Array.isArray(v) || isTyped(v)) || (v as ArrayLike<unknown>).length !== shape[depth]) {
      const got = Array.isArray(v) || isTyped(v) ? `length ${(v as ArrayLike<unknown>).length}` : JSON.stringify(v) ?? typeof v;
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

/** A constant array from data (copied): `ef.array([[1, 2], [3, 4]], 'mV')`. */
export function array(values: ArrayData, unit?: Unit | string, options: ArrayOptions = {}): LazyArray {
  const u = Unit.of(unit);
  const { shape: nested, flat, allBool } = isTyped(values)
    ? { shape: [values.length], flat: Array.from(values), allBool: false }
    : flatten(values);
  const dtype = options.dtype === undefined ? defaultDType(values, allBool) : checkDType(options.dtype);
  let shape: Shape = nested;
  if (options.shape !== undefined) {
    shape = checkShape(options.shape);
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeMismatchError(`array: shape ${showShape(shape)} holds ${sizeOf(shape)} elements but the data has ${flat.length}; expected equal counts`);
    }
  }
  return fromTyped(toTyped(dtype, flat), shape, u);
}

/** @internal wrap a typed array the caller hands over (it must not be mutated afterwards). */
export function fromTyped(data: TypedArray, shape: Shape, unit: Unit = Unit.dimensionless): LazyArray {
  const dtype: DType = data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'bool';
  if (shape.length === 0) return new LazyArray(scalarNode(data[0]!, unit, dtype));
  return new LazyArray(intern('const', dtype, shape, unit, [], { kind: 'const', data }));
}

function checkNumber(op: string, value: unknown, what = 'value'): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(`${op}: ${what} must be a number, got ${String(value)}`);
  }
  return value;
}

/** A 0-d array: `ef.scalar(0.6, 'nS')`. */
export function scalar(value: number, unit?: Unit | string, dtype: DType = 'float32'): LazyArray {
  if (typeof value !== 'number') throw new InvalidArgumentError(`scalar: value must be a number, got ${typeof value}`);
  const d = checkDType(dtype);
  // Store the value as its dtype holds it (like a one-element array): 1.5 as int32 is 1.
  return new LazyArray(scalarNode(roundTo(d, value), Unit.of(unit), d));
}

/** An array of `shape` filled with `value`. */
export function full(shape: readonly number[], value: number, unit?: Unit | string, dtype: DType = 'float32'): LazyArray {
  const s = checkShape(shape);
  if (typeof value !== 'number') throw new InvalidArgumentError(`full: value must be a number, got ${typeof value}`);
  return fromTyped(filled(checkDType(dtype), sizeOf(s), value), s, Unit.of(unit));
}

export const zeros = (shape: readonly number[], unit?: Unit | string, dtype: DType = 'float32'): LazyArray => full(shape, 0, unit, dtype);
export const ones = (shape: readonly number[], unit?: Unit | string, dtype: DType = 'float32'): LazyArray => full(shape, 1, unit, dtype);

/** Evenly spaced values in [start, stop): `arange(5)`, `arange(0, 1, 0.1, 'ms')`. */
export function arange(start: number, stop?: number, step = 1, unit?: Unit | string, dtype?: DType): LazyArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  checkNumber('arange', lo, 'start');
  checkNumber('arange', hi, 'stop');
  checkNumber('arange', step, 'step');
  if (step === 0 || !Number.isFinite(step)) throw new InvalidArgumentError(`arange: step must be a finite nonzero number, got ${step}`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`arange: start and stop must be finite, got ${lo} and ${hi}`);
  const values = Array.from({ length: n }, (_, i) => lo + i * step);
  const d = dtype ?? ([lo, hi, step].every(Number.isInteger) ? 'int32' : 'float32');
  return fromTyped(toTyped(checkDType(d), values), [n], Unit.of(unit));
}
