/**
 * reshape(x): the same row-major values under a new shape of the same size. A view: the
 * plan gives it no stage and no buffer; readers index the operand's buffer with the view's
 * shape (docs/fusion.md, views). expandDims and squeeze are reshapes too.
 */
import { ShapeMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import { definePrimitive } from '../primitive.js';
import { showShape, sizeOf } from '../shape.js';
import { ref } from '../structured.js';


export const reshapePrimitive = definePrimitive({
  op: 'reshape',
  infer: (src, arg) => {
    const x = src[0]!;
    if (sizeOf(arg.shape) !== x.size) {
      throw new ShapeMismatchError(`reshape: cannot view an array of shape ${showShape(x.shape)} (${x.size} elements) as ${showShape(arg.shape)} (${sizeOf(arg.shape)} elements); expected the same number of elements`);
    }
    return { shape: arg.shape, dtype: x.dtype };
  },
  units: (src) => rules.keep(src.map((s) => s.unit)),
  reference: (_node, inputs) => Float64Array.from(inputs[0]!),
  /** x: the cotangent viewed in x's shape. */
  vjp: (node, g, t) => {
    const x = node.src[0]!;
    return [t.wants[0] ? t.build('reshape', [g], { kind: 'reshape', shape: x.shape }) : null];
  },
  traits: {
    stage: 'view',
    publicName: 'reshape',
    describe: (n) => `view ${ref(n)} = ${ref(n.src[0]!)} as ${showShape(n.shape)}`,
  },
});
