/**
 * Worker threads of the wasm backend: any thread count gives the very same bits (every output
 * element is computed by one thread, in one order), also across garbage collections (the
 * pool's blocks in the shared memory must outlive them) and when the caller runs the shares
 * of late workers; bad options are refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ef from '../../src/index.js';
import { brette } from '../../src/models/brette.js';
import { simulate } from '../../src/models/simulate.js';
import type { TypedArray } from '../../src/index.js';
import { holdWorkers, poolStats } from '../../src/backends/wasm/threads.js';

v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const bytes = (a: TypedArray): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** A COBA network run three times for 40 steps on a backend: spike counts per step and the final state's bytes. */
async function coba(options: Record<string, unknown>, conn: 'csr' | 'jitc' | 'fixed', collect: boolean, backend = 'wasm'): Promise<string[]> {
  ef.setBackend(backend, options);
  const net = brette({ model: 'coba', neurons: 600, conn });
  const out: string[] = [];
  for (let chunk = 0; chunk < 3; chunk++) {
    const r = await simulate(net, { steps: 40, chunk: 40 });
    out.push(Array.from(r.spikesPerStep).join(','), ...Object.values(r.finalState).map((x) => bytes(x.dataSync())));
    // the pool's control block and arguments live in the arena: a collection must not free them
    if (collect) gc();
  }
  ef.setBackend('cpu');
  return out;
}

test('COBA (csr, jitc, fixed) on 1, 2 and 3 threads with every stage split: the same spikes and state bytes, across collections', async () => {
  for (const conn of ['csr', 'jitc', 'fixed'] as const) {
    const one = await coba({ threads: 1 }, conn, false);
    assert.ok(one[0]!.split(',').some((c) => c !== '0'), `${conn}: the network spikes (${one[0]})`);
    for (const threads of [2, 3]) {
      const many = await coba({ threads, minWork: 1 }, conn, true);
      assert.equal(many, one, `${conn}: ${threads} threads`);
    }
    // and the same as the cpu backend
    assert.equal(await coba({}, conn, false, 'cpu'), one, `${conn}: cpu`);
  }
});

test('eager products and reductions on 2 threads equal 1 thread bit for bit', () => {
  const make = (): TypedArray[] => {
    const n = 3000;
    const x = ef.arange(n).astype('float32').mul(0.37).sin();
    const W = ef.jitc.normal({ shape: [n, 500], prob: 0.05, mean: 0.1, std: 1, seed: 7 }).tocsr();
    const spikes = x.greater(0.5);
    return [
      ef.matmul(spikes, W).dataSync(),
      ef.matmul(x, W).dataSync(),
      ef.matmul(W.transpose(), x).dataSync(),
      x.sum().dataSync(),
      x.reshape([30, 100]).max(1).dataSync(),
      ef.matmul(spikes, ef.jitc.uniform({ shape: [n, 700], prob: 0.1, low: 0, high: 1, seed: 3, orient: 'col' })).dataSync(),
    ];
  };
  ef.setBackend('wasm', { threads: 1 });
  const one = make().map(bytes);
  ef.setBackend('wasm', { threads: 2, minWork: 1 });
  const two = make().map(bytes);
  gc();
  const again = make().map(bytes);
  ef.setBackend('cpu');
  const cpu = make().map(bytes);
  assert.equal(two, one);
  assert.equal(again, one);
  assert.equal(cpu, one, 'and the cpu backend');
});

test('a late worker\'s share is run by the caller: with the workers held, every split stage still gives the one-thread bits', async () => {
  const one = await coba({ threads: 1 }, 'csr', false);
  const before = poolStats.stolen;
  holdWorkers(true);
  try {
    const held = await coba({ threads: 2, minWork: 1 }, 'csr', false);
    assert.ok(poolStats.stolen > before, `the caller ran the workers' shares (${poolStats.stolen - before})`);
    assert.equal(held, one, 'held workers: the same spikes and state bytes');
  } finally {
    holdWorkers(false);
  }
  // released, the workers claim their shares again: same bits
  assert.equal(await coba({ threads: 2, minWork: 1 }, 'csr', false), one, 'released workers');
});

test('options: threads and minWork are checked, unknown options refused', () => {
  for (const bad of [0, -1, 1.5, 257, '2']) {
    assert.throws(() => ef.setBackend('wasm', { threads: bad }), (e: unknown) => e instanceof ef.InvalidArgumentError && /threads is .*expected an integer from 1 to 256/.test((e as Error).message), `threads ${String(bad)}`);
  }
  for (const bad of [0, -5, 2.5, 'x']) {
    assert.throws(() => ef.setBackend('wasm', { minWork: bad }), (e: unknown) => e instanceof ef.InvalidArgumentError && /minWork is .*positive integer/.test((e as Error).message), `minWork ${String(bad)}`);
  }
  assert.throws(() => ef.setBackend('wasm', { thread: 2 }), (e: unknown) => e instanceof ef.InvalidArgumentError && /unknown option 'thread'; expected threads, minWork or precision/.test((e as Error).message));
  ef.setBackend('cpu');
});

// `setBackend('wasm')` without options returns to the options chosen last: leave the default for the files after this one
test.after.each(() => {
  ef.setBackend('wasm', {});
  ef.setBackend('cpu');
});

test.run();
