/** Unit spellings users type that mathjs does not read: µ and μ as micro, Ohm and Ω for ohm. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { Unit } from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const U = (s: string): Unit => Unit.parse(s);

test('the micro sign (U+00B5) and Greek mu (U+03BC) are the micro prefix, and print as u', () => {
  for (const [typed, ascii] of [['\u00B5S', 'uS'], ['\u03BCS', 'uS'], ['\u00B5V', 'uV'], ['\u00B5s', 'us'], ['\u03BCm', 'um'], ['\u00B5F/cm^2', 'uF/cm^2'], ['nS*\u00B5V', 'nS*uV']] as const) {
    const u = U(typed);
    assert.ok(u.equals(U(ascii)), `${typed} equals ${ascii}`);
    assert.is(u.toString(), U(ascii).toString(), `${typed} prints as ${ascii} does`);
    assert.ok(U(u.toString()).equals(u), `${typed}: the printed form parses back`);
  }
  assert.is(U('\u00B5S').scale, 1e-6);
  assert.is(U('\u00B5S').toString(), 'uS');
  assert.is(U('\u00B5S').dimensionName(), 'conductance');
  assert.is(U('\u03BCm').dimensionName(), 'length');
  assert.is(U('\u00B5V').factorTo('mV'), 0.001);
});

test('Ohm with any prefix, and the ohm signs, are ohm; they print in mathjs spelling', () => {
  const table: ReadonlyArray<readonly [string, string, number]> = [
    ['Ohm', 'ohm', 1], ['kOhm', 'kohm', 1e3], ['MOhm', 'Mohm', 1e6], ['GOhm', 'Gohm', 1e9], ['mOhm', 'mohm', 1e-3],
    ['\u03A9', 'ohm', 1], ['M\u03A9', 'Mohm', 1e6], ['k\u2126', 'kohm', 1e3], ['MOhm*nA', 'Mohm·nA', 1e-3],
  ];
  for (const [typed, printed, scale] of table) {
    const u = U(typed);
    assert.is(u.toString(), printed, typed);
    assert.is(u.scale, scale, `${typed} scale`);
    assert.is(u.dimensionName(), typed.includes('nA') ? 'voltage' : 'resistance', typed);
  }
  // the usual case: a membrane resistance times a current is a voltage
  assert.is(ef.scalar(100, 'MOhm').mul(ef.scalar(0.2, 'nA')).to('mV').item(), 20);
  assert.is(U('Mohm').toString(), 'Mohm', 'the spellings that worked still do');
  assert.is(U('uS').toString(), 'uS');
});

test('the rewrites touch only whole unit names: other units keep their meaning, unknown ones stay errors', () => {
  assert.is(U('mV').toString(), 'mV');
  assert.is(U('mol').dimensionName(), U('mol').dimensionName());
  expectError(() => U('Ohms2'), ef.InvalidArgumentError, "unknown unit 'Ohms2'");
  expectError(() => U('xOhm'), ef.InvalidArgumentError, "unknown unit 'xOhm'");
  expectError(() => U('\u00B5'), ef.InvalidArgumentError, "unknown unit '\u00B5'");
  expectError(() => U('\u00B5X'), ef.InvalidArgumentError, "unknown unit '\u00B5X'");
  expectError(() => ef.array([1], '5 \u00B5S'), ef.InvalidArgumentError, 'contains a number');
});

test('what toString() prints parses back to an equal unit, the middle dot included', () => {
  for (const text of ['nS*mV', 'mV/ms', 'nS*mV/ms^2', 'uF/cm^2', '\u00B5S*MOhm', 'ms^-1', 'Hz^0.5']) {
    const u = U(text);
    assert.ok(U(u.toString()).equals(u), `${text} -> ${u.toString()}`);
  }
  assert.ok(U('nS\u00B7mV').equals(U('pA')), 'nS·mV');
  assert.ok(U('nS\u22C5mV').equals(U('pA')), 'nS⋅mV (dot operator)');
});

test('arrays in the new spellings convert as the old ones do', () => {
  assert.is(ef.scalar(1, '\u00B5S').to('nS').item(), 1000);
  assert.is(ef.scalar(2, 'GOhm').to('MOhm').item(), 2000);
  assert.is(String(ef.array([1], '\u00B5S').unit), 'uS');
});

test.run();
