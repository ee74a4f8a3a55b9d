/**
 * How VJP rules build nodes. A rule is declared beside its primitive (primitives/*.ts), but
 * build.ts imports the primitive table, so a primitive module cannot import build.ts (no
 * import cycles in src/). build.ts hands its `build` here when it loads; rules call `vbuild`,
 * which is that same function: unit rules, conversions, shape and size checks included. A
 * rule can only run on a node, and nodes with operands are only made by build, so the
 * builder is always there when a rule runs.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ArgOf } from './args.js';
import { isFloat } from './dtype.js';
import { scalarNode } from './leaves.js';
import type { Node } from './node.js';
import type { LeafOp, OpName } from './ops.js';
import type { Shape } from './shape.js';

type BuildFn = <O extends Exclude<OpName, LeafOp>>(op: O, src: readonly Node[], arg: ArgOf<O>) => Node<O>;

let provided: BuildFn | undefined;

/** Called once by build.ts. */
export function provideBuild(f: BuildFn): void {
  provided = f;
}

/** build(op, src, arg), for VJP rules (arg null for ops without one). */
export function vbuild<O extends Exclude<OpName, LeafOp>>(op: O, src: readonly Node[], arg: ArgOf<O>): Node<O> {
  if (!provided) throw new InvalidArgumentError(`vjp: no node builder (src/ir/build.ts was not loaded) while building a '${op}' cotangent`);
  return provided(op, src, arg);
}

/** The rule of a primitive that is never differentiated: a typed error naming it and why. */
export function notDifferentiable(what: string, why: string): never {
  throw new InvalidArgumentError(`not differentiable: ${what}: ${why}`);
}

/** Sum of all elements (a 0-d node). */
export const sumAll = (n: Node): Node => vbuild('sum', [n], { kind: 'reduce', axis: null, keepdims: false });

/**
 * `ct` (of a broadcast result's shape) summed down to `shape` (an operand that broadcast to
 * it: aligned from the right, each dim 1 or equal): leading axes summed away, then every
 * axis where the operand has 1 summed with keepdims.
 */
export function sumTo(ct: Node, shape: Shape): Node {
  let n = ct;
  while (n.shape.length > shape.length) n = vbuild('sum', [n], { kind: 'reduce', axis: 0, keepdims: false });
  shape.forEach((d, k) => {
    if (d === 1 && n.shape[k] !== 1) n = vbuild('sum', [n], { kind: 'reduce', axis: k, keepdims: true });
  });
  return n;
}

/** A cotangent in its operand's float dtype (a float32 weight gets a float32 cotangent); non-float operands keep it. */
export function like(ct: Node, operand: Node): Node {
  if (!isFloat(operand.dtype) || ct.dtype === operand.dtype) return ct;
  return vbuild('cast', [ct], { kind: 'cast', dtype: operand.dtype });
}

/** A dimensionless constant in `dtype` (float32 unless the operand is float64). */
export const constant = (value: number, dtype: Node['dtype']): Node =>
  scalarNode(value, undefined, dtype === 'float64' ? 'float64' : 'float32');
