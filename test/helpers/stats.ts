/**
 * Chi-square checks of the JIT connectivity statistics (not a test file), shared by
 * test/formats/jitc-stats.test.ts (weights, on every backend) and test/api/jitc-stats.test.ts
 * (line counts and positions of the generated structure).
 */
import * as assert from 'uvu/assert';
import type { JITCMatrix } from '../../src/index.js';

/** z for the upper 0.1% of a standard normal. */
const Z_999 = 3.090232306167813;

/** The 99.9% quantile of chi-square with `k` degrees of freedom (Wilson–Hilferty). */
export function chiSquare999(k: number): number {
  const c = 2 / (9 * k);
  return k * (1 - c + Z_999 * Math.sqrt(c)) ** 3;
}

/** Binomial(n, p) probabilities for k = 0..n (recurrence; n·p small enough that P(0) does not underflow here). */
export function binomialPmf(n: number, p: number): number[] {
  const pmf = new Array<number>(n + 1).fill(0);
  if (p >= 1) { pmf[n] = 1; return pmf; }
  // start from the log of P(0) to stay exact for long lines
  pmf[0] = Math.exp(n * Math.log1p(-p));
  for (let k = 0; k < n; k++) pmf[k + 1] = pmf[k]! * ((n - k) / (k + 1)) * (p / (1 - p));
  return pmf;
}

export interface ChiSquare { readonly stat: number; readonly dof: number; readonly limit: number; readonly bins: number }

/**
 * Chi-square of observed against expected counts per category, adjacent categories merged
 * (left to right) until each bin expects at least 5; a short last bin joins the one before.
 */
export function chiSquare(observed: readonly number[], expected: readonly number[]): ChiSquare {
  const bins: [number, number][] = [];
  let o = 0;
  let e = 0;
  for (let k = 0; k < expected.length; k++) {
    o += observed[k] ?? 0;
    e += expected[k]!;
    if (e >= 5) { bins.push([o, e]); o = 0; e = 0; }
  }
  if (e > 0 || o > 0) {
    if (bins.length === 0) bins.push([o, e]);
    else { const last = bins[bins.length - 1]!; last[0] += o; last[1] += e; }
  }
  const stat = bins.reduce((s, [ob, ex]) => s + (ob - ex) ** 2 / ex, 0);
  const dof = bins.length - 1;
  return { stat, dof, limit: chiSquare999(dof), bins: bins.length };
}

/** Set JITC_STATS=1 to print the observed statistics. */
export const report = (line: string): void => {
  if (process.env.JITC_STATS) console.log(line);
};

export function expectChiSquare(r: ChiSquare, what: string): void {
  assert.ok(r.dof >= 1, `${what}: at least two bins`);
  report(`${what}: chi2 ${r.stat.toFixed(2)} on ${r.dof} dof (limit ${r.limit.toFixed(2)})`);
  assert.ok(r.stat <= r.limit, `${what}: chi-square ${r.stat.toFixed(2)} with ${r.dof} dof exceeds the 99.9% quantile ${r.limit.toFixed(2)}`);
}

/** Line counts (connections per generated line) and position totals, from the compressed arrays. */
export function lineStats(J: JITCMatrix): { counts: number[]; positions: number[]; nnz: number } {
  const byRow = J.orient === 'row';
  const M = byRow ? J.tocsr() : J.tocsc();
  const ptr = M.indptr;
  const idx = M.indices;
  const [lines, len] = byRow ? [J.shape[0], J.shape[1]] : [J.shape[1], J.shape[0]];
  const counts = Array.from({ length: lines }, (_, l) => ptr[l + 1]! - ptr[l]!);
  const positions = new Array<number>(len).fill(0);
  for (let q = 0; q < idx.length; q++) positions[idx[q]!]!++;
  return { counts, positions, nnz: ptr[lines]! };
}

/** Chi-square of line counts against Binomial(len, p). */
export function countTest(counts: readonly number[], len: number, p: number, what: string): void {
  const pmf = binomialPmf(len, p);
  const observed = new Array<number>(len + 1).fill(0);
  for (const c of counts) observed[c]!++;
  expectChiSquare(chiSquare(observed, pmf.map((q) => q * counts.length)), what);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const se = Math.sqrt((len * p * (1 - p)) / counts.length);
  assert.ok(Math.abs(mean - len * p) <= 5 * se, `${what}: mean count ${mean}, expected ${len * p} ± 5 × ${se.toFixed(4)}`);
}

/** Chi-square of totals per position (or per bin of positions) against equal expectations. */
export function uniformTest(totals: readonly number[], what: string): void {
  const sum = totals.reduce((a, b) => a + b, 0);
  expectChiSquare(chiSquare(totals, totals.map(() => sum / totals.length)), what);
}

export const binned = (positions: readonly number[], nBins: number): number[] => {
  const out = new Array<number>(nBins).fill(0);
  positions.forEach((v, i) => { out[Math.floor((i * nBins) / positions.length)]! += v; });
  return out;
};
