/**
 * compactEvents(x): the active positions of a bool array as [count, i0, i1, ...]. The fusion
 * pass adds it so that a product iterates the active list built by the loop that made x;
 * compiled runners record spikes with it.
 */
import { Unit } from '../../units/unit.js';
import { definePrimitive } from '../primitive.js';
import { keepUnits } from '../structured.js';

export const compactEventsPrimitive = definePrimitive({
  op: 'compactEvents',
  infer: (src) => ({ shape: [src[0]!.size + 1], dtype: 'int32' }),
  units: (src) => keepUnits(src, Unit.dimensionless),
  reference: (node, inputs) => {
    const x = inputs[0]!;
    const out = new Float64Array(node.shape[0]!);
    let count = 0;
    for (let i = 0; i < x.length; i++) if (x[i] !== 0) out[++count] = i;
    out[0] = count;
    return out;
  },
  /** Events are not differentiable (surrogate spikes give them a derivative): no operand gets a cotangent. */
  vjp: (node) => node.src.map(() => null),
  traits: { stage: 'list' },
});
