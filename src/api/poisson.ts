/**
 * Event-driven Poisson sources: `ef.random.poissonEvents(rates, dt, { seed, counter })` is the
 * BinaryArray of the sources that spike in one step of length dt, each independently with
 * probability rate·dt. The active sources are drawn by geometric skips
 * (src/ir/primitives/poisson-events.ts), so a step costs O(spikes), and event products read
 * the drawn list directly: no array of n flags is written or scanned.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { wrapNode, type BinaryArray } from '../formats/events/binary.js';
import { gapTableNodes } from '../formats/jitc/matrix.js';
import { build } from '../ir/build.js';
import type { PoissonEventsArg } from '../ir/args.js';
import { indexNode } from '../ir/leaves.js';
import { topoSort } from '../ir/node.js';
import { isProgramInput } from '../ir/traits.js';
import { POISSON_BLOCK } from '../ir/primitives/poisson-events.js';
import { gapTable } from '../rng/gaps.js';
import { WORD } from '../rng/word.js';
import { optionsObject } from '../options.js';
import { LazyArray } from './array.js';
import { checkSeed, counterNode } from './random-options.js';
import { describeValue } from '../describe.js';

/**
 * Poisson events for one step: source i spikes with probability rates[i]·dt. `rates` (a
 * frequency, e.g. Hz) and `dt` (a time) must be known when the step is built (constants, not
 * a compiled step's inputs or state: for rates computed inside a step use
 * `ef.random.bernoulli(rate.mul(dt), ...)`, which costs one draw per source). A 0-d `rates`
 * needs `shape: [n]`.
 */
export function poissonEvents(rates: LazyArray, dt: LazyArray, options: { seed: number; counter?: number | LazyArray; shape?: readonly number[] }): BinaryArray {
  const op = 'random.poissonEvents';
  const o = optionsObject(op, options, ['seed', 'counter', 'shape'], '{ seed, counter?, shape? }');
  if (!(rates instanceof LazyArray)) throw new InvalidArgumentError(`${op}: rates must be a LazyArray with a frequency unit (e.g. ef.full([n], 5, 'Hz')), got ${describeValue(rates)}`);
  if (!(dt instanceof LazyArray) || dt.ndim !== 0) throw new InvalidArgumentError(`${op}: dt must be a 0-d LazyArray with a time unit (e.g. ef.scalar(0.1, 'ms')), got ${describeValue(dt)}`);
  let n: number;
  if (o.shape !== undefined) {
    const s = o.shape;
    if (!Array.isArray(s) || s.length !== 1 || !Number.isInteger(s[0]) || s[0] < 0) throw new InvalidArgumentError(`${op}: shape is ${describeValue(s)}; expected [n], a non-negative integer n`);
    n = s[0] as number;
    if (rates.ndim !== 0 && !(rates.ndim === 1 && rates.shape[0] === n)) throw new ShapeMismatchError(`${op}: rates of shape [${rates.shape.join(', ')}] do not match shape [${n}]; expected a 0-d rate or one rate per source`);
  } else {
    if (rates.ndim !== 1) throw new ShapeMismatchError(`${op}: rates of shape [${rates.shape.join(', ')}]; expected one rate per source, [n] (or a 0-d rate with shape: [n])`);
    n = rates.shape[0]!;
  }
  const p = rates.mul(dt);
  if (!p.unit.isDimensionless) throw new InvalidArgumentError(`${op}: rates · dt is in ${p.unit.toString()}, not a probability; expected rates in a frequency unit (Hz) and dt in a time unit`);
  if (topoSort([p.node]).some(isProgramInput)) {
    throw new InvalidArgumentError(`${op}: rates and dt must be known when the step is built (constants), not inputs or state of a compiled step; for rates computed inside a step use ef.random.bernoulli(rate.mul(dt), { seed, counter }) (one draw per source)`);
  }
  const probs = Float64Array.from(p.dataSync());
  let prob = 0;
  probs.forEach((q, i) => {
    if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError(`${op}: rate · dt is ${q} at source ${i}; expected a probability in [0, 1] (rates up to 1/dt, no NaN)`);
    prob = Math.max(prob, q);
  });
  const thinned = probs.some((q) => q !== prob);
  const arg: PoissonEventsArg = { kind: 'poissonEvents', n, seed: checkSeed(op, o.seed), prob, block: POISSON_BLOCK, thinned };
  const src = [counterNode(op, o.counter), ...gapTableNodes(gapTable(prob, POISSON_BLOCK))];
  if (thinned) {
    const accept = new Int32Array(n);
    for (let i = 0; i < n; i++) accept[i] = Math.min(WORD, Math.round((WORD * probs[probs.length === 1 ? 0 : i]!) / prob));
    src.push(indexNode(accept));
  }
  return wrapNode(build('poissonEvents', src, arg));
}
