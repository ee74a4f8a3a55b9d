/**
 * Validation of user-given sparse data. Each failure is an InvalidFormatError naming the
 * format, the array and the first bad position, and saying what was expected.
 */
import { InvalidFormatError } from '../../errors.js';
import { BYTES, MAX_ELEMENTS, checkAllocation } from '../../limits.js';
import { kindOf, show } from '../describe.js';

export const INT32_MAX = MAX_ELEMENTS;

const isArrayLike = (x: unknown): x is ArrayLike<unknown> =>
  Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));

/** A shape [rows, cols] of non-negative int32 integers. */
export function checkMatrixShape(fmt: string, shape: unknown): [number, number] {
  if (!isArrayLike(shape) || shape.length !== 2) {
    throw new InvalidFormatError(`${fmt}: shape must be [rows, cols], got ${show(shape)}`);
  }
  const [r, c] = [shape[0], shape[1]];
  for (const [name, v] of [['rows', r], ['cols', c]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32_MAX) {
      throw new InvalidFormatError(`${fmt}: shape ${name} is ${show(v)}; expected an integer in [0, ${INT32_MAX}]`);
    }
  }
  return [r as number, c as number];
}

/**
 * Pointers over `lines` lines (lines + 1 int32 entries): refused with a ResourceError before
 * they are allocated when they do not fit int32 indices (a dimension of 2^31 − 1).
 */
export function checkPointers(op: string, lines: number, axisName: string, shape: readonly number[]): void {
  checkAllocation(op, `the pointers over the ${lines} ${axisName} of shape [${shape.join(', ')}] (${axisName} + 1 entries)`, lines + 1, BYTES.int32,
    `use at most 2^31 − 2 ${axisName} (split the matrix into blocks)`);
}

/** A user array about to be copied into int32 or float storage: no longer than 2^31 − 1. */
export function checkCopyLength(op: string, name: string, length: number, bytesPerElement: number): void {
  checkAllocation(op, `a copy of ${name}`, length, bytesPerElement, 'split the matrix into blocks');
}

/** Integers in [0, bound), copied into an Int32Array. */
export function checkIndices(fmt: string, name: string, values: unknown, bound: number, what: string, length?: number): Int32Array {
  if (!isArrayLike(values)) throw new InvalidFormatError(`${fmt}: ${name} must be an array of integers, got ${kindOf(values)}`);
  if (length !== undefined && values.length !== length) {
    throw new InvalidFormatError(`${fmt}: ${name} has length ${values.length}; expected ${length}`);
  }
  checkCopyLength(fmt, name, values.length, BYTES.int32);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= bound) {
      throw new InvalidFormatError(`${fmt}: ${name}[${k}] is ${show(v)}; expected an integer in [0, ${bound}) (${what})`);
    }
    out[k] = v;
  }
  return out;
}

/** indptr: length major + 1, starts at 0, never decreases, ends at nnz (the indices' length). */
export function checkIndptr(fmt: string, values: unknown, major: number, axisName: string, nnz: number): Int32Array {
  if (!isArrayLike(values)) throw new InvalidFormatError(`${fmt}: indptr must be an array of integers, got ${kindOf(values)}`);
  if (values.length !== major + 1) {
    throw new InvalidFormatError(`${fmt}: indptr has length ${values.length}; expected ${major + 1} (${axisName} + 1)`);
  }
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INT32_MAX) {
      throw new InvalidFormatError(`${fmt}: indptr[${k}] is ${show(v)}; expected a non-negative int32 integer`);
    }
    if (k === 0 && v !== 0) throw new InvalidFormatError(`${fmt}: indptr[0] is ${v}; expected 0`);
    if (k > 0 && v < out[k - 1]!) {
      throw new InvalidFormatError(`${fmt}: indptr[${k}] is ${v}, less than indptr[${k - 1}] = ${out[k - 1]}; expected non-decreasing`);
    }
    out[k] = v;
  }
  if (out[major] !== nnz) {
    throw new InvalidFormatError(`${fmt}: indptr[${major}] is ${out[major]}; expected ${nnz} (the length of indices)`);
  }
  return out;
}

/** Per-entry numbers: a finite value for each of `nnz` entries. */
export function checkValues(fmt: string, values: ArrayLike<unknown>, nnz: number): number[] {
  // BigInt arrays hold no numbers: each element would read as a BigInt, never finite.
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    throw new InvalidFormatError(`${fmt}: data is ${show(values)}; expected numbers (an array or a Float32Array, Float64Array, Int32Array, ...) or a single number`);
  }
  if (values.length !== nnz) {
    throw new InvalidFormatError(`${fmt}: data has length ${values.length}; expected ${nnz} (one value per entry) or a single number (one shared weight)`);
  }
  const out = new Array<number>(nnz);
  for (let k = 0; k < nnz; k++) {
    const v = values[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidFormatError(`${fmt}: data[${k}] is ${show(v)}; expected a finite number`);
    }
    out[k] = v;
  }
  return out;
}

export function checkSharedWeight(fmt: string, v: number): number {
  if (!Number.isFinite(v)) throw new InvalidFormatError(`${fmt}: data is ${v}; expected a finite number`);
  return v;
}

export { isArrayLike };
