/**
 * Event products in fusion plans, on every backend: a compiled two-population COBA-style
 * runner (test/fusion/coba.ts) gives the reference's spike trains. That the cpu backend makes
 * it one kernel whose products read the threshold loop's active list: test/cpu/events-plan.test.ts;
 * which products get such a list: test/fusion/events-list.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { onBackend } from '../compile/models.js';
import { forEachBackend } from '../helpers/suite.js';
import { N, coba, init } from './coba.js';

/** The reference's spike train of the COBA network (computed once). */
let referenceTrain: Uint8Array | undefined;
const STEPS = 200;
async function reference(): Promise<Uint8Array> {
  referenceTrain ??= await onBackend('reference', async () => (await ef.compile(coba).run(init(), { steps: STEPS })).records.spike!.dataSync() as Uint8Array);
  return referenceTrain;
}

forEachBackend(test, "a compiled COBA-style runner gives the reference's spike trains (and spikes at all)", async (backend) => {
  const want = await reference();
  const total = want.reduce((a, x) => a + x, 0);
  assert.ok(total > 20, `the network is active: ${total} spikes`);
  const out = await ef.compile(coba).run(init(), { steps: STEPS });
  const train = out.records.spike!.dataSync();
  const diff = train.findIndex((x, i) => x !== want[i]);
  assert.is(diff, -1, `${backend} vs reference: first difference at step ${Math.floor(diff / N)}, neuron ${diff % N}`);
}, { skip: (b) => (b === 'reference' ? 'the reference is what the trains are compared with' : undefined) });

test.run();
