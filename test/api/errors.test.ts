/**
 * Bad input gives typed errors that say what was given and what was expected: ragged and
 * non-numeric data, shapes that do not broadcast, bad shape entries and axes, matmul shapes,
 * other bad arguments, the error classes, frozen arrays. All are thrown (or hold) while the
 * array is built, before any backend is involved, so this runs once, in the cpu+reference
 * process. The Either forms and the immutability of computed data, on every backend:
 * test/ir/errors.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayData } from '../../src/index.js';
import { arrayOf, dtype, incompatiblePair, lazyArray, shape, sizeOf } from '../arbitraries/index.js';
import { build } from '../../src/ir/build.js';
import { constNode } from '../../src/ir/leaves.js';
import { RUN_OPTS, expectError } from '../helpers/suite.js';

const show = (s: readonly number[]): string => `[${s.join(', ')}]`;

test('ragged data throws InvalidArgumentError naming the path and the lengths', () => {
  expectError(() => ef.array([[1, 2], [3]]), ef.InvalidArgumentError, 'ragged', 'values[1]', 'length 1', 'expected length 2');
  expectError(() => ef.array([[1], []]), ef.InvalidArgumentError, 'ragged', 'values[1]');
  expectError(() => ef.array([[], [1]]), ef.InvalidArgumentError, 'ragged', 'values[1]');
  expectError(() => ef.array([[1, 2], 3]), ef.InvalidArgumentError, 'ragged', 'values[1]');
  expectError(() => ef.array([[[1, 2], [3, 4]], [[5, 6], [7]]]), ef.InvalidArgumentError, 'values[1][1]', 'expected length 2');
  expectError(() => ef.array([[1, 2], [3, [4]]] as unknown as ArrayData), ef.InvalidArgumentError, 'values[1][1]', 'an array');
});

test('ragged data (property): shortening any row of a rectangular array is caught', () => {
  fc.assert(fc.property(shape({ minRank: 2, maxRank: 3, minDim: 2, maxDim: 3 }), fc.nat(), (s, pick) => {
    const build = (depth: number, path: number[]): unknown =>
      depth === s.length ? 1 : Array.from({ length: s[depth]! }, (_, i) => build(depth + 1, [...path, i]));
    const data = build(0, []) as unknown[];
    // drop the last element of one innermost row other than the first (which sets the shape)
    let row = data;
    const path: number[] = [];
    for (let d = 0; d < s.length - 1; d++) {
      const i = 1 + ((pick >> d) % (s[d]! - 1));
      path.push(i);
      row = row[i] as unknown[];
    }
    row.pop();
    expectError(() => ef.array(data as ArrayData), ef.InvalidArgumentError, 'ragged', `values[${path.join('][')}]`);
  }), RUN_OPTS);
});

test('non-numeric data throws InvalidArgumentError naming the element', () => {
  const bad: [unknown, string][] = [['a', '"a"'], [null, 'null'], [undefined, 'undefined'], [{}, 'an object'], [Symbol('s'), 'symbol'], [1n, '1n (a BigInt)']];
  for (const [v, shown] of bad) {
    expectError(() => ef.array([1, v] as unknown as ArrayData), ef.InvalidArgumentError, 'values[1]', shown, 'expected a number or boolean');
  }
  expectError(() => ef.array([[1, 2], [3, '4']] as unknown as ArrayData), ef.InvalidArgumentError, 'values[1][1]');
  expectError(() => ef.scalar('1' as unknown as number), ef.InvalidArgumentError, 'scalar', 'number');
  expectError(() => ef.full([2], '1' as unknown as number), ef.InvalidArgumentError, 'full', 'number');
  expectError(() => ef.arange(NaN), ef.InvalidArgumentError, 'arange', 'NaN');
  expectError(() => ef.arange(0, 1, 0), ef.InvalidArgumentError, 'arange', 'step');
  expectError(() => ef.add(ef.array([1]), '1' as unknown as number), ef.InvalidArgumentError, 'add', 'second operand', 'got "1"');
});

test('shapes that do not broadcast throw ShapeMismatchError naming both shapes (property)', () => {
  fc.assert(fc.property(incompatiblePair(), dtype, ({ a, b, sizes }, d) => {
    const x = ef.zeros(a, undefined, d);
    const y = ef.zeros(b, undefined, d);
    for (const [name, f] of [['add', () => x.add(y)], ['mul', () => ef.mul(y, x)], ['greater', () => x.greater(y)], ['maximum', () => x.maximum(y)]] as const) {
      const first = name === 'mul' ? b : a;
      const second = name === 'mul' ? a : b;
      expectError(f, ef.ShapeMismatchError, `${name}:`, show(first), show(second), 'do not broadcast', String(sizes[0]), String(sizes[1]));
    }
    expectError(() => ef.where(ef.zeros(a), y, 0), ef.ShapeMismatchError, 'where:');
    expectError(() => ef.clip(x, 0, y), ef.ShapeMismatchError, 'clip:', show(b));
  }), RUN_OPTS);
});

test('NaN, negative, fractional or non-numeric shape entries throw InvalidArgumentError', () => {
  const bad: [unknown, string][] = [[NaN, 'NaN'], [-1, '-1'], [1.5, '1.5'], [Infinity, 'Infinity'], ['2', '2']];
  for (const [v, shown] of bad) {
    const s = [2, v] as unknown as number[];
    for (const f of [() => ef.zeros(s), () => ef.ones(s), () => ef.full(s, 1), () => ef.array([1, 2], undefined, { shape: s })]) {
      expectError(f, ef.InvalidArgumentError, 'shape[1]', shown, 'non-negative integer');
    }
  }
  expectError(() => ef.zeros(3 as unknown as number[]), ef.InvalidArgumentError, 'shape', 'array');
});

test('a shape option that does not hold the data throws ShapeMismatchError', () => {
  fc.assert(fc.property(arrayOf(shape({ maxRank: 3, maxDim: 3 }), 'float32'), shape({ maxRank: 3, maxDim: 3 }), (c, s) => {
    if (sizeOf(s) === c.values.length) {
      assert.equal([...ef.array(c.values, undefined, { shape: s }).shape], s);
    } else {
      expectError(() => ef.array(c.values, undefined, { shape: s }), ef.ShapeMismatchError, show(s), `${sizeOf(s)} elements`, `${c.values.length}`);
    }
  }), RUN_OPTS);
});

test('a bad axis throws ShapeMismatchError naming the axis and the allowed range (property)', () => {
  fc.assert(fc.property(lazyArray({ shapeOptions: { minDim: 1, maxRank: 3 } }), fc.integer({ min: -8, max: 8 }), fc.constantFrom('sum', 'mean', 'max', 'min'), (x, axis, op) => {
    const r = x.shape.length;
    const f = () => x.array[op as 'sum'](axis);
    if (axis >= -r && axis < r) {
      assert.is(f().ndim, r - 1);
    } else {
      expectError(f, ef.ShapeMismatchError, `${op}:`, `axis ${axis}`, `rank ${r}`, `[${-r}, ${r - 1}]`);
    }
  }), RUN_OPTS);
  expectError(() => ef.array([1, 2]).sum(0.5), ef.ShapeMismatchError, 'axis 0.5');
  expectError(() => ef.array([1, 2]).sum(NaN), ef.ShapeMismatchError, 'axis NaN');
});

test('matmul of unsupported shapes throws ShapeMismatchError with both shapes', () => {
  expectError(() => ef.matmul(ef.array([1, 2]), ef.array([1, 2, 3])), ef.ShapeMismatchError, 'matmul', '[2] @ [3]', '2 != 3');
  expectError(() => ef.matmul(ef.zeros([2, 3]), ef.zeros([2, 3])), ef.ShapeMismatchError, 'matmul', '[2, 3]');
  expectError(() => ef.matmul(ef.scalar(1), ef.zeros([2])), ef.ShapeMismatchError, 'matmul', '1-D or 2-D', '[]');
  expectError(() => ef.matmul(ef.zeros([2, 2, 2]), ef.zeros([2])), ef.ShapeMismatchError, 'matmul', '[2, 2, 2]');
  // the right operand's rank is checked too: 0-D and 3-D are refused, as on the left
  expectError(() => ef.matmul(ef.zeros([2]), ef.zeros([2, 2, 2])), ef.ShapeMismatchError, 'matmul', '1-D or 2-D', '[2] and [2, 2, 2]');
  expectError(() => ef.matmul(ef.zeros([2]), ef.scalar(1)), ef.ShapeMismatchError, 'matmul', '1-D or 2-D', '[2] and []');
});

test('an internal gather (the reordering behind transposes and conversions) refuses non-int32 indices, naming their dtype', () => {
  const data = constNode(Float64Array.of(1, 2, 3), [3]);
  expectError(() => build('gather', [data, constNode(Float32Array.of(2, 0), [2])]), ef.InvalidArgumentError, 'gather: indices must be int32, got float32');
  // control: int32 indices give the indices' shape and the data's dtype
  const g = build('gather', [data, constNode(Int32Array.of(2, 0), [2])]);
  assert.equal([...g.shape], [2]);
  assert.is(g.dtype, 'float64');
});

test('other bad arguments: dtype, item(), backend name', () => {
  expectError(() => ef.zeros([2], undefined, 'float16' as ef.DType), ef.InvalidArgumentError, '"float16"', 'bool, int32, float32, float64');
  expectError(() => ef.array([1], undefined, { dtype: 'uint8' as ef.DType }), ef.InvalidArgumentError, '"uint8"');
  expectError(() => ef.zeros([2]).item(), ef.InvalidArgumentError, 'item', '[2]');
  expectError(() => ef.setBackend('no-such-backend'), ef.InvalidArgumentError, "'no-such-backend'", 'reference');
});

test('every error class derives from EventfuseError and carries its own name', () => {
  const classes = [ef.UnitMismatchError, ef.ShapeMismatchError, ef.InvalidFormatError, ef.InvalidArgumentError, ef.BackendUnavailableError];
  for (const C of classes) {
    const e = new C('msg');
    assert.ok(e instanceof ef.EventfuseError && e instanceof Error);
    assert.is(e.name, C.name);
    assert.ok(String(e).startsWith(`${C.name}: msg`));
  }
});

test('arrays and their shapes are frozen', () => {
  const x = ef.array([[1, 2]], 'mV');
  assert.ok(Object.isFrozen(x));
  assert.ok(Object.isFrozen(x.shape));
  assert.throws(() => { (x.shape as number[])[0] = 5; });
  assert.equal([...x.shape], [1, 2]);
});

test.run();
