/**
 * Passing op functions to map/forEach: (value, index, array) must not run as data-first calls
 * (add(x, 0), sum over axis 0); the error says what happened. Refused while the expression is
 * built, before any backend is involved, so this runs once, in the cpu+reference process; the
 * forms that work, computed on every backend: test/ir/map-trap.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const xs = [ef.array([[1, 2], [3, 4]]), ef.array([[5, 6], [7, 8]])];

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

test.run();
