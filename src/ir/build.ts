/** Building nodes with operands: the unit rule (conversions inserted), the shape/dtype rule, the size check. */
import { BYTES, checkAllocation } from '../limits.js';
import { Unit } from '../units/unit.js';
import type { ArgOf } from './args.js';
import { roundTo } from './dtype.js';
import { scalarNode } from './leaves.js';
import { intern, type Node } from './node.js';
import type { LeafOp, OpName } from './ops.js';
import { PRIMITIVES } from './primitives/index.js';
import { promote } from './promote.js';
import { showShape, sizeOf } from './shape.js';

/** Multiply by a unit-conversion factor, giving the node the target unit; folds into scalar leaves. */
export function rescale(n: Node, factor: number, target: Unit): Node {
  if (factor === 1 && n.unit === target) return n;
  if (n.arg?.kind === 'scalar') {
    // Same dtype rule as the multiplication it replaces: a fractional factor lifts ints to float32.
    const dtype = promote([n, scalarNode(factor, Unit.dimensionless, 'float32', true)]);
    const value = n.arg.value * factor;
    return scalarNode(n.arg.weak ? value : roundTo(dtype, value), target, dtype, n.arg.weak);
  }
  if (factor === 1) return intern(n.op, n.dtype, n.shape, target, n.src, n.arg);
  const f = scalarNode(factor, Unit.dimensionless, 'float32', true);
  return intern('mul', promote([n, f]), n.shape, target, [n, f], null);
}

/** Build a node: unit rule (with conversions inserted), then shape/dtype rule, then intern. */
export function build<O extends Exclude<OpName, LeafOp>>(op: O, src: readonly Node[], ...rest: null extends ArgOf<O> ? [arg?: ArgOf<O>] : [arg: ArgOf<O>]): Node<O> {
  const arg = (rest[0] ?? null) as ArgOf<O>; // optional only where the op's argument may be null
  const prim = PRIMITIVES[op];
  const u = prim.units(src, arg);
  const converted = src.map((s, i) => rescale(s, u.factors[i]!, u.operands[i]!));
  const { shape, dtype } = prim.infer(converted, arg);
  // Every derived array is checked here, when the expression is built, not when a kernel allocates.
  const { publicName, densifies } = prim.traits;
  checkAllocation(publicName ?? op, `its result, of shape ${showShape(shape)} (${dtype})`, sizeOf(shape), BYTES[dtype],
    densifies ? 'keep the matrix in its sparse or JIT form and use its products' : 'compute it in smaller pieces');
  return intern(op, dtype, shape, u.unit, converted, arg);
}

