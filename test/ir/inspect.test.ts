/**
 * console.log(array) on every backend: a computed array shows its values once the current
 * backend has them, (lazy) before, and inspecting computes nothing, also inside a traced step.
 * What constructor data, large arrays and toString show without any backend:
 * test/api/inspect.test.ts.
 */
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';

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

forEachBackend(test, 'a computed array is (lazy) until computed on the current backend, and inspecting computes nothing', (backend) => {
  const w = ef.array([1, 2], 'mV').add(ef.scalar(1, 'V')).mul(3);
  assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)');
  assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)', 'the first inspect did not compute it');
  w.dataSync();
  assert.is(show(w), 'LazyArray(shape [2], float32, mV) [ 3003, 3006 ]');
  const other = backend === 'reference' ? 'cpu' : 'reference';
  on(other, () => assert.is(show(w), 'LazyArray(shape [2], float32, mV) (lazy)', 'values are per backend'));
});

forEachBackend(test, 'inside a nested value and inside a traced step, inspect works and throws nothing', async () => {
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

test.run();
