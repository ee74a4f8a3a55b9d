/** jitcDensify(a, b, thresholds, guide[, line map]): the dense [rows, cols] form of a just-in-time matrix. */
import { forEachJitcEntry, lineMapOf, tableOf } from '../jitc.js';
import { definePrimitive } from '../primitive.js';
import { keepUnits, ref } from '../structured.js';

export const jitcDensifyPrimitive = definePrimitive({
  op: 'jitcDensify',
  infer: (src, arg) => ({ shape: [arg.rows, arg.cols], dtype: src[0]!.dtype }),
  units: (src) => keepUnits(src, src[0]!.unit),
  reference: (node, inputs) => {
    const { arg } = node;
    const [a, b, t, g] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array];
    const out = new Float64Array(arg.rows * arg.cols);
    forEachJitcEntry(arg, tableOf(arg, t, g), a[0]!, b[0]!, (r, c, w) => {
      out[r * arg.cols + c] = w;
    }, lineMapOf(arg, inputs));
    return out;
  },
  traits: {
    stage: 'barrier',
    publicName: 'todense',
    densifies: true,
    describe: (n) => `densify ${ref(n)} [${n.shape.join('×')}] (just-in-time)`,
  },
});
