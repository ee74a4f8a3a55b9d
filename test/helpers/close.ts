/** Numeric comparison: relative + absolute tolerance that treats NaN == NaN, and per-element bounds reported in ulps. */
import * as assert from 'uvu/assert';

export function closeTo(actual: number, expected: number, rtol: number, atol = rtol): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what = 'values', atol = rtol): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!closeTo(actual[i]!, expected[i]!, rtol, atol)) {
      assert.unreachable(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

// ------------------------------------------------------------------ ulps

/** Unit roundoff of float32 and float64 (half an ulp of 1). */
export const U32 = 2 ** -24;
export const U64 = 2 ** -53;
/** The smallest normal float32: a device that flushes subnormals (a GPU) loses up to this per operation. */
export const MIN_NORMAL32 = 2 ** -126;

/** 2^floor(log2 |v|) for finite v ≠ 0, exact (Math.log2 may round up just below a power of two). */
function binade(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** The spacing of float32 numbers at |v| (2^-149 at and below the subnormal range). */
export function ulp32(v: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a)) return NaN;
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (binade(a) - 23);
}

/** The spacing of float64 numbers at |v| (2^-1074 at and below the subnormal range). */
export function ulp64(v: number): number {
  const a = Math.abs(v);
  if (!Number.isFinite(a)) return NaN;
  return a < 2 ** -1022 ? 2 ** -1074 : 2 ** (binade(a) - 52);
}

/** Higham's γ_n = n u / (1 − n u): a sum of n rounded operations is off by at most γ_n Σ|terms|. */
export const gamma = (n: number, u: number): number => (n * u) / (1 - n * u);

/**
 * Worst observed |actual − expected| per check, in ulps of the expected value and as a
 * fraction of the bound: printed at exit when EF_ULP_REPORT is set, to size bounds from
 * measurements (`EF_ULP_REPORT=1 node ... uvu ... test '<file>'`).
 */
const REPORT = Boolean(process.env['EF_ULP_REPORT']);
const worst = new Map<string, { ulps: number; ofBound: number }>();
if (REPORT) {
  process.on('exit', () => {
    for (const [k, v] of [...worst].sort()) console.log(`ulp report ${k}: worst ${v.ulps.toFixed(2)} ulps, ${(100 * v.ofBound).toFixed(1)}% of the bound`);
  });
}

/**
 * Assert |actual[i] − expected[i]| ≤ bound[i] for every i (NaN matches NaN; ±Infinity must be
 * equal). A failure names the distance and the bound in ulps of the expected value (`ulp`:
 * ulp32 or ulp64, the precision being compared). `key` groups the EF_ULP_REPORT lines.
 */
export function assertWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, bound: ArrayLike<number>, what: string, ulp: (v: number) => number = ulp32, key = what): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  assert.is(bound.length, expected.length, `${what}: bounds`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= bound[i]!;
    const u = ulp(e);
    if (REPORT && Number.isFinite(e) && Number.isFinite(a)) {
      const d = Math.abs(a - e);
      const w = worst.get(key) ?? { ulps: 0, ofBound: 0 };
      worst.set(key, { ulps: Math.max(w.ulps, d / u), ofBound: Math.max(w.ofBound, d === 0 ? 0 : d / bound[i]!) });
    }
    if (!ok) {
      assert.unreachable(`${what}[${i}]: got ${a}, expected ${e}: off by ${Math.abs(a - e) / u} ulps (${Math.abs(a - e)}), bound ${bound[i]! / u} ulps (${bound[i]}) in ulps of the expected value`);
    }
  }
}
