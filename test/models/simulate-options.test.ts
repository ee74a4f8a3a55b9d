/**
 * simulate()'s options (src/models/simulate.ts, docs/models.md "A first run"): steps is a
 * non-negative integer (0 runs nothing, anything else is a typed InvalidArgumentError naming
 * it), sample defaults to 0 (no raster), chunk to 1,000 steps per runner call. The option
 * handling does not depend on the backend: checked once, on cpu.
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

test.run();
