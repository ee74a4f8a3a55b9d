/**
 * The graph's in-place rule for weight updates (src/ir/inplace.ts), seen through compiled
 * runners: a state slot whose next value is an event-driven update of its own current value
 * shares one buffer (explain lists it), whichever slot it is, unless something computed
 * from the update also reads the old weights, or the old weights are themselves an output.
 * The values always equal stepping by hand on the reference backend (test/compile/models.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import { tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';
import { stepByHand } from './models.js';

const th = ef.scalar(0, 'mV');
const W = ef.csr({ indptr: [0, 2, 3], indices: [0, 1, 1], data: [1, 2, 3], shape: [2, 2] }, 'nS');
const V = ef.array([1, 1, -1, 1, 1, -1], 'mV', { shape: [3, 2] }); // per-step presynaptic voltages
const STEPS = 3;

/** The state slots explain lists as updated in place. */
function inPlace(runner: ef.Runner): string[] {
  const m = /state updated in place \(one buffer, no copy\): ([^\n]*)/.exec(runner.explain());
  return m ? m[1]!.split(', ') : [];
}

async function check(backend: string, step: StepFn, init: () => ArrayRecord): Promise<ef.Runner> {
  const want = stepByHand(step, init(), STEPS, { v: V });
  const runner = ef.compile(step);
  const got = await runner.run(init(), { steps: STEPS, inputs: { v: V } });
  const tol = tolerance(backend, 'float32') * 10;
  for (const k of Object.keys(want.state)) assertAllClose(got.state[k]!.dataSync(), want.state[k]!, tol, `state ${k}`, tol);
  for (const k of Object.keys(want.records)) assertAllClose(got.records[k]!.dataSync(), want.records[k]!, tol, `record ${k}`, tol);
  return runner;
}

const weights = () => ({ w: ef.array([1, 2, 3], 'nS'), x: ef.array([0.5, -0.25], 'nS') });

forEachBackend(test, 'the weights are updated in place when they are the first state slot (w before x)', async (backend) => {
  const step: StepFn = (s, i) => ({ w: ef.plasticity.onPre(W.withData(s.w!), i.v!.greater(th), s.x!).data, x: s.x! });
  const runner = await check(backend, step, weights);
  assert.ok(inPlace(runner).includes('w'), `w is slot 0 and should be updated in place:\n${runner.explain().split('\n').slice(0, 3).join('\n')}`);
});

forEachBackend(test, 'a chain onPost(onPre(w)) as the first slot is updated in place too', async (backend) => {
  const step: StepFn = (s, i) => {
    const spikes = i.v!.greater(th);
    const M1 = ef.plasticity.onPre(W.withData(s.w!), spikes, s.x!);
    return { w: ef.plasticity.onPost(M1, spikes, s.x!).data, x: s.x! };
  };
  const runner = await check(backend, step, weights);
  assert.ok(inPlace(runner).includes('w'), 'the chain shares one buffer');
});

forEachBackend(test, 'the weights keep two buffers when a value computed from the update also reads the old weights', async (backend) => {
  // d = new - old: computed from the update, and reads the old weights
  const step: StepFn = (s, i) => {
    const w1 = ef.plasticity.onPre(W.withData(s.w!), i.v!.greater(th), s.x!).data;
    return { w: w1, x: s.x!, d: w1.sub(s.w!) };
  };
  const runner = await check(backend, step, () => ({ ...weights(), d: ef.zeros([3], 'nS') }));
  assert.not.ok(inPlace(runner).includes('w'), `the old weights are read after the update:\n${runner.explain().split('\n').slice(0, 3).join('\n')}`);
  // positive control: without d the same update is in place
  const plain: StepFn = (s, i) => ({ w: ef.plasticity.onPre(W.withData(s.w!), i.v!.greater(th), s.x!).data, x: s.x!, d: s.d! });
  assert.ok(inPlace(await check(backend, plain, () => ({ ...weights(), d: ef.zeros([3], 'nS') }))).includes('w'), 'control: in place without d');
});

forEachBackend(test, 'the weights keep two buffers when the old weights are also an output, or the update is two slots', async (backend) => {
  // the old weights are recorded as state u, the new ones are w
  const keepOld: StepFn = (s, i) => ({ u: s.w!, w: ef.plasticity.onPre(W.withData(s.w!), i.v!.greater(th), s.x!).data, x: s.x! });
  const r1 = await check(backend, keepOld, () => ({ ...weights(), u: ef.zeros([3], 'nS') }));
  assert.not.ok(inPlace(r1).includes('w'), 'the old weights are an output');
  // the same update is the next value of two slots (a and w): one buffer cannot be both
  const twice: StepFn = (s, i) => {
    const w1 = ef.plasticity.onPre(W.withData(s.w!), i.v!.greater(th), s.x!).data;
    return { a: w1, w: w1, x: s.x! };
  };
  const r2 = await check(backend, twice, () => ({ ...weights(), a: ef.array([1, 2, 3], 'nS') }));
  assert.not.ok(inPlace(r2).includes('w'), 'the update is also slot a');
});

test.run();
