/**
 * The step functions of the in-place suites (not a test file): compile/inplace.test.ts runs them
 * on every backend against the reference, cpu/inplace.test.ts checks which slots the cpu
 * backend updates in place.
 */
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';

export const N = 12;
export const STEPS = 7;
const ramp = (k: number, scale: number): number[] => Array.from({ length: N }, (_, i) => scale * Math.sin(1.3 * i + k));
/** A sparse N × N matrix with a few entries per row (some rows empty). */
const W = ef.csr({
  indptr: Array.from({ length: N + 1 }, (_, i) => Math.min(i, N - 2) * 2),
  indices: Array.from({ length: (N - 2) * 2 }, (_, p) => (p * 5 + 3) % N),
  data: Array.from({ length: (N - 2) * 2 }, (_, p) => 0.25 + (p % 3) * 0.1),
  shape: [N, N],
});
const J = ef.jitc.scalar({ shape: [N, N], prob: 0.3, weight: 0.2, seed: 11, orient: 'row' });
const Jc = ef.jitc.scalar({ shape: [N, N], prob: 0.3, weight: 0.2, seed: 12, orient: 'col' });
const WC = W.tocsc();

export const init = (): ArrayRecord => ({ a: ef.array(ramp(0, 1)), b: ef.array(ramp(1, 2)), c: ef.array(ramp(2, 0.5)) });

export interface Case {
  readonly name: string;
  readonly step: StepFn;
  /** The state slots the cpu backend updates in place. */
  readonly inPlace: readonly string[];
}

const spikes = (x: ef.LazyArray): ef.LazyArray => x.greater(0);

export const CASES: readonly Case[] = [
  {
    name: 'a decaying conductance plus an event product (the COBA shape)',
    step: (s) => ({ a: s.a!.mul(0.9).add(ef.matmul(spikes(s.b!), W)), b: s.b!.mul(-0.8).add(0.1), c: s.c!.sub(ef.matmul(spikes(s.a!), J)) }),
    inPlace: ['a', 'b', 'c'],
  },
  {
    // a is read by the product that completes c, after the loop that seeds a and c: not in place
    name: 'product first, seed second, and seed minus product',
    step: (s) => ({ a: ef.matmul(W, s.c!).add(s.a!.mul(0.5)), b: s.b!.sub(ef.matmul(s.c!, WC)), c: s.c!.mul(0.7).add(ef.matmul(s.a!, Jc)) }),
    inPlace: ['b'],
  },
  {
    // a's product reads old a after a's seed is written; b's reads only the spike list of old b
    name: 'a product that reads the old value of the state it updates',
    step: (s) => ({ a: s.a!.mul(0.5).add(ef.matmul(s.a!, W)), b: s.b!.add(ef.matmul(spikes(s.b!), J)), c: s.c! }),
    inPlace: ['b'],
  },
  {
    name: 'a swap, and a value that is also recorded before its update',
    step: (s) => ({ state: { a: s.b!, b: s.a!.add(1), c: s.c!.mul(2) }, record: { oldC: s.c!, sumA: s.a!.sum() } }),
    inPlace: [],
  },
  {
    name: 'reductions of the old state read by later loops',
    step: (s) => ({ a: s.a!.add(s.b!.max()), b: s.b!.sub(s.a!.mean()), c: s.c!.mul(0.5) }),
    inPlace: ['a', 'b', 'c'],
  },
];
