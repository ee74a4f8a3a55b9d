/**
 * Event products in the cpu backend's fusion plan: the two-population COBA-style step of
 * test/fusion/coba.ts compiles to one kernel (neuron update + threshold + spike list + the
 * decayed conductances as seeds; then both event products add into those seeds, reading the
 * active list built by the threshold loop). Its spike trains on every backend:
 * test/fusion/events-plan.test.ts.
 * cpu only: it lives outside the shared suites, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';
import { N, coba, init } from '../fusion/coba.js';

test('[cpu] a COBA-style step is one kernel: one pass over the neurons, then both scatters add into ge and gi', () => {
  withBackend('cpu', () => {
    const runner = ef.compile(coba).prepare(init());
    const plan = runner.plan()!;
    assert.is(plan.kernels.length, 1, 'one kernel');
    const [loop, ...products] = plan.kernels[0]!.stages;
    assert.is(loop!.kind, 'loop');
    if (loop!.kind !== 'loop') return;
    assert.equal(loop.shape, [N], 'the only loop walks the neurons once');
    assert.is(loop.compactions.length, 1, 'the loop lists the active neurons');
    // v and ref are stored, ge·de and gi·di seed the conductances; the spikes are not stored
    assert.is(loop.stores.length, 2);
    assert.is(loop.seeds.length, 2);
    assert.ok(loop.stores.every((n) => n.dtype !== 'bool'), 'the spikes live only in the list');
    assert.is(products.length, 2);
    for (const p of products) {
      assert.is(p!.kind, 'product');
      if (p!.kind !== 'product') continue;
      assert.is(p.events, loop.compactions[0], 'each product walks the list the loop built');
      assert.ok(p.into, 'each product adds into its seeded conductance');
      assert.ok(loop.seeds.some((x) => x.into === p.into!.node));
      assert.is(p.into!.negate, false);
    }
    // no float64 workspace, no fill, no second pass over the neurons
    const text = runner.explain();
    assert.not.match(text, /W\[\d+\]|\.fill\(/);
    assert.match(text, /state updated in place \(one buffer, no copy\): ge, gi, ref, v/);
    assert.match(text, /recorded as event lists \(O\(events\) per step\): spike/);
  });
});

test.run();
