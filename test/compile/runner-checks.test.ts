/**
 * Compiled step runners, the checks around the numbers, on every backend: errors at compile
 * time naming the state key, bad `steps` and inputs, `ef.explain(runner)`. The cpu backend's
 * generated source and its allocation per step: test/cpu/runner.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, LazyArray, StepFn } from '../../src/index.js';
import { expectError, forEachBackend } from '../helpers/suite.js';
import { expectReject, lif } from './models.js';

forEachBackend(test, "a step that changes a state's shape, dtype or unit is refused at compile time, naming the key", async () => {
  const init = { V: ef.full([3], -60, 'mV'), n: ef.zeros([3], '1', 'int32') };
  const keep = (s: ArrayRecord) => ({ n: s.n! });
  expectError(() => ef.compile((s) => ({ ...keep(s), V: s.V!.sum(undefined, { keepdims: true }) })).prepare(init), ef.ShapeMismatchError, /state 'V'/, /\[3\]/, /\[1\]/);
  expectError(() => ef.compile((s) => ({ ...keep(s), V: s.V!.add(ef.zeros([2, 3], 'mV')) })).prepare(init), ef.ShapeMismatchError, /state 'V'/);
  expectError(() => ef.compile((s) => ({ ...keep(s), V: s.V!.astype('float64') })).prepare(init), ef.ShapeMismatchError, /state 'V'/, /float64/);
  expectError(() => ef.compile((s) => ({ V: s.V!, n: s.n!.div(2) })).prepare(init), ef.ShapeMismatchError, /state 'n'/, /int32/);
  expectError(() => ef.compile((s) => ({ ...keep(s), V: s.V!.to('V') })).prepare(init), ef.UnitMismatchError, /state 'V'/, /mV/);
  expectError(() => ef.compile((s) => ({ ...keep(s), V: s.V!.mul(ef.scalar(2, 'nS')) })).prepare(init), ef.UnitMismatchError, /state 'V'/);
  // the same errors from run, as a rejection
  await expectReject(() => ef.compile((s) => ({ ...keep(s), V: s.V!.to('V') })).run(init, { steps: 3 }), ef.UnitMismatchError, /state 'V'/);
  await expectReject(() => ef.compile((s) => ({ ...keep(s), V: s.V!.astype('float64') })).run(init, { steps: 3 }), ef.ShapeMismatchError, /state 'V'/);
});

forEachBackend(test, 'missing or extra state keys, bad steps and bad inputs throw InvalidArgumentError / ShapeMismatchError', async () => {
  const init = { V: ef.full([3], -60, 'mV'), g: ef.zeros([3], 'nS') };
  expectError(() => ef.compile((s) => ({ V: s.V! })).prepare(init), ef.InvalidArgumentError, /missing \[g\]/);
  expectError(() => ef.compile((s) => ({ ...s, W: s.V! })).prepare(init), ef.InvalidArgumentError, /unexpected \[W\]/);
  expectError(() => ef.compile((s) => ({ state: { V: s.V!, g: s.g! }, record: { bad: 3 as unknown as LazyArray } })).prepare(init), ef.InvalidArgumentError, /bad/);
  expectError(() => ef.compile(42 as unknown as StepFn), ef.InvalidArgumentError);
  const ok = ef.compile((s) => ({ V: s.V!, g: s.g! }));
  for (const steps of [-1, 1.5, NaN, Infinity, '3' as unknown as number, undefined as unknown as number]) {
    await expectReject(() => ok.run(init, { steps }), ef.InvalidArgumentError, /steps/);
  }
  const withInput = ef.compile((s, i) => ({ V: s.V!.add(i.I!), g: s.g! }));
  await expectReject(() => withInput.run(init, { steps: 5, inputs: { I: ef.zeros([4, 3], 'mV') } }), ef.ShapeMismatchError, /'I'/, /4 steps/);
  await expectReject(() => withInput.run(init, { steps: 1, inputs: { I: ef.scalar(1, 'mV') } }), ef.ShapeMismatchError, /'I'/);
  // a per-step input whose unit does not fit the step is a unit error of the step itself
  await expectReject(() => withInput.run(init, { steps: 1, inputs: { I: ef.zeros([1, 3], 'nS') } }), ef.UnitMismatchError);
});

forEachBackend(test, 'ef.explain(runner) throws before tracing, and shows the plan once prepared', (backend) => {
  const runner = ef.compile(lif);
  expectError(() => ef.explain(runner), ef.InvalidArgumentError, /not been traced/);
  runner.prepare({ V: ef.full([5], -60, 'mV') }, { I: ef.zeros([1, 5], 'mV') });
  const text = ef.explain(runner);
  assert.match(text, new RegExp(`compiled step on backend '${backend}'`));
  if (ef.backend().capabilities.fusion) assert.match(text, /\n1 kernel for 3 outputs/);
});

test.run();
