/**
 * BinaryArray: spikes. A bool, dimensionless array of rank 1 ([n] neurons) or rank 2
 * ([batch, n]), so that event-driven kernels can skip inactive neurons. It is an ordinary
 * lazy array (same node, same ops); the subclass only adds event views (indices, counts,
 * bit-packing) and guarantees the dtype/unit/rank invariants at construction.
 */
import { InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../../errors.js';
import { LazyArray } from '../../api/array.js';
import { fromTyped, type ArrayData } from '../../api/create.js';
import type { Node } from '../../ir/node.js';
import { build } from '../../ir/build.js';
import { scalarNode } from '../../ir/leaves.js';
import { checkShape, showShape, sizeOf, type Shape } from '../../ir/shape.js';
import { BYTES, checkAllocation } from '../../limits.js';
import { Unit } from '../../units/unit.js';
import { show } from '../describe.js';
import { fromSpikes, type FormatTypes } from '../hub.js';

const RANK_HINT = 'expected a vector [n] or a matrix [batch, n]';

/**
 * Events as index lists, one per row (a vector is one row): the active positions of row r,
 * ascending, are `indices[offsets[r] .. offsets[r + 1])`; `offsets` has rows + 1 entries.
 */
export interface EventList {
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

/** The index-list form of arrays built from one (recorded spikes), kept beside the lazy node. */
const knownLists = new WeakMap<BinaryArray, EventList>();

export class BinaryArray extends LazyArray {
  /** Number of rows: 1 for a vector, `batch` for a matrix. */
  get rows(): number { return this.ndim === 1 ? 1 : this.shape[0]!; }
  /** Number of neurons (the last dimension). */
  get n(): number { return this.shape[this.ndim - 1]!; }

  /** Ascending positions of the active neurons of a vector. */
  indices(): Int32Array {
    if (this.ndim !== 1) {
      throw new InvalidArgumentError(`indices: this BinaryArray is a matrix ${showShape(this.shape)}; indices() is for a vector [n], use rowIndices() for one list per row`);
    }
    return this.rowIndices()[0]!;
  }

  /**
   * Every row's active positions as one index list (fresh arrays). O(events) for recorded
   * spikes, which are kept in this form; otherwise one scan of the values.
   */
  eventList(): EventList {
    const known = knownLists.get(this);
    if (known) return { offsets: known.offsets.slice(), indices: known.indices.slice() };
    const rows = this.rowIndices();
    const offsets = new Int32Array(rows.length + 1);
    rows.forEach((r, k) => (offsets[k + 1] = offsets[k]! + r.length));
    const indices = new Int32Array(offsets[rows.length]!);
    rows.forEach((r, k) => indices.set(r, offsets[k]!));
    return { offsets, indices };
  }

  /** One ascending list of active positions per row (a vector gives one list). */
  rowIndices(): Int32Array[] {
    const known = knownLists.get(this);
    if (known) return Array.from({ length: this.rows }, (_, r) => known.indices.slice(known.offsets[r]!, known.offsets[r + 1]!));
    const data = this.dataSync();
    const { rows, n } = this;
    const out: Int32Array[] = [];
    for (let r = 0; r < rows; r++) {
      let c = 0;
      for (let i = r * n; i < (r + 1) * n; i++) if (data[i] !== 0) c++;
      const list = new Int32Array(c);
      c = 0;
      for (let i = 0; i < n; i++) if (data[r * n + i] !== 0) list[c++] = i;
      out.push(list);
    }
    return out;
  }

  /** Number of active events (all rows together). */
  count(): number {
    const known = knownLists.get(this);
    if (known) return known.offsets[this.rows]!;
    const data = this.dataSync();
    let c = 0;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) c++;
    return c;
  }

  /** The events as 32 neurons per Uint32 word (see PackedEvents for the layout). */
  bitpack(): FormatTypes['packed'] {
    return fromSpikes('bitpack', 'packed', this);
  }

  override toString(): string {
    return `BinaryArray(shape ${showShape(this.shape)})`;
  }
}

function checkRank(shape: Shape, what: string, op = 'binary'): void {
  if (shape.length !== 1 && shape.length !== 2) {
    throw new ShapeMismatchError(`${op}: ${what} has shape ${showShape(shape)} (rank ${shape.length}); ${RANK_HINT}`);
  }
}

/** @internal wrap a node already known to be bool, dimensionless, rank 1 or 2. */
export const wrapNode = (node: Node): BinaryArray => new BinaryArray(node);

/**
 * @internal spikes [rows, n] from an index list the caller hands over (not copied; must not be mutated
 * afterwards, and must be valid: ascending, in range, offsets from 0 to indices.length). The
 * dense values stay lazy (densified only when read); counts and lists are read from the list.
 */
export function fromEventList(list: EventList, rows: number, n: number): BinaryArray {
  const ptr = fromTyped(list.offsets, [rows + 1]).node;
  const idx = fromTyped(list.indices, [list.indices.length]).node;
  const dense = build('densify', [scalarNode(1, Unit.dimensionless, 'bool'), ptr, idx], {
    kind: 'sparse', rows, cols: n, compressed: 'row', permuted: false, side: 'none',
  });
  const b = wrapNode(dense);
  knownLists.set(b, list);
  return b;
}

/** @internal wrap 0/1 bytes the caller hands over (not copied; must not be mutated afterwards). */
export function fromBits(bits: Uint8Array, shape: Shape): BinaryArray {
  checkRank(shape, 'the data');
  return wrapNode(fromTyped(bits, shape).node);
}

const isTyped = (x: unknown): x is ArrayLike<number> => ArrayBuffer.isView(x) && !(x instanceof DataView);
const isList = (x: unknown): x is ArrayLike<unknown> => Array.isArray(x) || isTyped(x);

/** Who is checking (`binary`, `pack`) and what its argument is called, for messages. */
interface Caller {
  readonly op: string;
  readonly arg: string;
}
const BINARY: Caller = { op: 'binary', arg: 'values' };

/** Flatten nested data (rectangular), applying the one rule: active = nonzero; NaN is refused. */
function flattenActive(values: unknown, c: Caller): { shape: number[]; bits: Uint8Array } {
  const shape: number[] = [];
  for (let v: unknown = values; isList(v); v = v[0]) {
    shape.push(v.length);
    if (v.length === 0) break;
  }
  // Nested arrays can share rows, so the shape can claim more than memory holds: check first.
  checkAllocation(c.op, `spikes of shape ${showShape(shape)} (from ${c.arg})`, sizeOf(shape), BYTES.bool, 'use fewer neurons or a smaller batch per array');
  const bits = new Uint8Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, depth: number, path: number[]): void => {
    const here = path.length ? `${c.arg}[${path.join('][')}]` : c.arg;
    if (depth === shape.length) {
      const flatPos = shape.length > 1 ? ` (flat position ${k})` : '';
      if (typeof v === 'boolean') bits[k++] = v ? 1 : 0;
      else if (typeof v === 'number') {
        if (Number.isNaN(v)) throw new InvalidArgumentError(`${c.op}: ${here}${flatPos} is NaN; expected a number or boolean (active = nonzero)`);
        bits[k++] = v !== 0 ? 1 : 0;
      } else {
        throw new InvalidArgumentError(`${c.op}: ${here}${flatPos} is ${show(v)}; expected a number or boolean (active = nonzero)`);
      }
      return;
    }
    if (!isList(v) || v.length !== shape[depth]) {
      const got = isList(v) ? `length ${v.length}` : show(v);
      throw new InvalidArgumentError(`${c.op}: ragged data: ${here} has ${got}; expected length ${shape[depth]} (data of shape ${showShape(shape)})`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, [...path, i]);
  };
  walk(values, 0, []);
  return { shape, bits };
}

/** Wrap a bool, dimensionless lazy array without copying (it stays lazy: fine inside ef.compile). */
function fromLazy(x: LazyArray, shape: readonly number[] | undefined, c: Caller): BinaryArray {
  if (shape !== undefined) {
    const s = checkShapeArg(shape, c);
    if (s.length !== x.ndim || s.some((d, i) => d !== x.shape[i])) {
      throw new ShapeMismatchError(`${c.op}: cannot reshape a lazy array of shape ${showShape(x.shape)} to ${showShape(s)}; expected the shape argument to be omitted or equal to the array's shape`);
    }
  }
  if (x instanceof BinaryArray) return x;
  if (x.dtype !== 'bool') {
    throw new InvalidArgumentError(`${c.op}: ${c.arg} is a ${x.dtype} lazy array; expected a bool array. Say which values are active, e.g. x.notEqual(0) or a comparison such as v.greater(vth)`);
  }
  if (!x.unit.equals(Unit.dimensionless)) {
    throw new UnitMismatchError(`${c.op}: ${c.arg} is a bool array with unit ${x.unit.toString()}; expected a dimensionless bool array (spikes carry no unit)`);
  }
  checkRank(x.shape, c.arg, c.op);
  return wrapNode(x.node);
}

/** A shape argument: an array of non-negative integers (each within int32). */
function checkShapeArg(shape: unknown, c: Caller): Shape {
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(`${c.op}: shape is ${show(shape)}; expected an array of non-negative integers, or nothing`);
  }
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(`${c.op}: shape[${i}] is ${show(d)}; expected a non-negative integer`);
    }
  });
  return checkShape(shape);
}

/** @internal ef.binary's checks and conversion, under the name of the function that asks. */
export function toBinary(values: unknown, shape: unknown, c: Caller): BinaryArray {
  if (values instanceof BinaryArray && shape === undefined) return values;
  if (values instanceof LazyArray) return fromLazy(values, shape as readonly number[] | undefined, c);
  // A lone number or boolean is rank 0 (refused by the rank check below); anything else is no data.
  if (!isList(values) && typeof values !== 'number' && typeof values !== 'boolean') {
    throw new InvalidArgumentError(`${c.op}: ${c.arg} is ${show(values)}; expected numbers or booleans (nested [n] or [batch, n], or a typed array) or a bool LazyArray`);
  }
  const s0 = shape === undefined ? undefined : checkShapeArg(shape, c);
  const flat = flattenActive(values, c);
  let s: Shape = flat.shape;
  if (s0 !== undefined) {
    s = s0;
    if (sizeOf(s) !== flat.bits.length) {
      throw new ShapeMismatchError(`${c.op}: shape ${showShape(s)} holds ${sizeOf(s)} elements but the data has ${flat.bits.length}; expected equal counts`);
    }
  }
  checkRank(s, shape === undefined ? c.arg : 'shape', c.op);
  return fromBits(flat.bits, s);
}

/**
 * Spikes from data or a bool array: `ef.binary([0, 1, 1])`, `ef.binary(flat, [batch, n])`,
 * `ef.binary(v.greater(vth))`. Active means nonzero (true, 1, -3, Infinity; not 0, -0, false).
 * Data is copied.
 */
export function binary(values: ArrayData | LazyArray, shape?: readonly number[]): BinaryArray {
  return toBinary(values, shape, BINARY);
}
