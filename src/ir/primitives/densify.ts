/** densify(data, ptr, idx[, perm]): the dense [rows, cols] matrix of a sparse structure (duplicates add up). */
import { definePrimitive } from '../primitive.js';
import type { Node } from '../node.js';
import { flatEntryIndex, forEachEntry, keepUnits, ref } from '../structured.js';
import {like, sumAll } from '../vjp-helpers.js';

export const densifyPrimitive = definePrimitive({
  op: 'densify',
  infer: (src, arg) => ({ shape: [arg.rows, arg.cols], dtype: src[0]!.dtype }),
  units: (src) => keepUnits(src, src[0]!.unit),
  reference: (node, inputs) => {
    const { arg } = node;
    const [data, ptr, idx, perm] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array?];
    const out = new Float64Array(arg.rows * arg.cols);
    forEachEntry(arg, data, node.src[0]!.shape.length === 0, ptr, idx, perm, (r, c, w) => {
      out[r * arg.cols + c]! += w;
    });
    return out;
  },
  /** data: the dense cotangent gathered at the stored entries (a flat index built once per structure), summed for a shared weight. */
  vjp: (node, g, t) => {
    const [data, ptr, idx, perm] = node.src as [Node, Node, Node, Node?];
    const sampled = t.build('gather', [g, flatEntryIndex(node.arg, ptr, idx, perm)], null);
    return [like(t, data.shape.length === 0 ? sumAll(t, sampled) : sampled, data), null, null, ...(perm ? [null] : [])];
  },
  traits: {
    stage: 'barrier',
    publicName: 'todense',
    densifies: true,
    describe: (n) => `densify ${ref(n)} [${n.shape.join('×')}]`,
  },
});
