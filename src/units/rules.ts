/**
 * Unit rules: given the units of an op's operands, the unit of its result and the factor
 * each operand must be multiplied by first (mV + V: the V operand is scaled by 1000).
 * Knows nothing of the IR: operands are Units, the op only names the error.
 */
import { UnitMismatchError } from '../errors.js';
import { mismatch, Unit } from './unit.js';

export interface UnitResult {
  readonly unit: Unit;
  /** Per operand: the constant to multiply it by before the op (1 = unchanged). */
  readonly factors: readonly number[];
  /** Per operand: its unit after that conversion. */
  readonly operands: readonly Unit[];
}

const ones = (n: number): number[] => new Array<number>(n).fill(1);

/** The operands at `which` must share a dimension; they are converted to the first one's unit. */
export function sameDimension(op: string, units: readonly Unit[], which: readonly number[] = units.map((_, i) => i)): UnitResult {
  const factors = ones(units.length);
  const operands = [...units];
  const first = units[which[0]!]!;
  for (const i of which.slice(1)) {
    const u = units[i]!;
    if (!u.sameDimension(first)) throw mismatch(op, first, u);
    factors[i] = u.factorTo(first);
    operands[i] = first;
  }
  return { unit: first, factors, operands };
}

/** Comparisons: like dimensions, a dimensionless (bool) result. */
export function comparison(op: string, units: readonly Unit[]): UnitResult {
  const { factors, operands } = sameDimension(op, units);
  return { unit: Unit.dimensionless, factors, operands };
}

/** Unit 1 exactly: no symbols, scale 1. */
const isPlain = (u: Unit): boolean => u.terms.length === 0 && u.equals(Unit.dimensionless);

/**
 * Products and quotients whose dimensions cancel are plain numbers: Hz·ms is not kept as a
 * unit with scale 0.001 but gives unit 1, with the 0.001 applied to the values
 * (20 Hz · 0.1 ms = 0.002), so item() and dataSync() mean what a reader expects. The last
 * operand is converted (a scalar there folds the factor into its value): into the reciprocal
 * of the others' unit for a product, into the numerator's unit for a quotient.
 */
function plain(units: readonly Unit[], last: Unit): UnitResult {
  const factors = ones(units.length);
  const operands = [...units];
  factors[units.length - 1] = units[units.length - 1]!.factorTo(last);
  operands[units.length - 1] = last;
  return { unit: Unit.dimensionless, factors, operands };
}

/**
 * Only a cancellation that happens here makes a plain number: scaling by a plain number
 * (x · 2, a mean's division by its count) keeps a unit chosen by hand such as mV/V.
 */
const cancelsHere = (units: readonly Unit[]): boolean => units.filter((u) => !isPlain(u)).length >= 2;

export function product(units: readonly Unit[]): UnitResult {
  const unit = units.reduce((a, b) => a.mul(b));
  if (!unit.isDimensionless || isPlain(unit) || !cancelsHere(units)) {
    return { unit, factors: ones(units.length), operands: units };
  }
  const others = units.slice(0, -1).reduce((a, b) => a.mul(b), Unit.dimensionless);
  return plain(units, Unit.dimensionless.div(others));
}

export function quotient(a: Unit, b: Unit): UnitResult {
  const unit = a.div(b);
  if (!unit.isDimensionless || isPlain(unit) || !cancelsHere([a, b])) {
    return { unit, factors: [1, 1], operands: [a, b] };
  }
  return plain([a, b], a);
}

export const keep = (units: readonly Unit[]): UnitResult => ({ unit: units[0]!, factors: ones(units.length), operands: units });

/**
 * exp, log, trig: the operand must be dimensionless. A scaled dimensionless unit (mV/V)
 * is turned into a pure number first.
 */
export function dimensionless(op: string, u: Unit): UnitResult {
  if (!u.isDimensionless) {
    throw new UnitMismatchError(`${op}: expected a dimensionless operand, got ${u.toString()} (${u.dimensionName()}); divide by a reference value first`);
  }
  return { unit: Unit.dimensionless, factors: [u.scale], operands: [Unit.dimensionless] };
}

export const sqrt = (u: Unit): UnitResult => ({ unit: u.sqrt(), factors: [1], operands: [u] });

/**
 * pow(base, exponent): the exponent is dimensionless. A base with a dimension needs a
 * constant exponent (its value decides the result's unit); a dimensionless base may take any.
 */
export function power(base: Unit, exponent: Unit, exponentValue: number | undefined): UnitResult {
  const e = dimensionless('pow (exponent)', exponent);
  if (base.isDimensionless) {
    return { unit: Unit.dimensionless, factors: [base.scale, e.factors[0]!], operands: [Unit.dimensionless, Unit.dimensionless] };
  }
  if (exponentValue === undefined) {
    throw new UnitMismatchError(
      `pow: a base in ${base.toString()} (${base.dimensionName()}) needs a constant scalar exponent to know the result's unit; got an array exponent`,
    );
  }
  return { unit: base.pow(exponentValue * e.factors[0]!), factors: [1, e.factors[0]!], operands: [base, Unit.dimensionless] };
}
