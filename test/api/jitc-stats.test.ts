/**
 * Statistics of the structure that just-in-time connectivity generates, with FIXED seeds (so
 * every run sees the same matrices) and the thresholds of test/helpers/stats.ts: line counts
 * against Binomial(line length, prob), presence uniform over positions, generation in
 * O(connections), and a control that the chi-square check rejects a wrong law. The structure
 * is generated on the host (tocsr / tocsc), with no backend involved, so these run once, in
 * the cpu+reference process; the weights and products on every backend are in
 * test/formats/jitc-stats.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { binomialPmf, binned, chiSquare, chiSquare999, countTest, lineStats, report, uniformTest } from '../helpers/stats.js';

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
