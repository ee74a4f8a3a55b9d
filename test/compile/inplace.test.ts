/**
 * State updated in place and products accumulated into their output (src/fusion/inplace.ts,
 * src/fusion/plan.ts): runners give the reference's trajectory whether or not a slot shares
 * one buffer, including the cases where sharing would be wrong (a swap, a product reading
 * the old value after the new one is written, the old value also recorded). Which slots the
 * cpu backend shares: test/cpu/inplace.test.ts.
 */
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';
import { CASES, STEPS, init } from './inplace-cases.js';
import { stepByHand } from './models.js';

for (const c of CASES) {
  forEachBackend(test, `${c.name}: the reference's trajectory`, async (backend) => {
    const want = stepByHand(c.step, init(), STEPS);
    const runner = ef.compile(c.step);
    const got = await runner.run(init(), { steps: STEPS });
    // twice: the second run reuses the runner's buffers and must start from the given state again
    const again = await runner.run(init(), { steps: STEPS });
    const tol = tolerance(backend, 'float32') * 20;
    for (const k of Object.keys(want.state)) {
      assertAllClose(got.state[k]!.dataSync(), want.state[k]!, tol, `state ${k}`, tol);
      assertAllClose(again.state[k]!.dataSync(), want.state[k]!, tol, `state ${k} (second run)`, tol);
    }
    for (const k of Object.keys(want.records)) assertAllClose(got.records[k]!.dataSync(), want.records[k]!, tol, `record ${k}`, tol);
  });
}

test.run();
