/**
 * Recorded spikes: a bool vector recorded by a step comes back as a BinaryArray [steps, n]
 * whose index lists, counts and dense values are the reference's, on every backend (the cpu
 * backend records them as lists, O(events) per step). Records stay the caller's: a later
 * run of the same runner (which reuses its buffers) does not change them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';
import { stepByHand } from './models.js';

const N = 37;
/**
 * A ring of phase oscillators: each fires when its phase wraps, at its own rate. Phases and
 * rates are multiples of 1/64, so every sum is exact in float32 and float64 alike and every
 * backend sees the same crossings.
 */
const step: StepFn = (s) => {
  const phase = s.phase!.add(s.rate!);
  const spike = phase.greaterEqual(1);
  return { state: { phase: ef.where(spike, phase.sub(1), phase), rate: s.rate! }, record: { spike, count: spike.sum() } };
};
const init = (offset: number): ArrayRecord => ({
  phase: ef.array(Array.from({ length: N }, (_, i) => ((i * 23 + offset * 64) % 64) / 64)),
  rate: ef.array(Array.from({ length: N }, (_, i) => (3 + (i % 7) * 5) / 64)),
});

/** The reference's spikes as one list per step. */
function referenceLists(steps: number, offset: number): number[][] {
  const dense = stepByHand(step, init(offset), steps).records.spike!;
  return Array.from({ length: steps }, (_, t) => dense.slice(t * N, (t + 1) * N).flatMap((x, i) => (x ? [i] : [])));
}

forEachBackend(test, 'recorded spikes: lists, counts and values equal the reference', async () => {
  const runner = ef.compile(step);
  const steps = 53;
  const out = await runner.run(init(0), { steps });
  const spike = out.records.spike!;
  assert.ok(spike instanceof ef.BinaryArray, 'a BinaryArray');
  assert.equal(spike.shape, [steps, N]);
  const want = referenceLists(steps, 0);
  const list = (spike as ef.BinaryArray).eventList();
  assert.is(list.offsets.length, steps + 1);
  assert.equal(Array.from(list.offsets), [0, ...want.map((_, t) => want.slice(0, t + 1).flat().length)]);
  assert.equal(Array.from(list.indices), want.flat());
  assert.equal((spike as ef.BinaryArray).rowIndices().map((r) => Array.from(r)), want);
  assert.is((spike as ef.BinaryArray).count(), want.flat().length);
  // the dense values, and ops on the record, read the same spikes
  const dense = spike.dataSync();
  assert.equal(Array.from(dense), want.flatMap((l) => Array.from({ length: N }, (_, i) => (l.includes(i) ? 1 : 0))));
  assert.equal(Array.from(spike.sum(1).dataSync()), want.map((l) => l.length));
  assert.equal(Array.from(out.records.count!.dataSync()), want.map((l) => l.length));
});

forEachBackend(test, 'a later run does not change earlier records; zero steps give an empty record', async () => {
  const runner = ef.compile(step);
  const first = await runner.run(init(0), { steps: 20 });
  const before = (first.records.spike as ef.BinaryArray).eventList();
  await runner.run(init(0.5), { steps: 40 });
  const after = (first.records.spike as ef.BinaryArray).eventList();
  assert.equal(Array.from(after.offsets), Array.from(before.offsets));
  assert.equal(Array.from(after.indices), Array.from(before.indices));
  assert.equal(Array.from(after.indices), referenceLists(20, 0).flat());
  const none = await runner.run(init(0), { steps: 0 });
  assert.equal(none.records.spike!.shape, [0, N]);
  assert.is((none.records.spike as ef.BinaryArray).count(), 0);
});

forEachBackend(test, 'one runner used on this backend and another in turn is traced for each and gives the same spikes', async (backend) => {
  const other = backend === 'reference' ? 'cpu' : 'reference';
  const runner = ef.compile(step);
  const want = referenceLists(30, 0).flat();
  for (const b of [backend, other, backend, other]) {
    const out = await withBackend(b, () => runner.run(init(0), { steps: 30 }));
    assert.match(runner.explain(), new RegExp(`backend '${b}'`));
    assert.equal(Array.from((out.records.spike as ef.BinaryArray).eventList().indices), want, b);
  }
});

forEachBackend(test, 'eventList() of spikes given as values scans them', () => {
  const b = ef.binary([[0, 1, 1], [0, 0, 0], [1, 0, 1]]);
  const l = b.eventList();
  assert.equal(Array.from(l.offsets), [0, 2, 2, 4]);
  assert.equal(Array.from(l.indices), [1, 2, 0, 2]);
  const v = ef.binary([0, 1, 0, 1]).eventList();
  assert.equal(Array.from(v.offsets), [0, 2]);
  assert.equal(Array.from(v.indices), [1, 3]);
});

test.run();
