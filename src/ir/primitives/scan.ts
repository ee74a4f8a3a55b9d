/**
 * cumsum(x, axis): the running sum along an axis (axis null: over the flattened array, a 1-D
 * result), as NumPy's cumsum. bool and int32 sum to int32 (wrapping like int32 arithmetic),
 * floats keep their dtype. The reference sums in float64 along the axis and rounds each
 * output to the dtype. A barrier: every output reads its whole prefix.
 */
import * as rules from '../../units/rules.js';
import { isFloat, roundTo } from '../dtype.js';
import { definePrimitive } from '../primitive.js';
import { sizeOf } from '../shape.js';
import { indexNode } from '../leaves.js';
import { ref } from '../structured.js';
import {like } from '../vjp-helpers.js';
import { reduceGeometry } from './reduce.js';

export const cumsumPrimitive = definePrimitive({
  op: 'cumsum',
  infer: (src, { axis }) => {
    const x = src[0]!;
    return { shape: axis === null ? [sizeOf(x.shape)] : x.shape, dtype: isFloat(x.dtype) ? x.dtype : 'int32' };
  },
  units: (src) => rules.keep(src.map((s) => s.unit)),
  reference: (node, inputs) => {
    const { outer, len, inner } = reduceGeometry(node.src[0]!.shape, node.arg.axis);
    const x = inputs[0]!;
    const out = new Float64Array(x.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let k = 0, at = o * len * inner + i; k < len; k++, at += inner) out[at] = roundTo(node.dtype, (acc += x[at]!));
      }
    }
    return out;
  },
  /**
   * x: the reverse cumulative sum of the cotangent along the axis (each output's prefix holds
   * x[k] for every output from k on): the cotangent reversed along the axis (a gather), its
   * cumsum, reversed back; flattened (axis null) cotangents are viewed in x's shape.
   */
  vjp: (node, g, t) => {
    const x = node.src[0]!;
    if (!isFloat(x.dtype)) return [null];
    const axis = node.arg.axis ?? 0;
    const { outer, len, inner } = reduceGeometry(g.shape, axis);
    const rev = new Int32Array(g.size);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len; k++) for (let i = 0; i < inner; i++) rev[(o * len + k) * inner + i] = (o * len + len - 1 - k) * inner + i;
    }
    const r = indexNode(rev, g.shape);
    const back = t.build('gather', [t.build('cumsum', [t.build('gather', [g, r], null)], { kind: 'scan', axis }), r], null);
    return [like(t, node.arg.axis === null ? t.build('reshape', [back], { kind: 'reshape', shape: x.shape }) : back, x)];
  },
  traits: {
    stage: 'barrier',
    describe: (n) => `cumsum ${ref(n)} = running sum of ${ref(n.src[0]!)} ${n.arg.axis === null ? 'flattened' : `along axis ${n.arg.axis}`}`,
  },
});
