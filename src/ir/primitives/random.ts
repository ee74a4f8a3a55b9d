/**
 * Random arrays: `random(counter, ...params)` is an array of `arg.shape` whose element i is a
 * pure function of (seed, counter, i) (src/rng/distributions.ts). It is inline: the loop that
 * reads it draws element i where it needs it, so the array never needs a buffer, and any
 * backend, fusion or chunking of a run gives the same numbers for the same (seed, counter).
 */
import { InvalidArgumentError, ShapeMismatchError } from '../../errors.js';
import { distributions } from '../../rng/distributions.js';
import { PURPOSE } from '../../rng/hash.js';
import * as rules from '../../units/rules.js';
import { Unit } from '../../units/unit.js';
import type { RandomArg } from '../args.js';
import type { DType } from '../dtype.js';
import type { Node } from '../node.js';
import { definePrimitive } from '../primitive.js';
import { broadcastStrides, showShape, sizeOf } from '../shape.js';
import {constant, like } from '../vjp-helpers.js';

/** The parameter names of each distribution, in operand order after the counter. */
export const RANDOM_PARAMS: { readonly [D in RandomArg['dist']]: readonly string[] } = {
  uniform: ['low', 'high'],
  normal: ['mean', 'std'],
  bernoulli: ['p'],
  poisson: ['lam'],
  binomial: ['n', 'p'],
};

const DTYPE: { readonly [D in RandomArg['dist']]: (arg: RandomArg) => DType } = {
  uniform: (a) => a.dtype,
  normal: (a) => a.dtype,
  bernoulli: () => 'bool',
  poisson: () => 'int32',
  binomial: () => 'int32',
};

/** Element i's value from the stream key and its parameters (the float64 meaning). */
export function randomValue(dist: RandomArg['dist'], key: number, i: number, a: number, b: number): number {
  switch (dist) {
    case 'uniform': return a + (b - a) * distributions.uniform(key, i);
    case 'normal': return a + b * distributions.normal(key, i);
    case 'bernoulli': return distributions.bernoulli(key, i, a) ? 1 : 0;
    case 'poisson': return distributions.poisson(key, i, a);
    case 'binomial': return distributions.binomial(key, i, a, b);
  }
}

/** The stream of one step: counter values are read as non-negative integers. */
export const randomKey = (seed: number, counter: number): number => distributions.key(seed, PURPOSE.random, counter);

export const randomPrimitive = definePrimitive({
  op: 'random',
  infer: (src, arg) => {
    const [counter, ...params] = src;
    if (counter!.shape.length !== 0 || counter!.dtype !== 'int32') {
      throw new InvalidArgumentError(`random.${arg.dist}: counter must be a 0-d int32 array (such as the step index t), got ${counter!.dtype} ${showShape(counter!.shape)}`);
    }
    params.forEach((p, k) => {
      // p broadcasts to the shape when, aligned from the right, each of its dims is 1 or equal
      const r = arg.shape.length - p.shape.length;
      if (r < 0 || p.shape.some((d, i) => d !== 1 && d !== arg.shape[r + i])) {
        throw new ShapeMismatchError(`random.${arg.dist}: ${RANDOM_PARAMS[arg.dist][k]} of shape ${showShape(p.shape)} does not broadcast to the array's shape ${showShape(arg.shape)}; expected a shape that broadcasts to it`);
      }
    });
    return { shape: arg.shape, dtype: DTYPE[arg.dist](arg) };
  },
  units: (src, arg) => {
    const u = src.map((s) => s.unit);
    const counter = rules.dimensionless(`random.${arg.dist}: counter`, u[0]!);
    if (arg.dist === 'uniform' || arg.dist === 'normal') {
      const r = rules.sameDimension(`random.${arg.dist}`, u, [1, 2]);
      return { unit: r.unit, factors: [counter.factors[0]!, ...r.factors.slice(1)], operands: [Unit.dimensionless, ...r.operands.slice(1)] };
    }
    // Every other parameter (p, lam, n) is a plain number: Hz·ms converts to one.
    const plain = u.slice(1).map((x, k) => rules.dimensionless(`random.${arg.dist}: ${RANDOM_PARAMS[arg.dist][k]}`, x).factors[0]!);
    return { unit: Unit.dimensionless, factors: [counter.factors[0]!, ...plain], operands: u.map(() => Unit.dimensionless) };
  },
  reference: (node, inputs) => {
    const { arg } = node;
    const key = randomKey(arg.seed, inputs[0]![0]!);
    const n = sizeOf(arg.shape);
    const params = node.src.slice(1);
    const strides = params.map((p) => broadcastStrides(p.shape, arg.shape));
    const out = new Float64Array(n);
    const idx = new Array<number>(arg.shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      const at = (k: number): number => inputs[k + 1]![strides[k]!.reduce((o, s, d) => o + s * idx[d]!, 0)]!;
      out[i] = randomValue(arg.dist, key, i, at(0), params.length > 1 ? at(1) : 0);
      for (let d = arg.shape.length - 1; d >= 0 && ++idx[d]! === arg.shape[d]!; d--) idx[d] = 0;
    }
    return out;
  },
  /**
   * Reparameterized: uniform (low + (high − low)·u): low ← g·(1 − u), high ← g·u; normal
   * (mean + std·z): mean ← g, std ← g·z; u and z are a random node of the same seed, counter
   * and shape with low 0, high 1 (mean 0, std 1): the very same draws. Each summed down to its
   * parameter's shape. Bernoulli, Poisson and binomial draws are discrete (no pathwise
   * derivative): none; the counter: none.
   */
  vjp: (node, g, t) => {
    const { arg } = node;
    const [counter, p1, p2] = node.src as [Node, Node, Node];
    if (arg.dist !== 'uniform' && arg.dist !== 'normal') return node.src.map(() => null);
    const unit = t.build('random', [counter, constant(0, arg.dtype), constant(1, arg.dtype)], arg);
    const gr = t.build('mul', [g, unit], null);
    const first = arg.dist === 'uniform' ? t.build('sub', [g, gr], null) : g;
    return [null, like(t, t.sumTo(first, p1.shape), p1), like(t, t.sumTo(gr, p2.shape), p2)];
  },
  traits: {
    stage: 'inline',
    // A draw is a dozen integer multiplies: a value read by several loops is stored once.
    expensive: true,
    indexed: true,
    publicName: 'random',
    describe: (n: Node<'random'>) => `random.${n.arg.dist} %${n.id} (seed ${n.arg.seed})`,
  },
});
