/**
 * dtype rules on every backend: results come back in the typed array of their dtype, storage
 * rounding, scalars, astype, int32 and bool arithmetic. The dtype each op gives (promotion,
 * weak plain numbers, float-only ops, comparisons, reductions, constructors' defaults), which
 * is decided while the expression is built: test/api/dtype.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { DType } from '../../src/index.js';
import { dtype, lazyArray } from '../arbitraries/index.js';
import { ARITHMETIC, COMPARISON, binaryFn } from '../helpers/ops.js';
import { RUN_OPTS, expectDense, expectError, forEachBackend } from '../helpers/suite.js';

const STORAGE: Record<DType, string> = { bool: 'Uint8Array', int32: 'Int32Array', float32: 'Float32Array', float64: 'Float64Array' };

forEachBackend(test, 'results come back in the typed array of their dtype', () => {
  fc.assert(fc.property(lazyArray({ dtype }), fc.constantFrom(...ARITHMETIC, ...COMPARISON), (x, op) => {
    const y = binaryFn(op)(x.array, x.array);
    assert.is(y.dataSync().constructor.name, STORAGE[y.dtype], `${op} ${y.dtype}`);
    assert.is(x.array.sum().dataSync().constructor.name, STORAGE[x.array.sum().dtype]);
  }), RUN_OPTS);
});

forEachBackend(test, 'storage rounds: float32 holds fround, int32 truncates, bool is nonzero', (backend) => {
  const vals = [0.1, -1.7, 2.5, 0, -0.2, 3e9];
  expectDense(backend, ef.array(vals), { values: vals.map(Math.fround), shape: [6], dtype: 'float32' }, 'float32');
  // int32 truncates what it holds; 3e9 it cannot hold, and the constructor refuses it (test/api/limits.test.ts)
  expectDense(backend, ef.array(vals.slice(0, 5), undefined, { dtype: 'int32' }), { values: [0, -1, 2, 0, 0], shape: [5], dtype: 'int32' }, 'int32');
  expectDense(backend, ef.array(vals, undefined, { dtype: 'bool' }), { values: [1, 1, 1, 0, 1, 1], shape: [6], dtype: 'bool' }, 'bool');
  expectDense(backend, ef.array(vals, undefined, { dtype: 'float64' }), { values: vals, shape: [6], dtype: 'float64' }, 'float64');
});

forEachBackend(test, 'a scalar holds its value as its dtype stores it, like a one-element array', (backend) => {
  expectDense(backend, ef.scalar(1.5, undefined, 'int32').mul(2), { values: [2], shape: [], dtype: 'int32' }, 'int32 scalar');
  expectDense(backend, ef.scalar(5, undefined, 'bool').mul(2), { values: [2], shape: [], dtype: 'int32' }, 'bool scalar');
  expectDense(backend, ef.scalar(0.1).equal(ef.array([0.1])), { values: [1], shape: [1], dtype: 'bool' }, 'float32 scalar');
  fc.assert(fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), dtype, (v, d) => {
    const a = ef.scalar(v, undefined, d).mul(3).dataSync();
    const b = ef.array([v], undefined, { dtype: d }).mul(3).dataSync();
    assert.is(a[0], b[0], `scalar(${v}, ${d}) * 3 vs array`);
  }), RUN_OPTS);
});

forEachBackend(test, 'astype converts values: float -> int truncates, nonzero -> true', (backend) => {
  const x = ef.array([-1.7, 0, 0.4, 2.9]);
  expectDense(backend, x.astype('int32'), { values: [-1, 0, 0, 2], shape: [4], dtype: 'int32' }, 'int32');
  expectDense(backend, x.astype('bool'), { values: [1, 0, 1, 1], shape: [4], dtype: 'bool' }, 'bool');
  expectDense(backend, x.astype('bool').astype('float64'), { values: [1, 0, 1, 1], shape: [4], dtype: 'float64' }, 'bool -> float64');
  assert.is(x.astype('float32'), x, 'astype to its own dtype is the same array');
  expectError(() => x.astype('int8' as DType), ef.InvalidArgumentError, '"int8"', 'float32');
});

forEachBackend(test, 'int32 arithmetic stays integral; bool arithmetic counts', (backend) => {
  const i = ef.array([7, -7, 3], undefined, { dtype: 'int32' });
  expectDense(backend, i.add(i), { values: [14, -14, 6], shape: [3], dtype: 'int32' }, 'int add');
  expectDense(backend, i.div(2), { values: [3.5, -3.5, 1.5], shape: [3], dtype: 'float32' }, 'int div is true division');
  const b = ef.array([true, true, false]);
  expectDense(backend, b.add(b), { values: [2, 2, 0], shape: [3], dtype: 'int32' }, 'bool + bool');
  expectDense(backend, b.sum(), { values: [2], shape: [], dtype: 'int32' }, 'sum of bool counts');
  expectDense(backend, b.mean(), { values: [2 / 3], shape: [], dtype: 'float32' }, 'mean of bool');
});

test.run();
