/**
 * Index lists: the natural way to write a few spikes among many neurons
 * (`fromIndices([3, 17], 100)`), or one list per row of a batch. Spikes are binary, so a
 * repeated index is refused rather than silently merged: it usually means a bug upstream.
 */
import { InvalidArgumentError, InvalidFormatError } from '../../errors.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { show as describe } from '../describe.js';
import { fromBits, type BinaryArray } from './binary.js';

const isList = (x: unknown): x is ArrayLike<unknown> => Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
const show = (v: unknown): string => (isList(v) ? 'an array' : describe(v));

/**
 * Write one row's indices into `out` at `offset`; `firstAt` (length n, all -1 on entry and on
 * exit) remembers where each index was first seen, to name both places of a duplicate.
 */
function fillRow(list: ArrayLike<unknown>, n: number, out: Uint8Array, offset: number, firstAt: Int32Array, where: (k: number) => string): void {
  try {
    for (let k = 0; k < list.length; k++) {
      const v = list[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) {
        throw new InvalidFormatError(`fromIndices: ${where(k)} is ${show(v)}; expected an integer in [0, ${n}) (n = ${n})`);
      }
      if (firstAt[v] !== -1) {
        throw new InvalidFormatError(`fromIndices: a spike is binary; index ${v} appears twice at ${where(firstAt[v]!)} and ${where(k)}`);
      }
      firstAt[v] = k;
      out[offset + v] = 1;
    }
  } finally {
    for (let k = 0; k < list.length; k++) {
      const v = list[k];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < n) firstAt[v] = -1;
    }
  }
}

/**
 * Spikes from index lists: a flat list gives a vector [n]; a list of lists gives a matrix
 * [lists.length, n]. Indices may come in any order; each must be an integer in [0, n), once.
 */
export function fromIndices(indices: ArrayLike<number> | readonly ArrayLike<number>[], n: number): BinaryArray {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`fromIndices: n is ${show(n)}; expected a non-negative integer (the number of neurons)`);
  }
  if (!isList(indices)) {
    throw new InvalidArgumentError(`fromIndices: indices is ${show(indices)}; expected a list of indices or a list of such lists`);
  }
  const nested = indices.length > 0 && isList(indices[0]);
  const rows = nested ? indices.length : 1;
  // Sizes first: the spikes (rows × n bools) and the int32 duplicate table (n entries).
  const instead = 'use fewer neurons per array (split the population), or keep the index lists';
  checkAllocation('fromIndices', `spikes of shape ${nested ? `[${rows}, ${n}]` : `[${n}]`} (n = ${n})`, rows * n, BYTES.bool, instead);
  checkAllocation('fromIndices', `the duplicate check over n = ${n} neurons`, n, BYTES.int32, instead);
  const firstAt = new Int32Array(n).fill(-1);
  if (!nested) {
    const out = new Uint8Array(n);
    fillRow(indices, n, out, 0, firstAt, (k) => `indices[${k}]`);
    return fromBits(out, [n]);
  }
  const lists = indices as ArrayLike<unknown>;
  const out = new Uint8Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const row = lists[r];
    if (!isList(row)) {
      throw new InvalidFormatError(`fromIndices: indices[${r}] is ${show(row)}; expected a list of indices (indices[0] is a list, so every entry is one row)`);
    }
    fillRow(row, n, out, r * n, firstAt, (k) => `indices[${r}][${k}]`);
  }
  return fromBits(out, [rows, n]);
}
