/**
 * A compiled runner's steps allocate nothing (cpu backend: buffers bound once, spike lists
 * in reused buffers): over many steps the JS heap does not grow, no ArrayBuffer appears and
 * no garbage collection runs. Positive controls show each probe sees allocation when there
 * is some. Measured between the first and last progress callbacks of a run, after a warm-up
 * run of the same length (the first run sizes the spike list buffers) and a full collection
 * (so garbage left by earlier tests in this process cannot trigger one during the window).
 * cpu only: it lives outside the shared suites, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ef from '../../src/index.js';
import { brette } from '../../src/models/index.js';
import { withBackend } from '../helpers/backends.js';

interface Window {
  readonly gcs: number;
  /** The median heap growth from one progress callback to the next. */
  readonly heapGrowth: number;
  readonly arrayBufferGrowth: number;
}

// A full collection on demand without starting node with --expose-gc: the flag applies to
// contexts created after it is set.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** GCs and allocation between the first and the last progress callback of `run`. */
async function measure(run: (onProgress: () => void) => Promise<unknown>, extra: () => void = () => {}): Promise<Window> {
  const gcTimes: number[] = [];
  const observer = new PerformanceObserver((list) => gcTimes.push(...list.getEntries().map((e) => e.startTime)));
  observer.observe({ entryTypes: ['gc'] });
  const marks: { t: number; heap: number; ab: number }[] = [];
  // A full collection, then a pause: ArrayBuffer backing stores are freed after the
  // collection, off the main thread, and that freeing must not fall into the window
  // (a full run once saw arrayBuffers drop by 352,647 bytes during the steps).
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 200));
  collectGarbage();
  await run(() => {
    extra();
    const m = process.memoryUsage();
    marks.push({ t: performance.now(), heap: m.heapUsed, ab: m.arrayBuffers });
  });
  const first = marks[0];
  const last = marks[marks.length - 1];
  await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive asynchronously
  observer.disconnect();
  assert.ok(first && last && last.t > first.t, 'the run reported progress more than once');
  return {
    gcs: gcTimes.filter((t) => t >= first!.t && t <= last!.t).length,
    heapGrowth: median(marks.slice(1).map((m, i) => m.heap - marks[i]!.heap)),
    arrayBufferGrowth: last!.ab - first!.ab,
  };
}

const STEPS = 40_000;

test('[cpu] 40,000 COBA steps with a spike record: no GC, no heap growth, no new ArrayBuffer', async () => {
  await withBackend('cpu', async () => {
    const net = brette({ model: 'coba', neurons: 200, seed: 3 });
    const runner = ef.compile(net.step);
    const go = (onProgress: () => void): Promise<ef.RunResult> => runner.run(net.init, { steps: STEPS, progressEvery: 4000, onProgress });
    await go(() => {}); // warm-up: compiles, sizes the spike list buffers
    const w = await measure(go);
    assert.is(w.gcs, 0, `garbage collections during the steps: ${w.gcs}`);
    assert.is(w.arrayBufferGrowth, 0, `ArrayBuffer bytes allocated during the steps: ${w.arrayBufferGrowth}`);
    // each progress callback itself (a promise, the memoryUsage object) allocates about 1 KB;
    // one byte per step would add 4,000
    assert.ok(w.heapGrowth < 3000, `median heap growth per 4,000 steps: ${w.heapGrowth} bytes`);
    const spikes = (await go(() => {})).records.spike as ef.BinaryArray;
    assert.ok(spikes.count() > 0, 'the network spikes');
  });
});

test('positive control: the same probes see a run whose progress callback allocates', async () => {
  await withBackend('cpu', async () => {
    const net = brette({ model: 'coba', neurons: 200, seed: 3 });
    const runner = ef.compile(net.step);
    const go = (onProgress: () => void): Promise<ef.RunResult> => runner.run(net.init, { steps: STEPS, progressEvery: 4000, onProgress });
    await go(() => {});
    let keep: unknown[] = [];
    const w = await measure(go, () => {
      keep = Array.from({ length: 200_000 }, (_, i) => ({ i }));
      keep.push(new Float64Array(1 << 16));
    });
    assert.ok(keep.length > 0);
    assert.ok(w.gcs > 0, 'garbage collections seen');
    assert.ok(w.arrayBufferGrowth !== 0 || w.heapGrowth >= 3000, 'allocation seen');
  });
});

test.run();
