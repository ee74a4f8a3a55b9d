/** jitcDensify(a, b, thresholds, guide[, line map]): the dense [rows, cols] form of a just-in-time matrix. */
import { forEachJitcEntry, lineMapOf, tableOf } from '../jitc.js';
import { definePrimitive } from '../primitive.js';
import type { JitcArg } from '../args.js';
import type { Node } from '../node.js';
import { keepUnits, ref } from '../structured.js';
import {constant, like, sumAll } from '../vjp-helpers.js';

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
  /** a: sum(G · P), P the dense 0/1 pattern; b (uniform, normal): sum(G · R), R the dense random parts (a = 0, b = 1). */
  vjp: (node, g, t) => {
    const { arg } = node;
    const [a, b, ...rest] = node.src as [Node, Node, ...Node[]];
    const [one, zero] = [constant(1, a.dtype), constant(0, a.dtype)];
    const weighted = (wa: Node, wb: Node, dist: JitcArg['dist']): Node =>
      sumAll(t, t.build('mul', [g, t.build('jitcDensify', [wa, wb, ...rest], { ...arg, dist })], null));
    return [like(t, weighted(one, zero, 'scalar'), a), arg.dist === 'scalar' ? null : like(t, weighted(zero, one, arg.dist), b), ...rest.map(() => null)];
  },
  traits: {
    stage: 'barrier',
    publicName: 'todense',
    densifies: true,
    describe: (n) => `densify ${ref(n)} [${n.shape.join('×')}] (just-in-time)`,
  },
});
