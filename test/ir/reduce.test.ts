/**
 * Reductions (sum, mean, max, min over all elements or one axis, keepdims) and dense matmul
 * against the oracle, on every backend; data-first, data-last and methods agree.
 */
import fc from 'fast-check';
import { pipe } from 'fp-ts/function';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, ReduceOptions } from '../../src/index.js';
import { broadcastPair, dtype, lazyArray, lazyArrays, shape, type LazyCase, type ShapeOptions } from '../arbitraries/index.js';
import { applyOp, dense, matmul, reduce, type Dense } from '../helpers/oracle.js';
import { RUN_OPTS, expectDense, expectError, expectIdentical, forEachBackend } from '../helpers/suite.js';

type Red = 'sum' | 'mean' | 'max' | 'min';
const REDUCTIONS: readonly Red[] = ['sum', 'mean', 'max', 'min'];

// The function forms take the axis inside the options object: ef.sum(x, { axis, keepdims }).
const fn = (op: Red) => (x: LazyArray, axis?: number, o?: ReduceOptions): LazyArray => ef[op](x, { ...o, axis });
const last = (op: Red) => (axis?: number, o?: ReduceOptions): ((x: LazyArray) => LazyArray) => ef[op]({ ...o, axis });
const method = (op: Red) => (x: LazyArray, axis?: number, o?: ReduceOptions): LazyArray => x[op](axis, o);

/** max/min have no identity: keep their inputs non-empty. */
const shapesFor = (op: Red, extra: ShapeOptions = {}): ShapeOptions => ({ maxRank: 4, maxDim: 3, ...extra, ...(op === 'max' || op === 'min' ? { minDim: 1 } : {}) });
const sumAbs = (c: LazyCase): number => c.values.reduce((a, v) => a + Math.abs(v), 0);

/** An array and an axis of it, counted from either end. */
const withAxis = (op: Red): fc.Arbitrary<[LazyCase, number]> =>
  lazyArray({ shape: shape(shapesFor(op, { minRank: 1 })), dtype }).chain((x) =>
    fc.tuple(fc.constant(x), fc.integer({ min: -x.shape.length, max: x.shape.length - 1 })));

for (const op of REDUCTIONS) {
  forEachBackend(test, `${op} over all elements, with and without keepdims`, (backend) => {
    fc.assert(fc.property(lazyArray({ shapeOptions: shapesFor(op), dtype }), fc.boolean(), (x, keepdims) => {
      const expected = reduce(op, dense(x), null, keepdims);
      expectDense(backend, fn(op)(x.array, undefined, { keepdims }), expected, `${op}(${x.array}, keepdims ${keepdims})`, sumAbs(x));
      if (!keepdims) expectIdentical(fn(op)(x.array), fn(op)(x.array, undefined, { keepdims: false }), `${op}() default`);
    }), RUN_OPTS);
  });

  forEachBackend(test, `${op} over each axis (negative axes too), with and without keepdims`, (backend) => {
    fc.assert(fc.property(withAxis(op), fc.boolean(), ([x, axis], keepdims) => {
      const expected = reduce(op, dense(x), axis, keepdims);
      expectDense(backend, fn(op)(x.array, axis, { keepdims }), expected, `${op}(${x.array}, axis ${axis}, keepdims ${keepdims})`, sumAbs(x));
      // a negative axis is the same reduction as its positive spelling
      const pos = axis < 0 ? axis + x.shape.length : axis;
      expectIdentical(fn(op)(x.array, pos, { keepdims }), fn(op)(x.array, axis, { keepdims }), `${op} axis ${axis} vs ${pos}`);
    }), RUN_OPTS);
  });

  forEachBackend(test, `${op}: data-first, data-last (pipe) and the method agree bit for bit`, () => {
    fc.assert(fc.property(withAxis(op), fc.boolean(), ([x, axis], keepdims) => {
      const first = fn(op)(x.array, axis, { keepdims });
      expectIdentical(pipe(x.array, last(op)(axis, { keepdims })), first, `pipe ${op}`);
      expectIdentical(method(op)(x.array, axis, { keepdims }), first, `method ${op}`);
      expectIdentical(pipe(x.array, last(op)()), fn(op)(x.array), `pipe ${op}()`);
    }), RUN_OPTS);
  });

  forEachBackend(test, `${op} of a broadcast expression matches the oracle`, (backend) => {
    const shapes = broadcastPair(shapesFor(op, { minRank: 1 }));
    fc.assert(fc.property(
      shapes.chain(([a, b]) => lazyArrays([a, b], 'float32', { min: -10, max: 10 })),
      fc.integer({ min: -4, max: 3 }),
      ([x, y], rawAxis) => {
        const s = applyOp('mul', [dense(x), dense(y)]);
        if (s.shape.length === 0 || (s.values.length === 0 && op !== 'sum' && op !== 'mean')) return;
        const axis = ((rawAxis % s.shape.length) + s.shape.length) % s.shape.length;
        const expected = reduce(op, s, axis);
        expectDense(backend, fn(op)(x.array.mul(y.array), axis), expected, `${op}(x*y, ${axis})`, 100 * s.values.length);
      },
    ), RUN_OPTS);
  });
}

forEachBackend(test, 'sum and mean of an empty array are 0 and NaN; max/min of one throw', (backend) => {
  const e = ef.zeros([0, 3]);
  expectDense(backend, e.sum(), { values: [0], shape: [], dtype: 'float32' }, 'sum []');
  expectDense(backend, e.sum(0), { values: [0, 0, 0], shape: [3], dtype: 'float32' }, 'sum axis 0');
  expectDense(backend, e.sum(1), { values: [], shape: [0], dtype: 'float32' }, 'sum axis 1');
  expectDense(backend, e.mean(), { values: [NaN], shape: [], dtype: 'float32' }, 'mean []');
  expectDense(backend, e.max(1), { values: [], shape: [0], dtype: 'float32' }, 'max over a non-empty axis of an empty array');
  for (const op of ['max', 'min'] as const) {
    expectError(() => e[op](), ef.ShapeMismatchError, `${op}:`, '[0, 3]', 'empty');
    expectError(() => e[op](0), ef.ShapeMismatchError, `${op}:`, '[0, 3]');
  }
});

forEachBackend(test, 'concrete reductions of a 2x3 matrix', (backend) => {
  const x = ef.array([[1, 5, -2], [4, 0, 3]], 'mV');
  expectDense(backend, x.sum(), { values: [11], shape: [], dtype: 'float32' }, 'sum');
  expectDense(backend, x.sum(0), { values: [5, 5, 1], shape: [3], dtype: 'float32' }, 'sum 0');
  expectDense(backend, x.sum(-1, { keepdims: true }), { values: [4, 7], shape: [2, 1], dtype: 'float32' }, 'sum -1 keepdims');
  expectDense(backend, x.max(1), { values: [5, 4], shape: [2], dtype: 'float32' }, 'max 1');
  expectDense(backend, x.min(0), { values: [1, 0, -2], shape: [3], dtype: 'float32' }, 'min 0');
  expectDense(backend, x.mean(0), { values: [2.5, 2.5, 0.5], shape: [3], dtype: 'float32' }, 'mean 0');
  expectDense(backend, x.mean(undefined, { keepdims: true }), { values: [11 / 6], shape: [1, 1], dtype: 'float32' }, 'mean keepdims');
});

// ------------------------------------------------------------------ matmul

/** Operands of a dense matmul: each 1-D or 2-D, inner sizes equal (0 included). */
const matmulOperands: fc.Arbitrary<[LazyCase, LazyCase]> = fc
  .record({ m: fc.integer({ min: 0, max: 4 }), k: fc.integer({ min: 0, max: 4 }), n: fc.integer({ min: 0, max: 4 }), aVec: fc.boolean(), bVec: fc.boolean() })
  .chain(({ m, k, n, aVec, bVec }) =>
    fc.tuple(
      lazyArray({ shape: aVec ? [k] : [m, k], dtype, values: { min: -10, max: 10 } }),
      lazyArray({ shape: bVec ? [k] : [k, n], dtype, values: { min: -10, max: 10 } }),
    ));

forEachBackend(test, 'matmul of 1-D and 2-D operands in every combination matches the oracle', (backend) => {
  fc.assert(fc.property(matmulOperands, ([a, b]) => {
    const k = a.shape[a.shape.length - 1]!;
    expectDense(backend, ef.matmul(a.array, b.array), matmul(dense(a), dense(b)), `matmul ${a.array} @ ${b.array}`, 100 * k);
  }), RUN_OPTS);
});

forEachBackend(test, 'matmul: data-first, data-last (pipe) and the method agree bit for bit', () => {
  fc.assert(fc.property(matmulOperands, ([a, b]) => {
    const first = ef.matmul(a.array, b.array);
    expectIdentical(pipe(a.array, ef.matmul(b.array)), first, 'pipe matmul');
    expectIdentical(a.array.matmul(b.array), first, 'method matmul');
  }), RUN_OPTS);
});

forEachBackend(test, 'matmul: concrete vector and matrix products', (backend) => {
  const A = ef.array([[1, 2, 3], [4, 5, 6]]);
  const v3 = ef.array([1, 0, -1]);
  const v2 = ef.array([2, -1]);
  const want = (values: number[], shape: number[]): Dense => ({ values, shape, dtype: 'float32' });
  expectDense(backend, A.matmul(v3), want([-2, -2], [2]), 'A @ v');
  expectDense(backend, v2.matmul(A), want([-2, -1, 0], [3]), 'v @ A');
  expectDense(backend, v3.matmul(v3), want([2], []), 'v @ v');
  expectDense(backend, A.matmul(ef.array([[1, 0], [0, 1], [1, 1]])), want([4, 5, 10, 11], [2, 2]), 'A @ B');
  assert.is(ef.matmul(ef.array([true, true]), ef.array([true, false])).dtype, 'int32');
});

test.run();
