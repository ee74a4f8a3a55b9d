/**
 * Unit rules of the ops, on every backend: like dimensions for add/sub/compare/maximum/
 * minimum/where/clip (with scale conversion into the first operand's unit), products and
 * quotients, dimensionless-only functions, sqrt and pow, units of reductions. The unit errors
 * and the units of results, decided while the expression is built: test/api/units-ops.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { Unit } from '../../src/index.js';
import {
  broadcastPair, broadcastShapes, dimensionedUnit, lazyArray, sameDimensionPair, unitSpec,
  type LazyCase, type UnitSpec,
} from '../arbitraries/index.js';
import { applyOp, dense, reduce, scaled } from '../helpers/oracle.js';
import { COMPARISON, binaryFn } from '../helpers/ops.js';
import { RUN_OPTS, expectDense, expectError, forEachBackend } from '../helpers/suite.js';

const LIKE_OPS = ['add', 'sub', 'maximum', 'minimum', ...COMPARISON] as const;

/** Two float arrays of broadcastable shapes in the given units. */
const inUnits = (a: UnitSpec, b: UnitSpec, dtype: 'float32' | 'float64' = 'float64'): fc.Arbitrary<[LazyCase, LazyCase]> =>
  broadcastPair({ maxRank: 3, maxDim: 3 }).chain(([sa, sb]) =>
    fc.tuple(lazyArray({ shape: sa, dtype, unit: a.text }), lazyArray({ shape: sb, dtype, unit: b.text })));

const withPair = <T>(pairs: fc.Arbitrary<[UnitSpec, UnitSpec]>, f: (a: UnitSpec, b: UnitSpec) => fc.Arbitrary<T>) =>
  pairs.chain(([a, b]) => f(a, b).map((v) => ({ a, b, v })));

/**
 * The factor from unit b into unit a as eventfuse rounds it: the double nearest the exact ratio,
 * here 10^k (every pool scale is a power of ten). Dividing the doubles instead can be an ulp
 * off (1e-3 / 1e-6 is 1000.0000000000001), which flips comparisons at equality.
 */
const factor = (b: UnitSpec, a: UnitSpec): number => {
  const k = Math.round(Math.log10(b.scale / a.scale));
  assert.ok(Math.abs(b.scale / a.scale / Number(`1e${k}`) - 1) < 1e-12, `${b.text} -> ${a.text}: expected a power of ten`);
  return Number(`1e${k}`);
};

const maxAbs = (...cs: { values: number[] }[]): number => Math.max(1, ...cs.flatMap((c) => c.values.map(Math.abs)));

// ------------------------------------------------------------------ conversion within a dimension

forEachBackend(test, 'mV + V: the result is in the first unit, the second operand converted', (backend) => {
  const x = ef.array([1, 2, -3], 'mV').add(ef.array([1, 0.5, 0], 'V'));
  assert.is(x.unit.toString(), 'mV');
  expectDense(backend, x, { values: [1001, 502, -3], shape: [3], dtype: 'float32' }, 'mV + V');
  const y = ef.array([1, 2], 'V').sub(ef.array([500, 1000], 'mV'));
  assert.is(y.unit.toString(), 'V');
  expectDense(backend, y, { values: [0.5, 1], shape: [2], dtype: 'float32' }, 'V - mV');
  expectDense(backend, ef.array([1, 2000], 'mV').less(ef.array([0.5, 1], 'V')), { values: [1, 0], shape: [2], dtype: 'bool' }, 'mV < V');
  expectDense(backend, ef.array([5], 'mV/V').add(1), { values: [1005], shape: [1], dtype: 'float32' }, 'mV/V + 1');
  const ints = ef.array([1], 'mV', { dtype: 'int32' }).add(ef.array([2], 'V', { dtype: 'int32' }));
  expectDense(backend, ints, { values: [2001], shape: [1], dtype: 'int32' }, 'int32 mV + V');
});

for (const op of LIKE_OPS) {
  forEachBackend(test, `${op} converts the second operand into the first one's unit (property)`, (backend) => {
    fc.assert(fc.property(withPair(sameDimensionPair, (a, b) => inUnits(a, b)), ({ a, b, v: [x, y] }) => {
      const got = binaryFn(op)(x.array, y.array);
      const isCmp = (COMPARISON as readonly string[]).includes(op);
      assert.ok(got.unit.equals(isCmp ? Unit.dimensionless : Unit.parse(a.text)), `unit ${got.unit}`);
      const yy = scaled(dense(y), factor(b, a));
      expectDense(backend, got, applyOp(op, [dense(x), yy]), `${op}(${x.array}, ${y.array})`, maxAbs(x, yy));
    }), RUN_OPTS);
  });
}

forEachBackend(test, 'where converts the second branch into the first branch unit', (backend) => {
  const cases = sameDimensionPair.chain(([a, b]) =>
    broadcastShapes(3, { maxRank: 3, maxDim: 3 }).chain(([sc, sx, sy]) =>
      fc.tuple(fc.constant(a), fc.constant(b), lazyArray({ shape: sc!, dtype: 'bool' }),
        lazyArray({ shape: sx!, dtype: 'float64', unit: a.text }), lazyArray({ shape: sy!, dtype: 'float64', unit: b.text }))));
  fc.assert(fc.property(cases, ([a, b, c, x, y]) => {
    const got = ef.where(c.array, x.array, y.array);
    assert.ok(got.unit.equals(Unit.parse(a.text)), `unit ${got.unit}`);
    const yy = scaled(dense(y), factor(b, a));
    expectDense(backend, got, applyOp('where', [dense(c), dense(x), yy]), 'where', maxAbs(x, yy));
  }), RUN_OPTS);
  const w = ef.where(ef.array([true, false]), ef.array([1, 2], 'mV'), ef.array([1, 2], 'V'));
  expectDense(backend, w, { values: [1, 2000], shape: [2], dtype: 'float32' }, 'where(c, mV, V)');
});

forEachBackend(test, 'clip converts both bounds into the unit of x', (backend) => {
  fc.assert(fc.property(sameDimensionPair, lazyArray({ shapeOptions: { maxRank: 2 }, dtype: 'float64', values: { min: -1e3, max: 1e3 } }), ([a, b], x) => {
    const lo = ef.scalar(-0.5, b.text, 'float64');
    const hi = ef.scalar(0.75, b.text, 'float64');
    const xs = ef.array(x.values, a.text, { shape: x.shape, dtype: 'float64' });
    const got = xs.clip(lo, hi);
    assert.ok(got.unit.equals(Unit.parse(a.text)));
    const f = factor(b, a);
    expectDense(backend, got, applyOp('clip', [dense(x), -0.5 * f, 0.75 * f]), 'clip', maxAbs(x));
  }), RUN_OPTS);
  expectDense(backend, ef.array([-2, 0.5, 3]).clip(0, 1), { values: [0, 0.5, 1], shape: [3], dtype: 'float32' }, 'clip(x, 0, 1)');
});

// ------------------------------------------------------------------ products, functions, powers

forEachBackend(test, 'mul and div combine units and leave values unscaled, unless the dimensions cancel: then unit 1 and the scale in the values', (backend) => {
  fc.assert(fc.property(unitSpec, unitSpec, lazyArray({ shape: [3], dtype: 'float64' }), lazyArray({ shape: [3], dtype: 'float64', values: { min: 1, max: 10 } }), (a, b, x, y) => {
    const xa = ef.array(x.values, a.text, { dtype: 'float64' });
    const yb = ef.array(y.values, b.text, { dtype: 'float64' });
    const p = xa.mul(yb);
    const q = xa.div(yb);
    const [ua, ub] = [Unit.parse(a.text), Unit.parse(b.text)];
    // Dimensions cancel into a plain number only between two units that are not already 1
    // (x · 2 and a mean's division by its count keep a unit such as mV/V).
    const isPlain = (u: Unit): boolean => u.terms.length === 0 && u.equals(Unit.dimensionless);
    const cancels = (u: Unit): boolean => u.isDimensionless && (isPlain(u) || (!isPlain(ua) && !isPlain(ub)));
    const plainProduct = cancels(ua.mul(ub));
    const plainQuotient = cancels(ua.div(ub));
    if (plainProduct) assert.is(p.unit.toString(), '1', `${a.text}·${b.text} cancels to 1`);
    else {
      assert.ok(p.unit.equals(ua.mul(ub)), `${p.unit}`);
      assert.ok(Math.abs(p.unit.scale - a.scale * b.scale) <= 1e-12 * a.scale * b.scale, 'product scale');
    }
    if (plainQuotient) assert.is(q.unit.toString(), '1', `${a.text}/${b.text} cancels to 1`);
    else assert.ok(Math.abs(q.unit.scale - a.scale / b.scale) <= 1e-12 * (a.scale / b.scale), 'quotient scale');
    q.unit.dims.forEach((d, i) => assert.ok(Math.abs(d - (ua.dims[i]! - ub.dims[i]!)) < 1e-12));
    // The scale the unit no longer carries is in the values (the oracle multiplies in float64).
    const ps = plainProduct ? a.scale * b.scale : 1;
    const qs = plainQuotient ? a.scale / b.scale : 1;
    expectDense(backend, p, applyOp('mul', [dense(x), scaled(dense(y), ps)]), 'mul');
    expectDense(backend, q, applyOp('div', [dense(x), scaled(dense(y), 1 / qs)]), 'div');
  }), RUN_OPTS);
  assert.is(ef.array([1], 'mV').mul(ef.array([1], 'nS')).unit.toString(), 'mV·nS');
  assert.is(ef.array([1], 'mV').div(ef.array([1], 'ms')).unit.toString(), 'mV/ms');
  assert.is(ef.array([1], 'nS').mul(ef.array([1], 'mV')).unit.dimensionName(), 'current');
  assert.is(ef.array([1], 'mV').mul(2).unit.toString(), 'mV', 'a plain number is dimensionless');
  assert.is(ef.matmul(ef.zeros([2, 3], 'nS'), ef.zeros([3], 'mV')).unit.toString(), 'nS·mV');
});

const FUNCS = ['exp', 'log', 'sin', 'cos', 'tanh'] as const;

forEachBackend(test, 'exp of (1 mV / 1 V) is exp(0.001): the scale of a dimensionless ratio is applied', (backend) => {
  const r = ef.scalar(1, 'mV').div(ef.scalar(1, 'V'));
  assert.ok(r.unit.isDimensionless);
  expectDense(backend, ef.exp(r), { values: [Math.exp(0.001)], shape: [], dtype: 'float32' }, 'exp(mV/V)');
  expectDense(backend, ef.array([1000], 'mV/V').log(), { values: [0], shape: [1], dtype: 'float32' }, 'log(1000 mV/V)');
  fc.assert(fc.property(fc.constantFrom(...FUNCS), lazyArray({ shape: [4], dtype: 'float64', values: { min: 0.5, max: 50 } }), (op, x) => {
    const got = ef[op](ef.array(x.values, 'mV', { dtype: 'float64' }).div(ef.scalar(2, 'V', 'float64')));
    assert.ok(got.unit.isDimensionless && got.unit.scale === 1, `${op} result is a pure number`);
    expectDense(backend, got, applyOp(op, [scaled(dense(x), 0.001 / 2)]), `${op}(x mV / 2 V)`);
  }), RUN_OPTS);
});

forEachBackend(test, 'sqrt halves the unit: sqrt(mV·mV) is mV, sqrt(Hz) is Hz^0.5', (backend) => {
  // (A dimensionless unit squared is plain 1: see the mul and div test.)
  fc.assert(fc.property(dimensionedUnit, lazyArray({ shape: [3], dtype: 'float64', values: { min: 0, max: 100 } }), (u, x) => {
    const xu = ef.array(x.values, u.text, { dtype: 'float64' });
    const s = xu.mul(xu).sqrt();
    assert.ok(s.unit.equals(Unit.parse(u.text)), `sqrt(${u.text}^2) is ${s.unit}`);
    expectDense(backend, s, applyOp('sqrt', [applyOp('mul', [dense(x), dense(x)])]), 'sqrt(x*x)');
    const h = xu.sqrt();
    h.unit.dims.forEach((d, i) => assert.ok(Math.abs(d - Unit.parse(u.text).dims[i]! / 2) < 1e-12));
    expectDense(backend, h, applyOp('sqrt', [dense(x)]), 'sqrt keeps values unscaled');
  }), RUN_OPTS);
  assert.is(ef.zeros([1], 'Hz').sqrt().unit.toString(), 'Hz^0.5');
});

forEachBackend(test, 'pow: a dimensioned base needs a scalar exponent; the exponent must be dimensionless', (backend) => {
  const x = ef.array([2, 3], 'mV');
  expectDense(backend, x.pow(2), { values: [4, 9], shape: [2], dtype: 'float32' }, 'mV^2');
  assert.is(x.pow(2).unit.toString(), 'mV^2');
  assert.is(x.pow(ef.scalar(3)).unit.toString(), 'mV^3');
  assert.is(x.pow(-1).unit.toString(), '1/mV');
  assert.is(x.pow(0.5).unit.toString(), 'mV^0.5');
  const viaRatio = x.pow(ef.scalar(2000, 'mV/V'));
  assert.is(viaRatio.unit.toString(), 'mV^2', 'a scaled dimensionless exponent is converted first');
  expectDense(backend, viaRatio, { values: [4, 9], shape: [2], dtype: 'float32' }, 'pow(mV, 2000 mV/V)');
  expectError(() => x.pow(ef.array([1, 2])), ef.UnitMismatchError, 'pow:', 'mV (voltage)', 'constant scalar exponent');
  expectError(() => x.pow(ef.scalar(2, 'ms')), ef.UnitMismatchError, 'pow (exponent)', 'ms (time)');
  expectError(() => x.pow(1 / 3), ef.UnitMismatchError, 'pow:', 'mV (voltage)');
  const d = ef.array([2, 3]).pow(ef.array([3, 2]));
  assert.ok(d.unit.isDimensionless);
  expectDense(backend, d, { values: [8, 9], shape: [2], dtype: 'float32' }, 'dimensionless base, array exponent');
  expectDense(backend, ef.array([2000], 'mV/V').pow(ef.array([2])), { values: [4], shape: [1], dtype: 'float32' }, 'scaled dimensionless base');
});

forEachBackend(test, 'reductions keep the unit and do not rescale; mean too', (backend) => {
  fc.assert(fc.property(unitSpec, lazyArray({ shapeOptions: { minRank: 1, minDim: 1, maxRank: 3 }, dtype: 'float64' }), fc.constantFrom('sum', 'mean', 'max', 'min'), fc.boolean(), (u, x, op, allAxes) => {
    const xu = ef.array(x.values, u.text, { shape: x.shape, dtype: 'float64' });
    const axis = allAxes ? undefined : -1;
    const r = xu[op as 'sum'](axis);
    assert.ok(r.unit.equals(Unit.parse(u.text)), `${op} keeps ${u.text}: got ${r.unit}`);
    expectDense(backend, r, reduce(op as 'sum', dense(x), axis ?? null), `${op} in ${u.text}`, maxAbs(x) * x.values.length);
  }), RUN_OPTS);
  assert.is(ef.array([[1, 2]], 'nS').mean(1).unit.toString(), 'nS');
  assert.is(ef.array([[1, 2]], 'nS').sum().to('uS').unit.toString(), 'uS');
});

test.run();
