/**
 * The array basics' rules decided while an expression is built (no backend involved): units
 * kept, dropped or converted; result dtypes; typed errors for bool-only logical ops, bad axes,
 * empty argmax/argmin and bad options. Values on every backend: test/ir/array-basics.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { sameDimensionPair } from '../arbitraries/index.js';
import { RUN_OPTS, expectError } from '../helpers/suite.js';

const DTYPES: readonly ef.DType[] = ['bool', 'int32', 'float32', 'float64'];
const arr = (d: ef.DType, unit = '1'): ef.LazyArray => ef.zeros([2, 3], unit, d);
const ROUNDING = ['floor', 'ceil', 'round'] as const;

test('floor, ceil and round keep the unit: they round the values in the array\'s own unit', () => {
  const v = ef.array([1.5, -0.4, 2.5], 'mV');
  for (const op of ROUNDING) assert.is(ef[op](v).unit.toString(), 'mV', op);
  // the same quantity in V rounds in V: 1.5 mV is 0.0015 V, which rounds to 0 V
  assert.equal(Array.from(v.round().dataSync()), [2, -0, 2]);
  assert.equal(Array.from(v.to('V').round().dataSync()), [0, -0, 0]);
  assert.is(v.to('V').round().unit.toString(), 'V');
});

test('sign is dimensionless whatever the operand\'s unit', () => {
  const s = ef.sign(ef.array([-2, 0, 3], 'nS'));
  assert.ok(s.unit.equals(ef.Unit.dimensionless), s.unit.toString());
  assert.equal(Array.from(s.dataSync()), [-1, 0, 1]);
});

test('result dtypes: rounding keeps int32 and floats, bool promotes to int32 (as abs); sign of bool is int32', () => {
  for (const d of DTYPES) {
    const want = d === 'bool' ? 'int32' : d;
    for (const op of [...ROUNDING, 'sign'] as const) assert.is(ef[op](arr(d)).dtype, want, `${op}(${d})`);
    assert.is(ef.mod(arr(d), arr(d)).dtype, want, `mod(${d}, ${d})`);
  }
  assert.is(ef.mod(arr('int32'), 2).dtype, 'int32', 'int32 mod a plain integer');
  assert.is(ef.mod(arr('int32'), 0.5).dtype, 'float32', 'int32 mod a plain fraction');
  assert.is(ef.mod(arr('int32'), arr('float64')).dtype, 'float64');
});

test('mod: the divisor is converted to the dividend\'s unit; unlike dimensions throw', () => {
  const r = ef.mod(ef.array([5, -5], 'mV'), ef.scalar(0.002, 'V'));
  assert.is(r.unit.toString(), 'mV');
  assert.equal(Array.from(r.dataSync()), [1, 1]);
  expectError(() => ef.mod(ef.array([1], 'mV'), ef.array([1], 'nS')), ef.UnitMismatchError, 'mod:', 'mV (voltage)', 'nS (conductance)');
  expectError(() => ef.array([1], 'mV').mod(3), ef.UnitMismatchError, 'mod:', 'mV', '1 (dimensionless)');
});

test('mod of any two like units is in the first one\'s unit (property)', () => {
  fc.assert(fc.property(sameDimensionPair, ([a, b]) => {
    assert.is(ef.mod(ef.array([1], a.text), ef.array([1], b.text)).unit.toString(), ef.array([1], a.text).unit.toString());
  }), RUN_OPTS);
});

test('logical ops: bool in, bool out, dimensionless; anything else is an InvalidArgumentError saying what was given', () => {
  const p = ef.array([true, false]), q = ef.array([1, -1]).greater(0);
  for (const op of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) {
    const r = ef[op](p, q);
    assert.is(r.dtype, 'bool', op);
    assert.ok(r.unit.equals(ef.Unit.dimensionless), op);
    expectError(() => ef[op](p, ef.array([1, 0])), ef.InvalidArgumentError, `${op}:`, 'expected bool arrays, e.g. from a comparison', 'a float32 array', 'second operand');
    expectError(() => ef[op](ef.array([1, 0], '1', { dtype: 'int32' }), p), ef.InvalidArgumentError, `${op}:`, 'an int32 array', 'first operand');
    expectError(() => ef[op](p, 1), ef.InvalidArgumentError, `${op}:`, 'a plain number');
    expectError(() => ef[op](ef.array([1, 2], 'mV'), p), ef.InvalidArgumentError, `${op}:`, 'expected bool arrays');
    expectError(() => ef[op](p, ef.array([true, true, true])), ef.ShapeMismatchError, `${op}`);
    expectError(() => p[op](ef.zeros([2], 'mV', 'bool')), ef.UnitMismatchError, `${op}:`, 'mV');
  }
  assert.is(ef.logicalAnd(ef.zeros([2, 1], '1', 'bool'), ef.zeros([3], '1', 'bool')).shape.join(), '2,3', 'broadcasts');
});

test('argmax/argmin: int32, dimensionless, the reduced shape; keepdims; typed errors', () => {
  const x = ef.zeros([2, 3, 4], 'mV');
  for (const op of ['argmax', 'argmin'] as const) {
    assert.is(x[op]().dtype, 'int32', op);
    assert.ok(x[op](1).unit.equals(ef.Unit.dimensionless), op);
    assert.equal([...x[op]().shape], [], op);
    assert.equal([...x[op](-1).shape], [2, 3], op);
    assert.equal([...x[op](1, { keepdims: true }).shape], [2, 1, 4], op);
    assert.equal([...ef[op](x, { keepdims: true }).shape], [1, 1, 1], op);
    expectError(() => x[op](3), ef.ShapeMismatchError, `${op}:`, 'axis 3 is out of range', 'rank 3');
    expectError(() => ef[op](x, { axis: -4 }), ef.ShapeMismatchError, `${op}:`, 'axis -4');
    expectError(() => ef.zeros([0, 3])[op](), ef.ShapeMismatchError, `${op}:`, '[0, 3]', 'empty');
    expectError(() => ef.zeros([0, 3])[op](0), ef.ShapeMismatchError, `${op}:`, 'empty');
    expectError(() => x[op](0, { keepdims: 1 as never }), ef.InvalidArgumentError, `${op}:`, 'keepdims must be a boolean');
    expectError(() => ef[op](x, 1 as never), ef.InvalidArgumentError, `${op}:`, `ef.${op}(x, { axis: 1 })`);
  }
});

test('cumsum: keeps the unit; bool and int32 sum to int32, floats keep their dtype; shapes; typed errors', () => {
  const x = ef.zeros([2, 3], 'nS');
  assert.is(x.cumsum().unit.toString(), 'nS');
  assert.equal([...x.cumsum().shape], [6]);
  assert.equal([...x.cumsum(-2).shape], [2, 3]);
  assert.equal([...ef.scalar(3, 'mV').cumsum().shape], [1]);
  for (const d of DTYPES) assert.is(arr(d).cumsum(1).dtype, d === 'bool' ? 'int32' : d, d);
  expectError(() => x.cumsum(2), ef.ShapeMismatchError, 'cumsum:', 'axis 2 is out of range');
  expectError(() => x.cumsum(0.5), ef.ShapeMismatchError, 'cumsum:', 'axis 0.5');
  expectError(() => ef.cumsum(x, { keepdims: true } as never), ef.InvalidArgumentError, 'cumsum:', "unknown option 'keepdims'");
  expectError(() => ef.cumsum(x, 0 as never), ef.InvalidArgumentError, 'cumsum:', 'ef.cumsum(x, { axis: 0 })');
  expectError(() => ef.cumsum(1 as never, {}), ef.InvalidArgumentError, 'cumsum:');
});

test('the new ops are dual: data-last forms refuse the map/forEach trap', () => {
  const x = ef.array([1, 2]);
  expectError(() => (ef.mod as unknown as (...a: unknown[]) => unknown)(x, x, 0), ef.InvalidArgumentError, 'mod takes 2 arguments');
  expectError(() => [x].map(ef.logicalAnd as never), ef.InvalidArgumentError, 'logicalAnd takes 2 arguments');
  assert.is(typeof ef.mod(2), 'function');
  assert.is(typeof ef.cumsum(), 'function');
});

test.run();
