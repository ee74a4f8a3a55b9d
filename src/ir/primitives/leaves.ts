/** Leaves: constants (bound once), scalars (folded into code as literals), program inputs (bound per call). */
import { InvalidArgumentError } from '../../errors.js';
import { Unit } from '../../units/unit.js';
import type { LeafOp } from '../ops.js';
import { definePrimitive, type Primitive, type Traits } from '../primitive.js';

function leaf<O extends LeafOp>(op: O, kind: Traits<O>['leaf'], reference: Primitive<O>['reference']): Primitive<O> {
  return definePrimitive<O>({
    op,
    infer: () => {
      throw new InvalidArgumentError(`${op} is a leaf: build it with its constructor`);
    },
    units: () => ({ unit: Unit.dimensionless, factors: [], operands: [] }),
    reference,
    traits: { stage: 'leaf', leaf: kind },
  });
}

export const constLeaf = leaf('const', 'constant', (node) => Float64Array.from(node.arg.data));
export const scalarLeaf = leaf('scalar', 'literal', (node) => Float64Array.of(node.arg.value));
export const inputLeaf = leaf('input', 'input', (node) => {
  throw new InvalidArgumentError(`input '${node.arg.name}' has no value outside a compiled step`);
});
