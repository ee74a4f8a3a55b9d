/**
 * console.log(array): shape, dtype, unit and, for small arrays, the values when known without
 * computing (constructor data, scalars, results the current backend already has); else (lazy).
 */
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';

const show = (x: unknown): string => inspect(x, { colors: false });

/** Run `f` on `name`, then return to the backend that was current. */
function on(name: string, f: () => void): void {
  const previous = ef.backend();
  ef.setBackend(name);
  try {
    f();
  } finally {
    ef.setBackend(previous);
  }
}

test('constructor data shows at once, nested by shape; bool as true/false; 0-d as its value', () => {
  assert.is(show(ef.array([[-70, -65], [-60, -55]], 'mV')), 'LazyArray(shape [2, 2], float32, mV) [ [ -70, -65 ], [ -60, -55 ] ]');
  assert.is(show(ef.array([true, false, true])), 'LazyArray(shape [3], bool, 1) [ true, false, true ]');
  assert.is(show(ef.scalar(0.5, 'nS', 'float64')), 'LazyArray(shape [], float64, nS) 0.5');
  assert.is(show(ef.scalar(0.1, 'ms')), `LazyArray(shape [], float32, ms) ${Math.fround(0.1)}`, 'the value as its dtype stores it');
  assert.is(show(ef.arange(3)), 'LazyArray(shape [3], int32, 1) [ 0, 1, 2 ]');
  assert.is(show(ef.zeros([0, 3])), 'LazyArray(shape [0, 3], float32, 1) []');
});

test('a computed array is (lazy) until computed on the current backend, and inspecting computes nothing', () => {
  on('cpu', () => {
    const w = ef.array([1, 2], 'mV').add(ef.scalar(1, 'V')).mul(3);
    assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)');
    assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)', 'the first inspect did not compute it');
    w.dataSync();
    assert.is(show(w), 'LazyArray(shape [2], float32, mV) [ 3003, 3006 ]');
    on('reference', () => assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)', 'values are per backend'));
  });
});

test('more than 32 elements: the count, never the values; exactly 32 are shown', () => {
  assert.is(show(ef.zeros([100], 'mV')), 'LazyArray(shape [100], float32, mV) (100 values)');
  assert.is(show(ef.zeros([33])), 'LazyArray(shape [33], float32, 1) (33 values)');
  assert.match(show(ef.zeros([4, 8])), /^LazyArray\(shape \[4, 8\], float32, 1\) \[ \[ 0, 0, 0, 0, 0, 0, 0, 0 \],/);
});

test('inside a nested value and inside a traced step, inspect works and throws nothing', async () => {
  assert.is(show({ v: ef.array([1]) }), '{ v: LazyArray(shape [1], float32, 1) [ 1 ] }');
  assert.is(show([ef.array([1]).neg()]), '[ LazyArray(shape [1], float32, 1) (lazy) ]');
  const seen: string[] = [];
  await ef.compile((s) => {
    seen.push(show(s.v), show(s.v!.add(1)));
    return { state: { v: s.v!.add(1) } };
  }).run({ v: ef.array([0, 0]) }, { steps: 2 });
  assert.ok(seen.length > 0);
  for (const text of seen) assert.is(text, 'LazyArray(shape [2], float32, 1) (lazy)');
});

test('toString stays short: no values', () => {
  assert.is(String(ef.array([1, 2], 'mV')), 'LazyArray(shape [2], float32, mV)');
  assert.is(`${ef.array([1, 2], 'mV')}`, 'LazyArray(shape [2], float32, mV)');
});

test.run();
