/**
 * Value ranges and run options on every backend (the regressions of issue 16): arange's dtype
 * holds its range, int32 holds its edges, a compiled run refuses bad options before tracing
 * and names a state or input the step reads but was not given. The sizes, value ranges and
 * argument kinds refused while an array is built: test/api/limits.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError, forEachBackend } from '../helpers/suite.js';

// ------------------------------------------------------------------ values a dtype holds (what it refuses: test/api/limits.test.ts)

forEachBackend(test, 'arange chooses a dtype that holds its range: int32, float64 beyond int32, float32 for fractions', () => {
  const wide = ef.arange(2 ** 31 - 2, 2 ** 31 + 2);
  assert.is(wide.dtype, 'float64');
  const wideValues = Array.from(wide.dataSync());
  // float64 where the backend has it; a float32 device holds these integers only to 2^24
  if (ef.backend().capabilities.dtypes.includes('float64')) assert.equal(wideValues, [2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1]);
  else assert.ok(wideValues.every((v) => v > 0), 'no wrap to negative values');
  const neg = ef.arange(-(2 ** 31) - 1, -(2 ** 31) + 1);
  assert.is(neg.dtype, 'float64');
  const small = ef.arange(2 ** 31 - 3, 2 ** 31 - 1);
  assert.is(small.dtype, 'int32');
  assert.equal(Array.from(small.dataSync()), [2 ** 31 - 3, 2 ** 31 - 2]);
  assert.is(ef.arange(0, 1, 0.25).dtype, 'float32');
  assert.equal(Array.from(ef.arange(5).dataSync()), [0, 1, 2, 3, 4]);
  assert.equal(Array.from(ef.arange(5, 0, -2).dataSync()), [5, 3, 1]);
});

forEachBackend(test, 'explicit int32 holds the edges of int32; fractions truncate as documented', () => {
  // (what int32 cannot hold is refused while building: test/api/limits.test.ts)
  assert.equal(Array.from(ef.array([-(2 ** 31), 2 ** 31 - 1, 2.7], undefined, 'int32').dataSync()), [-(2 ** 31), 2 ** 31 - 1, 2]);
});

// ------------------------------------------------------------------ compiled runs

const halve: ef.StepFn = (s) => ({ state: { v: s.v!.mul(0.5) }, record: { v: s.v! } });

forEachBackend(test, 'run: options of the wrong kind are refused before tracing', async () => {
  const runner = ef.compile(halve);
  const init = { v: ef.ones([4], 'mV') };
  const rejects = async (options: unknown, cls: new (...a: never[]) => Error, ...patterns: string[]): Promise<void> => {
    const p = runner.run(init, options as ef.RunOptions);
    await p.then(() => assert.unreachable('resolved'), (e: unknown) => expectError(() => { throw e; }, cls, ...patterns));
  };
  await rejects(undefined, ef.InvalidArgumentError, 'run: options must be an object', 'got undefined');
  await rejects(null, ef.InvalidArgumentError, 'got null');
  await rejects({ steps: '5' }, ef.InvalidArgumentError, 'steps must be a non-negative integer, got "5"');
  await rejects({ steps: -1 }, ef.InvalidArgumentError, 'got -1');
  await rejects({ steps: 3, progresEvery: 1 }, ef.InvalidArgumentError, "unknown option 'progresEvery'");
  await rejects({ steps: 3, progressEvery: 0 }, ef.InvalidArgumentError, 'progressEvery must be a positive integer, got 0');
  await rejects({ steps: 3, onProgress: 'yes' }, ef.InvalidArgumentError, 'onProgress must be a function');
  await rejects({ steps: 3, inputs: ef.zeros([3, 4]) }, ef.InvalidArgumentError, 'inputs must be an object of named arrays');
  await rejects({ steps: 2 ** 31 }, ef.ResourceError, "step counter's limit of 2^31 − 1");
  await rejects({ steps: 2 ** 30 }, ef.ResourceError, "the record 'v' over 1073741824 steps", '4,294,967,296 elements', 'run in chunks');
  const ok = await runner.run(init, { steps: 3 });
  assert.equal(Array.from(ok.state.v!.dataSync()), [0.125, 0.125, 0.125, 0.125]);
});

forEachBackend(test, 'a step that reads a state or input name it was not given: the error names it and what was given', async () => {
  const readsX: ef.StepFn = (s, inputs) => ({ v: s.v!.add(inputs.x!) });
  await ef.compile(readsX).run({ v: ef.zeros([2], 'mV') }, { steps: 1, inputs: { y: ef.zeros([1, 2], 'mV') } }).then(
    () => assert.unreachable('resolved'),
    (e: unknown) => expectError(() => { throw e; }, ef.InvalidArgumentError, "the step read input 'x', but run() was given no input 'x' (given: y)"),
  );
  const readsW: ef.StepFn = (s) => ({ v: s.w! });
  expectError(() => ef.compile(readsW).prepare({ v: ef.zeros([2]) }), ef.InvalidArgumentError, "the step read state 'w', but the initial state has no state 'w' (given: v)");
  // a name that is only tested for is not an error: optional inputs and state stay possible
  const optional: ef.StepFn = (s, inputs) => ({ v: 'x' in inputs ? s.v!.add(inputs.x!) : inputs.y ? s.v!.add(inputs.y) : s.v!.add(1) });
  const r = await ef.compile(optional).run({ v: ef.zeros([2]) }, { steps: 2 });
  assert.equal(Array.from(r.state.v!.dataSync()), [2, 2]);
});

test.run();
