/**
 * Validation of a user-given index table for `ef.fixedPostNum` / `ef.fixedPreNum`: one array
 * per line (row of FixedPostNum, column of FixedPreNum) each of the same length, or a flat
 * array of lines · num integers with `num` given. Errors name the first bad position.
 */
import { InvalidArgumentError, InvalidFormatError } from '../../errors.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { kindOf, show } from '../describe.js';
import { INT32_MAX, checkCopyLength, isArrayLike } from '../sparse/validate.js';

/** How the two constructors name things in messages. */
export interface TableNames {
  readonly fmt: string;
  /** One line: 'row' (fixedPostNum) or 'column' (fixedPreNum). */
  readonly line: string;
  /** Who a line belongs to: 'pre neuron' or 'post neuron'. */
  readonly owner: string;
  /** What the entries index: 'the number of columns' or 'the number of rows'. */
  readonly bound: string;
}

/** A value as messages show it: strings quoted, so '2' does not read as the number 2. */
export { show };

/** num: an integer in [0, INT32_MAX]. */
export function checkNumValue(fmt: string, num: unknown): number {
  if (typeof num !== 'number' || !Number.isInteger(num) || num < 0 || num > INT32_MAX) {
    throw new InvalidArgumentError(`${fmt}: num is ${show(num)}; expected an integer in [0, ${INT32_MAX}]`);
  }
  return num;
}

/** The checked table: `num` entries per line, line after line, in the given order. */
export function checkTable(
  n: TableNames, indices: unknown, givenNum: unknown, lines: number, bound: number, allowDuplicates: boolean,
): { num: number; idx: Int32Array } {
  const { fmt } = n;
  if (!isArrayLike(indices)) {
    throw new InvalidFormatError(`${fmt}: indices must be an array of ${lines} arrays (one per ${n.owner}) or a flat array of integers, got ${kindOf(indices)}`);
  }
  if (indices instanceof BigInt64Array || indices instanceof BigUint64Array) {
    throw new InvalidFormatError(`${fmt}: indices is ${show(indices)}; expected integers (an array, an Int32Array, ...), not BigInts`);
  }
  const num = givenNum === undefined ? undefined : checkNumValue(fmt, givenNum);
  const nested = indices.length > 0 ? isArrayLike(indices[0]) : num === undefined;
  return nested ? nestedTable(n, indices, num, lines, bound, allowDuplicates) : flatTable(n, indices, num, lines, bound, allowDuplicates);
}

function nestedTable(n: TableNames, indices: ArrayLike<unknown>, given: number | undefined, lines: number, bound: number, allowDuplicates: boolean): { num: number; idx: Int32Array } {
  const { fmt } = n;
  if (indices.length !== lines) {
    throw new InvalidFormatError(`${fmt}: indices has ${indices.length} arrays; expected ${lines} (one per ${n.owner})`);
  }
  const first = indices[0] as ArrayLike<unknown> | undefined;
  const num = given ?? first?.length ?? 0;
  const why = given !== undefined ? 'num' : 'the length of indices[0]';
  checkAllocation(fmt, `the index table of ${lines} ${n.line}s · num ${num}`, lines * num, BYTES.int32, `use fewer ${n.line}s or a smaller num`);
  const idx = new Int32Array(lines * num);
  for (let a = 0; a < lines; a++) {
    const line = indices[a];
    if (!isArrayLike(line)) {
      throw new InvalidFormatError(`${fmt}: indices[${a}] is ${typeof line === 'number' ? line : typeof line}; expected an array of ${num} integers (the ${n.line} of ${n.owner} ${a})`);
    }
    if (line.length !== num) throw new InvalidFormatError(`${fmt}: indices[${a}] has length ${line.length}; expected ${num} (${why})`);
    for (let k = 0; k < num; k++) idx[a * num + k] = checkEntry(n, line[k], `indices[${a}][${k}]`, bound);
  }
  if (!allowDuplicates) checkDistinct(n, idx, num, (a, k) => `indices[${a}][${k}]`);
  return { num, idx };
}

function flatTable(n: TableNames, indices: ArrayLike<unknown>, num: number | undefined, lines: number, bound: number, allowDuplicates: boolean): { num: number; idx: Int32Array } {
  const { fmt } = n;
  if (num === undefined) {
    throw new InvalidArgumentError(`${fmt}: indices is a flat array but num is not given; expected num (entries per ${n.line}) with a flat table, or one array per ${n.owner}`);
  }
  if (indices.length !== lines * num) {
    throw new InvalidFormatError(`${fmt}: indices has length ${indices.length}; expected ${lines * num} (${lines} ${n.line}s · num ${num})`);
  }
  checkCopyLength(fmt, 'indices', indices.length, BYTES.int32);
  const idx = new Int32Array(indices.length);
  for (let p = 0; p < indices.length; p++) idx[p] = checkEntry(n, indices[p], `indices[${p}]`, bound);
  if (!allowDuplicates) checkDistinct(n, idx, num, (a, k) => `indices[${a * num + k}]`);
  return { num, idx };
}

function checkEntry(n: TableNames, v: unknown, where: string, bound: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= bound) {
    throw new InvalidFormatError(`${n.fmt}: ${where} is ${show(v)}; expected an integer in [0, ${bound}) (${n.bound})`);
  }
  return v;
}

/** No line holds an index twice; names the second occurrence and the first. */
function checkDistinct(n: TableNames, idx: Int32Array, num: number, where: (a: number, k: number) => string): void {
  const seen = new Map<number, number>();
  for (let a = 0; a * num < idx.length; a++) {
    seen.clear();
    for (let k = 0; k < num; k++) {
      const v = idx[a * num + k]!;
      const before = seen.get(v);
      if (before !== undefined) {
        throw new InvalidFormatError(`${n.fmt}: ${where(a, k)} is ${v}, which ${n.line} ${a} already holds at ${where(a, before)}; expected distinct indices per ${n.line} (or allowDuplicates: true)`);
      }
      seen.set(v, k);
    }
  }
}
