/**
 * ef.vjp(f, ...primals): f's value and its pullback, as in JAX. `vjp(ct)` gives, for each
 * primal, dot(ct, df/dprimal) as a value of the primal's kind (array, matrix, record). The
 * cotangent has f's output shape; it defaults to 1 for a 0-d output. Units: the gradient of
 * primal x is in unit(ct) · unit(f) / unit(x).
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { scalarNode } from '../ir/leaves.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { floatDType } from './tools.js';
import { trace } from './trace.js';

export interface VjpResult {
  /** f(...primals), lazy. */
  readonly value: LazyArray;
  /** The gradients of the primals (one per primal, of its kind) for the cotangent `ct` of the value. */
  readonly vjp: (ct?: LazyArray | number) => unknown[];
}

export function vjp<A extends readonly unknown[]>(f: (...args: A) => LazyArray, ...primals: A): VjpResult {
  const call = trace('vjp', f as (...args: never[]) => unknown, primals, primals.map((_, i) => i));
  const { value } = call;
  return {
    value,
    vjp: (ct) => {
      if (ct === undefined) {
        if (value.ndim !== 0) throw new ShapeMismatchError(`vjp: f's value has shape ${showShape(value.shape)}; pass a cotangent of that shape (the default, 1, is for a 0-d value)`);
        return call.pullback(scalarNode(1, Unit.dimensionless, floatDType(value.dtype), true));
      }
      if (typeof ct === 'number') return call.pullback(scalarNode(ct, Unit.dimensionless, floatDType(value.dtype), true));
      if (!(ct instanceof LazyArray)) throw new InvalidArgumentError(`vjp: the cotangent must be a LazyArray or a number, got ${describeValue(ct)}`);
      return call.pullback(ct.node);
    },
  };
}
