/**
 * State updated in place on the cpu backend (src/fusion/inplace.ts, src/fusion/plan.ts): exactly
 * the safe slots of each step of test/compile/inplace-cases.ts share one buffer, and a product
 * accumulates into its output after the loop that seeds it. That the runners still give the
 * reference's trajectory is checked on every backend by test/compile/inplace.test.ts.
 * cpu only: it lives outside the shared suites, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';
import { CASES, init } from '../compile/inplace-cases.js';

for (const c of CASES) {
  test(`[cpu] ${c.name}: in place exactly ${c.inPlace.join(', ') || 'nothing'}`, () => {
    withBackend('cpu', () => {
      const text = ef.compile(c.step).prepare(init()).explain();
      const listed = /state updated in place \(one buffer, no copy\): ([^\n]*)/.exec(text)?.[1]?.split(', ') ?? [];
      assert.equal(listed, [...c.inPlace]);
    });
  });
}

test('[cpu] an accumulated product runs after its seed loop, in the same kernel, with no workspace', () => {
  withBackend('cpu', () => {
    const plan = ef.compile(CASES[0]!.step).prepare(init()).plan()!;
    const stages = plan.kernels.flatMap((k) => k.stages);
    const into = stages.filter((st) => st.kind === 'product' && st.into);
    assert.is(into.length, 2, 'both products accumulate');
    for (const p of into) {
      if (p.kind !== 'product') continue;
      const seedAt = stages.findIndex((st) => st.kind === 'loop' && st.seeds.some((x) => x.into === p.into!.node));
      assert.ok(seedAt >= 0 && seedAt < stages.indexOf(p), 'the seed is written first');
    }
  });
});

test.run();
