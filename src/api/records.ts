/**
 * How a compiled run collects each recorded value over its steps. A bool spike vector on a
 * backend with event lists is recorded as an index list (O(events) per step, buffers that
 * grow by doubling and are reused by the next run); anything else is stacked densely. The
 * collectors belong to one runner workspace, so nothing is allocated while steps run
 * (except when a list outgrows its buffer).
 */
import { fromEventList, fromBits } from '../formats/events/binary.js';
import type { LazyArray } from './array.js';
import { fromTyped } from './create.js';
import { allocate, type TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';
import { Unit } from '../units/unit.js';

export interface RecordCollector {
  /** Prepare for a run of `steps` steps. */
  begin(steps: number): void;
  /** Take step `s`'s value from the step's output buffer. */
  collect(s: number): void;
  /** The run's records as a lazy array [steps, ...shape] that the caller owns. */
  finish(steps: number): LazyArray;
}

/** Can `n` be recorded as an event list (a dimensionless bool vector)? */
export const isEventRecord = (n: Node): boolean => n.dtype === 'bool' && n.shape.length === 1 && n.unit.equals(Unit.dimensionless);

/** Records stacked densely (row s is step s), as spikes when they are a spike vector. */
export const stackedRecord = (node: Node, all: TypedArray, steps: number): LazyArray => (isEventRecord(node)
  ? fromBits(all as Uint8Array, [steps, node.size])
  : fromTyped(all, [steps, ...node.shape], node.unit));

/** Dense stacking: row s is step s's value. */
export function denseCollector(node: Node, out: TypedArray): RecordCollector {
  let all: TypedArray = allocate(node.dtype, 0);
  const size = node.size;
  return {
    begin(steps) {
      all = allocate(node.dtype, size * steps);
    },
    collect(s) {
      all.set(out, s * size);
    },
    finish: (steps) => stackedRecord(node, all, steps),
  };
}

/** Event lists: `out` is the step's compactEvents buffer [count, i0, i1, ...]. */
export function eventListCollector(node: Node, out: Int32Array): RecordCollector {
  let offsets = new Int32Array(1);
  let indices = new Int32Array(Math.max(64, node.size));
  let count = 0;
  const grow = (need: number): void => {
    let cap = indices.length;
    while (cap < need) cap *= 2;
    const next = new Int32Array(cap);
    next.set(indices.subarray(0, count));
    indices = next;
  };
  return {
    begin(steps) {
      if (offsets.length < steps + 1) offsets = new Int32Array(steps + 1);
      count = 0;
    },
    collect(s) {
      const c = out[0]!;
      if (count + c > indices.length) grow(count + c);
      for (let q = 1; q <= c; q++) indices[count++] = out[q]!;
      offsets[s + 1] = count;
    },
    finish(steps) {
      return fromEventList({ offsets: offsets.slice(0, steps + 1), indices: indices.slice(0, count) }, steps, node.size);
    },
  };
}
