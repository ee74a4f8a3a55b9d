/**
 * The SI value of a unit, kept exactly where the math is exact: num/den · 10^exp10 with
 * bigint num and den. Prefixes and SI-derived units (mV, nS, pA, ms, Hz, ohm) are 1 · 10^k,
 * so products, quotients and powers only add exponents, and the conversion between two units
 * is computed once, from the exact ratio, as the nearest double: nS·mV -> pA is exactly 1,
 * mV -> V is 0.001 (not 1e-3/1, or 1e-9·1e-3/1e-12 in floating point).
 *
 * mathjs gives each unit and prefix value as a double; we take the decimal that double prints
 * as (inch 0.0254 = 254 · 10^-4, hour 36 · 10^2, deg 17453292519943295 · 10^-18), which
 * parses back to the same double, so non-decimal units are exact rationals too. Only a
 * fractional power of a mantissa that is not a perfect power (sqrt of a minute) leaves the
 * rationals; such a scale is kept as a float (`exact: false`).
 */

export type Scale =
  | {
      readonly exact: true;
      /** Positive and coprime. */
      readonly num: bigint;
      readonly den: bigint;
      /** An integer, except after fractional powers (sqrt(mV) is 10^-1.5). */
      readonly exp10: number;
    }
  | { readonly exact: false; readonly value: number };

export const ONE: Scale = { exact: true, num: 1n, den: 1n, exp10: 0 };

const approx = (value: number): Scale => ({ exact: false, value });

/** Largest |exponent| of 10 built as a bigint; beyond it a double is 0 or Infinity anyway. */
const MAX_EXP10 = 400;
/** Largest integer power taken exactly of a mantissa other than 1 (bigints grow with it). */
const MAX_EXACT_POWER = 64;

const bitLength = (x: bigint): number => x.toString(2).length;

const gcd = (a: bigint, b: bigint): bigint => {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

/** Reduce the fraction and move factors of ten into the exponent, so numbers stay small. */
function exact(num: bigint, den: bigint, exp10: number): Scale {
  if (num !== 1n && den !== 1n) {
    const g = gcd(num, den);
    num /= g;
    den /= g;
  }
  while (num >= 10n && num % 10n === 0n) {
    num /= 10n;
    exp10 += 1;
  }
  while (den >= 10n && den % 10n === 0n) {
    den /= 10n;
    exp10 -= 1;
  }
  return { exact: true, num, den, exp10 };
}

/** A positive double as the shortest decimal it prints as (0.0254 -> 254 · 10^-4). */
export function scaleOfNumber(v: number): Scale {
  if (!(v > 0) || !Number.isFinite(v)) return approx(v);
  // toExponential() without digits prints the shortest decimal that reads back as v.
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(v.toExponential());
  if (!m) return approx(v);
  const frac = m[2] ?? '';
  return exact(BigInt(m[1]! + frac), 1n, Number(m[3]) - frac.length);
}

/** An exact positive fraction (mathjs's Rankine is 5/9 K). */
export function scaleOfFraction(num: bigint, den: bigint): Scale {
  return num > 0n && den > 0n ? exact(num, den, 0) : approx(Number(num) / Number(den));
}

export function mulScale(a: Scale, b: Scale): Scale {
  if (!a.exact || !b.exact) return approx(scaleValue(a) * scaleValue(b));
  return exact(a.num * b.num, a.den * b.den, a.exp10 + b.exp10);
}

export function divScale(a: Scale, b: Scale): Scale {
  if (!a.exact || !b.exact) return approx(scaleValue(a) / scaleValue(b));
  return exact(a.num * b.den, a.den * b.num, a.exp10 - b.exp10);
}

/** Integer square root, or undefined when x is not a perfect square. */
function exactSqrt(x: bigint): bigint | undefined {
  if (x < 2n) return x;
  // Newton's iteration decreases to floor(sqrt(x)) from any start above it: 2^ceil(bits/2) is.
  let r = 1n << BigInt(Math.ceil(bitLength(x) / 2));
  for (;;) {
    const next = (r + x / r) >> 1n;
    if (next >= r) break;
    r = next;
  }
  return r * r === x ? r : undefined;
}

export function powScale(a: Scale, p: number): Scale {
  if (p === 0) return ONE;
  if (p === 1) return a;
  if (!a.exact) return approx(a.value ** p);
  const { num, den, exp10 } = a;
  // A power of ten stays one for any exponent: only the exponent is multiplied.
  if (num === 1n && den === 1n) return exact(1n, 1n, exp10 * p);
  if (Number.isInteger(p) && Math.abs(p) <= MAX_EXACT_POWER) {
    const k = BigInt(Math.abs(p));
    return p > 0 ? exact(num ** k, den ** k, exp10 * p) : exact(den ** k, num ** k, exp10 * p);
  }
  if (Number.isInteger(2 * p) && Math.abs(2 * p) <= MAX_EXACT_POWER) {
    const rn = exactSqrt(num);
    const rd = exactSqrt(den);
    if (rn !== undefined && rd !== undefined) return powScale(exact(rn, rd, exp10 / 2), 2 * p);
  }
  return approx(scaleValue(a) ** p);
}

const TWO53 = 2n ** 53n;

/** The double nearest to n/d (n, d > 0), ties to even (a subnormal result may be off by one unit). */
export function ratioToNumber(n: bigint, d: bigint): number {
  // Both exact as doubles: one IEEE division, which rounds correctly.
  if (n <= TWO53 && d <= TWO53) return Number(n) / Number(d);
  // Otherwise take a quotient of 55 or 56 bits, mark a nonzero remainder in its lowest bit
  // (below the rounding position, so it only breaks ties) and let Number() round it.
  const shift = 55 - (bitLength(n) - bitLength(d));
  const [nn, dd] = shift >= 0 ? [n << BigInt(shift), d] : [n, d << BigInt(-shift)];
  let q = nn / dd;
  if (q * dd !== nn) q |= 1n;
  return timesPowerOfTwo(Number(q), -shift);
}

/** x · 2^e in steps that stay within the range of 2^e as a double; only the last step rounds. */
function timesPowerOfTwo(x: number, e: number): number {
  for (; e > 1000; e -= 1000) x *= 2 ** 1000;
  for (; e < -1000; e += 1000) x *= 2 ** -1000;
  return x * 2 ** e;
}

/** 10^k for an integer k as the nearest double: parsing the literal rounds correctly (10 ** -4 does not in V8). */
const tenTo = (k: number): number => Number(`1e${k}`);

/** (num/den) · 10^exp10 as the nearest double where exp10 is an integer. */
function toNumber(num: bigint, den: bigint, exp10: number): number {
  // 10 to a fractional power is irrational: no exact value to round to.
  if (!Number.isInteger(exp10)) return (num === den ? 1 : ratioToNumber(num, den)) * 10 ** exp10;
  if (num === den) return tenTo(exp10);
  if (Math.abs(exp10) > MAX_EXP10) return ratioToNumber(num, den) * tenTo(exp10);
  return exp10 >= 0 ? ratioToNumber(num * 10n ** BigInt(exp10), den) : ratioToNumber(num, den * 10n ** BigInt(-exp10));
}

/** The scale as a double: the nearest one where the scale is exact. */
export function scaleValue(a: Scale): number {
  return a.exact ? toNumber(a.num, a.den, a.exp10) : a.value;
}

/** a / b as one rounded double: exactly 1 for equal scales, 0.001 for mV -> V. */
export function scaleRatio(a: Scale, b: Scale): number {
  if (!a.exact || !b.exact) return scaleValue(a) / scaleValue(b);
  return toNumber(a.num * b.den, a.den * b.num, a.exp10 - b.exp10);
}

/** Equal scales: exactly, where both are exact; within 1e-12 otherwise. */
export function sameScale(a: Scale, b: Scale): boolean {
  if (a.exact && b.exact) return isExactlyOne(a, b);
  const x = scaleValue(a);
  return Math.abs(x - scaleValue(b)) <= 1e-12 * Math.abs(x);
}

/** a/b is 1 exactly (the representation is not unique: 2 · 10^0 is 1/5 · 10^1). */
function isExactlyOne(a: Scale & { exact: true }, b: Scale & { exact: true }): boolean {
  const e = a.exp10 - b.exp10;
  if (!Number.isInteger(e) || Math.abs(e) > MAX_EXP10) return false;
  const n = a.num * b.den;
  const d = a.den * b.num;
  return e >= 0 ? n * 10n ** BigInt(e) === d : n === d * 10n ** BigInt(-e);
}
