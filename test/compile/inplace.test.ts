/**
 * State updated in place and products accumulated into their output (src/fusion/inplace.ts,
 * src/fusion/plan.ts): runners give the reference's trajectory whether or not a slot shares
 * one buffer, including the cases where sharing would be wrong (a swap, a product reading
 * the old value after the new one is written, the old value also recorded), and on the cpu
 * backend exactly the safe slots share one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import { availableBackends, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { stepByHand } from './models.js';

const N = 12;
const STEPS = 7;
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

const init = (): ArrayRecord => ({ a: ef.array(ramp(0, 1)), b: ef.array(ramp(1, 2)), c: ef.array(ramp(2, 0.5)) });

interface Case {
  readonly name: string;
  readonly step: StepFn;
  /** The state slots the cpu backend updates in place. */
  readonly inPlace: readonly string[];
}

const spikes = (x: ef.LazyArray): ef.LazyArray => x.greater(0);

const CASES: readonly Case[] = [
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

for (const c of CASES) {
  for (const backend of availableBackends()) {
    test(`[${backend}] ${c.name}: the reference's trajectory`, async () => {
      const want = stepByHand(c.step, init(), STEPS);
      const runner = ef.compile(c.step);
      const got = await withBackend(backend, () => runner.run(init(), { steps: STEPS }));
      // twice: the second run reuses the runner's buffers and must start from the given state again
      const again = await withBackend(backend, () => runner.run(init(), { steps: STEPS }));
      const tol = tolerance(backend, 'float32') * 20;
      for (const k of Object.keys(want.state)) {
        assertAllClose(got.state[k]!.dataSync(), want.state[k]!, tol, `state ${k}`, tol);
        assertAllClose(again.state[k]!.dataSync(), want.state[k]!, tol, `state ${k} (second run)`, tol);
      }
      for (const k of Object.keys(want.records)) assertAllClose(got.records[k]!.dataSync(), want.records[k]!, tol, `record ${k}`, tol);
    });
  }
  test(`[cpu] ${c.name}: in place exactly ${c.inPlace.join(', ') || 'nothing'}`, () => {
    withBackend('cpu', () => {
      const text = ef.compile(c.step).prepare(init()).explain();
      const listed = /state updated in place \(one buffer, no copy\): ([^\n]*)/.exec(text)?.[1]?.split(', ') ?? [];
      assert.equal(listed, [...c.inPlace]);
    });
  });
}

test('[cpu] an accumulated product runs after its seed loop, in the same kernel, with no workspace', () => {
  withBackend('cpu', () => {
    const plan = ef.compile(CASES[0]!.step).prepare(init()).plan()!;
    const stages = plan.kernels.flatMap((k) => k.stages);
    const into = stages.filter((st) => st.kind === 'product' && st.into);
    assert.is(into.length, 2, 'both products accumulate');
    for (const p of into) {
      if (p.kind !== 'product') continue;
      const seedAt = stages.findIndex((st) => st.kind === 'loop' && st.seeds.some((x) => x.into === p.into!.node));
      assert.ok(seedAt >= 0 && seedAt < stages.indexOf(p), 'the seed is written first');
    }
  });
});

test.run();
