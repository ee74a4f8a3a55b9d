/**
 * Statistics of just-in-time connectivity, with FIXED seeds (so every run sees the same
 * matrices) and the thresholds stated here:
 * - line counts (rows for orient 'row', columns for orient 'col') against Binomial(line
 *   length, prob) by a chi-square over count bins (bins merged until each expects >= 5),
 *   accepted below the 99.9% quantile of chi-square with bins − 1 degrees of freedom
 *   (Wilson–Hilferty approximation); for prob 0.02 on lines of 500, prob 0.3 on lines of 7,
 *   and prob 1e-5 on lines of 10^6 (past the 65536-entry gap table);
 * - presence uniform over positions: totals per position against equal expectations
 *   (the same chi-square acceptance);
 * - weights: normal mean and std, uniform range, mean and variance within 5 standard errors;
 *   uniform weights' histogram by chi-square;
 * - prob 1 gives a full matrix and prob 0 an empty one;
 * - generation costs O(connections): a [3, 10^7] matrix at prob 1e-6 converts to CSR (about
 *   30 entries, within a Poisson 5σ band) without visiting every position.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { JITCMatrix } from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';

/** z for the upper 0.1% of a standard normal. */
const Z_999 = 3.090232306167813;

/** The 99.9% quantile of chi-square with `k` degrees of freedom (Wilson–Hilferty). */
function chiSquare999(k: number): number {
  const c = 2 / (9 * k);
  return k * (1 - c + Z_999 * Math.sqrt(c)) ** 3;
}

/** Binomial(n, p) probabilities for k = 0..n (recurrence; n·p small enough that P(0) does not underflow here). */
function binomialPmf(n: number, p: number): number[] {
  const pmf = new Array<number>(n + 1).fill(0);
  if (p >= 1) { pmf[n] = 1; return pmf; }
  // start from the log of P(0) to stay exact for long lines
  pmf[0] = Math.exp(n * Math.log1p(-p));
  for (let k = 0; k < n; k++) pmf[k + 1] = pmf[k]! * ((n - k) / (k + 1)) * (p / (1 - p));
  return pmf;
}

interface ChiSquare { readonly stat: number; readonly dof: number; readonly limit: number; readonly bins: number }

/**
 * Chi-square of observed against expected counts per category, adjacent categories merged
 * (left to right) until each bin expects at least 5; a short last bin joins the one before.
 */
function chiSquare(observed: readonly number[], expected: readonly number[]): ChiSquare {
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
const report = (line: string): void => {
  if (process.env.JITC_STATS) console.log(line);
};

function expectChiSquare(r: ChiSquare, what: string): void {
  assert.ok(r.dof >= 1, `${what}: at least two bins`);
  report(`${what}: chi2 ${r.stat.toFixed(2)} on ${r.dof} dof (limit ${r.limit.toFixed(2)})`);
  assert.ok(r.stat <= r.limit, `${what}: chi-square ${r.stat.toFixed(2)} with ${r.dof} dof exceeds the 99.9% quantile ${r.limit.toFixed(2)}`);
}

/** Line counts (connections per generated line) and position totals, from the compressed arrays. */
function lineStats(J: JITCMatrix): { counts: number[]; positions: number[]; nnz: number } {
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
function countTest(counts: readonly number[], len: number, p: number, what: string): void {
  const pmf = binomialPmf(len, p);
  const observed = new Array<number>(len + 1).fill(0);
  for (const c of counts) observed[c]!++;
  expectChiSquare(chiSquare(observed, pmf.map((q) => q * counts.length)), what);
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const se = Math.sqrt((len * p * (1 - p)) / counts.length);
  assert.ok(Math.abs(mean - len * p) <= 5 * se, `${what}: mean count ${mean}, expected ${len * p} ± 5 × ${se.toFixed(4)}`);
}

/** Chi-square of totals per position (or per bin of positions) against equal expectations. */
function uniformTest(totals: readonly number[], what: string): void {
  const sum = totals.reduce((a, b) => a + b, 0);
  expectChiSquare(chiSquare(totals, totals.map(() => sum / totals.length)), what);
}

const binned = (positions: readonly number[], nBins: number): number[] => {
  const out = new Array<number>(nBins).fill(0);
  positions.forEach((v, i) => { out[Math.floor((i * nBins) / positions.length)]! += v; });
  return out;
};

// ------------------------------------------------------------------ counts and positions

const CASES = [
  // [what, shape, orient, prob, seed]
  ['2000 × 500 rows at prob 0.02', [2000, 500], 'row', 0.02, 20240611],
  ['500 × 2000 columns at prob 0.02', [500, 2000], 'col', 0.02, 4000000000],
  ['3000 × 7 rows at prob 0.3', [3000, 7], 'row', 0.3, 2024],
  ['7 × 3000 columns at prob 0.3', [7, 3000], 'col', 0.3, 2 ** 24 + 5],
  ['300 × 10^6 rows at prob 1e-5 (lines past the gap table)', [300, 1_000_000], 'row', 1e-5, 31337],
] as const;

for (const [what, shape, orient, prob, seed] of CASES) {
  test(`jitc stats: ${what}: line counts ~ Binomial(${orient === 'row' ? shape[1] : shape[0]}, ${prob}); presence uniform over positions`, () => {
    const J = ef.jitc.scalar({ shape: [...shape], prob, weight: 1, seed, orient }, 'nS');
    const { counts, positions, nnz } = lineStats(J);
    const len = orient === 'row' ? shape[1] : shape[0];
    countTest(counts, len, prob, `${what}: line counts`);
    // position totals: each position of a line is present with the same probability
    uniformTest(positions.length > 1000 ? binned(positions, 20) : positions, `${what}: position totals`);
    assert.ok(nnz > 0, `${what}: some connections`);
  });
}

forEachBackend(test, 'jitc stats: products count the same connections as tocsr (2000 × 500 row, 500 × 2000 col)', () => {
  for (const [shape, orient] of [[[2000, 500], 'row'], [[500, 2000], 'col']] as const) {
    const J = ef.jitc.scalar({ shape: [...shape], prob: 0.02, weight: 1, seed: 99, orient });
    const csr = J.tocsr();
    const ptr = csr.indptr;
    const idx = csr.indices;
    const rowCounts = Array.from({ length: shape[0] }, (_, i) => ptr[i + 1]! - ptr[i]!);
    const colCounts = new Array<number>(shape[1]).fill(0);
    for (const j of idx) colCounts[j]!++;
    assert.equal(Array.from(ef.matmul(J, ef.binary(new Uint8Array(shape[1]).fill(1))).dataSync()), rowCounts, `${orient}: J @ all spikes`);
    assert.equal(Array.from(ef.matmul(ef.binary(new Uint8Array(shape[0]).fill(1)), J).dataSync()), colCounts, `${orient}: all spikes @ J`);
    assert.equal(Array.from(ef.matmul(J, ef.full([shape[1]], 1)).dataSync()), rowCounts, `${orient}: J @ ones`);
  }
});

// ------------------------------------------------------------------ weights

/** The present weights on the current backend (from the densified matrix: the kernel's own weights). */
const presentWeights = (J: JITCMatrix): number[] => Array.from(J.todense().data.dataSync()).filter((w) => w !== 0);

const moments = (w: readonly number[]): { n: number; mean: number; variance: number } => {
  const n = w.length;
  const mean = w.reduce((a, b) => a + b, 0) / n;
  const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { n, mean, variance };
};

forEachBackend(test, 'jitc stats: normal weights (mean 1.5, std 0.75): mean, std and ±1σ / ±2σ shares within 5 standard errors', () => {
  for (const orient of ['row', 'col'] as const) {
    const [mu, sigma] = [1.5, 0.75];
    const J = ef.jitc.normal({ shape: [2000, 500], prob: 0.02, mean: mu, std: sigma, seed: 777, orient }, 'nS');
    const w = presentWeights(J);
    const { n, mean, variance } = moments(w);
    assert.ok(n > 15000, `${orient}: ${n} weights`);
    const std = Math.sqrt(variance);
    report(`normal ${orient}: n ${n}, mean ${mean.toFixed(5)}, std ${std.toFixed(5)}`);
    const seMean = sigma / Math.sqrt(n);
    const seStd = sigma / Math.sqrt(2 * n);
    assert.ok(Math.abs(mean - mu) <= 5 * seMean, `${orient}: mean ${mean}, expected ${mu} ± 5 × ${seMean}`);
    assert.ok(Math.abs(std - sigma) <= 5 * seStd, `${orient}: std ${std}, expected ${sigma} ± 5 × ${seStd}`);
    for (const [k, share] of [[1, 0.6826894921370859], [2, 0.9544997361036416]] as const) {
      const got = w.filter((x) => Math.abs(x - mu) < k * sigma).length / n;
      const se = Math.sqrt((share * (1 - share)) / n);
      assert.ok(Math.abs(got - share) <= 5 * se, `${orient}: share within ${k}σ ${got}, expected ${share} ± 5 × ${se}`);
    }
    // the weight stream does not depend on the densify path: tocsr reads the same weights
    const fromCsr = Array.from(J.tocsr().data.dataSync());
    assert.is(fromCsr.length, n, `${orient}: tocsr holds every present weight`);
    assert.ok(Math.abs(moments(fromCsr).mean - mean) < 1e-5, `${orient}: tocsr weights have the same mean`);
  }
});

forEachBackend(test, 'jitc stats: uniform weights in [-1, 3): range, mean, variance within 5 standard errors; histogram by chi-square', () => {
  for (const orient of ['row', 'col'] as const) {
    const [low, high] = [-1, 3];
    // low + (high − low)·u with u a multiple of 2^-24 is exact in float32 here, so high is never reached
    const J = ef.jitc.uniform({ shape: [2000, 500], prob: 0.02, low, high, seed: 2 ** 32 - 1, orient }, 'nS');
    const w = presentWeights(J);
    const { n, mean, variance } = moments(w);
    assert.ok(n > 15000, `${orient}: ${n} weights`);
    const bad = w.find((x) => !(x >= low && x < high));
    assert.is(bad, undefined, `${orient}: a weight outside [${low}, ${high})`);
    const width = high - low;
    report(`uniform ${orient}: n ${n}, mean ${mean.toFixed(5)}, variance ${variance.toFixed(5)}, range [${Math.min(...w)}, ${Math.max(...w)}]`);
    const seMean = width / Math.sqrt(12 * n);
    const seVar = (width * width) / Math.sqrt(180 * n);
    assert.ok(Math.abs(mean - (low + high) / 2) <= 5 * seMean, `${orient}: mean ${mean}, expected ${(low + high) / 2} ± 5 × ${seMean}`);
    assert.ok(Math.abs(variance - (width * width) / 12) <= 5 * seVar, `${orient}: variance ${variance}, expected ${(width * width) / 12} ± 5 × ${seVar}`);
    const hist = new Array<number>(20).fill(0);
    for (const x of w) hist[Math.floor(((x - low) / width) * 20)]!++;
    uniformTest(hist, `${orient}: uniform weight histogram`);
  }
});

// ------------------------------------------------------------------ extremes

forEachBackend(test, 'jitc stats: prob 1 gives a full matrix, prob 0 an empty one (every law, both orients, tocsr too)', () => {
  const shape = [30, 40];
  for (const orient of ['row', 'col'] as const) {
    const laws: JITCMatrix[] = [
      ef.jitc.scalar({ shape, prob: 1, weight: 2, seed: 5, orient }),
      ef.jitc.uniform({ shape, prob: 1, low: 1, high: 2, seed: 5, orient }),
      ef.jitc.normal({ shape, prob: 1, mean: 5, std: 1, seed: 5, orient }),
    ];
    for (const J of laws) {
      const d = J.todense().data.dataSync();
      assert.ok(d.every((v) => v !== 0), `${J}: full`);
      assert.is(J.tocsr().nnz, 30 * 40, `${J}: tocsr nnz`);
      // all spikes: every output sums its whole line
      const sums = Array.from({ length: 30 }, (_, i) => Array.from(d.slice(i * 40, (i + 1) * 40)).reduce((a, b) => a + b, 0));
      const got = ef.matmul(J, ef.binary(new Uint8Array(40).fill(1))).dataSync();
      sums.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 1e-5 * Math.abs(v), `${J}: J @ all spikes [${i}]`));
      if (J.dist === 'scalar') assert.ok(got.every((v) => v === 80), `${J}: 40 connections of 2`);
    }
    for (const J of [
      ef.jitc.scalar({ shape, prob: 0, weight: 2, seed: 5, orient }),
      ef.jitc.uniform({ shape, prob: 0, low: 1, high: 2, seed: 5, orient }),
      ef.jitc.normal({ shape, prob: 0, mean: 5, std: 1, seed: 5, orient }),
    ]) {
      assert.ok(J.todense().data.dataSync().every((v) => v === 0), `${J}: empty`);
      assert.is(J.tocsr().nnz, 0, `${J}: tocsr nnz`);
      assert.ok(ef.matmul(ef.full([30], 1), J).dataSync().every((v) => v === 0), `${J}: ones @ J`);
      assert.ok(ef.matmul(J, ef.binary(new Uint8Array(40).fill(1))).dataSync().every((v) => v === 0), `${J}: J @ spikes`);
    }
  }
});

test('jitc stats: generation is proportional to connections — a [3, 10^7] matrix at prob 1e-6 converts to CSR with about 30 entries', () => {
  const J = ef.jitc.scalar({ shape: [3, 10_000_000], prob: 1e-6, weight: 1, seed: 424242 }, 'nS');
  const csr = J.tocsr();
  const mean = 3e7 * 1e-6;
  report(`[3, 1e7] at 1e-6: ${csr.nnz} entries`);
  assert.ok(Math.abs(csr.nnz - mean) <= 5 * Math.sqrt(mean), `${csr.nnz} entries, expected ${mean} ± 5√${mean}`);
  const ptr = csr.indptr;
  const idx = csr.indices;
  for (let i = 0; i < 3; i++) {
    for (let q = ptr[i]!; q < ptr[i + 1]!; q++) {
      assert.ok(idx[q]! >= 0 && idx[q]! < 10_000_000, 'column in range');
      if (q > ptr[i]!) assert.ok(idx[q]! > idx[q - 1]!, 'columns increase within a row');
    }
  }
  // and across many seeds the count stays Poisson-like: the total over 20 seeds is within 5σ of 600
  let total = 0;
  for (let s = 0; s < 20; s++) total += ef.jitc.scalar({ shape: [3, 10_000_000], prob: 1e-6, weight: 1, seed: 1000 + s }).tocsr().nnz;
  report(`[3, 1e7] at 1e-6 over 20 seeds: ${total} entries`);
  assert.ok(Math.abs(total - 20 * mean) <= 5 * Math.sqrt(20 * mean), `${total} entries over 20 seeds, expected ${20 * mean} ± 5√${20 * mean}`);
});

test('jitc stats: the chi-square helper rejects what it should (a wrong law fails)', () => {
  // row counts of prob 0.02 checked against Binomial(500, 0.025) must fail
  const J = ef.jitc.scalar({ shape: [2000, 500], prob: 0.02, weight: 1, seed: 20240611 });
  const { counts } = lineStats(J);
  const pmf = binomialPmf(500, 0.025);
  const observed = new Array<number>(501).fill(0);
  for (const c of counts) observed[c]!++;
  const r = chiSquare(observed, pmf.map((q) => q * counts.length));
  assert.ok(r.stat > r.limit, `chi-square ${r.stat} should exceed ${r.limit} for the wrong law`);
  // Wilson–Hilferty against exact quantiles (scipy.stats.chi2.ppf(0.999, k)): within 1% from 6 dof up
  for (const [k, exact] of [[6, 22.457744], [10, 29.588298], [18, 42.312396], [499, 602.348257]] as const) {
    assert.ok(Math.abs(chiSquare999(k) - exact) / exact < 0.01, `chi2_999(${k}) = ${chiSquare999(k)}, exact ${exact}`);
  }
});

test.run();
