/**
 * How units print, name their dimension, compare and take powers: exact strings and values,
 * so that flipping an operator in src/units/unit.ts shows (npm run mutate found these
 * behaviours unchecked).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InvalidArgumentError, UnitMismatchError } from '../../src/errors.js';
import { Unit } from '../../src/units/unit.js';
import * as ef from '../../src/index.js';

const U = (s: string): Unit => Unit.of(s);

test('toString: products, quotients, several denominators, negative powers only, halves', () => {
  const cases: [string, string][] = [
    ['mV', 'mV'], ['mV/ms', 'mV/ms'], ['nS*mV', 'nS·mV'], ['1/ms', '1/ms'], ['mV^2/(ms*nS)', 'mV^2/(ms·nS)'],
    ['Hz^0.5', 'Hz^0.5'], ['m^2*kg/(s^3*A)', 'm^2·kg/(s^3·A)'], ['uF/cm^2', 'uF/cm^2'],
  ];
  for (const [spelled, printed] of cases) assert.is(U(spelled).toString(), printed, spelled);
  assert.is(U('ms').pow(-1).toString(), '1/ms');
  assert.is(U('mV').pow(-2).toString(), '1/mV^2');
  assert.is(U('mV').sqrt().toString(), 'mV^0.5');
  assert.is(U('mV').sqrt().mul(U('mV').sqrt()).toString(), 'mV');
  assert.is(U('mV').mul(U('ms')).div(U('ms')).toString(), 'mV');
  assert.is(U('mV').div(U('mV')).toString(), '1');
  assert.ok(U('mV').div(U('mV')).isDimensionless);
  assert.not.ok(U('mV').isDimensionless);
  assert.is(U('m^3').pow(1 / 3).toString(), 'm');
  // each printed form parses back to the same unit
  for (const [spelled] of cases) assert.ok(U(U(spelled).toString().replace(/·/g, '*')).equals(U(spelled)), spelled);
});

test('dimensionName: the quantity where there is one, else the base-dimension formula', () => {
  assert.is(U('mV').dimensionName(), 'voltage');
  assert.is(U('nS*mV').dimensionName(), 'current');
  assert.is(U('1/ms').dimensionName(), 'frequency');
  assert.is(U('m^2*kg/(s^3*A)').dimensionName(), 'voltage');
  assert.is(U('m^3').pow(1 / 3).dimensionName(), 'length');
  assert.is(U('mV/ms').dimensionName(), 'kg·m^2·s^-4·A^-1');
  assert.is(U('Hz^0.5').dimensionName(), 's^-0.5');
  assert.is(U('uF/cm^2').dimensionName(), 'kg^-1·m^-4·s^4·A^2');
});

test('sameDimension and equals: exact dimensions, half exponents apart are different', () => {
  assert.ok(U('mV').sameDimension(U('V')));
  assert.not.ok(U('mV').equals(U('V')));
  assert.ok(U('mV').equals(U('mV')));
  assert.not.ok(U('mV').sameDimension(U('mV').sqrt()));
  assert.not.ok(U('mV').sameDimension(U('nS')));
  assert.ok(U('Hz^0.5').sameDimension(U('kHz').sqrt()));
  assert.ok(U('nS*mV').equals(U('pA')));
});

test('pow: integer and half-integer exponents of every base dimension, anything else refused', () => {
  assert.is(U('m^3').pow(2 / 3).toString(), 'm^2');
  assert.is(U('Hz').pow(1.5).toString(), 'Hz^1.5');
  assert.is(U('Hz').pow(0).toString(), '1');
  assert.throws(() => U('m').pow(1 / 3), (e: unknown) => e instanceof UnitMismatchError && /the length exponent would be 0\.333/.test((e as Error).message));
  assert.throws(() => U('Hz').pow(0.25), (e: unknown) => e instanceof UnitMismatchError && /time exponent would be -0\.25/.test((e as Error).message));
  assert.throws(() => U('mV').pow(Infinity), (e: unknown) => e instanceof InvalidArgumentError && /finite/.test((e as Error).message));
  // a plain number takes any power
  assert.is(U('1').pow(0.3).toString(), '1');
  // the first base dimension (mass) is checked like the others
  assert.throws(() => U('kg').pow(1 / 3), (e: unknown) => e instanceof UnitMismatchError && /mass exponent would be 0\.333/.test((e as Error).message));
  // 50 · 0.07 is 3.5000000000000004 in floating point: exponents are cleaned to the half they stand for
  assert.is(U('m^50').pow(0.07).toString(), 'm^3.5');
  assert.is(U('m^50').pow(0.07).dimensionName(), 'm^3.5');
  assert.is(U('m^50').pow(0.07).mul(U('m^50').pow(0.07)).toString(), 'm^7');
});

test('a unit written with a number other than 1 is refused; 1/ms and 1 mV are fine', () => {
  assert.throws(() => U('5 mV'), (e: unknown) => e instanceof InvalidArgumentError && /contains a number/.test((e as Error).message));
  assert.throws(() => U('2/ms'), (e: unknown) => e instanceof InvalidArgumentError && /contains a number/.test((e as Error).message));
  assert.is(U('1/ms').factorTo('Hz'), 1000);
  assert.is(U('1 mV').toString(), 'mV');
});

test('a cancelling product or quotient converts its last operand, and labels it with the unit it was converted to', () => {
  // Hz · ms cancels: ms is converted into 1/Hz (factor 1e-3), and the IR operand says so
  const p = ef.array([2], 'Hz').mul(ef.array([3], 'ms'));
  assert.is(p.unit.toString(), '1');
  assert.is(p.node.src[1]!.unit.toString(), '1/Hz');
  assert.ok(Math.abs(p.dataSync()[0]! - 0.006) < 1e-7 * 0.006);
  // mV / V cancels: V is converted into mV
  const q = ef.array([2], 'mV').div(ef.array([4], 'V'));
  assert.is(q.node.src[1]!.unit.toString(), 'mV');
  assert.ok(Math.abs(q.dataSync()[0]! - 0.0005) < 1e-7 * 0.0005);
});

test.run();
