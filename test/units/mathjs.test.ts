/**
 * The small mathjs instance behind src/units (src/units/mathjs.ts) against mathjs's full
 * default instance: the same factories as mathjs's own UnitDependencies, and the same
 * parse results, tables and error messages. Fails first when a mathjs upgrade changes either.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Unit as FullUnit, UnitDependencies } from 'mathjs';
import { UNIT_FACTORIES, mathUnitClass, type MathUnit, type MathUnitClass } from '../../src/units/mathjs.js';
import { UNITS } from '../arbitraries/units.js';

/** Every factory named in a mathjs `*Dependencies` object, through its nested groups. */
function factoryNames(deps: object, out = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(deps)) {
    if (key.startsWith('create')) out.add(key);
    else if (value !== null && typeof value === 'object') factoryNames(value, out);
  }
  return out;
}

const full = FullUnit as unknown as MathUnitClass;
const small = mathUnitClass();

/** What eventfuse reads from a parsed unit, as plain data. */
const view = (u: MathUnit) => ({
  value: u.value,
  dimensions: [...u.dimensions],
  parts: u.units.map((p) => [p.prefix.name, p.unit.name, p.unit.offset, p.power]),
});

/** The outcome of `f`: its value, or the message it threw. */
function outcome<T>(f: () => T): { ok: T } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test('the factory list is exactly what mathjs says Unit needs', () => {
  assert.equal(Object.keys(UNIT_FACTORIES).sort(), [...factoryNames(UnitDependencies)].sort());
});

test('built once: later calls return the same class', () => {
  assert.is(mathUnitClass(), small);
});

test('the base dimensions and named quantities are mathjs\'s', () => {
  assert.equal([...small.BASE_DIMENSIONS], [...full.BASE_DIMENSIONS]);
  assert.equal(
    Object.entries(small.BASE_UNITS).map(([k, v]) => [k, [...v.dimensions]]),
    Object.entries(full.BASE_UNITS).map(([k, v]) => [k, [...v.dimensions]]),
  );
});

test('parses and rejects exactly as the full instance does', () => {
  const texts = [
    ...UNITS.map((u) => u.text).filter((t) => t !== '1'),
    'nS*mV/ms', '1/ms', 'mV^2', 'Hz^0.5', 'mmol/L', 'degC', 'K', 'cd', 'mol', 'rad', 'b', 'min', 'h',
    '5 mV', '2/ms', 'mM', 'mVolt', 'm/', '', '*', 'kg m^2 / (s^3 A)',
  ];
  for (const text of texts) {
    const construct = (C: MathUnitClass) => () => view(new C(1, text));
    const parse = (C: MathUnitClass) => () => view(C.parse(text));
    assert.equal(outcome(construct(small)), outcome(construct(full)), `new Unit(1, '${text}')`);
    assert.equal(outcome(parse(small)), outcome(parse(full)), `Unit.parse('${text}')`);
  }
});

test.run();
