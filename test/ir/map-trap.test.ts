/**
 * Passing op functions to map/forEach, on every backend: the lambda and data-last forms
 * compute what they should, and reductions take { axis, keepdims }. The refusals of
 * (value, index, array) run as data-first calls (add(x, 0), sum over axis 0), thrown while
 * building: test/api/map-trap.test.ts.
 */
import { pipe } from 'fp-ts/lib/function.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';

const xs = [ef.array([[1, 2], [3, 4]]), ef.array([[5, 6], [7, 8]])];
const values = (x: ef.LazyArray): number[] => Array.from(x.dataSync());

forEachBackend(test, 'the regression: [x].map(ef.add) no longer computes x + 0, and the lambda and data-last forms work', () => {
  const y = ef.scalar(10);
  assert.equal(xs.map((x) => values(ef.add(x, y))), [[11, 12, 13, 14], [15, 16, 17, 18]]);
  assert.equal(xs.map(ef.add(y)).map(values), [[11, 12, 13, 14], [15, 16, 17, 18]], 'the data-last form ignores map extras');
  assert.equal(xs.map(ef.neg).map(values), [[-1, -2, -3, -4], [-5, -6, -7, -8]], 'unary functions are safe in map');
  assert.equal(xs.map(ef.sum()).map((s) => s.item()), [10, 26]);
});

forEachBackend(test, 'reductions: ef.sum(x, { axis, keepdims }) and ef.sum({ axis, keepdims }) equal the methods', () => {
  const x = xs[0]!;
  assert.equal(values(ef.sum(x, { axis: 0 })), [4, 6]);
  assert.equal(values(ef.sum(x, { axis: -1 })), [3, 7]);
  assert.equal(ef.sum(x, { axis: 1, keepdims: true }).shape, [2, 1]);
  assert.is(ef.sum(x).item(), 10);
  assert.is(ef.sum(x, {}).item(), 10);
  assert.equal(values(pipe(x, ef.mean({ axis: 1 }))), [1.5, 3.5]);
  assert.equal(pipe(x, ef.max({ keepdims: true })).shape, [1, 1]);
  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    assert.ok(ef[op](x, { axis: 0, keepdims: true }).node === x[op](0, { keepdims: true }).node, `${op} function and method`);
    assert.ok(pipe(x, ef[op]({ axis: 1 })).node === x[op](1).node, `${op} data-last and method`);
  }
});

test.run();
