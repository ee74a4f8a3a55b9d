/**
 * A matrix format's values as a lazy array: one value per stored entry ([nnz]) or one
 * shared weight ([]). The unit lives here, on the data.
 */
import { InvalidArgumentError, InvalidFormatError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { fromTyped, scalar } from '../api/create.js';
import { toTyped } from '../ir/dtype.js';
import { build } from '../ir/build.js';
import { indexNode } from '../ir/leaves.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { kindOf, show } from './describe.js';
import { checkSharedWeight, checkValues, isArrayLike } from './sparse/validate.js';

/** Values as users give them: one shared number, one number per entry, or a lazy array. */
export type MatrixData = number | ArrayLike<number> | LazyArray;

export type FloatDType = 'float32' | 'float64';

/** An options object: not null, not an array (a list of values passed where options go). */
export const isOptions = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);

export function checkFloatDType(fmt: string, dtype: unknown): FloatDType {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new InvalidArgumentError(`${fmt}: dtype is ${show(dtype, false)}; expected 'float32' or 'float64'`);
  }
  return dtype;
}

/** `x` expressed in `unit`, with errors named after the constructor and argument asking (not `to:`). */
export function inUnit(fmt: string, name: string, x: LazyArray, unit: Unit | string): LazyArray {
  const target = Unit.of(unit, `${fmt}: unit`);
  if (!x.unit.sameDimension(target)) {
    throw new UnitMismatchError(`${fmt}: ${name} is in ${x.unit.toString()} (${x.unit.dimensionName()}) and cannot be expressed in ${target.toString()} (${target.dimensionName()}); expected a unit of the same dimension`);
  }
  return x.to(target);
}

/** Per-entry or shared values, validated, with `unit` (a lazy array is converted to it when given). */
export function makeData(fmt: string, data: unknown, nnz: number, unit: Unit | string | undefined, dtype: FloatDType): LazyArray {
  if (data instanceof LazyArray) {
    if (data.ndim !== 0 && !(data.ndim === 1 && data.shape[0] === nnz)) {
      throw new ShapeMismatchError(`${fmt}: data has shape ${showShape(data.shape)}; expected [${nnz}] (one value per entry) or [] (one shared weight)`);
    }
    if (data.dtype !== 'float32' && data.dtype !== 'float64') {
      throw new InvalidArgumentError(`${fmt}: data has dtype ${data.dtype}; expected float32 or float64`);
    }
    return unit === undefined ? data : inUnit(fmt, 'data', data, unit);
  }
  if (typeof data === 'number') return scalar(checkSharedWeight(fmt, data), unit, dtype);
  // The values are part of the sparse data, like indptr and indices: a bad kind is malformed data.
  if (!isArrayLike(data)) {
    throw new InvalidFormatError(`${fmt}: data must be a number, an array of numbers or a LazyArray, got ${kindOf(data)}`);
  }
  return fromTyped(toTyped(dtype, checkValues(fmt, data as ArrayLike<unknown>, nnz)), [nnz], Unit.of(unit));
}

/** Data reordered so that entry p takes old entry perm[p]: eager for constants, a gather node otherwise. */
export function permuteData(data: LazyArray, perm: Int32Array | undefined): LazyArray {
  if (!perm || data.ndim === 0) return data;
  const arg = data.node.arg;
  if (arg?.kind === 'const') {
    const out = toTyped(data.dtype, Array.from(perm, (p) => arg.data[p]!));
    return fromTyped(out, [perm.length], data.unit);
  }
  const idx = indexNode(perm);
  return new LazyArray(build('gather', [data.node, idx]));
}

/** A scalar operand of a structure-keeping multiply or divide. */
export function scalarOperand(fmt: string, op: string, c: number | LazyArray): number | LazyArray {
  if (typeof c === 'number') return c;
  if (c instanceof LazyArray && c.ndim === 0) return c;
  throw new ShapeMismatchError(`${fmt}.${op}: expected a scalar (a number or a 0-d array) so the structure is kept, got ${c instanceof LazyArray ? `shape ${showShape(c.shape)}` : kindOf(c)}`);
}

/** The four binary operations on stored weights. */
export type EntryOp = 'add' | 'sub' | 'mul' | 'div';

/** Any matrix format, as an operand of arithmetic (classes are told apart by their format). */
export interface MatrixLike {
  readonly format: string;
  readonly shape: readonly [number, number];
}

/** The second operand of W.add/sub/mul/div: a scalar, a dense [rows, cols] array, or a matrix. */
export type EntryOperand = number | LazyArray | MatrixLike;

/** `values` op `v` (LazyArray arithmetic: units and dtypes as for arrays). */
export function applyOp(values: LazyArray, op: EntryOp, v: number | LazyArray): LazyArray {
  switch (op) {
    case 'add': return values.add(v);
    case 'sub': return values.sub(v);
    case 'mul': return values.mul(v);
    case 'div': return values.div(v);
  }
}

/** The operand's kind for messages: its shape, or what it is. */
const operandKind = (c: unknown): string =>
  c instanceof LazyArray ? `shape ${showShape(c.shape)}` : isMatrixLike(c) ? `a ${c.format} matrix of shape ${showShape(c.shape)}` : kindOf(c);

export const isMatrixLike = (c: unknown): c is MatrixLike =>
  typeof c === 'object' && c !== null && typeof (c as { format?: unknown }).format === 'string' && Array.isArray((c as { shape?: unknown }).shape);

/** The operand is none of the accepted kinds (or of another shape). */
export function entryOperandError(fmt: string, op: string, c: unknown, shape: readonly number[]): ShapeMismatchError {
  const dense = fmt === 'dense'
    ? `an array or a matrix of shape ${showShape(shape)}`
    : `a dense array of shape ${showShape(shape)} (sampled at the stored entries) or a matrix of the same structure`;
  return new ShapeMismatchError(`${fmt}.${op}: expected a scalar (a number or a 0-d array), ${dense}, got ${operandKind(c)}`);
}

/** The array operand of a product (x @ M or M @ x). */
export function checkOperand(op: string, x: unknown): asserts x is LazyArray {
  if (!(x instanceof LazyArray)) throw new InvalidArgumentError(`${op}: x is ${show(x)}; expected a LazyArray (a vector or a matrix)`);
}
