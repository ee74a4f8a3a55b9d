/**
 * The three connectivity kinds of the benchmark networks (docs/models.md, "Connectivity"):
 * a JITC projection spans all N rows, so the other population's spikes are masked out of its
 * product, while the stored kinds (csr, fixed) keep only their population's rows and need no
 * mask; the synapse counts (stored, or 0.8N·N·p and 0.2N·N·p expected for jitc) and describe()
 * as the guide prints them; and, with the same seed, csr and jitc are the same network and
 * spike alike.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, simulate, type ConnKind } from '../../src/models/index.js';
import { forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === 'cpu' ? undefined : 'backend-independent: checked once, on cpu') };

forEachBackend(test, 'only JITC projections are masked; the stored kinds hold their population\'s rows only', () => {
  for (const [conn, masked] of [['csr', false], ['fixed', false], ['jitc', true]] as const) {
    const net = brette({ model: 'coba', neurons: 100, conn, seed: 3 });
    assert.is(net.projections.excitatory.masked, masked, `${conn}: excitatory`);
    assert.is(net.projections.inhibitory.masked, masked, `${conn}: inhibitory`);
  }
}, ONCE);

forEachBackend(test, 'synapse counts: stored exactly (csr, fixed), 0.8N·N·p + 0.2N·N·p expected (jitc), and describe() as in the guide', () => {
  for (const [n, ne, p] of [[400, 320, 0.2], [1000, 800, 0.08], [40, 32, 1]] as const) {
    const jitc = brette({ model: 'cuba', neurons: n, conn: 'jitc', seed: 1 });
    assert.ok(Math.abs(jitc.projections.excitatory.synapses - ne * n * p) < 1e-6, `N = ${n}: excitatory ${jitc.projections.excitatory.synapses}`);
    assert.ok(Math.abs(jitc.projections.inhibitory.synapses - (n - ne) * n * p) < 1e-6, `N = ${n}: inhibitory ${jitc.projections.inhibitory.synapses}`);
    assert.ok(Math.abs(jitc.synapses - n * n * p) < 1e-6, `N = ${n}: ${jitc.synapses}`);
    assert.is(jitc.synapsesExact, false);
  }
  for (const conn of ['csr', 'fixed'] as const satisfies readonly ConnKind[]) {
    const net = brette({ model: 'coba', neurons: 400, conn, seed: 1 });
    const { excitatory: E, inhibitory: I } = net.projections;
    assert.equal([E.synapses, I.synapses], [(E.matrix as ef.CSR).nnz, (I.matrix as ef.CSR).nnz], conn);
    assert.is(net.synapses, E.synapses + I.synapses, conn);
    assert.is(net.synapsesExact, true, conn);
  }
  // docs/models.md, "A first run" and "Connectivity"
  assert.is(brette({ model: 'coba', neurons: 400, dt: ef.scalar(0.1, 'ms'), conn: 'csr', seed: 1 }).describe(),
    'COBA network: 400 neurons (320 excitatory, 80 inhibitory), 32043 synapses (csr), dt 0.1 ms');
  assert.is(brette({ model: 'cuba', neurons: 400, conn: 'jitc', seed: 1 }).describe(),
    'CUBA network: 400 neurons (320 excitatory, 80 inhibitory), about 32000 synapses (jitc), dt 0.1 ms');
  assert.is(brette({ model: 'cuba', neurons: 400, conn: 'fixed', seed: 1 }).describe(),
    'CUBA network: 400 neurons (320 excitatory, 80 inhibitory), 32000 synapses (fixed), dt 0.1 ms');
  // dt is shown to 6 significant digits, in ms (float32 0.0123456789 is 0.012345679...)
  assert.match(brette({ model: 'coba', neurons: 20, dt: ef.scalar(12.3456789, 'us'), seed: 1 }).describe(), /, dt 0\.0123457 ms$/);
}, ONCE);

// networks that stay active for the whole run (the seeds of test/models/semantics.test.ts)
for (const { model, neurons, seed } of [{ model: 'coba', neurons: 200, seed: 13 }, { model: 'cuba', neurons: 150, seed: 7 }] as const) {
  forEachBackend(test, `${model}: with the same seed, csr and jitc are the same network and spike alike (N = ${neurons}, 300 steps)`, async () => {
    const run = async (conn: ConnKind) => {
      const res = await simulate(brette({ model, neurons, conn, seed }), { steps: 300, sample: neurons });
      return { count: res.spikeCount, steps: Array.from(res.raster.steps), neurons: Array.from(res.raster.neurons) };
    };
    const csr = await run('csr');
    assert.ok(csr.count > 20, `the network spikes (${csr.count} spikes)`);
    assert.ok(new Set(csr.neurons.filter((i) => i >= 0.8 * neurons)).size > 0, 'inhibitory neurons spike too');
    assert.equal(await run('jitc'), csr);
  });
}

test.run();
