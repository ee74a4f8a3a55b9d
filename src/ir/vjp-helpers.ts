/**
 * Small helpers the structured primitives' VJP rules share. Rules build their cotangents
 * with the `build` the engine hands them (VjpTools, src/ir/primitive.ts): a primitive module
 * cannot import build.ts, which imports the primitive table (no import cycles in src/).
 */
import { NotDifferentiableError } from '../errors.js';
import { isFloat } from './dtype.js';
import { scalarNode } from './leaves.js';
import type { Node } from './node.js';
import type { VjpTools } from './primitive.js';

/** The rule of a primitive that is never differentiated: a typed error naming it and why. */
export function notDifferentiable(what: string, why: string): never {
  throw new NotDifferentiableError(`not differentiable: ${what}: ${why}`);
}

/** Sum of all elements (a 0-d node). */
export const sumAll = (t: VjpTools, n: Node): Node => t.build('sum', [n], { kind: 'reduce', axis: null, keepdims: false });

/** A cotangent in its operand's float dtype (a float32 weight gets a float32 cotangent); non-float operands keep it. */
export function like(t: VjpTools, ct: Node, operand: Node): Node {
  if (!isFloat(operand.dtype) || ct.dtype === operand.dtype) return ct;
  return t.build('cast', [ct], { kind: 'cast', dtype: operand.dtype });
}

/** A dimensionless constant in `dtype` (float32 unless the operand is float64). */
export const constant = (value: number, dtype: Node['dtype']): Node =>
  scalarNode(value, undefined, dtype === 'float64' ? 'float64' : 'float32');
