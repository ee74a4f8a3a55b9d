/**
 * Reductions sum, max and min over one axis or all: accumulated by the loop over their operand.
 * argmax and argmin (arg-reduce.ts) share the shape rule.
 */
import { ShapeMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import type { DType } from '../dtype.js';
import type { Node } from '../node.js';
import type { ArgReduceOp, ReduceOp } from '../ops.js';
import type { ReduceArg } from '../args.js';
import { definePrimitive, type Primitive, type VjpRule, type VjpTools } from '../primitive.js';
import { showShape, sizeOf, type Shape } from '../shape.js';
import { SCALAR_FN } from './elementwise.js';

/** Split a shape around the reduced axis: outer × reduced × inner (all-axis: 1 × size × 1). */
export function reduceGeometry(inShape: Shape, axis: number | null): { outer: number; len: number; inner: number } {
  if (axis === null) return { outer: 1, len: sizeOf(inShape), inner: 1 };
  return { outer: sizeOf(inShape.slice(0, axis)), len: inShape[axis]!, inner: sizeOf(inShape.slice(axis + 1)) };
}

/** The accumulator's start (for argmax/argmin: the best value so far, its index starting at 0). */
export const REDUCE_INIT: { readonly [O in ReduceOp]: number } = { sum: 0, max: -Infinity, min: Infinity, argmax: -Infinity, argmin: Infinity };

type ValueReduceOp = Exclude<ReduceOp, ArgReduceOp>;

const COMBINE: { readonly [O in ValueReduceOp]: (acc: number, x: number) => number } = {
  sum: (a, b) => a + b,
  max: (a, b) => SCALAR_FN.maximum(a, b, 0),
  min: (a, b) => SCALAR_FN.minimum(a, b, 0),
};

function reduceReference(op: ValueReduceOp, node: Node<ReduceOp>, inputs: readonly Float64Array[]): Float64Array {
  const { outer, len, inner } = reduceGeometry(node.src[0]!.shape, node.arg.axis);
  const x = inputs[0]!;
  const out = new Float64Array(outer * inner);
  const combine = COMBINE[op];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = REDUCE_INIT[op];
      for (let k = 0; k < len; k++) acc = combine(acc, x[(o * len + k) * inner + i]!);
      out[o * inner + i] = node.dtype === 'int32' ? acc | 0 : acc;
    }
  }
  return out;
}

/** The result shape of a reduction; an empty reduced axis is refused where `op` has no identity. */
export function reducedShape(op: ReduceOp, inShape: Shape, { axis, keepdims }: ReduceArg): Shape {
  const reduced = axis === null ? sizeOf(inShape) : inShape[axis]!;
  if (op !== 'sum' && reduced === 0) {
    throw new ShapeMismatchError(`${op}: cannot reduce an empty axis of shape ${showShape(inShape)}: ${op} has no identity; expected at least one element`);
  }
  return axis === null
    ? (keepdims ? inShape.map(() => 1) : [])
    : inShape.flatMap((d, i) => (i === axis ? (keepdims ? [1] : []) : [d]));
}

/** The reduced result's shape with the reduced axes kept as 1 (all of them for axis null). */
const keptShape = (inShape: Shape, axis: number | null): Shape => inShape.map((d, i) => (axis === null || i === axis ? 1 : d));

/** `v` (a reduction's result or its cotangent) with the reduced axes kept, so it broadcasts against the operand. */
function kept(v: Node, node: Node<ReduceOp>, t: VjpTools): Node {
  const { axis, keepdims } = node.arg;
  if (keepdims || axis === null) return v; // a 0-d or all-ones value broadcasts as it is
  return t.build('reshape', [v], { kind: 'reshape', shape: keptShape(node.src[0]!.shape, axis) });
}

/**
 * sum: the cotangent broadcast back over the reduced axes. max / min: to the positions that
 * hold the extreme, split equally among ties (JAX's convention); NaN positions get none.
 */
const REDUCE_VJP: { readonly [O in ValueReduceOp]: VjpRule<O> } = {
  sum: (node, ct, t) => [t.wants[0] ? t.broadcastTo(kept(ct, node, t), node.src[0]!.shape) : null],
  max: (node, ct, t) => [t.wants[0] ? toExtremes(node, ct, t) : null],
  min: (node, ct, t) => [t.wants[0] ? toExtremes(node, ct, t) : null],
};

function toExtremes(node: Node<ReduceOp>, ct: Node, t: VjpTools): Node {
  const x = node.src[0]!;
  const hit = t.build('equal', [x, kept(node, node, t)]);
  const count = t.build('sum', [t.build('cast', [hit], { kind: 'cast', dtype: ct.dtype })], { kind: 'reduce', axis: node.arg.axis, keepdims: node.arg.axis !== null });
  return t.build('where', [hit, t.build('div', [kept(ct, node, t), count]), t.zero(ct)]);
}

function reduce<O extends ValueReduceOp>(op: O): Primitive<O> {
  return definePrimitive<O>({
    op,
    infer: (src, arg) => {
      const shape = reducedShape(op, src[0]!.shape, arg);
      const d = src[0]!.dtype;
      const dtype: DType = op === 'sum' && d === 'bool' ? 'int32' : d;
      return { shape, dtype };
    },
    units: (src) => rules.keep(src.map((s) => s.unit)),
    reference: (node, inputs) => reduceReference(op, node, inputs),
    traits: { stage: 'reduce' },
    vjp: REDUCE_VJP[op] as unknown as VjpRule<O>, // indexed by op: TypeScript cannot narrow it to O
  });
}

export const sumPrimitive = reduce('sum');
export const maxPrimitive = reduce('max');
export const minPrimitive = reduce('min');
