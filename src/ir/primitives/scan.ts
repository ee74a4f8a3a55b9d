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
import { ref } from '../structured.js';
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
  traits: {
    stage: 'barrier',
    describe: (n) => `cumsum ${ref(n)} = running sum of ${ref(n.src[0]!)} ${n.arg.axis === null ? 'flattened' : `along axis ${n.arg.axis}`}`,
  },
});
