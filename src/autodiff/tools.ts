/**
 * The VjpTools the engine hands each VJP rule (src/ir/primitive.ts): `build` and the shape
 * helpers that rules beside their primitives cannot import themselves (build.ts imports them).
 */
import { allocate, isFloat, type DType, type TypedArray } from '../ir/dtype.js';
import { build } from '../ir/build.js';
import { transposeNode } from '../ir/indexing.js';
import { constNode, scalarNode } from '../ir/leaves.js';
import type { Node } from '../ir/node.js';
import type { VjpTools } from '../ir/primitive.js';
import { sizeOf, type Shape } from '../ir/shape.js';
import type { Unit } from '../units/unit.js';

/** `ct` summed over the axes it was broadcast along: leading extra axes, then size-1 axes of `shape`. */
export function sumTo(ct: Node, shape: Shape): Node {
  let g = ct;
  while (g.shape.length > shape.length) g = build('sum', [g], { kind: 'reduce', axis: 0, keepdims: false });
  shape.forEach((d, i) => {
    if (d === 1 && g.shape[i] !== 1) g = build('sum', [g], { kind: 'reduce', axis: i, keepdims: true });
  });
  return g;
}

export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** One zero buffer per (dtype, size), so repeated gradients share one constant node. */
const zeroBuffers = new Map<string, TypedArray>();

/** A constant array of zeros (read-only: constants are never written). */
export function zeros(shape: Shape, unit: Unit, dtype: DType): Node {
  const key = `${dtype}:${sizeOf(shape)}`;
  let buf = zeroBuffers.get(key);
  if (!buf) zeroBuffers.set(key, (buf = allocate(dtype, sizeOf(shape))));
  return constNode(buf, shape, unit);
}

/** `ct` broadcast up to `shape`: added to a constant of zeros (fused into the loop that reads it). */
export function broadcastTo(ct: Node, shape: Shape): Node {
  if (sameShape(ct.shape, shape)) return ct;
  return build('add', [zeros(shape, ct.unit, ct.dtype), ct]);
}

export const floatDType = (d: DType): DType => (isFloat(d) ? d : 'float32');

export function vjpTools(wants: readonly boolean[]): VjpTools {
  return {
    build,
    sumTo,
    broadcastTo,
    transpose: (x) => transposeNode(x),
    zero: (like) => scalarNode(0, like.unit, floatDType(like.dtype), true),
    wants,
  };
}
