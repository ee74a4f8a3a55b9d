/**
 * console.log(array): shape, dtype, unit and, for small arrays, the values when known without
 * computing (constructor data, scalars); more than 32 elements as a count; toString stays
 * short. Nothing here is computed, so it runs once, in the cpu+reference process; computed
 * arrays (lazy until the current backend has them): test/ir/inspect.test.ts.
 */
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';

const show = (x: unknown): string => inspect(x, { colors: false });

test('constructor data shows at once, nested by shape; bool as true/false; 0-d as its value', () => {
  assert.is(show(ef.array([[-70, -65], [-60, -55]], 'mV')), 'LazyArray(shape [2, 2], float32, mV) [ [ -70, -65 ], [ -60, -55 ] ]');
  assert.is(show(ef.array([true, false, true])), 'LazyArray(shape [3], bool, 1) [ true, false, true ]');
  assert.is(show(ef.scalar(0.5, 'nS', 'float64')), 'LazyArray(shape [], float64, nS) 0.5');
  assert.is(show(ef.scalar(0.1, 'ms')), `LazyArray(shape [], float32, ms) ${Math.fround(0.1)}`, 'the value as its dtype stores it');
  assert.is(show(ef.arange(3)), 'LazyArray(shape [3], int32, 1) [ 0, 1, 2 ]');
  assert.is(show(ef.zeros([0, 3])), 'LazyArray(shape [0, 3], float32, 1) []');
});

test('more than 32 elements: the count, never the values; exactly 32 are shown', () => {
  assert.is(show(ef.zeros([100], 'mV')), 'LazyArray(shape [100], float32, mV) (100 values)');
  assert.is(show(ef.zeros([33])), 'LazyArray(shape [33], float32, 1) (33 values)');
  assert.match(show(ef.zeros([4, 8])), /^LazyArray\(shape \[4, 8\], float32, 1\) \[ \[ 0, 0, 0, 0, 0, 0, 0, 0 \],/);
});

test('toString stays short: no values', () => {
  assert.is(String(ef.array([1, 2], 'mV')), 'LazyArray(shape [2], float32, mV)');
  assert.is(`${ef.array([1, 2], 'mV')}`, 'LazyArray(shape [2], float32, mV)');
});

test.run();
