/**
 * The benchmark networks (src/models) on every backend: on small networks the compiled runner
 * gives the reference's spike trains for the same seed (float64 inside kernels, float32
 * state; the cpu backend adds each synapse's weight straight into the float32 conductance,
 * where the reference sums in float64, and over these runs the trains still agree spike for
 * spike; gpujs computes in float32 on the device and agrees too); the networks are active at
 * plausible rates; the published parameters read back; a refractory neuron stays put. The
 * structure, the memory estimate and bad options, which need no backend:
 * test/api/models.test.ts; the cpu backend's one-pass plan: test/cpu/brette-plan.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, simulate, PARAMS, type ConnKind, type ModelName } from '../../src/models/index.js';
import { onBackend } from '../compile/models.js';
import { capabilities } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

const N = 200;
const STEPS = 400;

/** Every spike of every neuron of a run on the current backend, as (step, neuron) pairs in order. */
async function spikeTrain(model: ModelName, conn: ConnKind): Promise<number[]> {
  const result = await simulate(brette({ model, conn, neurons: N, seed: 5 }), { steps: STEPS, sample: N, chunk: 150 });
  assert.is(result.spikeCount, result.raster.steps.length, 'the raster of all neurons holds every spike');
  return Array.from(result.raster.steps).flatMap((s, k) => [s, result.raster.neurons[k]!]);
}
/** The reference's trains, computed once per network. */
const referenceTrains = new Map<string, Promise<number[]>>();
const referenceTrain = (model: ModelName, conn: ConnKind): Promise<number[]> => {
  const key = `${model}/${conn}`;
  if (!referenceTrains.has(key)) referenceTrains.set(key, onBackend('reference', () => spikeTrain(model, conn)));
  return referenceTrains.get(key)!;
};
const NOT_THE_ORACLE = { skip: (b: string) => (b === 'reference' ? 'the reference is what the trains are compared with' : undefined) };

for (const model of ['coba', 'cuba'] as const satisfies readonly ModelName[]) {
  for (const conn of ['csr', 'jitc', 'fixed'] as const satisfies readonly ConnKind[]) {
    forEachBackend(test, `${model} / ${conn}: the reference's spike trains (N = ${N}, ${STEPS} steps)`, async () => {
      const want = await referenceTrain(model, conn);
      assert.ok(want.length / 2 > 0, 'the network spikes');
      assert.equal(await spikeTrain(model, conn), want);
    }, NOT_THE_ORACLE);
  }
}

forEachBackend(test, 'rates are plausible at N = 2000 (COBA 5–40 Hz, CUBA 1–20 Hz over 100 ms) and chunking does not change the result', async () => {
  for (const [model, lo, hi] of [['coba', 5, 40], ['cuba', 1, 20]] as const) {
    const net = brette({ model, neurons: 2000, seed: 3 });
    const a = await simulate(net, { steps: 1000, chunk: 1000 });
    const b = await simulate(net, { steps: 1000, chunk: 137 });
    const rate = a.spikeCount / 2000 / 0.1;
    assert.ok(rate >= lo && rate <= hi, `${model}: ${rate.toFixed(2)} Hz`);
    assert.equal(Array.from(b.spikesPerStep), Array.from(a.spikesPerStep), `${model}: chunks of 137 steps`);
  }
}, { skip: (b) => (capabilities(b).fusion ? undefined : 'a backend that interprets every op (no fusion) takes about 30 s for 2 × 2000 neurons × 1000 steps') });

forEachBackend(test, 'the published parameters read back as given', () => {
  assert.is(PARAMS.coba.El.item(), -60);
  assert.is(PARAMS.cuba.El.item(), -49);
  assert.is(PARAMS.vth.to('mV').item(), -50);
  assert.is(PARAMS.tref.item(), 5);
});

forEachBackend(test, 'a refractory neuron does not move for 5 ms after a spike (COBA, one neuron forced over threshold)', async () => {
  const net = brette({ model: 'coba', neurons: 10, seed: 1 });
  const v = Array.from(net.init.v!.dataSync());
  v[0] = -20; // far above threshold: it spikes in the first step whatever its inputs
  const runner = ef.compile(net.step);
  const out = await runner.run({ ...net.init, v: ef.array(v, 'mV') }, { steps: 60 });
  const spikes = out.records.spike!.dataSync();
  assert.is(spikes[0], 1, 'neuron 0 spikes at step 0');
  for (let t = 1; t <= 50; t++) assert.is(spikes[t * 10], 0, `no spike of neuron 0 at step ${t} (refractory)`);
});

test.run();
