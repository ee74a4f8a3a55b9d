/**
 * Sizes, value ranges and argument kinds are checked at the public boundary, before anything
 * is allocated: every case here would otherwise be a raw RangeError, a heap abort, a silent
 * wrap-around or a TypeError from deep inside (the regressions of issue 16).
 */
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { MAX_ELEMENTS } from '../../src/limits.js';
import { expectError, forEachBackend } from '../helpers/suite.js';

/** Refused at once: a check that fired before allocating, not an allocation that failed slowly. */
function refusedFast(f: () => unknown, cls: new (...a: never[]) => Error, ...patterns: (RegExp | string)[]): void {
  const start = Date.now();
  expectError(f, cls, ...patterns);
  assert.ok(Date.now() - start < 1000, `refused after ${Date.now() - start} ms`);
}

// ------------------------------------------------------------------ sizes

test('arrays beyond 2^31 − 1 elements are a ResourceError naming the size, the limit and the bytes', () => {
  refusedFast(() => ef.zeros([2 ** 53]), ef.ResourceError, 'zeros:', '[9007199254740992]', '2^31 − 1', 'int32 indices', 'PiB');
  refusedFast(() => ef.full([2 ** 16, 2 ** 16], 1), ef.ResourceError, 'full:', '4,294,967,296 elements', '16.0 GiB');
  refusedFast(() => ef.ones([MAX_ELEMENTS + 1], 'mV', 'bool'), ef.ResourceError, 'ones:', '2,147,483,648 elements');
  refusedFast(() => ef.arange(0, 1e12), ef.ResourceError, 'arange:', '1,000,000,000,000 elements', 'larger step');
  refusedFast(() => ef.arange(0, 2 ** 31), ef.ResourceError, 'arange:', '2,147,483,648 elements');
  refusedFast(() => ef.array([1], undefined, { shape: [2 ** 40, 0] }), ef.ShapeMismatchError, 'holds 0 elements');
});

test('a derived array beyond the limit is refused when the expression is built, with a hint', () => {
  const col = ef.zeros([100_000, 1]);
  const row = ef.zeros([100_000]);
  refusedFast(() => col.add(row), ef.ResourceError, 'add:', '[100000, 100000]', '10,000,000,000 elements', 'smaller pieces');
  refusedFast(() => ef.matmul(ef.zeros([100_000, 1]), ef.zeros([1, 100_000])), ef.ResourceError, '[100000, 100000]');
  // what fits still builds
  assert.equal(ef.zeros([1000, 1]).add(ef.zeros([1000])).shape, [1000, 1000]);
});

// ------------------------------------------------------------------ values a dtype holds

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

test('explicit int32 of values it cannot hold is refused, naming the element; bool of NaN too', () => {
  expectError(() => ef.array([1, 3e9], undefined, { dtype: 'int32' }), ef.InvalidArgumentError, 'array:', 'values[1] is 3000000000', 'int32 cannot hold', "'float64'");
  expectError(() => ef.array([NaN], undefined, 'int32'), ef.InvalidArgumentError, 'values[0] is NaN');
  expectError(() => ef.array([[0, 1], [Infinity, 2]], undefined, 'int32'), ef.InvalidArgumentError, 'values[2] is Infinity');
  expectError(() => ef.array([1, NaN], undefined, 'bool'), ef.InvalidArgumentError, 'values[1] is NaN', 'bool cannot hold');
  expectError(() => ef.scalar(NaN, undefined, 'int32'), ef.InvalidArgumentError, 'scalar:', 'value is NaN');
  expectError(() => ef.full([2], -(2 ** 31) - 1, undefined, 'int32'), ef.InvalidArgumentError, 'full:', 'value is -2147483649');
  expectError(() => ef.arange(0, 2 ** 32, 2 ** 30, undefined, 'int32'), ef.InvalidArgumentError, 'arange:', 'the range is 3221225472');
  // the edges of int32 are held; fractions truncate as documented
  assert.equal(Array.from(ef.array([-(2 ** 31), 2 ** 31 - 1, 2.7], undefined, 'int32').dataSync()), [-(2 ** 31), 2 ** 31 - 1, 2]);
});

// ------------------------------------------------------------------ argument kinds

test('array: options of the wrong kind or with unknown keys are refused; a dtype name is accepted', () => {
  const a = ef.array([1, 2], 'mV', 'int32');
  assert.is(a.dtype, 'int32');
  assert.is(a.unit.toString(), 'mV');
  expectError(() => ef.array([1], 'mV', null as never), ef.InvalidArgumentError, 'options must be an object', 'got null');
  expectError(() => ef.array([1], 'mV', 5 as never), ef.InvalidArgumentError, 'options must be an object', 'got 5');
  expectError(() => ef.array([1], 'mV', 'half' as never), ef.InvalidArgumentError, 'unknown dtype "half"');
  expectError(() => ef.array([1], 'mV', { dtyp: 'int32' } as never), ef.InvalidArgumentError, "unknown option 'dtyp'");
});

test('values of the wrong kind: BigInt, symbols and objects are named without the message builder failing', () => {
  expectError(() => ef.array([1n] as never), ef.InvalidArgumentError, 'values[0] is 1n (a BigInt)');
  expectError(() => ef.array([[1, Symbol('s')]] as never), ef.InvalidArgumentError, 'values[0][1] is Symbol(s) (a symbol)');
  const hostile = { toString: () => { throw new Error('no'); } };
  expectError(() => ef.array([hostile] as never), ef.InvalidArgumentError, 'values[0] is an object');
  expectError(() => ef.array(null as never), ef.InvalidArgumentError, 'values must be', 'got null');
  expectError(() => ef.array('12' as never), ef.InvalidArgumentError, 'values must be', 'got "12"');
  expectError(() => ef.scalar(1n as never), ef.InvalidArgumentError, 'scalar: value must be a number, got 1n');
  expectError(() => ef.zeros(5 as never), ef.InvalidArgumentError, 'zeros: shape must be an array', 'got 5');
  expectError(() => ef.zeros([2, 1.5]), ef.InvalidArgumentError, 'zeros: shape[1] must be a non-negative integer, got 1.5');
  expectError(() => ef.arange(0, 5n as never), ef.InvalidArgumentError, 'arange: stop must be a number, got 5n');
});

test('ef.safe: typed errors as Left; an exception that is not eventfuse\'s own is rethrown, not disguised', () => {
  const left = ef.safe.zeros([2 ** 53]);
  assert.ok(E.isLeft(left) && left.left instanceof ef.ResourceError);
  const ints = ef.safe.array([3e9], undefined, 'int32');
  assert.ok(E.isLeft(ints) && ints.left instanceof ef.InvalidArgumentError);
  // data whose own accessor throws: the caller's TypeError comes through unchanged
  const trap = new Proxy([1, 2], { get: (t, k) => (k === 'length' ? (() => { throw new TypeError('caller bug'); })() : Reflect.get(t, k)) });
  assert.throws(() => ef.safe.array(trap), (e: unknown) => e instanceof TypeError && !(e instanceof ef.EventfuseError) && (e as Error).message === 'caller bug');
});

// ------------------------------------------------------------------ compiled runs

const halve: ef.StepFn = (s) => ({ state: { v: s.v!.mul(0.5) }, record: { v: s.v! } });

test('run: options of the wrong kind are refused before tracing', async () => {
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

test('a step that reads a state or input name it was not given: the error names it and what was given', async () => {
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
