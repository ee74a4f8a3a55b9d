/**
 * `ef.jitc.scalar`, `ef.jitc.uniform`, `ef.jitc.normal`: validating constructors.
 * Weight parameters are numbers (with the `unit` argument) or 0-d arrays with a unit.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../../errors.js';
import { LazyArray } from '../../api/array.js';
import { scalar } from '../../api/create.js';
import { showShape } from '../../ir/shape.js';
import { sameDimension } from '../../units/rules.js';
import type { Unit } from '../../units/unit.js';
import { checkFloatDType, inUnit, type FloatDType } from '../data.js';
import { show } from '../describe.js';
import { checkMatrixShape } from '../sparse/validate.js';
import { JITCMatrix, type JitcDist, type Orient } from './matrix.js';

/** What every JITC matrix needs. */
export interface JitcCommon {
  readonly shape: readonly number[];
  /** Probability that each entry is present, in [0, 1]. */
  readonly prob: number;
  /** An integer in [0, 2^32 − 1]; the matrix is a function of the seed. */
  readonly seed: number;
  /** The lines the generator walks (default 'row'). */
  readonly orient?: Orient;
  readonly dtype?: FloatDType;
}
export interface JitcScalarInput extends JitcCommon { readonly weight: number | LazyArray }
export interface JitcUniformInput extends JitcCommon { readonly low: number | LazyArray; readonly high: number | LazyArray }
export interface JitcNormalInput extends JitcCommon { readonly mean: number | LazyArray; readonly std: number | LazyArray }

export const MAX_SEED = 2 ** 32 - 1;

/** A seed: an integer in [0, 2^32 − 1]. */
export function checkSeed(fmt: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidArgumentError(`${fmt}: seed is ${show(seed, false)}; expected an integer in [0, ${MAX_SEED}]`);
  }
  return seed;
}

function checkProb(fmt: string, prob: unknown): number {
  if (typeof prob !== 'number' || !(prob >= 0 && prob <= 1)) {
    throw new InvalidArgumentError(`${fmt}: prob is ${show(prob, false)}; expected a probability in [0, 1]`);
  }
  return prob;
}

function checkOrient(fmt: string, orient: unknown): Orient {
  if (orient === undefined) return 'row';
  if (orient !== 'row' && orient !== 'col') throw new InvalidArgumentError(`${fmt}: orient is ${show(orient, false)}; expected 'row' or 'col'`);
  return orient;
}

/** A weight parameter as a 0-d array: a finite number with `unit`, or a 0-d array (converted to `unit` if given). */
function param(fmt: string, name: string, v: unknown, unit: Unit | string | undefined, dtype: FloatDType): LazyArray {
  if (v instanceof LazyArray) {
    if (v.ndim !== 0) throw new ShapeMismatchError(`${fmt}: ${name} has shape ${showShape(v.shape)}; expected a scalar`);
    if (v.dtype !== 'float32' && v.dtype !== 'float64') {
      throw new InvalidArgumentError(`${fmt}: ${name} is a ${v.dtype} 0-d array; expected a float32 or float64 one (or a number)`);
    }
    return unit === undefined ? v : inUnit(fmt, name, v, unit);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`${fmt}: ${name} is ${show(v, false)}; expected a finite number`);
  return scalar(v, unit, dtype);
}

function common(fmt: string, input: JitcCommon): { shape: [number, number]; prob: number; seed: number; orient: Orient; dtype: FloatDType } {
  if (typeof input !== 'object' || input === null) throw new InvalidArgumentError(`${fmt}: expected an options object, got ${show(input)}`);
  return {
    shape: checkMatrixShape(fmt, input.shape),
    prob: checkProb(fmt, input.prob),
    seed: checkSeed(fmt, input.seed),
    orient: checkOrient(fmt, input.orient),
    dtype: checkFloatDType(fmt, input.dtype),
  };
}

function make(fmt: string, dist: JitcDist, c: ReturnType<typeof common>, a: LazyArray, b: LazyArray): JITCMatrix {
  // Both parameters share one unit (b converted to a's), since weights are a + b·r.
  sameDimension(fmt, [a.unit, b.unit]);
  return new JITCMatrix(c.shape, dist, c.prob, c.seed, c.orient, a, b.unit.equals(a.unit) ? b : b.to(a.unit));
}

/** Every present entry has the same weight. */
export function jitcScalar(input: JitcScalarInput, unit?: Unit | string): JITCMatrix {
  const c = common('jitc.scalar', input);
  const a = param('jitc.scalar', 'weight', input.weight, unit, c.dtype);
  return new JITCMatrix(c.shape, 'scalar', c.prob, c.seed, c.orient, a, scalar(0, a.unit, a.dtype));
}

/** Weights uniform in [low, high). */
export function jitcUniform(input: JitcUniformInput, unit?: Unit | string): JITCMatrix {
  const c = common('jitc.uniform', input);
  const low = param('jitc.uniform', 'low', input.low, unit, c.dtype);
  const high = param('jitc.uniform', 'high', input.high, unit, c.dtype);
  if (typeof input.low === 'number' && typeof input.high === 'number' && input.low > input.high) {
    throw new InvalidArgumentError(`jitc.uniform: low (${input.low}) is greater than high (${input.high}); expected low <= high`);
  }
  sameDimension('jitc.uniform', [low.unit, high.unit]);
  // Plain numbers give the width as one constant, so every backend reads the same value.
  const width = typeof input.low === 'number' && typeof input.high === 'number'
    ? scalar(input.high - input.low, unit, c.dtype)
    : high.sub(low);
  return make('jitc.uniform', 'uniform', c, low, width);
}

/** Weights normal with `mean` and `std`. */
export function jitcNormal(input: JitcNormalInput, unit?: Unit | string): JITCMatrix {
  const c = common('jitc.normal', input);
  if (typeof input.std === 'number' && input.std < 0) {
    throw new InvalidArgumentError(`jitc.normal: std is ${input.std}; expected a non-negative number`);
  }
  return make('jitc.normal', 'normal', c, param('jitc.normal', 'mean', input.mean, unit, c.dtype), param('jitc.normal', 'std', input.std, unit, c.dtype));
}
