/**
 * The constructors `ef.fixedPostNum` (each pre neuron, a row, has exactly `num` targets) and
 * `ef.fixedPreNum` (each post neuron, a column, has exactly `num` sources). The index table
 * is sampled from `seed` (see sample.ts) or given as `indices`; values are one shared
 * `weight` or per-entry `data` in table order.
 */
import { InvalidArgumentError, InvalidFormatError, ShapeMismatchError } from '../../errors.js';
import { LazyArray } from '../../api/array.js';
import { showShape } from '../../ir/shape.js';
import type { Unit } from '../../units/unit.js';
import { checkFloatDType, makeData, type FloatDType, type MatrixData } from '../data.js';
import { Compressed } from '../sparse/structure.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { kindOf } from '../describe.js';
import { checkMatrixShape, checkPointers } from '../sparse/validate.js';
import { FixedPostNum, FixedPreNum } from './matrix.js';
import { sampleTable } from './sample.js';
import { checkNumValue, checkTable, show, type TableNames } from './table.js';

export interface FixedNumInput {
  /** [pre, post]: rows are pre neurons, columns post neurons. */
  readonly shape: readonly number[];
  /** Entries per line (row for fixedPostNum, column for fixedPreNum). Required to sample, and with a flat `indices`. */
  readonly num?: number;
  /** Sampling seed: an integer in [0, 2^32 - 1]. Not with `indices`. */
  readonly seed?: number;
  /** A given table instead of sampling: one array per line, or a flat array of lines · num (with `num`). */
  readonly indices?: ArrayLike<ArrayLike<number>> | ArrayLike<number>;
  /** One weight shared by every entry (a number or a 0-d array). Exactly one of weight and data. */
  readonly weight?: number | LazyArray;
  /** One value per entry, in table order (lines · num values), or a LazyArray of that length. */
  readonly data?: MatrixData;
  /** Sample with replacement / accept repeated indices in a line (repeats add up in products). Default false. */
  readonly allowDuplicates?: boolean;
  readonly dtype?: FloatDType;
}

export const SEED_MAX = 2 ** 32 - 1;

type Fmt = 'fixedPostNum' | 'fixedPreNum';

const NAMES: Readonly<Record<Fmt, TableNames>> = {
  fixedPostNum: { fmt: 'fixedPostNum', line: 'row', owner: 'pre neuron', bound: 'the number of columns' },
  fixedPreNum: { fmt: 'fixedPreNum', line: 'column', owner: 'post neuron', bound: 'the number of rows' },
};

function checkSeed(fmt: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > SEED_MAX) {
    const what = seed === undefined ? 'not given' : show(seed);
    throw new InvalidArgumentError(`${fmt}: seed is ${what}; expected an integer in [0, ${SEED_MAX}] to sample the table (or indices instead of num and seed)`);
  }
  return seed;
}

/** The table (lines · num int32 entries), refused before it is sampled or copied when too large. */
function checkTableSize(n: TableNames, lines: number, num: number): void {
  checkAllocation(n.fmt, `the index table of ${lines} ${n.line}s · num ${num}`, lines * num, BYTES.int32,
    `use fewer ${n.line}s or a smaller num (or ef.jitc for a random matrix that is never stored)`);
}

/** num for sampling: room for it along the other axis, and a table that fits int32. */
function checkSampledNum(n: TableNames, num: unknown, lines: number, bound: number, allowDuplicates: boolean): number {
  const { fmt } = n;
  if (num === undefined) throw new InvalidArgumentError(`${fmt}: num is not given; expected num (entries per ${n.line}) with a seed, or indices`);
  const k = checkNumValue(fmt, num);
  const other = n.line === 'row' ? 'columns' : 'rows';
  if (!allowDuplicates && k > bound) {
    throw new InvalidArgumentError(`${fmt}: num is ${k}, more than the ${bound} ${other}; expected num <= ${bound} without duplicates (or allowDuplicates: true)`);
  }
  if (k > 0 && bound === 0) throw new InvalidArgumentError(`${fmt}: num is ${k} but there are no ${other} to draw from; expected num 0`);
  checkTableSize(n, lines, k);
  return k;
}

/** Exactly one of `weight` (shared) and `data` (per entry). */
function checkOneOf(fmt: string, { weight, data }: FixedNumInput): void {
  if (weight !== undefined && data !== undefined) {
    throw new InvalidArgumentError(`${fmt}: both weight and data are given; expected exactly one (weight: one shared value, data: one value per entry)`);
  }
  if (weight === undefined && data === undefined) {
    throw new InvalidArgumentError(`${fmt}: neither weight nor data is given; expected exactly one (weight: one shared value, data: one value per entry)`);
  }
}

/** The values (after checkOneOf): the shared weight or the per-entry data, with `unit`. */
function values(fmt: string, input: FixedNumInput, nnz: number, unit: Unit | string | undefined, dtype: FloatDType): LazyArray {
  const { weight, data } = input;
  if (weight === undefined) return makeData(fmt, data, nnz, unit, dtype);
  if (weight instanceof LazyArray) {
    if (weight.ndim !== 0) throw new ShapeMismatchError(`${fmt}: weight has shape ${showShape(weight.shape)}; expected [] (one shared weight; per-entry values go in data)`);
  } else if (typeof weight !== 'number') {
    throw new InvalidArgumentError(`${fmt}: weight is ${kindOf(weight)}; expected a number or a 0-d LazyArray (per-entry values go in data)`);
  } else if (!Number.isFinite(weight)) {
    throw new InvalidFormatError(`${fmt}: weight is ${weight}; expected a finite number`);
  }
  return makeData(fmt, weight, nnz, unit, dtype);
}

function construct(fmt: Fmt, input: FixedNumInput, unit: Unit | string | undefined): { structure: Compressed; data: LazyArray; num: number } {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidArgumentError(`${fmt}: expected an object { shape, num, seed, weight | data } or { shape, indices, weight | data }, got ${kindOf(input)}`);
  }
  const n = NAMES[fmt];
  const [rows, cols] = checkMatrixShape(fmt, input.shape);
  const byRow = fmt === 'fixedPostNum';
  const [lines, bound] = byRow ? [rows, cols] : [cols, rows];
  checkPointers(fmt, lines, byRow ? 'rows' : 'columns', [rows, cols]);
  // Only an absent option means the default: null is a wrong value, not "not given".
  const allowDuplicates: unknown = input.allowDuplicates === undefined ? false : input.allowDuplicates;
  if (typeof allowDuplicates !== 'boolean') {
    throw new InvalidArgumentError(`${fmt}: allowDuplicates is ${show(allowDuplicates, false)}; expected true or false`);
  }
  const dtype = checkFloatDType(fmt, input.dtype);
  checkOneOf(fmt, input);
  let table: { num: number; idx: Int32Array };
  if (input.indices !== undefined) {
    if (input.seed !== undefined) {
      throw new InvalidArgumentError(`${fmt}: seed is given with indices; expected either indices (a given table) or num and seed (a sampled one)`);
    }
    table = checkTable(n, input.indices, input.num, lines, bound, allowDuplicates);
  } else {
    const num = checkSampledNum(n, input.num, lines, bound, allowDuplicates);
    const seed = checkSeed(fmt, input.seed);
    table = { num, idx: sampleTable(seed, lines, bound, num, allowDuplicates) };
  }
  const { num, idx } = table;
  const data = values(fmt, input, idx.length, unit, dtype);
  const ptr = new Int32Array(lines + 1);
  for (let a = 1; a <= lines; a++) ptr[a] = a * num;
  return { structure: new Compressed(byRow ? 'row' : 'col', rows, cols, ptr, idx), data, num };
}

/**
 * Each pre neuron (row) has exactly `num` targets (columns): sampled without replacement
 * (with, when `allowDuplicates`) from `seed`, each row's targets sorted ascending; or the
 * given `indices` table, kept in its order. Values: one shared `weight` or `data` per
 * (row, k) entry in table order; `unit` as for ef.csr.
 */
export function fixedPostNum(input: FixedNumInput, unit?: Unit | string): FixedPostNum {
  const { structure, data, num } = construct('fixedPostNum', input, unit);
  return new FixedPostNum(structure, data, num);
}

/**
 * Each post neuron (column) has exactly `num` sources (rows): the same as fixedPostNum with
 * the roles of rows and columns swapped (column j is sampled from stream j).
 */
export function fixedPreNum(input: FixedNumInput, unit?: Unit | string): FixedPreNum {
  const { structure, data, num } = construct('fixedPreNum', input, unit);
  return new FixedPreNum(structure, data, num);
}
