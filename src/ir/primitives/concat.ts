/**
 * concat(x0, x1, ...): the operands joined along `axis` (equal shapes elsewhere). A barrier
 * stage that writes each output element once (cost proportional to the output); operands
 * are converted to the first one's unit when the node is built.
 */
import { ShapeMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import { rank, type DType } from '../dtype.js';
import type { Node } from '../node.js';
import { definePrimitive } from '../primitive.js';
import { showShape, sizeOf } from '../shape.js';
import { indexNode } from '../leaves.js';
import { ref } from '../structured.js';
import {like } from '../vjp-helpers.js';

/** The widest operand dtype (bool < int32 < float32 < float64): all bool stays bool, as in NumPy. */
export const concatDType = (src: readonly Node[]): DType =>
  src.map((s) => s.dtype).reduce((a, b) => (rank(b) > rank(a) ? b : a));

/** outer × (each operand's length along the axis) × inner. */
export function concatGeometry(src: readonly Node[], axis: number): { outer: number; inner: number; lengths: number[] } {
  const s0 = src[0]!.shape;
  return { outer: sizeOf(s0.slice(0, axis)), inner: sizeOf(s0.slice(axis + 1)), lengths: src.map((s) => s.shape[axis]!) };
}

export const concatPrimitive = definePrimitive({
  op: 'concat',
  infer: (src, { axis }) => {
    const s0 = src[0]!.shape;
    for (const [i, s] of src.entries()) {
      const same = s.shape.length === s0.length && s.shape.every((d, k) => k === axis || d === s0[k]);
      if (!same) {
        throw new ShapeMismatchError(`concat: operand ${i} has shape ${showShape(s.shape)} but operand 0 has ${showShape(s0)}; expected the same rank and equal sizes except along axis ${axis}`);
      }
    }
    const total = src.reduce((a, s) => a + s.shape[axis]!, 0);
    return { shape: s0.map((d, k) => (k === axis ? total : d)), dtype: concatDType(src) };
  },
  units: (src) => rules.sameDimension('concat', src.map((s) => s.unit)),
  reference: (node, inputs) => {
    const { outer, inner, lengths } = concatGeometry(node.src, node.arg.axis);
    const out = new Float64Array(node.size);
    let at = 0;
    for (let o = 0; o < outer; o++) {
      lengths.forEach((len, i) => {
        const block = len * inner;
        out.set(inputs[i]!.subarray(o * block, (o + 1) * block), at);
        at += block;
      });
    }
    return out;
  },
  /** Each operand: its slice of the cotangent (a gather of its block positions). */
  vjp: (node, g, t) => {
    const { outer, inner, lengths } = concatGeometry(node.src, node.arg.axis);
    const row = lengths.reduce((a, b) => a + b, 0) * inner;
    let offset = 0;
    return node.src.map((x, i) => {
      const block = lengths[i]! * inner;
      const start = offset;
      offset += block;
      // bool operands get a float cotangent too: a surrogate spike upstream passes it on
      if (!t.wants[i]) return null;
      const flat = new Int32Array(outer * block);
      for (let o = 0; o < outer; o++) for (let k = 0; k < block; k++) flat[o * block + k] = o * row + start + k;
      return like(t, t.build('gather', [g, indexNode(flat, x.shape)], null), x);
    });
  },
  traits: {
    stage: 'barrier',
    publicName: 'concat',
    describe: (n) => `concat ${ref(n)} = [${n.src.map(ref).join(', ')}] along axis ${n.arg.axis}`,
  },
});
