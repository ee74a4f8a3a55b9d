/**
 * argmax and argmin over one axis or all: the int32 position of the first extreme value
 * (NumPy: a NaN counts as the extreme, so the first NaN's position wins). Accumulated by the
 * loop over their operand like the other reductions; the position is along the reduced axis,
 * or in the flattened array when reducing all axes.
 */
import { Unit } from '../../units/unit.js';
import type { Node } from '../node.js';
import type { ArgReduceOp } from '../ops.js';
import { definePrimitive, type Primitive } from '../primitive.js';
import { REDUCE_INIT, reduceGeometry, reducedShape } from './reduce.js';

/** Does `x` replace `best` as the extreme so far? Strictly better, or the first NaN. */
const ARG_BETTER: { readonly [O in ArgReduceOp]: (x: number, best: number) => boolean } = {
  argmax: (x, best) => x > best || (x !== x && best === best),
  argmin: (x, best) => x < best || (x !== x && best === best),
};

function argReference(op: ArgReduceOp, node: Node<ArgReduceOp>, inputs: readonly Float64Array[]): Float64Array {
  const { outer, len, inner } = reduceGeometry(node.src[0]!.shape, node.arg.axis);
  const x = inputs[0]!;
  const out = new Float64Array(outer * inner);
  const better = ARG_BETTER[op];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = REDUCE_INIT[op];
      let at = 0;
      for (let k = 0; k < len; k++) {
        const v = x[(o * len + k) * inner + i]!;
        if (better(v, best)) {
          best = v;
          at = k;
        }
      }
      out[o * inner + i] = at;
    }
  }
  return out;
}

function argReduce<O extends ArgReduceOp>(op: O): Primitive<O> {
  return definePrimitive<O>({
    op,
    infer: (src, arg) => ({ shape: reducedShape(op, src[0]!.shape, arg), dtype: 'int32' }),
    // A position has no unit, whatever the operand's.
    units: (src) => ({ unit: Unit.dimensionless, factors: [1], operands: [src[0]!.unit] }),
    reference: (node, inputs) => argReference(op, node, inputs),
    traits: { stage: 'reduce' },
    vjp: () => [null], // a position: piecewise constant, no cotangent
  });
}

export const argmaxPrimitive = argReduce('argmax');
export const argminPrimitive = argReduce('argmin');
