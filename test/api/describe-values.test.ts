/**
 * How the format layer's messages show the values they refuse (src/formats/describe.ts), seen
 * through the messages users get: an array of up to 8 elements shows them, so a wrong value
 * reads as given, a longer one only its length; elements that are themselves arrays show as
 * "an array of length n" or their typed-array class (one level deep, never their contents);
 * strings are quoted where the message quotes them and shown bare in the messages that always
 * printed them bare, and either way a string over 40 characters is cut to its first 40 and an
 * ellipsis, so a huge string cannot flood the message.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const IA = ef.InvalidArgumentError;
const M = ef.dense([[1, 2], [3, 4]], 'nS');

/** The message of dense.leftProduct for an operand `x` that is not a LazyArray. */
const leftProductMessage = (x: unknown): string => expectError(() => M.leftProduct(x as ef.LazyArray), IA).message;
const asOperand = (shown: string): string => `dense.leftProduct: x is ${shown}; expected a LazyArray (a vector or a matrix)`;
const iota = (n: number): number[] => Array.from({ length: n }, (_, k) => k + 1);

test('an array of up to 8 elements shows its elements; 9 or more only its length', () => {
  assert.is(leftProductMessage([]), asOperand('[]'));
  assert.is(leftProductMessage([0.5, -1]), asOperand('[0.5, -1]'));
  assert.is(leftProductMessage(iota(7)), asOperand('[1, 2, 3, 4, 5, 6, 7]'));
  assert.is(leftProductMessage(iota(8)), asOperand('[1, 2, 3, 4, 5, 6, 7, 8]'));
  assert.is(leftProductMessage(iota(9)), asOperand('an array of length 9'));
  assert.is(leftProductMessage(iota(1000)), asOperand('an array of length 1000'));
  // the same rule in another caller: a matrix of a shared weight asked for an array operand
  const W = ef.csr({ indptr: [0, 1], indices: [0], data: [1], shape: [1, 1] });
  assert.ok(expectError(() => W.rightProduct(iota(8) as unknown as ef.LazyArray), IA).message.includes('x is [1, 2, 3, 4, 5, 6, 7, 8];'));
  assert.ok(expectError(() => W.rightProduct(iota(9) as unknown as ef.LazyArray), IA).message.includes('x is an array of length 9;'));
});

test('elements that are arrays show their length or typed class, never their contents; other elements show as values', () => {
  assert.is(leftProductMessage([[1, 2], [3, 4]]), asOperand('[an array of length 2, an array of length 2]'));
  assert.is(leftProductMessage([[], [[1]]]), asOperand('[an array of length 0, an array of length 1]'));
  assert.is(leftProductMessage([Float32Array.of(1, 2), Uint8Array.of(3)]), asOperand('[a Float32Array, a Uint8Array]'));
  assert.is(leftProductMessage([Int32Array.of(1), new Map()]), asOperand('[an Int32Array, a Map]'));
  assert.is(leftProductMessage([1, 'a', null, undefined, 2n, true]), asOperand('[1, "a", null, undefined, 2n (a BigInt), true]'));
  // a typed array itself shows its class and length
  assert.is(leftProductMessage(Float64Array.of(1, 2, 3)), asOperand('a Float64Array of length 3'));
  assert.is(leftProductMessage('abc'), asOperand('"abc"'));
});

test('a string up to 40 characters shows whole; a longer one its first 40 and an ellipsis, quoted or bare', () => {
  const s40 = 'float32 or float64, whichever is faster!'; // 40 characters
  assert.is(s40.length, 40);
  const s41 = `${s40}?`;
  const s100 = 'abcdefghij'.repeat(10);
  const dtypeMessage = (dtype: string): string =>
    expectError(() => ef.dense([[1]], undefined, { dtype: dtype as 'float32' }), IA).message;
  // bare (the dtype messages print the value as given)
  assert.is(dtypeMessage('float16'), "dense: dtype is float16; expected 'float32' or 'float64'");
  assert.is(dtypeMessage(s40), `dense: dtype is ${s40}; expected 'float32' or 'float64'`);
  assert.is(dtypeMessage(s41), `dense: dtype is ${s40}…; expected 'float32' or 'float64'`);
  assert.is(dtypeMessage(s100), `dense: dtype is ${s100.slice(0, 40)}…; expected 'float32' or 'float64'`);
  // quoted, as an element of an array
  assert.is(leftProductMessage([s40]), asOperand(`["${s40}"]`));
  assert.is(leftProductMessage([s41]), asOperand(`["${s40}…"]`));
});

test.run();
