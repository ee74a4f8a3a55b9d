/**
 * simulate()'s options (src/models/simulate.ts, docs/models.md "A first run"): steps is a
 * non-negative integer (0 runs nothing, anything else is a typed InvalidArgumentError naming
 * it), sample defaults to 0 (no raster) and records neurons 0 .. sample − 1, chunk to 1,000
 * steps per runner call; bad samples and chunks are typed errors; progress comes four times a
 * chunk; wallMs is the run's own time. The option handling does not depend on the backend:
 * checked once, on cpu.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, simulate } from '../../src/models/index.js';
import { forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === 'cpu' ? undefined : 'option handling, backend-independent: checked once, on cpu') };

forEachBackend(test, 'steps: 0 runs nothing; −1, 1.5 and NaN are refused by simulate itself', async () => {
  const net = brette({ model: 'coba', neurons: 20, seed: 1 });
  const none = await simulate(net, { steps: 0, sample: 20 });
  assert.equal([none.steps, none.spikeCount, none.spikesPerStep.length, none.raster.steps.length], [0, 0, 0, 0]);
  assert.equal(Array.from(none.finalState.v!.dataSync()), Array.from(net.init.v!.dataSync()), 'the state is the initial one');
  for (const steps of [-1, 1.5, NaN]) {
    try {
      await simulate(net, { steps });
    } catch (e) {
      assert.instance(e, ef.InvalidArgumentError, `steps ${steps}`);
      assert.match((e as Error).message, /^simulate: steps is /, `steps ${steps}`);
      continue;
    }
    assert.unreachable(`steps ${steps} accepted`);
  }
}, ONCE);

forEachBackend(test, 'sample defaults to 0 (no raster); chunk defaults to 1000 steps per runner call', async () => {
  const net = brette({ model: 'coba', neurons: 200, seed: 13 }); // active for the whole run
  const progress = async (chunk?: number) => {
    const seen: number[] = [];
    const res = await simulate(net, { steps: 2500, ...(chunk === undefined ? {} : { chunk }), onProgress: (done) => seen.push(done) });
    return { seen, res };
  };
  const byDefault = await progress();
  assert.ok(byDefault.res.spikeCount > 0, 'the network spikes');
  assert.is(byDefault.res.raster.steps.length, 0, 'no raster without sample');
  assert.is(byDefault.res.raster.neurons.length, 0);
  const explicit = await progress(1000);
  assert.equal(byDefault.seen, explicit.seen, 'progress reported as for chunk: 1000');
  assert.not.equal(byDefault.seen, (await progress(1001)).seen, 'the chunk size shows in the progress reports');
  assert.equal(Array.from(byDefault.res.spikesPerStep), Array.from(explicit.res.spikesPerStep));
}, ONCE);

forEachBackend(test, 'sample and chunk: negative, fractional, NaN (and a chunk of 0) are refused, naming the option', async () => {
  const net = brette({ model: 'coba', neurons: 20, seed: 1 });
  const refused = async (options: { sample?: number; chunk?: number }, pattern: RegExp) => {
    try {
      await simulate(net, { steps: 5, ...options });
    } catch (e) {
      assert.instance(e, ef.InvalidArgumentError, JSON.stringify(options));
      assert.match((e as Error).message, pattern, JSON.stringify(options));
      return;
    }
    assert.unreachable(`${JSON.stringify(options)} accepted`);
  };
  for (const sample of [-1, 2.5, NaN]) await refused({ sample }, /^simulate: sample is .*; expected a non-negative integer/);
  for (const chunk of [0, -3, 1.5, NaN]) await refused({ chunk }, /^simulate: chunk is .*; expected a positive integer/);
  // the smallest valid values run: a chunk of 1 step, and a sample larger than the network (all of it)
  const one = await simulate(net, { steps: 3, chunk: 1, sample: 1000 });
  assert.is(one.spikesPerStep.length, 3);
}, ONCE);

forEachBackend(test, 'sample: 1 records exactly the spikes of neuron 0 (those of a full raster)', async () => {
  const net = brette({ model: 'coba', neurons: 200, seed: 13 }); // neuron 0 fires in the first 400 steps
  const all = await simulate(net, { steps: 400, sample: 200 });
  const one = await simulate(net, { steps: 400, sample: 1 });
  const want = [...all.raster.steps].filter((_, q) => all.raster.neurons[q] === 0);
  assert.ok(want.length > 0, 'neuron 0 fires');
  assert.equal([...one.raster.steps], want, 'the steps of neuron 0');
  assert.ok([...one.raster.neurons].every((n) => n === 0), 'only neuron 0');
}, ONCE);

forEachBackend(test, 'onProgress comes every ⌈k / 4⌉ steps of a chunk of k and at its end; wallMs is within the call', async () => {
  const net = brette({ model: 'coba', neurons: 20, seed: 1 });
  const reports = async (steps: number, chunk: number) => {
    const seen: number[] = [];
    const t0 = performance.now();
    const res = await simulate(net, { steps, chunk, onProgress: (done, total) => seen.push(done, total) });
    const elapsed = performance.now() - t0;
    assert.ok(res.wallMs >= 0 && res.wallMs <= elapsed, `wallMs ${res.wallMs} within the call's ${elapsed} ms`);
    return seen;
  };
  assert.equal(await reports(20, 20), [5, 20, 10, 20, 15, 20, 20, 20]);
  assert.equal(await reports(10, 8), [2, 10, 4, 10, 6, 10, 8, 10, 9, 10, 10, 10]);
  assert.equal(await reports(3, 100), [1, 3, 2, 3, 3, 3]);
}, ONCE);

test.run();
