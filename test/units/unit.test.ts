/** Unit algebra, conversion, printing and parsing errors (src/units/unit.ts). */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { Unit } from '../../src/index.js';
import {
  UNITS, dimensionedUnit, differentDimensionPair, element, sameDimensionPair, unitSpec, unitString, type UnitSpec,
} from '../arbitraries/index.js';
import { assertAllClose, closeTo } from '../helpers/close.js';
import { RUN_OPTS, expectError, forEachBackend } from '../helpers/suite.js';
import { tolerance } from '../helpers/backends.js';

const U = (s: string): Unit => Unit.parse(s);
const sameDims = (a: Unit, b: Unit): boolean => a.dims.length === b.dims.length && a.dims.every((d, i) => Math.abs(d - b.dims[i]!) < 1e-12);
const scaleClose = (a: number, b: number): boolean => closeTo(a, b, 1e-12, 0);

function assertUnitEq(a: Unit, b: Unit, what: string): void {
  assert.ok(sameDims(a, b), `${what}: dims ${a.dims} vs ${b.dims}`);
  assert.ok(scaleClose(a.scale, b.scale), `${what}: scale ${a.scale} vs ${b.scale}`);
}

// ------------------------------------------------------------------ parsing against a hand-written table

test('every pool unit parses to the SI scale and dimension written in the test table', () => {
  for (const spec of UNITS) {
    const u = U(spec.text);
    assert.ok(closeTo(u.scale, spec.scale, 1e-12, 0), `${spec.text}: scale ${u.scale}, expected ${spec.scale}`);
    assert.is(u.isDimensionless, spec.dimension === 'dimensionless', `${spec.text}: isDimensionless`);
    for (const other of UNITS) {
      assert.is(u.sameDimension(U(other.text)), spec.dimension === other.dimension, `${spec.text} vs ${other.text}: sameDimension`);
    }
  }
});

test("'1', '' and undefined are the dimensionless unit", () => {
  for (const u of [U('1'), U(''), Unit.of(undefined), U('  ')]) {
    assert.ok(u.isDimensionless);
    assert.is(u.scale, 1);
    assert.is(u.toString(), '1');
    assert.is(u.dimensionName(), 'dimensionless');
  }
});

// ------------------------------------------------------------------ algebra

test('mul commutes in dimension and scale', () => {
  fc.assert(fc.property(unitString, unitString, (a, b) => {
    assertUnitEq(U(a).mul(U(b)), U(b).mul(U(a)), `${a}*${b}`);
  }), RUN_OPTS);
});

test('mul associates in dimension and scale', () => {
  fc.assert(fc.property(unitString, unitString, unitString, (a, b, c) => {
    assertUnitEq(U(a).mul(U(b)).mul(U(c)), U(a).mul(U(b).mul(U(c))), `(${a}*${b})*${c}`);
  }), RUN_OPTS);
});

test('mul adds dimension exponents and multiplies SI scales', () => {
  fc.assert(fc.property(unitSpec, unitSpec, (a, b) => {
    const p = U(a.text).mul(U(b.text));
    assert.ok(closeTo(p.scale, a.scale * b.scale, 1e-12, 0), `scale ${p.scale}`);
    p.dims.forEach((d, i) => assert.ok(Math.abs(d - (U(a.text).dims[i]! + U(b.text).dims[i]!)) < 1e-12, `dim ${i}`));
  }), RUN_OPTS);
});

test('div is mul by the inverse', () => {
  fc.assert(fc.property(unitString, unitString, (a, b) => {
    assertUnitEq(U(a).div(U(b)), U(a).mul(U(b).pow(-1)), `${a}/${b}`);
    assert.ok(U(a).div(U(a)).isDimensionless, `${a}/${a} is dimensionless`);
    assert.ok(scaleClose(U(a).div(U(a)).scale, 1), `${a}/${a} has scale 1`);
  }), RUN_OPTS);
});

test('pow(2) equals mul(self), printing included', () => {
  fc.assert(fc.property(unitString, (a) => {
    const sq = U(a).pow(2);
    const m = U(a).mul(U(a));
    assertUnitEq(sq, m, `${a}^2`);
    assert.is(sq.toString(), m.toString());
  }), RUN_OPTS);
});

test('sqrt of a squared unit gives back the unit', () => {
  fc.assert(fc.property(unitString, (a) => {
    const r = U(a).mul(U(a)).sqrt();
    assertUnitEq(r, U(a), `sqrt(${a}*${a})`);
    assert.ok(r.equals(U(a)));
  }), RUN_OPTS);
});

test('sqrt halves every exponent (odd exponents give halves) and squares back', () => {
  fc.assert(fc.property(dimensionedUnit, (spec) => {
    const u = U(spec.text);
    const r = u.sqrt();
    r.dims.forEach((d, i) => assert.ok(Math.abs(d - u.dims[i]! / 2) < 1e-12, `${spec.text}: dim ${i} is ${d}`));
    assert.ok(closeTo(r.scale, Math.sqrt(spec.scale), 1e-12, 0));
    assertUnitEq(r.pow(2), u, `sqrt(${spec.text})^2`);
  }), RUN_OPTS);
  const hz = U('Hz').sqrt();
  assert.is(hz.dims[ef.Unit.parse('s').dims.findIndex((d) => d === 1)], -0.5);
  assert.is(hz.toString(), 'Hz^0.5');
});

test('the cube root of m (or of mV) throws UnitMismatchError', () => {
  expectError(() => U('m').pow(1 / 3), ef.UnitMismatchError, 'm (length)', /power 0\.333/, /half-integer/);
  expectError(() => U('mV').pow(1 / 3), ef.UnitMismatchError, 'mV (voltage)');
  // but the cube root of m^3 is fine
  assertUnitEq(U('m').pow(3).pow(1 / 3), U('m'), 'cbrt(m^3)');
  expectError(() => U('mV').pow(NaN), ef.InvalidArgumentError, 'finite');
});

test('dimensionless units take any power', () => {
  fc.assert(fc.property(fc.double({ min: -3, max: 3, noNaN: true }), (p) => {
    assert.ok(U('1').pow(p).isDimensionless);
    const u = U('mV/V').pow(p);
    assert.ok(u.isDimensionless);
    assert.ok(closeTo(u.scale, 1e-3 ** p, 1e-9, 0));
  }), RUN_OPTS);
});

// ------------------------------------------------------------------ conversion

test('conversion factors round-trip and match the SI scales', () => {
  fc.assert(fc.property(sameDimensionPair, ([a, b]) => {
    const ab = U(a.text).factorTo(b.text);
    const ba = U(b.text).factorTo(U(a.text));
    assert.ok(closeTo(ab * ba, 1, 1e-12, 0), `${a.text}->${b.text}->${a.text}: ${ab * ba}`);
    assert.ok(closeTo(ab, a.scale / b.scale, 1e-12, 0), `${a.text}->${b.text}: ${ab}`);
  }), RUN_OPTS);
});

test('converting between dimensions throws UnitMismatchError naming both', () => {
  fc.assert(fc.property(differentDimensionPair, ([a, b]) => {
    const ua = U(a.text);
    const ub = U(b.text);
    expectError(() => ua.factorTo(ub), ef.UnitMismatchError,
      `${ua.toString()} (${ua.dimensionName()})`, `${ub.toString()} (${ub.dimensionName()})`);
  }), RUN_OPTS);
});

forEachBackend(test, "x.to('pA') converts the values", (backend) => {
  const x = ef.array([1, 2.5, -3, 0], 'nA').to('pA');
  assert.is(x.unit.toString(), 'pA');
  assertAllClose(x.dataSync(), [1000, 2500, -3000, 0], tolerance(backend, 'float32'));
  assertAllClose(ef.array([1500], 'mV').to('V').dataSync(), [1.5], tolerance(backend, 'float32'));
  assertAllClose(ef.array([2], 'ms').to('s').to('ms').dataSync(), [2], tolerance(backend, 'float32'));
  expectError(() => ef.array([1], 'nA').to('mV'), ef.UnitMismatchError, 'to:', 'nA (current)', 'mV (voltage)');
});

forEachBackend(test, 'x.to(u) multiplies by scale(x) / scale(u)', (backend) => {
  fc.assert(fc.property(sameDimensionPair, fc.array(element('float64', { min: -1e3, max: 1e3 }), { maxLength: 5 }), ([a, b], vs) => {
    const y = ef.array(vs, a.text, { dtype: 'float64' }).to(b.text);
    assert.ok(y.unit.equals(U(b.text)), `unit ${y.unit}`);
    assertAllClose(y.dataSync(), vs.map((v) => (v * a.scale) / b.scale), tolerance(backend, 'float64'));
  }), RUN_OPTS);
});

// ------------------------------------------------------------------ printing and names

test("units print as 'mV', 'nS·mV', 'mV/ms'", () => {
  assert.is(U('mV').toString(), 'mV');
  assert.is(U('nS*mV').toString(), 'nS·mV');
  assert.is(U('mV/ms').toString(), 'mV/ms');
  assert.is(U('mV').mul(U('mV')).toString(), 'mV^2');
  assert.is(U('ms').pow(-1).toString(), '1/ms');
  assert.is(U('mV').div(U('ms')).div(U('nS')).toString(), 'mV/(ms·nS)');
  assert.is(U('nS').mul(U('mV')).div(U('mV')).toString(), 'nS');
  for (const spec of UNITS) if (spec.text !== '1') assert.is(U(spec.text).toString(), spec.printed ?? spec.text);
  assert.is(ef.array([1], 'nS*mV').toString(), 'LazyArray(shape [1], float32, nS·mV)');
});

test('dimensionName gives voltage / conductance / time / current', () => {
  assert.is(U('mV').dimensionName(), 'voltage');
  assert.is(U('nS').dimensionName(), 'conductance');
  assert.is(U('ms').dimensionName(), 'time');
  assert.is(U('pA').dimensionName(), 'current');
  assert.is(U('nS*mV').dimensionName(), 'current');
  assert.is(U('mV/nA').dimensionName(), 'resistance');
  for (const spec of UNITS) if (spec.name) assert.is(U(spec.text).dimensionName(), spec.name, spec.text);
});

test('equals and sameDimension', () => {
  fc.assert(fc.property(unitSpec, unitSpec, (a: UnitSpec, b: UnitSpec) => {
    const same = a.dimension === b.dimension;
    assert.is(U(a.text).sameDimension(U(b.text)), same);
    assert.is(U(a.text).equals(U(b.text)), same && closeTo(a.scale, b.scale, 1e-12, 0));
  }), RUN_OPTS);
});

// ------------------------------------------------------------------ bad unit strings

test('an unknown unit string throws InvalidArgumentError quoting it', () => {
  for (const bad of ['xyzzy', 'mVolts', 'foo/ms', 'nS*qux', '2 +']) {
    expectError(() => U(bad), ef.InvalidArgumentError, `'${bad}'`, 'unknown unit');
    expectError(() => ef.array([1], bad), ef.InvalidArgumentError, `'${bad}'`);
    expectError(() => ef.scalar(1, bad), ef.InvalidArgumentError, `'${bad}'`);
    expectError(() => ef.zeros([2], bad), ef.InvalidArgumentError, `'${bad}'`);
    expectError(() => ef.array([1], 'mV').to(bad), ef.InvalidArgumentError, `'${bad}'`);
  }
});

test("a number inside the unit string is rejected, not silently dropped ('5 mV' is not mV)", () => {
  for (const bad of ['5 mV', '2 mV/ms', '1e3 mV', '0.5 s']) {
    expectError(() => U(bad), ef.InvalidArgumentError, `'${bad}'`, 'number');
    expectError(() => ef.array([1], bad), ef.InvalidArgumentError, `'${bad}'`);
  }
  // a leading 1 of a reciprocal unit is not a value
  assertUnitEq(U('1/ms'), U('ms').pow(-1), '1/ms');
  assert.is(U('1/ms').toString(), '1/ms');
});

test('offset units (degC, degF) are rejected', () => {
  for (const bad of ['degC', 'degF']) {
    expectError(() => U(bad), ef.InvalidArgumentError, `'${bad}'`, 'offset');
    expectError(() => ef.array([1], bad), ef.InvalidArgumentError, 'offset');
  }
  assert.ok(U('K').sameDimension(U('mK')), 'kelvin is fine');
});

test.run();
