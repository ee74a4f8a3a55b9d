/**
 * Chained plasticity updates in compiled runners on the cpu backend (src/backends/cpu/index.ts,
 * `updateChainOwners`): docs/plasticity.md promises that a chain `onPost(onPre(W))` whose result
 * is the next W keeps one buffer, and that the kernels then write only the entries of active
 * lines (no O(nnz) copy per step). Only an intermediate update that nothing else needs may
 * share the final update's buffer: an intermediate that is itself an output, an update read by
 * something else than the next update, or a weight that is not an update keeps its own values.
 * Each runner is compared with the same step on the reference backend.
 * cpu only: outside the shared suites.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import { tolerance, withBackend } from '../helpers/backends.js';

const R = 10;
const C = 9;
const indptr = [0];
const indices: number[] = [];
const data: number[] = [];
for (let i = 0; i < R; i++) {
  for (let j = 0; j < C; j++) {
    if ((i * 7 + j * 3) % 5 < 2) {
      indices.push(j);
      data.push(0.3 + 0.01 * indices.length);
    }
  }
  indptr.push(indices.length);
}
/** How many weights are stored: a length no other array of these steps has. */
const NNZ = indices.length;
const W = ef.csr({ indptr, indices, data, shape: [R, C] }, 'nS');
const postTrace = ef.array(Array.from({ length: C }, (_, j) => 0.01 * (j - 4)), 'nS');
const preTrace = ef.array(Array.from({ length: R }, (_, i) => 0.02 * ((i % 3) + 1)), 'nS');

const init = (): ArrayRecord => ({
  w: W.data,
  x: ef.array(Array.from({ length: R }, (_, i) => Math.sin(i + 0.5))),
  y: ef.array(Array.from({ length: C }, (_, j) => Math.cos(j + 0.5))),
  g: ef.zeros([C], 'nS'),
});
const pre = (s: ArrayRecord): ef.LazyArray => ef.binary(s.x!.greater(0));
const post = (s: ArrayRecord): ef.LazyArray => ef.binary(s.y!.greater(0));
const first = (s: ArrayRecord): ef.PlasticMatrix => ef.plasticity.onPre(W.withData(s.w!), pre(s), postTrace, { wMin: 0, wMax: 0.9 });
const chain = (s: ArrayRecord): ef.PlasticMatrix => ef.plasticity.onPost(first(s), post(s), preTrace, { wMax: 0.9 });
/** The spikes change from step to step: x and y flip sign and drift. */
const others = (s: ArrayRecord) => ({ x: s.x!.mul(-1).add(0.05), y: s.y!.mul(-1).sub(0.05), g: s.g! });

/** Run `step` for `steps` steps on cpu and on the reference backend; every state and record must agree. */
async function agrees(step: StepFn, steps: number): Promise<void> {
  const run = (b: string) => withBackend(b, () => ef.compile(step).run(init(), { steps }));
  const got = await run('cpu');
  const want = await run('reference');
  const tol = tolerance('cpu', 'float32');
  for (const [kind, a, b] of [['state', got.state, want.state], ['record', got.records, want.records]] as const) {
    assert.equal(Object.keys(a).sort(), Object.keys(b).sort());
    for (const k of Object.keys(b)) {
      const x = a[k]!.dataSync();
      const y = b[k]!.dataSync();
      assert.is(x.length, y.length);
      for (let i = 0; i < y.length; i++) {
        assert.ok(Math.abs(x[i]! - y[i]!) <= tol * Math.max(1, Math.abs(y[i]!)), `${kind} ${k}[${i}]: cpu ${x[i]}, reference ${y[i]}`);
      }
    }
  }
}

/** Calls of TypedArray.prototype.set with a source of `NNZ` values while `f` runs: whole copies of the weights. */
async function weightCopies(f: () => Promise<unknown>): Promise<number> {
  const proto = Object.getPrototypeOf(Float32Array.prototype) as { set: (this: unknown, src: ArrayLike<number>, offset?: number) => void };
  const original = proto.set;
  let n = 0;
  proto.set = function (this: unknown, src: ArrayLike<number>, offset?: number) {
    if (src.length === NNZ) n++;
    return original.call(this, src, offset);
  };
  try {
    await f();
  } finally {
    proto.set = original;
  }
  return n;
}

/** Whole copies of the weights per step: the difference between a run of 12 steps and one of 2. */
async function copiesPerStep(step: StepFn): Promise<number> {
  return withBackend('cpu', async () => {
    const runner = ef.compile(step);
    await runner.run(init(), { steps: 1 }); // warm: initial state realized, workspace made
    const short = await weightCopies(() => runner.run(init(), { steps: 2 }));
    const long = await weightCopies(() => runner.run(init(), { steps: 12 }));
    return (long - short) / 10;
  });
}

const chained: StepFn = (s) => ({ w: chain(s).data, ...others(s) });

test('[cpu] a chain onPost(onPre(W)) as the next W: one buffer, no copy of the weights in any step', async () => {
  const text = withBackend('cpu', () => ef.compile(chained).prepare(init()).explain());
  assert.match(text, /state updated in place \(one buffer, no copy\): [^\n]*\bw\b/);
  assert.is(await copiesPerStep(chained), 0, 'the weights are updated where they are');
  await agrees(chained, 9);
});

test('[cpu] positive control: with the old weights recorded, the same chain copies the weights every step', async () => {
  const recorded: StepFn = (s) => ({ state: { w: chain(s).data, ...others(s) }, record: { old: s.w! } });
  const text = withBackend('cpu', () => ef.compile(recorded).prepare(init()).explain());
  assert.not.match(text, /state updated in place \(one buffer, no copy\): [^\n]*\bw\b/);
  assert.ok((await copiesPerStep(recorded)) >= 1, 'the counter sees a copy');
  await agrees(recorded, 5);
});

test('[cpu] a chain of three updates: one buffer for all of them, no copy per step', async () => {
  const three: StepFn = (s) => ({ w: ef.plasticity.onPre(chain(s), pre(s), postTrace.mul(-0.5), { wMin: 0 }).data, ...others(s) });
  assert.is(await copiesPerStep(three), 0);
  await agrees(three, 9);
});

test('[cpu] the intermediate update of a chain that is also recorded keeps its own values', async () => {
  const step: StepFn = (s) => ({ state: { w: chain(s).data, ...others(s) }, record: { mid: first(s).data } });
  await agrees(step, 6);
});

test('[cpu] an update read only by a product (not by another update) keeps its own buffer', async () => {
  // g is the synaptic input through the updated weights; the weights themselves stay as they are
  const through: StepFn = (s) => ({ w: s.w!, ...others(s), g: ef.matmul(pre(s), first(s)) });
  await agrees(through, 6);
});

test('[cpu] an update of a constant matrix as the next state reads the constant weights every step', async () => {
  const step: StepFn = (s) => ({ w: ef.plasticity.onPre(W, pre(s), postTrace).data, ...others(s) });
  await agrees(step, 5);
});

test.run();
