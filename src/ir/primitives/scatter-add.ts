/**
 * scatterAdd(values, idx): a zero array of arg.shape with values[k] added at flat position
 * idx[k] (repeated indices add up): the transpose of gather, and its cotangent. Float64 sums
 * in the reference; cost O(values) plus the zero fill.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../../errors.js';
import { definePrimitive } from '../primitive.js';
import { showShape, sizeOf } from '../shape.js';
import { keepUnits, ref } from '../structured.js';

export const scatterAddPrimitive = definePrimitive({
  op: 'scatterAdd',
  infer: (src, arg) => {
    const [values, idx] = src;
    if (idx!.dtype !== 'int32') throw new InvalidArgumentError(`scatterAdd: indices must be int32, got ${idx!.dtype}`);
    if (values!.size !== idx!.size) {
      throw new ShapeMismatchError(`scatterAdd: ${values!.size} values of shape ${showShape(values!.shape)} for ${idx!.size} indices of shape ${showShape(idx!.shape)}; expected one value per index`);
    }
    return { shape: [...arg.shape], dtype: values!.dtype };
  },
  units: (src) => keepUnits(src, src[0]!.unit),
  reference: (node, inputs) => {
    const [values, idx] = inputs as [Float64Array, Float64Array];
    const out = new Float64Array(sizeOf(node.arg.shape));
    idx.forEach((i, k) => { out[i]! += values[k]!; });
    return out;
  },
  traits: {
    stage: 'barrier',
    publicName: 'grad (scatter-add)',
    describe: (n) => `scatter-add ${ref(n)} ${showShape(n.shape)}: ${ref(n.src[0]!)} added at ${ref(n.src[1]!)}`,
  },
});
