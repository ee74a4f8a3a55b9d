/**
 * Sizes, value ranges and argument kinds are checked at the public boundary, before anything
 * is allocated: every case here would otherwise be a raw RangeError, a heap abort, a silent
 * wrap-around or a TypeError from deep inside (the regressions of issue 16). All are refused
 * while the array is built, before any backend is involved, so this runs once, in the
 * cpu+reference process; what is accepted, and run options, on every backend:
 * test/ir/limits.test.ts.
 */
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { MAX_ELEMENTS } from '../../src/limits.js';
import { expectError } from '../helpers/suite.js';

/** Refused at once: a check that fired before allocating, not an allocation that failed slowly. */
function refusedFast(f: () => unknown, cls: new (...a: never[]) => Error, ...patterns: (RegExp | string)[]): void {
  const start = Date.now();
  expectError(f, cls, ...patterns);
  assert.ok(Date.now() - start < 1000, `refused after ${Date.now() - start} ms`);
}

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

test('explicit int32 of values it cannot hold is refused, naming the element; bool of NaN too', () => {
  expectError(() => ef.array([1, 3e9], undefined, { dtype: 'int32' }), ef.InvalidArgumentError, 'array:', 'values[1] is 3000000000', 'int32 cannot hold', "'float64'");
  expectError(() => ef.array([NaN], undefined, 'int32'), ef.InvalidArgumentError, 'values[0] is NaN');
  expectError(() => ef.array([[0, 1], [Infinity, 2]], undefined, 'int32'), ef.InvalidArgumentError, 'values[2] is Infinity');
  expectError(() => ef.array([1, NaN], undefined, 'bool'), ef.InvalidArgumentError, 'values[1] is NaN', 'bool cannot hold');
  expectError(() => ef.scalar(NaN, undefined, 'int32'), ef.InvalidArgumentError, 'scalar:', 'value is NaN');
  expectError(() => ef.full([2], -(2 ** 31) - 1, undefined, 'int32'), ef.InvalidArgumentError, 'full:', 'value is -2147483649');
  expectError(() => ef.arange(0, 2 ** 32, 2 ** 30, undefined, 'int32'), ef.InvalidArgumentError, 'arange:', 'the range is 3221225472');
  // the edges of int32 are accepted (the values they hold: test/ir/limits.test.ts)
  assert.is(ef.array([-(2 ** 31), 2 ** 31 - 1, 2.7], undefined, 'int32').dtype, 'int32');
});

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

test.run();
