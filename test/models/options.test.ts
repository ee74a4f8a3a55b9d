/**
 * brette()'s options at their documented boundaries (docs/models.md, src/models/brette.ts):
 * neurons an integer of at least 10 (default 4000), dt in (0, 5] ms (default 0.1 ms), seed an
 * integer in [0, 2^32 − 1] (default 1); a value just outside is refused with a typed
 * InvalidArgumentError whose message names the option, the boundary itself is accepted. The
 * inhibitory projection is seeded with seed + 1 (modulo 2^32, so the largest seed builds), the
 * memory estimate networkBytes allows 12 bytes per stored synapse, 400 per neuron and 8 per
 * step, and a network refused for its size suggests JIT connectivity only when it is stored.
 * Nothing here depends on the backend: each test runs once, on cpu.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette, networkBytes, type ConnKind, type NetworkOptions } from '../../src/models/index.js';
import { forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === 'cpu' ? undefined : 'backend-independent: checked once, on cpu') };
const ms = (v: number) => ef.scalar(v, 'ms');
const CONNS = ['csr', 'jitc', 'fixed'] as const satisfies readonly ConnKind[];

/** brette() refuses these options with an InvalidArgumentError whose message starts `brette: <option> is`. */
function refused(options: NetworkOptions, option: string, why: string): void {
  let error: unknown;
  try {
    brette(options);
  } catch (e) {
    error = e;
  }
  assert.ok(error !== undefined, `${why}: accepted`);
  assert.instance(error, ef.InvalidArgumentError, `${why}: ${String(error)}`);
  assert.match((error as Error).message, new RegExp(`^brette: ${option} is `), `${why}: the message names ${option}`);
}

forEachBackend(test, 'neurons: 10 is accepted, 9 and 9.5 are refused; the default is 4000', () => {
  const net = brette({ model: 'coba', neurons: 10, seed: 1 });
  assert.is(net.neurons, 10);
  assert.is(net.init.v!.shape[0], 10);
  refused({ model: 'coba', neurons: 9 }, 'neurons', '9 neurons');
  refused({ model: 'cuba', neurons: 9.5 }, 'neurons', '9.5 neurons');
  const big = brette({ model: 'cuba', conn: 'jitc' }); // JIT: nothing stored at 4000 neurons
  assert.is(big.neurons, 4000);
  assert.is(big.excitatory, 3200);
  assert.is(big.init.v!.shape[0], 4000);
}, ONCE);

forEachBackend(test, 'dt: 5 ms is accepted, 0, a negative step, NaN, 5.001 ms and 6 ms are refused; the default is 0.1 ms', () => {
  for (const model of ['coba', 'cuba'] as const) {
    const net = brette({ model, neurons: 20, dt: ms(5) });
    assert.is(net.dt.item(), 5, `${model}: dt = 5 ms`);
    assert.is(brette({ model, neurons: 20, dt: ef.scalar(0.005, 's') }).dt.to('ms').item().toPrecision(6), '5.00000', `${model}: 0.005 s`);
    refused({ model, neurons: 20, dt: ms(0) }, 'dt', `${model}: dt = 0`);
    refused({ model, neurons: 20, dt: ms(-0.1) }, 'dt', `${model}: dt = −0.1 ms`);
    refused({ model, neurons: 20, dt: ms(NaN) }, 'dt', `${model}: dt = NaN`);
    refused({ model, neurons: 20, dt: ms(5.001) }, 'dt', `${model}: dt = 5.001 ms`);
    refused({ model, neurons: 20, dt: ms(6) }, 'dt', `${model}: dt = 6 ms`);
  }
  const net = brette({ model: 'coba', neurons: 20 });
  assert.is(net.dt.unit.toString(), 'ms');
  assert.ok(Math.abs(net.dt.item() - 0.1) < 1e-7, `default dt ${net.dt.item()} ms`);
}, ONCE);

forEachBackend(test, 'seed: 0 and 2^32 − 1 are accepted (every connectivity), −1, 2^32 and 1.5 are refused by brette itself', () => {
  for (const conn of CONNS) {
    for (const seed of [0, 2 ** 32 - 1]) {
      const net = brette({ model: 'coba', neurons: 20, conn, seed });
      assert.is(net.neurons, 20, `${conn}, seed ${seed}`);
      assert.ok(net.synapses > 0, `${conn}, seed ${seed}: ${net.synapses} synapses`);
    }
  }
  // (the connectivity generators check their seeds too: the message must be brette's own)
  for (const seed of [-1, 2 ** 32, 2 ** 32 + 1, 1.5]) refused({ model: 'coba', neurons: 20, conn: 'jitc', seed }, 'seed', `seed ${seed}`);
}, ONCE);

forEachBackend(test, 'seed: the default is 1 (the same network and initial state as seed 1, not seed 0)', () => {
  const init = (seed?: number) => {
    const net = brette(seed === undefined ? { model: 'coba', neurons: 50 } : { model: 'coba', neurons: 50, seed });
    return { v: Array.from(net.init.v!.dataSync()), indices: Array.from((net.projections.excitatory.matrix as ef.CSR).indices) };
  };
  const byDefault = init();
  assert.equal(byDefault, init(1));
  assert.not.equal(byDefault.v, init(0).v, 'seed 0 draws another initial state');
}, ONCE);

forEachBackend(test, 'the excitatory projection is seeded with seed, the inhibitory one with seed + 1 modulo 2^32', () => {
  for (const [seed, next] of [[7, 8], [0, 1], [2 ** 32 - 2, 2 ** 32 - 1], [2 ** 32 - 1, 0]] as const) {
    const net = brette({ model: 'cuba', neurons: 40, conn: 'jitc', seed });
    const E = net.projections.excitatory.matrix as ef.JITCMatrix;
    const I = net.projections.inhibitory.matrix as ef.JITCMatrix;
    assert.is(E.seed, seed, `seed ${seed}: excitatory`);
    assert.is(I.seed, next, `seed ${seed}: inhibitory`);
    // csr stores the very rows jitc regenerates, with the same seeds
    const csr = brette({ model: 'cuba', neurons: 40, conn: 'csr', seed });
    const want = ef.jitc.scalar({ shape: [40, 40], prob: 1, weight: 1, seed: next }).tocsr();
    const got = csr.projections.inhibitory.matrix as ef.CSR;
    assert.equal(Array.from(got.indices), Array.from(want.indices.subarray(want.indptr[32]!, want.indptr[40]!)), `seed ${seed}: csr inhibitory rows`);
  }
}, ONCE);

forEachBackend(test, 'networkBytes: 12 bytes per stored synapse (80 per neuron, all-to-all below 80), 400 per neuron, 8 per step', () => {
  assert.is(networkBytes({ neurons: 1000 }), 12 * 1000 * 80 + 400 * 1000);
  assert.is(networkBytes({ neurons: 1000, conn: 'csr' }), 1_360_000);
  assert.is(networkBytes({ neurons: 1000, conn: 'fixed' }), 1_360_000);
  assert.is(networkBytes({ neurons: 1000, conn: 'jitc' }), 400_000);
  assert.is(networkBytes({ neurons: 40, conn: 'csr' }), 12 * 40 * 40 + 400 * 40);
  assert.is(networkBytes({ neurons: 80, conn: 'fixed' }), 12 * 80 * 80 + 400 * 80);
  assert.is(networkBytes({ neurons: 1000, conn: 'jitc', steps: 250 }), 400_000 + 8 * 250);
  assert.is(networkBytes({ neurons: 1000, steps: 3 }), 1_360_024);
}, ONCE);

forEachBackend(test, 'a network too large for this machine: stored connectivity suggests conn: \'jitc\', JIT connectivity only fewer neurons', () => {
  const messageOf = (conn: ConnKind): string => {
    try {
      brette({ model: 'coba', neurons: 2_000_000_000, conn });
    } catch (e) {
      assert.instance(e, ef.ResourceError, conn);
      return (e as Error).message;
    }
    assert.unreachable(`${conn}: 2e9 neurons accepted`);
    return '';
  };
  for (const conn of ['csr', 'fixed'] as const) {
    assert.match(messageOf(conn), /; use fewer neurons or conn: 'jitc' \(regenerated, not stored\)$/, conn);
  }
  const jitc = messageOf('jitc');
  assert.match(jitc, /; use fewer neurons$/);
  assert.not.match(jitc, /conn: 'jitc'/);
}, ONCE);

test.run();
