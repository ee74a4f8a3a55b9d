/**
 * The exact scale arithmetic of src/units/scale.ts against an independent oracle: the
 * rational value as a long decimal string with a sticky digit, which Number() parses to
 * the correctly rounded double. Found needed by mutation testing (npm run mutate): most
 * operators of scale.ts could be flipped without a test noticing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  divScale, mulScale, ONE, powScale, ratioToNumber, sameScale, scaleOfFraction, scaleOfNumber, scaleRatio, scaleValue, type Scale,
} from '../../src/units/scale.js';

/** Enough decimal digits after the point for any double's rounding (and a few more). */
const DIGITS = 1200;

/** The double nearest to n/d · 10^e (n, d > 0, e an integer), by decimal expansion. */
function oracle(n: bigint, d: bigint, e = 0): number {
  if (e > 0) n *= 10n ** BigInt(e);
  if (e < 0) d *= 10n ** BigInt(-e);
  const scaled = n * 10n ** BigInt(DIGITS);
  const q = scaled / d;
  // A nonzero remainder beyond the digits shown only breaks ties: append a sticky 1.
  const digits = `${q}${scaled % d === 0n ? '' : '1'}`;
  const shift = DIGITS + (digits.length - q.toString().length);
  return Number(`${digits}e-${shift}`);
}

/** The exact value of a scale as a fraction times a power of ten. */
function rational(s: Scale): { n: bigint; d: bigint; e: number } {
  if (!s.exact) throw new Error('not exact');
  return { n: s.num, d: s.den, e: s.exp10 };
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

/** Exact scales are kept reduced: coprime, no factor of ten left in num or den (except 1·10^k). */
function assertNormal(s: Scale, what: string): void {
  if (!s.exact) return;
  assert.ok(s.num > 0n && s.den > 0n, `${what}: positive`);
  assert.is(gcd(s.num, s.den), 1n, `${what}: ${s.num}/${s.den} not reduced`);
  assert.ok(s.num < 10n || s.num % 10n !== 0n, `${what}: num ${s.num} keeps a factor of ten`);
  assert.ok(s.den < 10n || s.den % 10n !== 0n, `${what}: den ${s.den} keeps a factor of ten`);
}

const bigPositive = (bits: number): fc.Arbitrary<bigint> => fc.bigInt({ min: 1n, max: (1n << BigInt(bits)) - 1n });
const positiveDouble = fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }).filter((v) => v > 0);

test('the oracle rounds as the platform does where both are exact', () => {
  assert.is(oracle(1n, 3n), 1 / 3);
  assert.is(oracle(2n, 3n, -3), 2 / 3000);
  assert.is(oracle(1n, 10n), 0.1);
  assert.is(oracle(5n, 1n, 300), 5e300);
});

test('ratioToNumber(n, d) is the double nearest n/d, for small and huge bigints, ties included', () => {
  fc.assert(fc.property(fc.oneof(bigPositive(20), bigPositive(60), bigPositive(200)), fc.oneof(bigPositive(20), bigPositive(60), bigPositive(200)), (n, d) => {
    assert.is(ratioToNumber(n, d), oracle(n, d), `${n}/${d}`);
  }), { numRuns: 300 });
  // halfway cases between two doubles above 2^53: 2^53 + 1 is a tie, rounds to even
  const two53 = 2n ** 53n;
  assert.is(ratioToNumber(two53 + 1n, 1n), 2 ** 53);
  assert.is(ratioToNumber(two53 + 3n, 1n), 2 ** 53 + 4);
  assert.is(ratioToNumber((two53 + 1n) * 7n, 7n), 2 ** 53);
  // just above a tie is not a tie
  assert.is(ratioToNumber((two53 + 1n) * 1000n + 1n, 1000n), 2 ** 53 + 2);
  // ratios far beyond the double range in both directions
  assert.is(ratioToNumber(1n, 10n ** 400n), 0);
  assert.is(ratioToNumber(10n ** 400n, 1n), Infinity);
  assert.is(ratioToNumber(3n, 2n ** 1070n), oracle(3n, 2n ** 1070n));
});

test('scaleOfNumber keeps a double exactly (the decimal it prints as), reduced', () => {
  fc.assert(fc.property(positiveDouble, (v) => {
    const s = scaleOfNumber(v);
    assert.ok(s.exact, `${v} exact`);
    assertNormal(s, String(v));
    assert.is(scaleValue(s), v);
    const { n, d, e } = rational(s);
    assert.is(d, 1n, 'a decimal has denominator 1');
    assert.is(oracle(n, d, e), v);
  }), { numRuns: 300 });
  assert.equal(scaleOfNumber(0.0254), { exact: true, num: 254n, den: 1n, exp10: -4 });
  assert.equal(scaleOfNumber(3600), { exact: true, num: 36n, den: 1n, exp10: 2 });
  for (const bad of [0, -1, Infinity, NaN]) assert.is(scaleOfNumber(bad).exact, false, String(bad));
});

/** An exact scale from parts: (n/d) · 10^e, built through the public functions. */
const exactScale = fc.tuple(bigPositive(40), bigPositive(40), fc.integer({ min: -30, max: 30 }))
  .map(([n, d, e]) => mulScale(scaleOfFraction(n, d), powScale(scaleOfNumber(10), e)));

test('mulScale, divScale and scaleRatio are exact: the double nearest the exact product or quotient', () => {
  fc.assert(fc.property(exactScale, exactScale, (a, b) => {
    const x = rational(a);
    const y = rational(b);
    const p = mulScale(a, b);
    const q = divScale(a, b);
    assertNormal(p, 'product');
    assertNormal(q, 'quotient');
    assert.is(scaleValue(p), oracle(x.n * y.n, x.d * y.d, x.e + y.e), 'product');
    assert.is(scaleValue(q), oracle(x.n * y.d, x.d * y.n, x.e - y.e), 'quotient');
    assert.is(scaleRatio(a, b), scaleValue(q), 'ratio');
    assert.is(scaleValue(a), oracle(x.n, x.d, x.e), 'value');
  }), { numRuns: 300 });
});

test('sameScale is exact equality of values, whatever the representation', () => {
  fc.assert(fc.property(exactScale, fc.integer({ min: -20, max: 20 }), bigPositive(30), (a, k, m) => {
    // the same value written another way: times m/m, times 10^k / 10^k
    const mm = scaleOfFraction(m, m);
    const ten = powScale(scaleOfNumber(10), k);
    const same = divScale(mulScale(mulScale(a, mm), ten), ten);
    assert.ok(sameScale(a, same), 'equal values');
    assert.ok(sameScale(same, a), 'symmetric');
    // one part in 10^12 apart is another value
    const near = mulScale(a, scaleOfFraction(10n ** 12n + 1n, 10n ** 12n));
    assert.not.ok(sameScale(a, near), 'different values');
    assert.not.ok(sameScale(near, a), 'different values, symmetric');
    assert.not.ok(sameScale(a, mulScale(a, scaleOfNumber(10))), 'a factor of ten');
  }), { numRuns: 200 });
  // inexact scales compare within 1e-12
  const sqrt2 = powScale(scaleOfNumber(2), 0.5);
  assert.is(sqrt2.exact, false);
  assert.ok(sameScale(sqrt2, { exact: false, value: Math.SQRT2 * (1 + 5e-13) }));
  assert.not.ok(sameScale(sqrt2, { exact: false, value: Math.SQRT2 * (1 + 5e-12) }));
  // 2 · 10^0 and 20 · 10^-1, and scales 10^±400 apart
  assert.ok(sameScale(scaleOfNumber(2), divScale(scaleOfNumber(20), scaleOfNumber(10))));
  assert.not.ok(sameScale(ONE, powScale(scaleOfNumber(10), 401)));
  assert.not.ok(sameScale(powScale(scaleOfNumber(10), -401), ONE));
});

test('powScale: integer powers are exact, half-integer powers exact on perfect squares, others approximate', () => {
  fc.assert(fc.property(bigPositive(12), bigPositive(12), fc.integer({ min: -8, max: 8 }), fc.integer({ min: -6, max: 6 }), (n, d, e, p) => {
    const a = mulScale(scaleOfFraction(n, d), powScale(scaleOfNumber(10), e));
    const x = rational(a);
    const r = powScale(a, p);
    assert.ok(r.exact, `power ${p} exact`);
    assertNormal(r, `power ${p}`);
    const k = BigInt(Math.abs(p));
    const [pn, pd] = p >= 0 ? [x.n ** k, x.d ** k] : [x.d ** k, x.n ** k];
    assert.is(scaleValue(r), oracle(pn, pd, x.e * p), `(${x.n}/${x.d}·10^${x.e})^${p}`);
    // the square root of a square, with an even exponent of ten
    const sq = mulScale(scaleOfFraction(n * n, d * d), powScale(scaleOfNumber(100), e));
    const root = powScale(sq, 0.5);
    assert.ok(root.exact, 'sqrt of a square is exact');
    assert.ok(sameScale(root, mulScale(scaleOfFraction(n, d), powScale(scaleOfNumber(10), e))), 'sqrt of a square');
    const threeHalves = powScale(sq, 1.5);
    assert.ok(threeHalves.exact, 'power 3/2 of a square is exact');
    assert.is(scaleValue(threeHalves), oracle(n ** 3n, d ** 3n, 3 * e));
  }), { numRuns: 200 });
  assert.is(powScale(scaleOfNumber(7), 0), ONE);
  const seven = scaleOfNumber(7);
  assert.is(powScale(seven, 1), seven);
  // a power of ten stays exact for any power, fractional included
  const milli = scaleOfNumber(0.001);
  assert.equal(powScale(milli, 0.5), { exact: true, num: 1n, den: 1n, exp10: -1.5 });
  assert.is(scaleValue(powScale(milli, 0.5)), 10 ** -1.5);
  assert.equal(powScale(milli, 70), { exact: true, num: 1n, den: 1n, exp10: -210 });
  // not perfect squares, or powers beyond the exact limit, are approximate
  assert.is(powScale(scaleOfNumber(2), 0.5).exact, false);
  assert.is(powScale(scaleOfFraction(4n, 3n), 0.5).exact, false);
  assert.is(powScale(scaleOfNumber(2), 65).exact, false);
  assert.is(powScale(scaleOfNumber(2), 64).exact, true);
  assert.is(powScale(scaleOfNumber(2), -64).exact, true);
  // half-integer p: exact while 2p stays within the limit (4^31.5 = 2^63; 4^32.5 needs 2p = 65)
  assert.is(scaleValue(powScale(scaleOfNumber(4), 31.5)), 2 ** 63);
  assert.is(powScale(scaleOfNumber(4), 31.5).exact, true);
  assert.is(powScale(scaleOfNumber(4), 32.5).exact, false);
  assert.is(scaleValue(powScale(scaleOfNumber(2), 0.5)), Math.SQRT2);
  // inexact in, inexact out
  assert.is(scaleValue(powScale({ exact: false, value: 4 }, 0.5)), 2);
  assert.is(scaleValue(mulScale({ exact: false, value: 4 }, scaleOfNumber(2))), 8);
  assert.is(scaleValue(divScale(scaleOfNumber(2), { exact: false, value: 4 })), 0.5);
  assert.is(scaleRatio({ exact: false, value: 3 }, scaleOfNumber(2)), 1.5);
});

test('scaleOfFraction: positive fractions exact and reduced, others approximate', () => {
  assert.equal(scaleOfFraction(5n, 9n), { exact: true, num: 5n, den: 9n, exp10: 0 });
  assert.equal(scaleOfFraction(50n, 90n), { exact: true, num: 5n, den: 9n, exp10: 0 });
  assert.equal(scaleOfFraction(300n, 7n), { exact: true, num: 3n, den: 7n, exp10: 2 });
  assert.equal(scaleOfFraction(7n, 300n), { exact: true, num: 7n, den: 3n, exp10: -2 });
  assert.equal(scaleOfFraction(10n, 1n), { exact: true, num: 1n, den: 1n, exp10: 1 });
  assert.equal(scaleOfFraction(1n, 10n), { exact: true, num: 1n, den: 1n, exp10: -1 });
  assert.equal(scaleOfFraction(1n, 1n), ONE);
  assert.is(scaleOfFraction(0n, 1n).exact, false);
  assert.is(scaleOfFraction(-1n, 2n).exact, false);
  assert.is(scaleOfFraction(1n, -2n).exact, false);
  assert.is(scaleValue(scaleOfFraction(-1n, 2n)), -0.5);
  assert.is(scaleOfFraction(1n, 0n).exact, false);
  assert.is(scaleValue(scaleOfFraction(1n, 0n)), Infinity);
});

test('edge values: fractional powers of ten with a mantissa, scales beyond the double range, unequal scales 10^k apart', () => {
  // sqrt(0.004) = 2 · 10^-1.5: the mantissa counts when the exponent is fractional
  const root = powScale(scaleOfNumber(0.004), 0.5);
  assert.ok(root.exact);
  assert.ok(Math.abs(scaleValue(root) - Math.sqrt(0.004)) <= 2 * Number.EPSILON * Math.sqrt(0.004), `sqrt(0.004) = ${scaleValue(root)}`);
  assert.not.ok(sameScale(root, ONE));
  assert.not.ok(sameScale(powScale(scaleOfNumber(0.001), 0.5), ONE), 'exponents a half apart');
  // beyond 10^±400 the value is Infinity or 0, as the double it stands for
  const ten = scaleOfNumber(10);
  assert.is(scaleValue(mulScale(scaleOfNumber(7), powScale(ten, 401))), Infinity);
  assert.is(scaleValue(mulScale(scaleOfNumber(7), powScale(ten, -401))), 0);
  assert.is(scaleValue(mulScale(scaleOfFraction(7n, 3n), powScale(ten, 401))), Infinity);
  assert.is(scaleValue(mulScale(scaleOfFraction(7n, 3n), powScale(ten, -401))), 0);
  // 150 and 1, 0.15 and 1: values whose quotient truncates to a power of ten are still unequal
  for (const [x, y] of [[150, 1], [1, 150], [0.15, 1], [1, 0.15], [1.5, 0.1], [25, 2]]) {
    assert.not.ok(sameScale(scaleOfNumber(x!), scaleOfNumber(y!)), `${x} vs ${y}`);
  }
});

test.run();
