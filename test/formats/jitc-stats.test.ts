/**
 * Statistics of just-in-time connectivity on every backend, with FIXED seeds (so every run
 * sees the same matrices) and the thresholds of test/helpers/stats.ts:
 * - products count the same connections as the generated structure;
 * - weights (from the densified matrix: the kernel's own weights): normal mean and std,
 *   uniform range, mean and variance within 5 standard errors; uniform weights' histogram by
 *   chi-square;
 * - prob 1 gives a full matrix and prob 0 an empty one.
 * The statistics of the generated structure itself (line counts, positions, generation in
 * O(connections)), which need no backend: test/api/jitc-stats.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { JITCMatrix } from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';
import { report, uniformTest } from '../helpers/stats.js';

// ------------------------------------------------------------------ counts

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

test.run();
