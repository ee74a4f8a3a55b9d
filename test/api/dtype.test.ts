/**
 * The dtype of every result, decided while the expression is built (no backend involved, so
 * this runs once, in the cpu+reference process): the promotion table (bool < int32 < float32
 * < float64), weak plain numbers, float-only ops, comparisons, where, reductions, constructors'
 * defaults. The values each dtype holds, on every backend: test/ir/dtype.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { DType, LazyArray } from '../../src/index.js';
import { DTYPE_LIST, dtype, plainNumber } from '../arbitraries/index.js';
import { promoteTypes, reduceDType, resultDType } from '../helpers/oracle.js';
import { BINARY, COMPARISON, UNARY, binaryFn, unaryFn } from '../helpers/ops.js';
import { RUN_OPTS } from '../helpers/suite.js';

const arr = (d: DType): LazyArray => ef.array([1, 0, 2], undefined, { dtype: d });

test('the documented promotion table for arithmetic between arrays', () => {
  const expected: Record<string, DType> = {
    'bool,bool': 'int32', 'bool,int32': 'int32', 'bool,float32': 'float32', 'bool,float64': 'float64',
    'int32,int32': 'int32', 'int32,float32': 'float32', 'int32,float64': 'float64',
    'float32,float32': 'float32', 'float32,float64': 'float64', 'float64,float64': 'float64',
  };
  for (const a of DTYPE_LIST) {
    for (const b of DTYPE_LIST) {
      const want = expected[`${a},${b}`] ?? expected[`${b},${a}`]!;
      for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const) {
        assert.is(binaryFn(op)(arr(a), arr(b)).dtype, want, `${op}(${a}, ${b})`);
      }
      assert.is(ef.matmul(arr(a), arr(b)).dtype, want, `matmul(${a}, ${b})`);
      assert.is(promoteTypes([a, b]), want, 'oracle agrees with the table');
    }
  }
});

test('plain JS numbers adapt to the array; a non-integer lifts bool/int32 to float32', () => {
  const cases: [DType, number, DType][] = [
    ['bool', 1, 'int32'], ['int32', 1, 'int32'], ['float32', 1, 'float32'], ['float64', 1, 'float64'],
    ['bool', 0.5, 'float32'], ['int32', 0.5, 'float32'], ['float32', 0.5, 'float32'], ['float64', 0.5, 'float64'],
    ['int32', -3, 'int32'], ['int32', 1e-3, 'float32'],
  ];
  for (const [d, n, want] of cases) {
    for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const) {
      assert.is(binaryFn(op)(arr(d), n).dtype, want, `${op}(${d}, ${n})`);
      assert.is(binaryFn(op)(n, arr(d)).dtype, want, `${op}(${n}, ${d})`);
    }
  }
  assert.is(ef.add(1, 2).dtype, 'float32', 'numbers only: float32');
  assert.is(ef.add(1, 2).shape.length, 0);
});

test('every op follows the documented dtype rule for any operand dtypes (property)', () => {
  const operand = fc.oneof(dtype, plainNumber);
  fc.assert(fc.property(fc.constantFrom(...BINARY), operand, operand, (op, a, b) => {
    const x = (o: DType | number) => (typeof o === 'number' ? o : arr(o));
    assert.is(binaryFn(op)(x(a), x(b)).dtype, resultDType(op, [a, b]), `${op}(${a}, ${b})`);
  }), RUN_OPTS);
  fc.assert(fc.property(fc.constantFrom(...UNARY), dtype, (op, d) => {
    assert.is(unaryFn(op)(arr(d)).dtype, resultDType(op, [d]), `${op}(${d})`);
  }), RUN_OPTS);
});

test('comparisons and not give bool for every dtype', () => {
  for (const a of DTYPE_LIST) {
    for (const b of DTYPE_LIST) for (const op of COMPARISON) assert.is(binaryFn(op)(arr(a), arr(b)).dtype, 'bool', `${op}(${a}, ${b})`);
    assert.is(ef.not(arr(a)).dtype, 'bool');
    assert.is(ef.greater(arr(a), 0.5).dtype, 'bool');
  }
});

test('div, pow and the transcendental functions give floats: ints -> float32, float64 stays', () => {
  for (const d of DTYPE_LIST) {
    const want: DType = d === 'float64' ? 'float64' : 'float32';
    for (const op of ['exp', 'log', 'sqrt', 'sin', 'cos', 'tanh'] as const) assert.is(unaryFn(op)(arr(d)).dtype, want, `${op}(${d})`);
    assert.is(ef.div(arr(d), arr(d)).dtype, want, `div(${d}, ${d})`);
    assert.is(ef.pow(arr(d), 2).dtype, want, `pow(${d}, 2)`);
    assert.is(ef.div(arr(d), 2).dtype, want, `div(${d}, 2)`);
  }
  assert.is(ef.div(arr('int32'), arr('float64')).dtype, 'float64');
});

test('neg and abs of bool give int32; of other dtypes keep them', () => {
  for (const d of DTYPE_LIST) {
    assert.is(ef.neg(arr(d)).dtype, d === 'bool' ? 'int32' : d);
    assert.is(ef.abs(arr(d)).dtype, d === 'bool' ? 'int32' : d);
  }
});

test('where takes its dtype from the branches, not the condition', () => {
  for (const c of DTYPE_LIST) {
    for (const a of DTYPE_LIST) {
      for (const b of DTYPE_LIST) assert.is(ef.where(arr(c), arr(a), arr(b)).dtype, a === 'bool' && b === 'bool' ? 'bool' : promoteTypes([a, b]), `where(${c}, ${a}, ${b})`);
    }
    assert.is(ef.where(arr(c), 1, 2).dtype, 'float32');
    assert.is(ef.where(arr(c), arr('int32'), 2).dtype, 'int32');
    assert.is(ef.where(arr(c), arr('int32'), 2.5).dtype, 'float32');
  }
});

test('reductions: sum of bool is int32, max/min keep the dtype, mean is float', () => {
  for (const d of DTYPE_LIST) {
    assert.is(arr(d).sum().dtype, d === 'bool' ? 'int32' : d, `sum ${d}`);
    assert.is(arr(d).max().dtype, d, `max ${d}`);
    assert.is(arr(d).min(0).dtype, d, `min ${d}`);
    assert.is(arr(d).mean().dtype, d === 'float64' ? 'float64' : 'float32', `mean ${d}`);
    for (const op of ['sum', 'max', 'min', 'mean'] as const) assert.is(arr(d)[op]().dtype, reduceDType(op, d));
  }
});

test('constructor defaults: numbers float32, booleans bool, typed arrays keep their type', () => {
  assert.is(ef.array([1, 2]).dtype, 'float32');
  assert.is(ef.array([[true, false]]).dtype, 'bool');
  assert.is(ef.array([true, 1]).dtype, 'float32', 'mixed booleans and numbers are numbers');
  assert.is(ef.array([]).dtype, 'float32');
  assert.is(ef.array(Float64Array.of(1)).dtype, 'float64');
  assert.is(ef.array(Int32Array.of(1)).dtype, 'int32');
  assert.is(ef.array(Float32Array.of(1)).dtype, 'float32');
  assert.is(ef.scalar(1).dtype, 'float32');
  assert.is(ef.zeros([2]).dtype, 'float32');
  assert.is(ef.full([2], 1, undefined, 'int32').dtype, 'int32');
  assert.is(ef.arange(3).dtype, 'int32');
  assert.is(ef.arange(0, 1, 0.5).dtype, 'float32');
  assert.is(ef.array([1], undefined, { dtype: 'float64' }).dtype, 'float64');
});

test.run();
