/**
 * ef.surrogate: spikes that can be differentiated. Each function is the Heaviside step
 * `v > 0` forward (a bool array, so event-driven products still apply to the spikes) and a
 * smooth derivative of sharpness α backward (the `surrogate` primitive's VJP rule; formulas in
 * src/ir/primitives/surrogate.ts and docs/gradients.md). Every derivative integrates to
 * 1 over v, so α only sets the width (≈ 1/α in v's unit).
 *
 * Units: v may carry one (v − threshold in mV); α is then in its inverse (1/mV): a number read
 * in that unit, or a 0-d array with a unit of that dimension (converted). Dual: data-first
 * `sigmoid(v, { alpha })` and data-last `sigmoid({ alpha })(v)` for fp-ts `pipe`.
 */
import { LazyArray } from '../api/array.js';
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import type { SurrogateFn } from '../ir/args.js';
import { build } from '../ir/build.js';
import { checkAlpha } from '../ir/primitives/surrogate.js';
import { showShape } from '../ir/shape.js';
import { optionsObject } from '../options.js';
import { Unit } from '../units/unit.js';

export interface SurrogateOptions {
  /**
   * The sharpness: positive, in the inverse of v's unit (a number read in 1/unit(v), or a 0-d
   * array with a unit of that dimension).
   */
  readonly alpha: number | LazyArray;
}

export interface Surrogate {
  (v: LazyArray, options: SurrogateOptions): LazyArray;
  (options: SurrogateOptions): (v: LazyArray) => LazyArray;
}

/** α as a plain number in 1/unit(v). */
function alphaIn(op: string, alpha: unknown, v: Unit): number {
  if (!(alpha instanceof LazyArray)) return checkAlpha(op, alpha, v);
  const target = Unit.dimensionless.div(v);
  if (alpha.ndim !== 0) throw new ShapeMismatchError(`${op}: alpha has shape ${showShape(alpha.shape)}; expected a 0-d array (or a number)`);
  if (alpha.dtype !== 'float32' && alpha.dtype !== 'float64') throw new InvalidArgumentError(`${op}: alpha is a ${alpha.dtype} 0-d array; expected a float32 or float64 one (or a number)`);
  if (!alpha.unit.sameDimension(target)) {
    throw new UnitMismatchError(`${op}: alpha is in ${alpha.unit.toString()} (${alpha.unit.dimensionName()}); expected the inverse of v's unit, ${target.toString()} (${target.dimensionName()})`);
  }
  return checkAlpha(op, alpha.to(target).item(), v);
}

function spikes(fn: SurrogateFn, v: unknown, options: unknown): LazyArray {
  const op = `surrogate.${fn}`;
  if (!(v instanceof LazyArray)) throw new InvalidArgumentError(`${op}: v must be a LazyArray (a membrane potential, or v − threshold), got ${describeValue(v)}`);
  const o = optionsObject(op, options, ['alpha'], '{ alpha }');
  return new LazyArray(build('surrogate', [v.node], { kind: 'surrogate', fn, alpha: alphaIn(op, o['alpha'], v.unit) }));
}

function surrogate(fn: SurrogateFn): Surrogate {
  const f = (...args: unknown[]): unknown => {
    if (args.length === 2) return spikes(fn, args[0], args[1]);
    if (args.length === 1 && !(args[0] instanceof LazyArray)) return (v: unknown) => spikes(fn, v, args[0]);
    throw new InvalidArgumentError(
      `surrogate.${fn}: expected (v, { alpha }) or ({ alpha }) for pipe, got ${args.length} argument${args.length === 1 ? ' (a LazyArray: the options { alpha } are missing)' : 's'}`,
    );
  };
  return f as Surrogate;
}

/** Forward v > 0; backward α·σ(αv)(1 − σ(αv)). */
export const sigmoid: Surrogate = surrogate('sigmoid');
/** Forward v > 0; backward (α/2)/(1 + α|v|)² (SuperSpike's fast sigmoid, normalised). */
export const fastSigmoid: Surrogate = surrogate('fastSigmoid');
/** Forward v > 0; backward (α/2)/(1 + (π/2·αv)²). */
export const arctan: Surrogate = surrogate('arctan');
/** Forward v > 0; backward α·max(0, 1 − α|v|). */
export const triangle: Surrogate = surrogate('triangle');
