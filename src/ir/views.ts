/**
 * Shape changes that keep the row-major order: reshape, expandDims, squeeze. None copies:
 * a constant is the same buffer under a new shape, a view of a view reads the first
 * operand, and anything else is a `reshape` view node (primitives/reshape.ts).
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { allocate } from './dtype.js';
import { build } from './build.js';
import { constNode } from './leaves.js';
import type { Node } from './node.js';
import { normalizeAxis, showShape, sizeOf, type Shape } from './shape.js';
import { isView } from './traits.js';

/** A shape argument with at most one -1, which is inferred from the size. */
export function resolveShape(op: string, given: unknown, size: number, from: Shape): number[] {
  if (!Array.isArray(given)) throw new InvalidArgumentError(`${op}: shape must be an array of integers (one may be -1), got ${describeValue(given)}`);
  const dims = given.map((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -1) {
      throw new InvalidArgumentError(`${op}: shape[${i}] must be a non-negative integer or -1, got ${describeValue(d)}`);
    }
    return d;
  });
  const unknown = dims.filter((d) => d === -1).length;
  if (unknown > 1) throw new InvalidArgumentError(`${op}: shape ${showShape(dims)} has ${unknown} entries -1; expected at most one (the size to infer)`);
  const known = sizeOf(dims.filter((d) => d !== -1));
  if (unknown === 1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeMismatchError(`${op}: cannot view ${size} elements (shape ${showShape(from)}) as ${showShape(dims)}: the other sizes multiply to ${known}, which does not divide ${size} into a whole size for -1`);
    }
    return dims.map((d) => (d === -1 ? size / known : d));
  }
  if (known !== size) {
    throw new ShapeMismatchError(`${op}: cannot view an array of shape ${showShape(from)} (${size} elements) as ${showShape(dims)} (${known} elements); expected the same number of elements`);
  }
  return dims;
}

/** `x` under `shape` (already resolved, same size): no copy in any case. */
export function viewAs(x: Node, shape: Shape): Node {
  if (shape.length === x.shape.length && shape.every((d, i) => d === x.shape[i])) return x;
  if (isView(x)) return viewAs(x.src[0]!, shape);
  if (x.arg?.kind === 'const') return constNode(x.arg.data, shape, x.unit);
  if (x.arg?.kind === 'scalar') {
    const data = allocate(x.dtype, 1);
    data[0] = x.arg.value;
    return constNode(data, shape, x.unit);
  }
  return build('reshape', [x], { kind: 'reshape', shape: Object.freeze([...shape]) });
}

export const reshapeNode = (x: Node, shape: unknown): Node => viewAs(x, resolveShape('reshape', shape, x.size, x.shape));

/** A new axis of size 1 at `axis` (in [-(rank + 1), rank], as NumPy's expand_dims). */
export function expandDimsNode(x: Node, axis: unknown): Node {
  if (typeof axis !== 'number') throw new InvalidArgumentError(`expandDims: axis must be an integer, got ${describeValue(axis)}`);
  const at = normalizeAxis('expandDims', axis, x.shape.length + 1);
  return viewAs(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

/** Without the size-1 axes named (all of them when none is): a non-1 axis named is an error. */
export function squeezeNode(x: Node, axis?: unknown): Node {
  const rank = x.shape.length;
  let drop: number[];
  if (axis === undefined || axis === null) drop = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  else {
    const given = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(given)) throw new InvalidArgumentError(`squeeze: axis must be an integer, an array of integers or undefined, got ${describeValue(axis)}`);
    drop = given.map((a: unknown) => {
      if (typeof a !== 'number') throw new InvalidArgumentError(`squeeze: axis must be an integer, got ${describeValue(a)}`);
      return normalizeAxis('squeeze', a, rank);
    });
    if (new Set(drop).size !== drop.length) throw new InvalidArgumentError(`squeeze: axis [${given.join(', ')}] names an axis twice; expected distinct axes`);
    for (const a of drop) {
      if (x.shape[a] !== 1) {
        throw new ShapeMismatchError(`squeeze: axis ${a} of shape ${showShape(x.shape)} has size ${x.shape[a]}; expected size 1 (only size-1 axes can be squeezed)`);
      }
    }
  }
  return viewAs(x, x.shape.filter((_, i) => !drop.includes(i)));
}
