/**
 * NumPy indexing that reorders or picks elements: basic slicing, take, dense transpose,
 * concat and stack. Slices, takes and transposes are gathers whose index array (one int32
 * per output element) is computed here, when the node is built: their cost is proportional
 * to the output, never to the operand. A transpose that moves only size-1 axes and a slice
 * that keeps everything are no-copy views (views.ts).
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { BYTES, checkAllocation } from '../limits.js';
import { build } from './build.js';
import { indexNode } from './leaves.js';
import type { Node } from './node.js';
import { normalizeAxis, showShape, sizeOf, type Shape } from './shape.js';
import { viewAs } from './views.js';

/** One axis of a basic slice: an index (drops the axis), null (whole axis) or a Python slice. */
export type SliceSpec = number | null | undefined | { readonly start?: number | null; readonly stop?: number | null; readonly step?: number | null };

const contiguousStrides = (shape: Shape): number[] => {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1, st = 1; i >= 0; i--) out[i] = st, st *= shape[i]!;
  return out;
};

/** gather(x, idx) where idx[out] = base + Σ out_i · strides[i], computed in O(output). */
function stridedGather(op: string, x: Node, outShape: Shape, base: number, strides: readonly number[]): Node {
  const size = sizeOf(outShape);
  checkAllocation(op, `its index array, of shape ${showShape(outShape)}`, size, BYTES.int32, 'take smaller pieces');
  const idx = new Int32Array(size);
  let k = 0;
  const fill = (axis: number, at: number): void => {
    if (axis === outShape.length) {
      idx[k++] = at;
      return;
    }
    for (let i = 0; i < outShape[axis]!; i++) fill(axis + 1, at + i * strides[axis]!);
  };
  if (size > 0) fill(0, base);
  return gatherAs(x, idx, outShape);
}

/** gather(x, idx) of shape `shape` (a 0-d result is a view of a one-element gather). */
function gatherAs(x: Node, idx: Int32Array, shape: Shape): Node {
  if (shape.length === 0) return viewAs(build('gather', [x, indexNode(idx, [1])]), []);
  return build('gather', [x, indexNode(idx, shape)]);
}

const checkInt = (op: string, what: string, v: unknown): number | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidArgumentError(`${op}: ${what} must be an integer or null, got ${describeValue(v)}`);
  return v;
};

/** An index into an axis of `len`, negative counting from the end; out of range is an error. */
function checkIndex(op: string, i: number, axis: number, len: number): number {
  if (i < -len || i >= len) {
    throw new InvalidArgumentError(`${op}: index ${i} is out of range for axis ${axis} of size ${len}; expected an integer in [${-len}, ${len - 1}]`);
  }
  return i < 0 ? i + len : i;
}

/** Python's slice.indices(len): start, step and count, with negative bounds counted from the end and clipped. */
export function sliceRange(len: number, start: number | null, stop: number | null, step: number): { start: number; step: number; count: number } {
  const [lower, upper] = step > 0 ? [0, len] : [-1, len - 1];
  const clip = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    const w = v < 0 ? v + len : v;
    return Math.min(Math.max(w, lower), upper);
  };
  const s = clip(start, step > 0 ? lower : upper);
  const e = clip(stop, step > 0 ? upper : lower);
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  return { start: s, step, count };
}

/** NumPy basic slicing, one spec per leading axis (the rest whole). */
export function sliceNode(x: Node, specs: readonly unknown[]): Node {
  const rank = x.shape.length;
  if (specs.length > rank) throw new ShapeMismatchError(`slice: ${specs.length} axis specs for an array of shape ${showShape(x.shape)}; expected at most ${rank}`);
  const inStrides = contiguousStrides(x.shape);
  const outShape: number[] = [];
  const strides: number[] = [];
  let base = 0;
  let whole = true;
  x.shape.forEach((len, axis) => {
    const spec = specs[axis];
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) throw new InvalidArgumentError(`slice: the spec of axis ${axis} must be an integer index, null or { start, stop, step }, got ${spec}`);
      base += checkIndex('slice', spec, axis, len) * inStrides[axis]!;
      whole = false;
      return;
    }
    if (spec !== undefined && spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) {
      throw new InvalidArgumentError(`slice: the spec of axis ${axis} must be an integer index, null or { start, stop, step }, got ${describeValue(spec)}`);
    }
    const o = (spec ?? {}) as Record<string, unknown>;
    const unknownKey = Object.keys(o).find((k) => !['start', 'stop', 'step'].includes(k));
    if (unknownKey !== undefined) throw new InvalidArgumentError(`slice: the spec of axis ${axis} has an unknown key '${unknownKey}'; expected start, stop and step`);
    const step = checkInt('slice', `step of axis ${axis}`, o['step']) ?? 1;
    if (step === 0) throw new InvalidArgumentError(`slice: step of axis ${axis} is 0; expected a nonzero integer`);
    const r = sliceRange(len, checkInt('slice', `start of axis ${axis}`, o['start']), checkInt('slice', `stop of axis ${axis}`, o['stop']), step);
    if (r.count !== len || (len > 1 && r.step !== 1)) whole = false;
    base += r.start * inStrides[axis]!;
    outShape.push(r.count);
    strides.push(r.step * inStrides[axis]!);
  });
  if (whole) return x;
  return stridedGather('slice', x, outShape, base, strides);
}

/** Indices known when the node is built: their values and shape. */
export interface KnownIndices {
  readonly values: ArrayLike<number>;
  readonly shape: Shape;
}

/** np.take along `axis` (null: the flattened array); negative indices count from the end. */
export function takeNode(x: Node, indices: KnownIndices, axis: unknown): Node {
  if (axis !== undefined && axis !== null && typeof axis !== 'number') {
    throw new InvalidArgumentError(`take: axis must be an integer or undefined (the flattened array), got ${describeValue(axis)}`);
  }
  const src = axis === undefined || axis === null ? viewAs(x, [x.size]) : x;
  const ax = axis === undefined || axis === null ? 0 : normalizeAxis('take', axis, x.shape.length);
  const len = src.shape[ax]!;
  const inner = sizeOf(src.shape.slice(ax + 1));
  const outer = sizeOf(src.shape.slice(0, ax));
  const outShape = [...src.shape.slice(0, ax), ...indices.shape, ...src.shape.slice(ax + 1)];
  const picked = Array.from(indices.values, (i) => checkIndex('take', i, ax, len));
  checkAllocation('take', `its index array, of shape ${showShape(outShape)}`, sizeOf(outShape), BYTES.int32, 'take fewer indices');
  const idx = new Int32Array(sizeOf(outShape));
  let k = 0;
  for (let o = 0; o < outer; o++) for (const j of picked) for (let i = 0; i < inner; i++) idx[k++] = (o * len + j) * inner + i;
  return gatherAs(src, idx, outShape);
}

/** A dense transpose (NumPy's `transpose(axes)`; reversed axes by default). */
export function transposeNode(x: Node, perm?: unknown): Node {
  const rank = x.shape.length;
  let order: number[];
  if (perm === undefined || perm === null) order = x.shape.map((_, i) => rank - 1 - i);
  else {
    if (!Array.isArray(perm) || perm.length !== rank) {
      throw new ShapeMismatchError(`transpose: perm must be an array of ${rank} axes (a permutation of 0..${rank - 1}) for shape ${showShape(x.shape)}, got ${describeValue(perm)}`);
    }
    order = perm.map((a: unknown) => {
      if (typeof a !== 'number') throw new InvalidArgumentError(`transpose: perm entries must be integers, got ${describeValue(a)}`);
      return normalizeAxis('transpose', a, rank);
    });
    if (new Set(order).size !== rank) throw new ShapeMismatchError(`transpose: perm [${perm.join(', ')}] is not a permutation of the axes 0..${rank - 1}; expected each axis once`);
  }
  const outShape = order.map((a) => x.shape[a]!);
  // Moving only size-1 axes keeps the row-major order: a view.
  const moved = order.filter((a) => x.shape[a] !== 1);
  if (moved.every((a, i) => i === 0 || moved[i - 1]! < a)) return viewAs(x, outShape);
  const inStrides = contiguousStrides(x.shape);
  return stridedGather('transpose', x, outShape, 0, order.map((a) => inStrides[a]!));
}

/** np.concatenate: equal shapes except along `axis`; units converted to the first's. */
export function concatNodes(op: string, xs: readonly Node[], axis: unknown): Node {
  if (xs.length === 0) throw new InvalidArgumentError(`${op}: expected at least one array, got none`);
  if (typeof axis !== 'number') throw new InvalidArgumentError(`${op}: axis must be an integer, got ${describeValue(axis)}`);
  const rank = xs[0]!.shape.length;
  if (rank === 0) throw new ShapeMismatchError(`${op}: operand 0 is 0-d (shape []); expected arrays of rank at least 1 (use ef.stack to join 0-d arrays)`);
  const ax = normalizeAxis(op, axis, rank);
  if (xs.length === 1) return xs[0]!;
  return build('concat', xs, { kind: 'concat', axis: ax });
}

/** np.stack: equal shapes, joined along a new axis. */
export function stackNodes(xs: readonly Node[], axis: unknown): Node {
  if (xs.length === 0) throw new InvalidArgumentError('stack: expected at least one array, got none');
  if (typeof axis !== 'number') throw new InvalidArgumentError(`stack: axis must be an integer, got ${describeValue(axis)}`);
  const s0 = xs[0]!.shape;
  xs.forEach((x, i) => {
    if (x.shape.length !== s0.length || x.shape.some((d, k) => d !== s0[k])) {
      throw new ShapeMismatchError(`stack: operand ${i} has shape ${showShape(x.shape)} but operand 0 has ${showShape(s0)}; expected all shapes equal`);
    }
  });
  const ax = normalizeAxis('stack', axis, s0.length + 1);
  const shape = [...s0.slice(0, ax), 1, ...s0.slice(ax)];
  return concatNodes('stack', xs.map((x) => viewAs(x, shape)), ax);
}
