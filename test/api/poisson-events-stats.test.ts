/**
 * Statistics of ef.random.poissonEvents with fixed seeds: per-step spike counts against the
 * binomial law, per-source rates (uniform, and per-source rates through thinning) against
 * T·p_i, no preference for positions inside a block or at block edges, and no correlation
 * between steps, between neighbouring sources, or across block boundaries. Criteria: χ² below
 * the 99.9 % quantile (test/helpers/stats.ts), means within 5 standard errors, |r| < 5/√n.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { binomialPmf, chiSquare, expectChiSquare } from '../helpers/stats.js';

const DT = ef.scalar(0.1, 'ms');

/** The spiking sources of `steps` steps (counters 0..steps−1), one index list per step. */
function draw(rates: ef.LazyArray, n: number, steps: number, seed: number): Int32Array[] {
  return Array.from({ length: steps }, (_, t) => ef.random.poissonEvents(rates, DT, { seed, counter: t, shape: [n] }).indices());
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

test('uniform rate: spikes per step follow Binomial(n, p), every source fires at rate p, positions inside blocks are uniform', () => {
  const n = 12_000; // three blocks, the last one short
  const p = 0.01; // 100 Hz · 0.1 ms
  const steps = 300;
  const lists = draw(ef.scalar(100, 'Hz'), n, steps, 17);
  const perStep = lists.map((l) => l.length);
  const pmf = binomialPmf(n, p);
  const observed = new Array<number>(n + 1).fill(0);
  for (const c of perStep) observed[c]!++;
  expectChiSquare(chiSquare(observed, pmf.map((q) => q * steps)), 'spikes per step vs Binomial(12000, 0.01)');
  // each source's total over the steps: Binomial(steps, p)
  const totals = new Int32Array(n);
  for (const l of lists) for (const i of l) totals[i]!++;
  const perSource = new Array<number>(steps + 1).fill(0);
  for (const c of totals) perSource[c]!++;
  expectChiSquare(chiSquare(perSource, binomialPmf(steps, p).map((q) => q * n)), 'per-source totals vs Binomial(300, 0.01)');
  // position inside a block (64 bins of 64), and the first and last positions of each block
  const bins = new Array<number>(64).fill(0);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const pos = i % 4096;
    if (i < 8192) bins[pos >> 6]! += totals[i]!;
    if (pos === 0 || pos === 4095 || i === n - 1) edges += totals[i]!;
  }
  const sum = bins.reduce((a, b) => a + b, 0);
  expectChiSquare(chiSquare(bins, bins.map(() => sum / 64)), 'positions inside the first two blocks (64 bins)');
  const edgeCount = 5; // positions 0 and 4095 of blocks 0 and 1, 0 of block 2, and the last source
  const expected = (edgeCount + 1) * steps * p;
  assert.ok(Math.abs(edges - expected) <= 5 * Math.sqrt(expected), `spikes at block edges: ${edges}, expected ${expected.toFixed(1)} ± 5·√`);
});

test('per-source rates (thinning): each group of sources fires at its own rate rate·dt; zero rates never fire', () => {
  const groups = [0, 10, 50, 200, 1000, 4000]; // Hz; p = rate · 0.1 ms, up to 0.4
  const per = 1500;
  const n = groups.length * per;
  const rates = ef.array(Array.from({ length: n }, (_, i) => groups[Math.floor(i / per)]!), 'Hz');
  const steps = 200;
  const lists = draw(rates, n, steps, 29);
  const totals = new Array<number>(groups.length).fill(0);
  for (const l of lists) for (const i of l) totals[Math.floor(i / per)]!++;
  groups.forEach((r, g) => {
    const p = r * 1e-4;
    const trials = per * steps;
    const mean = trials * p;
    const se = Math.sqrt(trials * p * (1 - p));
    if (r === 0) assert.is(totals[g], 0, 'sources at 0 Hz never fire');
    else assert.ok(Math.abs(totals[g]! - mean) <= 5 * se, `${r} Hz: ${totals[g]} spikes, expected ${mean} ± 5 × ${se.toFixed(1)}`);
  });
});

test('independence: spike vectors of consecutive steps and of neighbouring sources (across block boundaries too) are uncorrelated; seeds and counters give different trains', () => {
  const n = 8192;
  const steps = 100;
  const lists = draw(ef.scalar(2000, 'Hz'), n, steps, 41); // p = 0.2
  const dense = lists.map((l) => { const v = new Float64Array(n); for (const i of l) v[i] = 1; return v; });
  const lim = 5 / Math.sqrt(n);
  for (let t = 0; t + 1 < steps; t += 11) {
    const r = pearson(dense[t]!, dense[t + 1]!);
    assert.ok(Math.abs(r) < lim, `steps ${t} and ${t + 1}: r = ${r.toFixed(4)}, expected |r| < ${lim.toFixed(4)}`);
  }
  // neighbours i and i + 1 over all steps (pairs straddling the block edge at 4096 included)
  const a: number[] = [];
  const b: number[] = [];
  for (const v of dense) for (let i = 0; i + 1 < n; i += 2) { a.push(v[i]!); b.push(v[i + 1]!); }
  const rn = pearson(a, b);
  assert.ok(Math.abs(rn) < 5 / Math.sqrt(a.length), `neighbouring sources: r = ${rn.toFixed(5)}`);
  // the two blocks of one step: position k of block 0 against position k of block 1
  const rb = pearson(dense.flatMap((v) => Array.from(v.subarray(0, 4096))), dense.flatMap((v) => Array.from(v.subarray(4096, 8192))));
  assert.ok(Math.abs(rb) < 5 / Math.sqrt(4096 * steps), `block 0 vs block 1: r = ${rb.toFixed(5)}`);
  const other = ef.random.poissonEvents(ef.scalar(2000, 'Hz'), DT, { seed: 42, counter: 0, shape: [n] }).indices();
  assert.ok(other.length !== lists[0]!.length || other.some((x, k) => x !== lists[0]![k]), 'seed 42 differs from seed 41');
});

test('rate · dt = 1 fires every source every step; rate 0 fires none; a probability above 1 is refused', () => {
  const all = ef.random.poissonEvents(ef.scalar(10, 'kHz'), DT, { seed: 1, counter: 5, shape: [5000] }).indices();
  assert.is(all.length, 5000);
  assert.is(ef.random.poissonEvents(ef.scalar(0, 'Hz'), DT, { seed: 1, counter: 5, shape: [5000] }).indices().length, 0);
  assert.throws(() => ef.random.poissonEvents(ef.scalar(20, 'kHz'), DT, { seed: 1, shape: [3] }), (e: unknown) => e instanceof ef.InvalidArgumentError && /rate · dt is 2 at source 0; expected a probability in \[0, 1\]/.test((e as Error).message));
});

test.run();
