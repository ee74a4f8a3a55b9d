/**
 * Physical units: a dimension vector (exponents of mathjs's base dimensions) plus a scale
 * to SI, kept exactly (see scale.ts). Parsing, the base dimensions and the known quantities
 * come from mathjs's `Unit`; we only keep the algebra (mul, div, pow) and the printed terms.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, UnitMismatchError } from '../errors.js';
import { mathUnitClass, type MathUnit, type MathUnitPart } from './mathjs.js';
import {
  ONE, divScale, mulScale, powScale, sameScale, scaleOfFraction, scaleOfNumber, scaleRatio, scaleValue, type Scale,
} from './scale.js';

/** One printed factor of a unit: `mV` to the power 1, `ms` to the power -1. */
export interface UnitTerm {
  readonly symbol: string;
  readonly power: number;
}

/** Names of the base dimensions, in mathjs's order (MASS, LENGTH, TIME, CURRENT, ...). */
export const baseDimensions = (): readonly string[] => mathUnitClass().BASE_DIMENSIONS;
const DIM_SYMBOLS = ['kg', 'm', 's', 'A', 'K', 'cd', 'mol', 'rad', 'b'];
/** Friendlier names for a few mathjs quantities; every other quantity uses mathjs's own name. */
const QUANTITY_NAMES: Readonly<Record<string, string>> = {
  NONE: 'dimensionless',
  ELECTRIC_POTENTIAL: 'voltage',
  ELECTRIC_CONDUCTANCE: 'conductance',
  ELECTRIC_RESISTANCE: 'resistance',
  ELECTRIC_CAPACITANCE: 'capacitance',
  ELECTRIC_CHARGE: 'charge',
  ELECTRIC_INDUCTANCE: 'inductance',
};

const EPS = 1e-9;
const cleanExponent = (e: number): number => {
  const r = Math.round(e * 2) / 2;
  return Math.abs(r - e) < EPS ? (r === 0 ? 0 : r) : e;
};

const formatPower = (p: number): string => (p === 1 ? '' : `^${p}`);

const termsKey = (terms: readonly UnitTerm[]): string =>
  terms.map((t) => `${t.symbol}${formatPower(t.power)}`).join('·');

function mergeTerms(a: readonly UnitTerm[], b: readonly UnitTerm[], sign: number): UnitTerm[] {
  const out: UnitTerm[] = a.map((t) => ({ ...t }));
  for (const t of b) {
    const hit = out.find((o) => o.symbol === t.symbol);
    if (hit) (hit as { power: number }).power = cleanExponent(hit.power + sign * t.power);
    else out.push({ symbol: t.symbol, power: sign * t.power });
  }
  return out.filter((t) => t.power !== 0);
}

/** The exact SI value of one mathjs unit factor: (prefix · unit)^power. */
function partScale(p: MathUnitPart): Scale {
  const v = p.unit.value;
  const unit = typeof v === 'number' ? scaleOfNumber(v) : scaleOfFraction(BigInt(v.n) * BigInt(v.s), BigInt(v.d));
  return powScale(mulScale(scaleOfNumber(p.prefix.value), unit), p.power);
}

const parsed = new Map<string, Unit>();

/**
 * Spellings users type that mathjs does not read, rewritten to its own: the micro sign
 * (U+00B5) and Greek mu (U+03BC) as the prefix u, `Ohm` and the ohm signs (U+03A9, U+2126)
 * as `ohm`, and the middle dot that toString() prints between factors (nS·mV) as `*`.
 * Units then print in mathjs's spelling (`uS`, `Mohm`), which parses back.
 */
function mathjsSpelling(text: string): string {
  return text
    .replace(/[\u00B7\u22C5]/g, '*')
    .replace(/[\u03A9\u2126]/g, 'ohm')
    .replace(/(^|[^A-Za-z_])([A-Za-z]?)Ohm(?![A-Za-z_])/g, '$1$2ohm')
    .replace(/[\u00B5\u03BC](?=[A-Za-z])/g, 'u');
}

export class Unit {
  static readonly dimensionless: Unit = new Unit(new Array(DIM_SYMBOLS.length).fill(0), ONE, []);

  /** The SI value of one of this unit as the nearest double: 1 mV -> 0.001, nS·mV -> 1e-12. */
  readonly scale: number;
  /**
   * The SI value, exact where the math is; conversions are computed from it, not from `scale`.
   * A #private field: it holds bigints, which JSON.stringify of a Unit would refuse.
   */
  readonly #si: Scale;

  private constructor(
    /** Exponents of the base dimensions (see baseDimensions). */
    readonly dims: readonly number[],
    si: Scale,
    readonly terms: readonly UnitTerm[],
  ) {
    this.#si = si;
    this.scale = scaleValue(si);
    Object.freeze(dims);
    Object.freeze(terms);
    Object.freeze(this);
  }

  /** Parse a unit string ('mV', 'nS*mV', 'mV/ms', '1' or '' for dimensionless) through mathjs. */
  static parse(text: string): Unit {
    const key = text.trim();
    const cached = parsed.get(key);
    if (cached) return cached;
    let result: Unit;
    if (key === '' || key === '1') {
      result = Unit.dimensionless;
    } else {
      // Outside the try: a mathjs that fails to load is not an unknown unit.
      const MathjsUnit = mathUnitClass();
      let m: MathUnit;
      const spelled = mathjsSpelling(key);
      try {
        m = new MathjsUnit(1, spelled);
      } catch (e) {
        throw new InvalidArgumentError(
          `unknown unit '${text}': expected a unit mathjs understands, such as 'mV', 'nS', 'ms', 'pA' or 'mV/ms' (${(e as Error).message})`,
        );
      }
      // new Unit(1, '5 mV') silently drops the 5; a number other than 1 ('1/ms' is fine) is an error.
      const written = MathjsUnit.parse(spelled).value;
      const one = m.value!;
      if (written !== null && Math.abs(written - one) > 1e-12 * Math.abs(one)) {
        throw new InvalidArgumentError(`unit '${text}' contains a number; expected a unit only, such as 'mV' or '1/ms' (put numbers in the data)`);
      }
      const parts = m.units;
      if (parts.some((p) => p.unit.offset !== 0)) {
        throw new InvalidArgumentError(`unit '${text}' has an offset (like degC); expected a purely multiplicative unit such as K`);
      }
      const terms = parts.reduce<UnitTerm[]>(
        (acc, p) => mergeTerms(acc, [{ symbol: p.prefix.name + p.unit.name, power: p.power }], 1),
        [],
      );
      const exact = parts.reduce((acc, p) => mulScale(acc, partScale(p)), ONE);
      // mathjs's own float value is the check: a unit value we cannot read exactly keeps it.
      const si = Math.abs(scaleValue(exact) - one) <= 1e-12 * Math.abs(one) ? exact : scaleOfNumber(one);
      result = new Unit(m.dimensions.map(cleanExponent), si, terms);
    }
    parsed.set(key, result);
    return result;
  }

  /**
   * A unit given as a string or a Unit; undefined means dimensionless. Anything else (a
   * number, null, an object) is an InvalidArgumentError whose message starts with `what`.
   */
  static of(u: Unit | string | undefined, what = 'unit'): Unit {
    if (u === undefined) return Unit.dimensionless;
    if (typeof u === 'string') return Unit.parse(u);
    if (u instanceof Unit) return u;
    throw new InvalidArgumentError(
      `${what}: expected a unit string such as 'mV' or 'nS*mV', an ef.Unit, or nothing for dimensionless; got ${describeValue(u)}`,
    );
  }

  get isDimensionless(): boolean {
    return this.dims.every((d) => d === 0);
  }

  /** Same physical dimension (mV and V: yes; mV and nS: no). */
  sameDimension(other: Unit): boolean {
    return this.dims.every((d, i) => Math.abs(d - other.dims[i]!) < EPS);
  }

  /** Same dimension and the same scale (exactly, for scales kept exactly: nS·mV equals pA). */
  equals(other: Unit): boolean {
    return this.sameDimension(other) && sameScale(this.#si, other.#si);
  }

  mul(other: Unit): Unit {
    return new Unit(
      this.dims.map((d, i) => cleanExponent(d + other.dims[i]!)),
      mulScale(this.#si, other.#si),
      mergeTerms(this.terms, other.terms, 1),
    );
  }

  div(other: Unit): Unit {
    return new Unit(
      this.dims.map((d, i) => cleanExponent(d - other.dims[i]!)),
      divScale(this.#si, other.#si),
      mergeTerms(this.terms, other.terms, -1),
    );
  }

  /**
   * Raise to a rational power. Exponents must stay integers or halves (sqrt(Hz) is fine,
   * the cube root of a metre is not): anything else throws.
   */
  pow(p: number, op = 'pow'): Unit {
    if (!Number.isFinite(p)) throw new InvalidArgumentError(`${op}: the exponent must be a finite number, got ${p}`);
    if (this.isDimensionless && this.terms.length === 0) return this;
    const dims = this.dims.map((d) => d * p);
    const bad = dims.findIndex((d) => Math.abs(Math.round(d * 2) - d * 2) > EPS);
    if (bad >= 0) {
      throw new UnitMismatchError(
        `${op}: cannot raise ${this.toString()} (${this.dimensionName()}) to the power ${p}: ` +
          `the ${baseDimensions()[bad]!.toLowerCase()} exponent would be ${dims[bad]}, expected an integer or half-integer exponent`,
      );
    }
    return new Unit(
      dims.map(cleanExponent),
      powScale(this.#si, p),
      this.terms.map((t) => ({ symbol: t.symbol, power: cleanExponent(t.power * p) })).filter((t) => t.power !== 0),
    );
  }

  sqrt(): Unit {
    return this.pow(0.5, 'sqrt');
  }

  /**
   * The factor that converts a value in this unit into `target`, rounded once from the exact
   * ratio: mV -> V is 0.001, V -> mV 1000, nS·mV -> pA exactly 1.
   */
  factorTo(target: Unit | string, op = 'to'): number {
    const t = Unit.of(target, `${op}: target unit`);
    if (!this.sameDimension(t)) throw mismatch(op, this, t);
    return scaleRatio(this.#si, t.#si);
  }

  /** Readable name of the quantity (voltage, conductance, time) or its base-dimension formula. */
  dimensionName(): string {
    for (const [name, base] of Object.entries(mathUnitClass().BASE_UNITS)) {
      if (base.dimensions.every((d, i) => Math.abs(d - this.dims[i]!) < EPS)) {
        return QUANTITY_NAMES[name] ?? name.toLowerCase().replace(/_/g, ' ');
      }
    }
    return this.dims
      .map((d, i) => (d === 0 ? '' : `${DIM_SYMBOLS[i]}${formatPower(d)}`))
      .filter((s) => s !== '')
      .join('·');
  }

  /** Stable text used for structural keys and equality of IR nodes. */
  get key(): string {
    return `${termsKey(this.terms)}|${this.scale}`;
  }

  toString(): string {
    if (this.terms.length === 0) return '1';
    const num = this.terms.filter((t) => t.power > 0);
    const den = this.terms.filter((t) => t.power < 0).map((t) => ({ symbol: t.symbol, power: -t.power }));
    const top = num.length ? termsKey(num) : '1';
    if (!den.length) return top;
    return `${top}/${den.length > 1 ? `(${termsKey(den)})` : termsKey(den)}`;
  }
}

/** The error for combining two units of different dimensions in `op`. */
export function mismatch(op: string, a: Unit, b: Unit): UnitMismatchError {
  return new UnitMismatchError(
    `${op}: cannot combine ${a.toString()} (${a.dimensionName()}) with ${b.toString()} (${b.dimensionName()}); expected operands of the same dimension`,
  );
}
