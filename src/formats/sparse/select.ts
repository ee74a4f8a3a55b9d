/**
 * Host-side index work for arithmetic and selection on stored weights: which entry of one
 * structure sits at each entry of another (same pattern, any compression), and the
 * structure of selected rows or columns with the entries it takes. Values never pass here:
 * the callers move them with one lazy gather (data.ts, permuteData).
 */
import { InvalidArgumentError, InvalidFormatError, ShapeMismatchError } from '../../errors.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { kindOf, show } from '../describe.js';
import { sliceRange } from '../../ir/indexing.js';
import { Compressed, type Axis } from './structure.js';

/** A Python slice of lines: `{ start, stop, step }`, negative bounds from the end, clipped (NumPy's `W[a:b:c]`). */
export interface LineSlice { readonly start?: number | null; readonly stop?: number | null; readonly step?: number | null }

/** The indices a user gives to rows()/cols(): a list of integers, or a slice. */
export type LineIndices = readonly number[] | Int32Array | LineSlice;

const lineName = (axis: Axis): string => (axis === 'row' ? 'row' : 'column');

/** `indices` checked against `bound` lines (negative counting from the end), as an Int32Array. */
export function checkLines(op: string, indices: unknown, bound: number, axis: Axis): Int32Array {
  const typed = indices instanceof Int32Array || indices instanceof Uint32Array || indices instanceof Int16Array ||
    indices instanceof Uint16Array || indices instanceof Int8Array || indices instanceof Uint8Array;
  if (!Array.isArray(indices) && !typed && typeof indices === 'object' && indices !== null) return sliceLines(op, indices, bound);
  if (!Array.isArray(indices) && !typed) {
    throw new InvalidArgumentError(`${op}: indices is ${kindOf(indices)}; expected a list of ${lineName(axis)} indices (number[] or Int32Array) or a slice { start, stop, step }`);
  }
  const list = indices as ArrayLike<unknown>;
  checkAllocation(op, 'a copy of indices', list.length, BYTES.int32, 'select fewer lines at a time');
  const out = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (typeof i !== 'number' || !Number.isInteger(i)) {
      throw new InvalidArgumentError(`${op}: indices[${k}] is ${show(i, false)}; expected an integer ${lineName(axis)} index`);
    }
    if (i < -bound || i >= bound) {
      throw new InvalidArgumentError(`${op}: indices[${k}] is ${i}, out of range for ${bound} ${lineName(axis)}s; expected an integer in [${-bound}, ${bound - 1}] (negative counts from the end)`);
    }
    out[k] = i < 0 ? i + bound : i;
  }
  return out;
}

/** The lines a slice picks, by Python's rules (sliceRange of ir/indexing.ts). */
function sliceLines(op: string, spec: object, bound: number): Int32Array {
  const o = spec as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'start' && k !== 'stop' && k !== 'step');
  const bad = (['start', 'stop', 'step'] as const).find((k) => o[k] !== undefined && o[k] !== null && !Number.isInteger(o[k]));
  if (extra.length || bad) {
    throw new InvalidArgumentError(`${op}: a slice takes integer start, stop and step only, got ${bad ? `${bad} ${show(o[bad], false)}` : `key '${extra[0]}'`}; expected { start?, stop?, step? }`);
  }
  const step = (o.step ?? 1) as number;
  if (step === 0) throw new InvalidArgumentError(`${op}: slice step is 0; expected a non-zero integer`);
  const r = sliceRange(bound, (o.start ?? null) as number | null, (o.stop ?? null) as number | null, step);
  return Int32Array.from({ length: r.count }, (_, k) => r.start + k * r.step);
}

/** The lines `picked` of `s` along its own axis, and the entry of `s` behind each new entry. */
function pickMajor(op: string, s: Compressed, picked: Int32Array): { structure: Compressed; take: Int32Array } {
  const ptr = new Int32Array(picked.length + 1);
  let total = 0;
  for (let k = 0; k < picked.length; k++) {
    const l = picked[k]!;
    total += s.ptr[l + 1]! - s.ptr[l]!;
    // Repeated lines repeat their entries: refuse a count past int32 before it wraps.
    if (total > 2 ** 31 - 1) break;
    ptr[k + 1] = total;
  }
  checkAllocation(op, `the ${total} entries of the selected ${lineName(s.axis)}s`, total, 2 * BYTES.int32, 'select fewer lines at a time');
  const idx = new Int32Array(total);
  const take = new Int32Array(total);
  for (let k = 0; k < picked.length; k++) {
    const l = picked[k]!;
    for (let p = s.ptr[l]!, q = ptr[k]!; p < s.ptr[l + 1]!; p++, q++) {
      idx[q] = s.idx[p]!;
      take[q] = p;
    }
  }
  const [rows, cols] = s.axis === 'row' ? [picked.length, s.cols] : [s.rows, picked.length];
  return { structure: new Compressed(s.axis, rows, cols, ptr, idx), take };
}

/**
 * The lines `picked` along `axis` of `s`, in a structure compressed as `s` is; `take[p]` is the
 * entry of `s` behind new entry p. Along the other axis this goes through `s`'s other view
 * (built once, cached) and back.
 */
export function selectLines(op: string, s: Compressed, axis: Axis, picked: Int32Array): { structure: Compressed; take: Int32Array } {
  if (axis === s.axis) return pickMajor(op, s, picked);
  const { structure: view, perm } = s.along(axis, op);
  const mid = pickMajor(op, view, picked);
  const back = mid.structure.along(s.axis, op);
  const take = new Int32Array(mid.take.length);
  for (let p = 0; p < take.length; p++) {
    const q = back.perm ? back.perm[p]! : p;
    take[p] = perm ? perm[mid.take[q]!]! : mid.take[q]!;
  }
  return { structure: back.structure, take };
}

const advice = 'expected the same stored entries (a matrix sharing this structure: withData, mul, tocsr/tocsc/tocoo copies); ' +
  'to combine different patterns, sample one at the other\'s entries (W.mul(other.todense())) or work on todense()';

/** Positions ptr[l] .. ptr[l+1] of `idx` sorted by index (stable). */
const sortedLine = (ptr: Int32Array, idx: Int32Array, l: number): number[] => {
  const ps: number[] = [];
  for (let p = ptr[l]!; p < ptr[l + 1]!; p++) ps.push(p);
  return ps.sort((a, b) => idx[a]! - idx[b]! || a - b);
};

/**
 * For every entry of `s`, the entry of `o` at the same (row, col): undefined when that is the
 * identity (the same structure, or equal arrays). `o` may be compressed the other way or hold a
 * line's entries in another order; repeated positions pair up in stored order. A different
 * shape is a ShapeMismatchError, a different pattern an InvalidFormatError naming the first
 * line that differs.
 */
export function matchEntries(op: string, s: Compressed, o: Compressed): Int32Array | undefined {
  if (o.rows !== s.rows || o.cols !== s.cols) {
    throw new ShapeMismatchError(`${op}: the other matrix has shape [${o.rows}, ${o.cols}]; expected [${s.rows}, ${s.cols}] (the same structure)`);
  }
  if (o === s) return undefined;
  const { structure: v, perm } = o.along(s.axis, op);
  const name = lineName(s.axis);
  const other = s.axis === 'row' ? 'column' : 'row';
  for (let l = 0; l < s.major; l++) {
    const [here, there] = [s.ptr[l + 1]! - s.ptr[l]!, v.ptr[l + 1]! - v.ptr[l]!];
    if (here !== there) {
      throw new InvalidFormatError(`${op}: the other matrix has a different structure: ${name} ${l} holds ${here} stored entries here and ${there} in the other; ${advice}`);
    }
  }
  const map = new Int32Array(s.nnz);
  let identity = perm === undefined;
  for (let l = 0; l < s.major; l++) {
    let inOrder = true;
    for (let p = s.ptr[l]!; p < s.ptr[l + 1]!; p++) if (s.idx[p] !== v.idx[p]) inOrder = false;
    if (inOrder) {
      for (let p = s.ptr[l]!; p < s.ptr[l + 1]!; p++) map[p] = perm ? perm[p]! : p;
      continue;
    }
    const [a, b] = [sortedLine(s.ptr, s.idx, l), sortedLine(v.ptr, v.idx, l)];
    for (let k = 0; k < a.length; k++) {
      if (s.idx[a[k]!] !== v.idx[b[k]!]) {
        const missing = s.idx[a[k]!]! < v.idx[b[k]!]! ? s.idx[a[k]!]! : v.idx[b[k]!]!;
        const where = s.idx[a[k]!]! < v.idx[b[k]!]! ? 'here but not in the other' : 'in the other but not here';
        throw new InvalidFormatError(`${op}: the other matrix has a different structure: ${name} ${l} holds ${other} ${missing} ${where}; ${advice}`);
      }
      map[a[k]!] = perm ? perm[b[k]!]! : b[k]!;
    }
    identity = false;
  }
  return identity ? undefined : map;
}
