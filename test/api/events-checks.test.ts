/**
 * Events (src/formats/events): the finer points of the checks, beyond test/api/events.test.ts:
 * the shape argument of ef.binary is checked by ef.binary itself (its own message, also for
 * BinaryArrays and lazy arrays of another rank), index lists holding values that cannot even be
 * compared (a symbol) are refused with the format error, unpack's messages compute what they
 * say (the expected word count, the neuron a padding bit would be), and the largest legal
 * dimension unpacks at once when there is nothing to hold. Nothing here is computed on a
 * backend, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';
/** The int32 index limit the docs state (2^31 − 1). */
const MAX_DIM = 2 ** 31 - 1;

test('binary: a bad shape argument is named by binary, at its position, with what was expected', () => {
  for (const [d, shown] of [[2.5, '2.5'], [-2, '-2'], ['2', '"2"'], [NaN, 'NaN'], [-0.5, '-0.5']] as const) {
    const e = expectError(() => ef.binary([1, 0], [d as number]), ef.InvalidArgumentError, `binary: shape[0] is ${shown}; expected a non-negative integer`);
    assert.not.match(e.message, 'must be', 'the message of ef.binary, not of a generic shape check');
  }
  expectError(() => ef.binary([1, 0, 1, 1], [2, 1.5]), ef.InvalidArgumentError, 'binary: shape[1] is 1.5; expected a non-negative integer');
  // the same check for a lazy array and for a BinaryArray
  expectError(() => ef.binary(ef.array([1, 0]).greater(0), [2.5]), ef.InvalidArgumentError, 'binary: shape[0] is 2.5; expected a non-negative integer');
  expectError(() => ef.binary(ef.binary([1, 0]), [-2]), ef.InvalidArgumentError, 'binary: shape[0] is -2; expected a non-negative integer');
});

test('binary: a shape argument for a lazy array must equal its shape, rank included; a BinaryArray too', () => {
  const reshape = (from: string, to: string): string => `binary: cannot reshape a lazy array of shape ${from} to ${to}; expected the shape argument to be omitted or equal to the array's shape`;
  // same leading sizes, another rank: still a reshape
  expectError(() => ef.binary(ef.zeros([2, 1]).greater(0), [2]), ef.ShapeMismatchError, reshape('[2, 1]', '[2]'));
  expectError(() => ef.binary(ef.zeros([2]).greater(0), [2, 1]), ef.ShapeMismatchError, reshape('[2]', '[2, 1]'));
  expectError(() => ef.binary(ef.zeros([3]).greater(0), []), ef.ShapeMismatchError, reshape('[3]', '[]'));
  // a BinaryArray is a lazy array: a shape argument is checked, not ignored
  const b = ef.binary([1, 0, 1]);
  expectError(() => ef.binary(b, [1, 3]), ef.ShapeMismatchError, reshape('[3]', '[1, 3]'));
  expectError(() => ef.binary(b, [4]), ef.ShapeMismatchError, reshape('[3]', '[4]'));
  const m = ef.binary([[1, 0], [0, 1]]);
  expectError(() => ef.binary(m, [4]), ef.ShapeMismatchError, reshape('[2, 2]', '[4]'));
  // an equal shape (or none) gives the very same array back
  assert.is(ef.binary(b, [3]), b);
  assert.is(ef.binary(m, [2, 2]), m);
  assert.is(ef.binary(m), m);
});

test('fromIndices: an index that cannot even be compared (a symbol) is the format error, in a vector or a row', () => {
  const s = Symbol('spike');
  expectError(() => ef.events.fromIndices([1, s as unknown as number], 4), ef.InvalidFormatError,
    'fromIndices: indices[1] is Symbol(spike)', 'expected an integer in [0, 4) (n = 4)');
  expectError(() => ef.events.fromIndices([s as unknown as number, 2], 4), ef.InvalidFormatError, 'fromIndices: indices[0] is Symbol(spike)');
  expectError(() => ef.events.fromIndices([[0], [1, s as unknown as number]], 4), ef.InvalidFormatError, 'fromIndices: indices[1][1] is Symbol(spike)');
  // and the call after it is unaffected
  assert.equal(Array.from(ef.events.fromIndices([1, 3], 4).indices()), [1, 3]);
});

test('unpack: the word count message computes rows * wordsPerRow', () => {
  const e = (rows: number, n: number, words: number): void => {
    const wpr = Math.ceil(n / 32);
    expectError(() => ef.events.unpack({ bits: new Uint32Array(words), shape: [rows, n], wordsPerRow: wpr }), ef.InvalidFormatError,
      `unpack: bits has ${words} words; expected rows * wordsPerRow = ${rows} * ${wpr} = ${rows * wpr} for shape [${rows}, ${n}]`);
  };
  e(2, 40, 3); // 2 * 2 = 4
  e(3, 70, 4); // 3 * 3 = 9
  e(5, 64, 0); // 5 * 2 = 10
});

test('unpack: a set padding bit names the neuron it would be (n rounded down to 32, plus the bit)', () => {
  expectError(() => ef.events.unpack({ bits: Uint32Array.of(0, 1 << 31, 1, 0), shape: [2, 34], wordsPerRow: 2 }), ef.InvalidFormatError,
    'unpack: padding bit 31 of word 1 (row 0) is set: it would be neuron 63, but n is 34; expected padding bits to be zero');
  expectError(() => ef.events.unpack({ bits: Uint32Array.of(0, 0, 1 << 9), shape: [70], wordsPerRow: 3 }), ef.InvalidFormatError,
    'padding bit 9 of word 2 (row 0) is set: it would be neuron 73, but n is 70');
  // any padding bit, as a property: test/api/events.test.ts
});

test('unpack: a dimension of exactly 2^31 − 1 is legal; with nothing to hold it unpacks at once', () => {
  const start = Date.now();
  const b = ef.events.unpack({ bits: new Uint32Array(0), shape: [MAX_DIM, 0], wordsPerRow: 0 });
  const ms = Date.now() - start;
  assert.ok(b instanceof ef.BinaryArray);
  assert.equal([...b.shape], [MAX_DIM, 0]);
  assert.is(b.dtype, 'bool');
  assert.is(b.rows, MAX_DIM);
  assert.is(b.n, 0);
  assert.ok(ms < 1000, `no work per row when n = 0: took ${ms} ms`);
  // one past it is refused
  expectError(() => ef.events.unpack({ bits: new Uint32Array(0), shape: [MAX_DIM + 1, 0], wordsPerRow: 0 }), ef.ResourceError,
    `unpack: shape [${MAX_DIM + 1}, 0] has a dimension of ${MAX_DIM + 1}; the limit is 2^31 − 1 = ${MAX_DIM}`);
});

test.run();
