/**
 * The benchmark networks (src/models): on small networks the compiled runner gives the same
 * spike trains on every backend for the same seed (float64 inside kernels, float32 state;
 * the cpu backend adds each synapse's weight straight into the float32 conductance, where
 * the reference sums in float64, and over these runs the trains still agree spike for
 * spike); the networks are active at plausible rates; the published parameters and the
 * structure hold; on the cpu backend a step is one pass over the neurons plus the scatters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, networkBytes, simulate, PARAMS, type ConnKind, type ModelName } from '../../src/models/index.js';
import { availableBackends, withBackend } from '../helpers/backends.js';

const BACKENDS = availableBackends();
const N = 200;
const STEPS = 400;

for (const model of ['coba', 'cuba'] as const satisfies readonly ModelName[]) {
  for (const conn of ['csr', 'jitc', 'fixed'] as const satisfies readonly ConnKind[]) {
    test(`${model} / ${conn}: identical spike trains on ${BACKENDS.join(' and ')} (N = ${N}, ${STEPS} steps)`, async () => {
      const trains: Int32Array[] = [];
      for (const b of BACKENDS) {
        const result = await withBackend(b, () => simulate(brette({ model, conn, neurons: N, seed: 5 }), { steps: STEPS, sample: N, chunk: 150 }));
        // every spike of every neuron, as (step, neuron) pairs in order
        const pairs = new Int32Array(result.raster.steps.length * 2);
        result.raster.steps.forEach((s, k) => ((pairs[2 * k] = s), (pairs[2 * k + 1] = result.raster.neurons[k]!)));
        assert.is(result.spikeCount, result.raster.steps.length, 'the raster of all neurons holds every spike');
        trains.push(pairs);
      }
      const [first, ...rest] = trains;
      assert.ok(first!.length / 2 > 0, 'the network spikes');
      rest.forEach((t, k) => assert.equal(Array.from(t), Array.from(first!), `${BACKENDS[k + 1]} vs ${BACKENDS[0]}`));
    });
  }
}

test('rates are plausible at N = 2000 (COBA 5–40 Hz, CUBA 1–20 Hz over 100 ms) and chunking does not change the result', async () => {
  for (const [model, lo, hi] of [['coba', 5, 40], ['cuba', 1, 20]] as const) {
    const net = brette({ model, neurons: 2000, seed: 3 });
    const a = await simulate(net, { steps: 1000, chunk: 1000 });
    const b = await simulate(net, { steps: 1000, chunk: 137 });
    const rate = a.spikeCount / 2000 / 0.1;
    assert.ok(rate >= lo && rate <= hi, `${model}: ${rate.toFixed(2)} Hz`);
    assert.equal(Array.from(b.spikesPerStep), Array.from(a.spikesPerStep), `${model}: chunks of 137 steps`);
  }
});

test('a network estimated beyond this machine\'s memory is refused before anything is built (ResourceError)', () => {
  for (const conn of ['csr', 'fixed', 'jitc'] as const) {
    assert.throws(() => brette({ model: 'coba', neurons: 2_000_000_000, conn }), (e: unknown) =>
      e instanceof ef.ResourceError && /brette: a network of 2000000000 neurons with .* would need [\d.]+ [TG]iB, more than this machine's/.test((e as Error).message));
  }
  // stored connectivity costs per synapse (p = 80 / N: 80 per neuron), JITC nothing
  assert.ok(networkBytes({ neurons: 10_000, conn: 'csr' }) > networkBytes({ neurons: 10_000, conn: 'jitc' }) + 12 * 80 * 10_000 - 1);
  assert.is(networkBytes({ neurons: 10_000, conn: 'jitc', steps: 1000 }) - networkBytes({ neurons: 10_000, conn: 'jitc' }), 8000);
});

test('structure: 80 % excitatory, p = 80 / N, published parameters, refractory countdown in steps', () => {
  const net = brette({ model: 'coba', neurons: 1000, conn: 'fixed', seed: 2 });
  assert.is(net.excitatory, 800);
  assert.is(net.inhibitory, 200);
  assert.is(net.synapses, 1000 * 80, 'fixed: exactly 80 targets per neuron');
  assert.ok(net.synapsesExact);
  const csr = brette({ model: 'cuba', neurons: 1000, conn: 'csr', seed: 2 });
  assert.ok(Math.abs(csr.synapses - 80_000) < 5 * Math.sqrt(80_000), `csr: ${csr.synapses} synapses`);
  assert.not.ok(brette({ model: 'coba', neurons: 1000, conn: 'jitc' }).synapsesExact);
  assert.is(PARAMS.coba.El.item(), -60);
  assert.is(PARAMS.cuba.El.item(), -49);
  assert.is(PARAMS.vth.to('mV').item(), -50);
  assert.is(PARAMS.tref.item(), 5);
  assert.is(net.init.ref!.dtype, 'int32');
  assert.is(net.init.v!.unit.toString(), 'mV');
});

test('a refractory neuron does not move for 5 ms after a spike (COBA, one neuron forced over threshold)', async () => {
  const net = brette({ model: 'coba', neurons: 10, seed: 1 });
  const v = Array.from(net.init.v!.dataSync());
  v[0] = -20; // far above threshold: it spikes in the first step whatever its inputs
  const runner = ef.compile(net.step);
  const out = await runner.run({ ...net.init, v: ef.array(v, 'mV') }, { steps: 60 });
  const spikes = out.records.spike!.dataSync();
  assert.is(spikes[0], 1, 'neuron 0 spikes at step 0');
  for (let t = 1; t <= 50; t++) assert.is(spikes[t * 10], 0, `no spike of neuron 0 at step ${t} (refractory)`);
});

test('bad options are typed errors', () => {
  assert.throws(() => brette({ model: 'hh' as ModelName }), (e: unknown) => e instanceof ef.InvalidArgumentError && /'coba' or 'cuba'/.test((e as Error).message));
  assert.throws(() => brette({ model: 'coba', neurons: 5 }), (e: unknown) => e instanceof ef.InvalidArgumentError && /at least 10/.test((e as Error).message));
  assert.throws(() => brette({ model: 'coba', dt: ef.scalar(0.1, 'mV') }), (e: unknown) => e instanceof ef.UnitMismatchError);
  assert.throws(() => brette({ model: 'coba', conn: 'dense' as ConnKind }), (e: unknown) => e instanceof ef.InvalidArgumentError);
  assert.throws(() => brette({ model: 'coba', seed: -1 }), (e: unknown) => e instanceof ef.InvalidArgumentError);
});

for (const model of ['coba', 'cuba'] as const) {
  for (const conn of ['csr', 'fixed', 'jitc'] as const) {
    test(`[cpu] ${model} / ${conn}: one kernel, one pass over the neurons, the scatters add into ge and gi`, () => {
      withBackend('cpu', () => {
        const net = brette({ model, conn, neurons: N, seed: 5 });
        const runner = ef.compile(net.step).prepare(net.init);
        const plan = runner.plan()!;
        assert.is(plan.kernels.length, 1);
        const [loop, ...rest] = plan.kernels[0]!.stages;
        assert.ok(loop!.kind === 'loop' && loop.shape.join() === String(N), 'the first stage walks the neurons');
        if (loop!.kind !== 'loop') return;
        assert.is(loop.stores.length + loop.seeds.length, 4, 'v and ref stored, ge·decay and gi·decay seeded');
        assert.is(loop.seeds.length, 2);
        assert.is(rest.length, 2, 'no other loop: no second pass over the neurons');
        for (const p of rest) assert.ok(p!.kind === 'product' && p.into && p.events, 'each product adds into its seed, walking a spike list');
        assert.ok([...plan.buffers.values()].every((b) => b.kind !== 'scratch'), 'no workspace');
        const text = runner.explain();
        assert.match(text, /state updated in place \(one buffer, no copy\): ge, gi, ref, v/);
        assert.match(text, /recorded as event lists \(O\(events\) per step\): spike/);
        assert.match(text, /where sides? computed only where taken/);
      });
    });
  }
}

test.run();
