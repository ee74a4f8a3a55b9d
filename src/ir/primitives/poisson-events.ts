/**
 * poissonEvents(counter, T, G[, A]): which of n Poisson sources spike at step `counter`, a
 * bool [n]. Sources are walked in blocks of `block`; block b's gaps are draws
 * b·(block + 1), b·(block + 1) + 1, ... of the stream (seed, PURPOSE.poissonEvents, counter),
 * inverted against the gap table (T, G) of probability `prob` (src/rng/gaps.ts). With
 * per-source probabilities (`thinned`), a candidate i is kept when draw i of the stream
 * (seed, PURPOSE.poissonAccept, counter) is below A[i] = round(2^24 · p_i / prob). A step costs
 * O(n·prob) draws, not O(n); blocks let a device thread find its own source by walking one
 * block only.
 */
import { InvalidArgumentError } from '../../errors.js';
import { distributions } from '../../rng/distributions.js';
import { gapTable, walkLine } from '../../rng/gaps.js';
import { PURPOSE, draw } from '../../rng/hash.js';
import { Unit } from '../../units/unit.js';
import type { PoissonEventsArg } from '../args.js';
import type { Node } from '../node.js';
import { definePrimitive } from '../primitive.js';
import { ref } from '../structured.js';

/** Sources per block: a device thread walks at most this many positions to find its own. */
export const POISSON_BLOCK = 4096;

/** Calls `visit(i)` for each source active at step `counter`, in increasing order (the definition). */
export function forEachPoissonEvent(arg: PoissonEventsArg, counter: number, accept: ArrayLike<number> | undefined, visit: (i: number) => void): void {
  const table = gapTable(arg.prob, arg.block);
  const key = distributions.key(arg.seed, PURPOSE.poissonEvents, counter);
  const akey = distributions.key(arg.seed, PURPOSE.poissonAccept, counter);
  for (let base = 0, b = 0; base < arg.n; base += arg.block, b++) {
    let c = b * (arg.block + 1);
    walkLine(table, Math.min(arg.block, arg.n - base), () => draw(key, c++), (pos) => {
      const i = base + pos;
      if (!accept || draw(akey, i) < accept[i]!) visit(i);
    });
  }
}

export const poissonEventsPrimitive = definePrimitive({
  op: 'poissonEvents',
  infer: (src, arg) => {
    const counter = src[0]!;
    if (counter.shape.length !== 0 || counter.dtype !== 'int32') {
      throw new InvalidArgumentError(`random.poissonEvents: counter must be a 0-d int32 array (such as the step index t), got ${counter.dtype} [${counter.shape.join(', ')}]`);
    }
    return { shape: [arg.n], dtype: 'bool' };
  },
  units: (src) => ({ unit: Unit.dimensionless, factors: src.map(() => 1), operands: src.map((s) => s.unit) }),
  reference: (node, inputs) => {
    const out = new Float64Array(node.arg.n);
    forEachPoissonEvent(node.arg, inputs[0]![0]!, node.arg.thinned ? inputs[3] : undefined, (i) => { out[i] = 1; });
    return out;
  },
  /** Events are not differentiable (surrogate spikes give them a derivative): no operand gets a cotangent. */
  vjp: (node) => node.src.map(() => null),
  traits: {
    stage: 'barrier',
    listsEvents: true,
    publicName: 'random.poissonEvents',
    describe: (n: Node<'poissonEvents'>) =>
      `poisson events ${ref(n)} of ${n.arg.n} sources (p ${n.arg.thinned ? 'up to ' : ''}${+n.arg.prob.toPrecision(6)}${n.arg.thinned ? ', thinned' : ''}, skip sampling in blocks of ${n.arg.block})`,
  },
});
