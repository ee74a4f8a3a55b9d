/**
 * The benchmark networks (src/models) on the cpu backend: a step of every model and
 * connectivity is one kernel, one pass over the neurons, and the scatters add into ge and gi
 * (the plan docs/fusion.md shows). Their spike trains on every backend:
 * test/models/brette.test.ts.
 * cpu only: it lives outside the shared suites, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { brette } from '../../src/models/index.js';
import { withBackend } from '../helpers/backends.js';

const N = 200;

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
