/** gather(x, idx): out[i] = x[idx[i]] (data reordering between sparse formats and transposes). */
import { InvalidArgumentError } from '../../errors.js';
import { definePrimitive } from '../primitive.js';
import { keepUnits, ref } from '../structured.js';
import {like } from '../vjp-helpers.js';

export const gatherPrimitive = definePrimitive({
  op: 'gather',
  infer: (src) => {
    if (src[1]!.dtype !== 'int32') throw new InvalidArgumentError(`gather: indices must be int32, got ${src[1]!.dtype}`);
    return { shape: src[1]!.shape, dtype: src[0]!.dtype };
  },
  units: (src) => keepUnits(src, src[0]!.unit),
  reference: (_node, inputs) => {
    const [x, idx] = inputs as [Float64Array, Float64Array];
    return idx.map((i) => x[i]!);
  },
  /** x: the cotangent scatter-added back to x's positions (repeats add up); idx: none. */
  vjp: (node, g, t) => {
    const x = node.src[0]!;
    return [t.wants[0] ? like(t, t.build('scatterAdd', [g, node.src[1]!], { kind: 'scatter', shape: x.shape }), x) : null, null];
  },
  traits: {
    stage: 'barrier',
    publicName: 'transpose',
    describe: (n) => `gather ${ref(n)} = ${ref(n.src[0]!)}[${ref(n.src[1]!)}]`,
  },
});
