/**
 * Passing op functions to map/forEach: (value, index, array) must not run as data-first calls
 * (add(x, 0), sum over axis 0); the error says what happened. Reductions take { axis, keepdims }.
 */
import { pipe } from 'fp-ts/lib/function.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const xs = [ef.array([[1, 2], [3, 4]]), ef.array([[5, 6], [7, 8]])];
const values = (x: ef.LazyArray): number[] => Array.from(x.dataSync());

test('xs.map(ef.add) is refused, naming the arguments map passes and the fix', () => {
  expectError(() => xs.map(ef.add), ef.InvalidArgumentError,
    'add takes 2 arguments, got 3: passing ef.add to map/forEach passes (value, index, array); write xs.map((x) => ef.add(x, y))');
  expectError(() => xs.forEach(ef.mul), ef.InvalidArgumentError, 'mul takes 2 arguments, got 3');
  expectError(() => xs.map(ef.matmul), ef.InvalidArgumentError, 'matmul takes 2 arguments, got 3', 'ef.matmul(x, W)');
  expectError(() => xs.reduce(ef.add), ef.InvalidArgumentError, 'add takes 2 arguments, got 4');
});

test('every binary and ternary function refuses one argument too many, and still works with the right count', () => {
  const x = ef.array([1, 2]);
  for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'greater', 'less', 'equal', 'notEqual'] as const) {
    const f = ef[op] as unknown as (...a: unknown[]) => unknown;
    expectError(() => f(x, x, 0), ef.InvalidArgumentError, `${op} takes 2 arguments, got 3`);
    assert.ok(f(x, x) instanceof ef.LazyArray);
  }
  const where = ef.where as unknown as (...a: unknown[]) => unknown;
  const clip = ef.clip as unknown as (...a: unknown[]) => unknown;
  expectError(() => where(x, x, x, 0), ef.InvalidArgumentError, 'where takes 3 arguments, got 4', 'ef.where(x, a, b)');
  expectError(() => clip(x, x, x, 0), ef.InvalidArgumentError, 'clip takes 3 arguments, got 4', 'ef.clip(x, lo, hi)');
});

test('the regression: [x].map(ef.add) no longer computes x + 0, and the lambda and data-last forms work', () => {
  const y = ef.scalar(10);
  assert.equal(xs.map((x) => values(ef.add(x, y))), [[11, 12, 13, 14], [15, 16, 17, 18]]);
  assert.equal(xs.map(ef.add(y)).map(values), [[11, 12, 13, 14], [15, 16, 17, 18]], 'the data-last form ignores map extras');
  assert.equal(xs.map(ef.neg).map(values), [[-1, -2, -3, -4], [-5, -6, -7, -8]], 'unary functions are safe in map');
  assert.equal(xs.map(ef.sum()).map((s) => s.item()), [10, 26]);
});

test('the regression: [x].map(ef.sum) no longer sums over axis 0: refused, with the new form named', () => {
  // (strict tsc already refuses xs.map(ef.sum): the index is not an options object)
  expectError(() => xs.map(ef.sum as unknown as (x: ef.LazyArray) => ef.LazyArray), ef.InvalidArgumentError, 'sum takes 2 arguments, got 3', 'map/forEach');
  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    const f = ef[op] as unknown as (...a: unknown[]) => unknown;
    expectError(() => f(xs[0], 0), ef.InvalidArgumentError, `${op}: the second argument is the number 0`,
      `ef.${op}(x, { axis: 0 })`, `x.${op}(0)`, 'map/forEach');
    expectError(() => f(1), ef.InvalidArgumentError, `${op}: the first argument is the number 1`, `ef.${op}({ axis: 1 })`);
    expectError(() => f(1, { keepdims: true }), ef.InvalidArgumentError, `ef.${op}({ axis: 1 })`);
    expectError(() => f(xs[0], { axes: 1 }), ef.InvalidArgumentError, `${op}: unknown option 'axes'`);
    expectError(() => f(xs[0], 'x'), ef.InvalidArgumentError, `${op}: options must be an object`);
    expectError(() => f('x', {}), ef.InvalidArgumentError, `${op}: expected a LazyArray as the first argument, got "x"`);
    expectError(() => f(xs[0], { axis: 'a' }), ef.InvalidArgumentError, `${op}: axis must be an integer`);
    expectError(() => f(xs[0], { axis: 2 }), ef.ShapeMismatchError, `${op}: axis 2 is out of range`);
  }
});

test('reductions: ef.sum(x, { axis, keepdims }) and ef.sum({ axis, keepdims }) equal the methods', () => {
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
