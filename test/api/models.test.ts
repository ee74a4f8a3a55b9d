/**
 * The benchmark networks (src/models) as built, before any backend computes: the structure
 * (80 % excitatory, p = 80 / N, exactly 80 targets per neuron for fixed connectivity), the
 * memory estimate that refuses a network too large for this machine, bad options. These run
 * once, in the cpu+reference process; the networks' spike trains and rates on every backend:
 * test/models/brette.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, networkBytes, PARAMS, type ConnKind, type ModelName } from '../../src/models/index.js';

test('a network estimated beyond this machine\'s memory is refused before anything is built (ResourceError)', () => {
  for (const conn of ['csr', 'fixed', 'jitc'] as const) {
    assert.throws(() => brette({ model: 'coba', neurons: 2_000_000_000, conn }), (e: unknown) =>
      e instanceof ef.ResourceError && /brette: a network of 2000000000 neurons with .* would need [\d.]+ [TG]iB, more than this machine's/.test((e as Error).message));
  }
  // stored connectivity costs per synapse (p = 80 / N: 80 per neuron), JITC nothing
  assert.ok(networkBytes({ neurons: 10_000, conn: 'csr' }) > networkBytes({ neurons: 10_000, conn: 'jitc' }) + 12 * 80 * 10_000 - 1);
  assert.is(networkBytes({ neurons: 10_000, conn: 'jitc', steps: 1000 }) - networkBytes({ neurons: 10_000, conn: 'jitc' }), 8000);
});

test('structure: 80 % excitatory, p = 80 / N, the parameters\' units, refractory countdown in steps', () => {
  const net = brette({ model: 'coba', neurons: 1000, conn: 'fixed', seed: 2 });
  assert.is(net.excitatory, 800);
  assert.is(net.inhibitory, 200);
  assert.is(net.synapses, 1000 * 80, 'fixed: exactly 80 targets per neuron');
  assert.ok(net.synapsesExact);
  const csr = brette({ model: 'cuba', neurons: 1000, conn: 'csr', seed: 2 });
  assert.ok(Math.abs(csr.synapses - 80_000) < 5 * Math.sqrt(80_000), `csr: ${csr.synapses} synapses`);
  assert.not.ok(brette({ model: 'coba', neurons: 1000, conn: 'jitc' }).synapsesExact);
  // (the parameters' values: test/models/brette.test.ts) their units
  assert.is(PARAMS.coba.El.unit.toString(), 'mV');
  assert.is(PARAMS.tref.unit.toString(), 'ms');
  assert.is(net.init.ref!.dtype, 'int32');
  assert.is(net.init.v!.unit.toString(), 'mV');
});

test('bad options are typed errors', () => {
  assert.throws(() => brette({ model: 'hh' as ModelName }), (e: unknown) => e instanceof ef.InvalidArgumentError && /'coba' or 'cuba'/.test((e as Error).message));
  assert.throws(() => brette({ model: 'coba', neurons: 5 }), (e: unknown) => e instanceof ef.InvalidArgumentError && /at least 10/.test((e as Error).message));
  assert.throws(() => brette({ model: 'coba', dt: ef.scalar(0.1, 'mV') }), (e: unknown) => e instanceof ef.UnitMismatchError);
  assert.throws(() => brette({ model: 'coba', conn: 'dense' as ConnKind }), (e: unknown) => e instanceof ef.InvalidArgumentError);
  assert.throws(() => brette({ model: 'coba', seed: -1 }), (e: unknown) => e instanceof ef.InvalidArgumentError);
});

test.run();
