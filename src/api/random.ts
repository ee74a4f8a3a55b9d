/**
 * `ef.random`: random arrays drawn inside expressions and compiled steps. Each is a pure
 * function of (seed, counter, position) (docs/random.md), computed in the loops that read it:
 * pass the step index `t` of `ef.compile` as `counter` and every step draws fresh numbers
 * without retracing, the same on every backend and for any chunking of a run.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { build } from '../ir/build.js';
import type { RandomArg } from '../ir/args.js';
import { scalarNode } from '../ir/leaves.js';
import type { Node } from '../ir/node.js';
import { broadcastShapes, checkShape } from '../ir/shape.js';
import { optionsObject } from '../options.js';
import { Unit } from '../units/unit.js';
import { LazyArray } from './array.js';
import { checkSeed, counterNode, type RandomOptions } from './random-options.js';

export type { RandomOptions } from './random-options.js';
export { poissonEvents } from './poisson.js';

export interface ShapedRandomOptions extends RandomOptions {
  /** The result's shape, when wider than the parameter's (which must broadcast to it). */
  readonly shape?: readonly number[];
}

export interface UniformOptions extends RandomOptions {
  /** Lower bound (included), a number in `unit` or an array with a unit; default 0. */
  readonly low?: number | LazyArray;
  /** Upper bound (excluded), same dimension as `low`; default 1. */
  readonly high?: number | LazyArray;
  readonly dtype?: 'float32' | 'float64';
}

export interface NormalOptions extends RandomOptions {
  /** Mean, a number in `unit` or an array with a unit; default 0. */
  readonly mean?: number | LazyArray;
  /** Standard deviation, same dimension as `mean`; default 1. */
  readonly std?: number | LazyArray;
  readonly dtype?: 'float32' | 'float64';
}

function checkDType(op: string, dtype: unknown): 'float32' | 'float64' {
  if (dtype === undefined) return 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new InvalidArgumentError(`${op}: dtype is ${describeValue(dtype)}; expected 'float32' or 'float64'`);
  return dtype;
}

/**
 * A parameter: a LazyArray as given, or a number (checked by `valid`) as a scalar of `dtype`
 * in `unit`; `fallback` stands for an omitted optional parameter (none: required).
 */
function param(op: string, name: string, v: unknown, fallback: number | undefined, unit: Unit, dtype: 'float32' | 'float64', valid: (x: number) => boolean, expected: string): Node {
  if (v instanceof LazyArray) return v.node;
  const x = v === undefined ? fallback : v;
  if (typeof x !== 'number' || !valid(x)) throw new InvalidArgumentError(`${op}: ${name} is ${describeValue(v)}; expected ${expected}`);
  return scalarNode(dtype === 'float32' ? Math.fround(x) : x, unit, dtype);
}

/** The unit of omitted or plain-number parameters: `unit`, or else that of a parameter given as an array. */
function paramUnit(op: string, unit: Unit | string | undefined, given: readonly unknown[]): Unit {
  if (unit !== undefined) return Unit.of(unit, `${op}: unit`);
  return given.find((g): g is LazyArray => g instanceof LazyArray)?.unit ?? Unit.dimensionless;
}

const finite = (x: number): boolean => Number.isFinite(x);

function draw(dist: RandomArg['dist'], op: string, shape: readonly number[], o: Readonly<Record<string, unknown>>, params: Node[], dtype: 'float32' | 'float64'): LazyArray {
  const arg: RandomArg = { kind: 'random', dist, seed: checkSeed(op, o.seed), shape: [...shape], dtype };
  return new LazyArray(build('random', [counterNode(op, o.counter), ...params], arg));
}

/** Uniform numbers in [low, high): `low + (high − low)·u`, `u` with 24 random bits. */
export function uniform(shape: readonly number[], options: UniformOptions, unit?: Unit | string): LazyArray {
  const op = 'random.uniform';
  const o = optionsObject(op, options, ['seed', 'counter', 'low', 'high', 'dtype'], '{ seed, counter?, low?, high?, dtype? }');
  const s = checkShape(shape, `${op}: shape`);
  const dtype = checkDType(op, o.dtype);
  const u = paramUnit(op, unit, [o.low, o.high]);
  const low = param(op, 'low', o.low, 0, u, dtype, finite, 'a finite number or an array');
  const high = param(op, 'high', o.high, 1, u, dtype, finite, 'a finite number or an array');
  if (low.arg?.kind === 'scalar' && high.arg?.kind === 'scalar' && low.unit === high.unit && low.arg.value > high.arg.value) {
    throw new InvalidArgumentError(`${op}: low ${low.arg.value} is above high ${high.arg.value}; expected low <= high`);
  }
  return draw('uniform', op, s, o, [low, high], dtype);
}

/** Normal numbers `mean + std·z`, `z` standard normal (Box–Muller). */
export function normal(shape: readonly number[], options: NormalOptions, unit?: Unit | string): LazyArray {
  const op = 'random.normal';
  const o = optionsObject(op, options, ['seed', 'counter', 'mean', 'std', 'dtype'], '{ seed, counter?, mean?, std?, dtype? }');
  const s = checkShape(shape, `${op}: shape`);
  const dtype = checkDType(op, o.dtype);
  const u = paramUnit(op, unit, [o.mean, o.std]);
  const mean = param(op, 'mean', o.mean, 0, u, dtype, finite, 'a finite number or an array');
  const std = param(op, 'std', o.std, 1, u, dtype, (x) => finite(x) && x >= 0, 'a finite non-negative number or an array');
  return draw('normal', op, s, o, [mean, std], dtype);
}

function shapeOf(op: string, o: Readonly<Record<string, unknown>>, p: Node): readonly number[] {
  return o.shape === undefined ? p.shape : checkShape(o.shape, `${op}: shape`);
}

/**
 * Bool draws, true with probability `p` (a number in [0, 1], or a dimensionless array such as
 * `rate.mul(dt)`): `d < p·2^24` on a 24-bit draw `d`, an integer compare, exact on every backend.
 */
export function bernoulli(p: number | LazyArray, options: ShapedRandomOptions): LazyArray {
  const op = 'random.bernoulli';
  const o = optionsObject(op, options, ['seed', 'counter', 'shape'], '{ seed, counter?, shape? }');
  const node = param(op, 'p', p, undefined, Unit.dimensionless, 'float32', (x) => x >= 0 && x <= 1, 'a probability in [0, 1] or a dimensionless array');
  return draw('bernoulli', op, shapeOf(op, o, node), o, [node], 'float32');
}

/**
 * Poisson counts (int32) with mean `lam` (a non-negative number or a dimensionless array): exact
 * inversion for λ ≤ 30, the normal approximation above (docs/random.md).
 */
export function poisson(lam: number | LazyArray, options: ShapedRandomOptions): LazyArray {
  const op = 'random.poisson';
  const o = optionsObject(op, options, ['seed', 'counter', 'shape'], '{ seed, counter?, shape? }');
  const node = param(op, 'lam', lam, undefined, Unit.dimensionless, 'float64', (x) => finite(x) && x >= 0, 'a finite non-negative number or a dimensionless array');
  return draw('poisson', op, shapeOf(op, o, node), o, [node], 'float32');
}

/**
 * Binomial counts (int32): successes of `n` trials (a non-negative integer or an int32/float
 * array of whole numbers) with probability `p` each: exact inversion where n·min(p, 1 − p) ≤ 30,
 * the normal approximation above (docs/random.md).
 */
export function binomial(n: number | LazyArray, p: number | LazyArray, options: ShapedRandomOptions): LazyArray {
  const op = 'random.binomial';
  const o = optionsObject(op, options, ['seed', 'counter', 'shape'], '{ seed, counter?, shape? }');
  const count = param(op, 'n', n, undefined, Unit.dimensionless, 'float64', (x) => Number.isInteger(x) && x >= 0 && x <= 2 ** 31 - 1, 'a non-negative integer up to 2^31 − 1 or an array');
  const prob = param(op, 'p', p, undefined, Unit.dimensionless, 'float32', (x) => x >= 0 && x <= 1, 'a probability in [0, 1] or a dimensionless array');
  const shape = o.shape === undefined ? broadcastShapes(op, [count.shape, prob.shape]) : checkShape(o.shape, `${op}: shape`);
  return draw('binomial', op, shape, o, [count, prob], 'float32');
}

export interface PoissonInputOptions extends RandomOptions {
  /** Independent sources onto each target: a non-negative integer. */
  readonly sources: number;
  /** Each source's rate: a 0-d or per-target array with a frequency unit (it may be computed inside a step). */
  readonly rate: LazyArray;
  /** The step length: a 0-d array with a time unit. */
  readonly dt: LazyArray;
  /** What one spike adds: a 0-d or per-target array with its unit (e.g. nS), or a number. */
  readonly weight: LazyArray | number;
}

/**
 * The summed input of `sources` independent Poisson sources onto each of `targets` targets in
 * one step (Brian2's PoissonInput): weight × Binomial(sources, rate·dt) per target, one draw
 * per target however many sources there are.
 */
export function poissonInput(targets: number, options: PoissonInputOptions): LazyArray {
  const op = 'random.poissonInput';
  const o = optionsObject(op, options, ['seed', 'counter', 'sources', 'rate', 'dt', 'weight'], '{ sources, rate, dt, weight, seed, counter? }');
  if (!Number.isInteger(targets) || targets < 0) throw new InvalidArgumentError(`${op}: targets is ${describeValue(targets)}; expected a non-negative integer`);
  const sources = o.sources;
  if (typeof sources !== 'number' || !Number.isInteger(sources) || sources < 0 || sources > 2 ** 31 - 1) {
    throw new InvalidArgumentError(`${op}: sources is ${describeValue(sources)}; expected a non-negative integer up to 2^31 − 1`);
  }
  for (const key of ['rate', 'dt'] as const) {
    if (!(o[key] instanceof LazyArray)) throw new InvalidArgumentError(`${op}: ${key} must be a LazyArray with a unit (e.g. ${key === 'rate' ? "ef.scalar(5, 'Hz')" : "ef.scalar(0.1, 'ms')"}), got ${describeValue(o[key])}`);
  }
  const p = (o.rate as LazyArray).mul(o.dt as LazyArray);
  if (!p.unit.isDimensionless) throw new InvalidArgumentError(`${op}: rate · dt is in ${p.unit.toString()}, not a probability; expected rate in a frequency unit (Hz) and dt in a time unit`);
  const counts = binomial(sources, p, { seed: o.seed as number, ...(o.counter === undefined ? {} : { counter: o.counter as number | LazyArray }), shape: [targets] });
  const w = o.weight;
  if (!(w instanceof LazyArray) && (typeof w !== 'number' || !Number.isFinite(w))) throw new InvalidArgumentError(`${op}: weight is ${describeValue(w)}; expected a LazyArray with a unit or a finite number`);
  return counts.mul(w);
}
