/**
 * Statistics of the public random arrays (ef.random.uniform / normal / bernoulli / poisson),
 * with FIXED seeds and counters, so every run draws the same numbers and passes or fails the
 * same way. Each test states its criterion: moments within 5 standard errors of the law's
 * value, chi-squares below the 99.9 % quantile (test/helpers/stats.ts), correlations below
 * 5/√n. The draws of one stream are a permutation of the 24-bit words (docs/rng.md), i.e.
 * sampling without replacement; with n ≤ 2·10^5 of 2^24 words that shifts a chi-square's mean
 * by about 1 % and changes no criterion here. Draws run on the default (cpu) backend and, for
 * reproducibility, once on the reference backend; nothing here needs another backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { distributions } from '../../src/rng/distributions.js';
import { randomKey } from '../../src/ir/primitives/random.js';
import { binomialPmf, chiSquare, expectChiSquare, report } from '../helpers/stats.js';

const TWO24 = 2 ** 24;

const values = (x: LazyArray): Float64Array => Float64Array.from(x.dataSync() as ArrayLike<number>);

function moments(xs: ArrayLike<number>): { mean: number; variance: number; skew: number; exkurt: number } {
  const n = xs.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return { mean, variance: (m2 * n) / (n - 1), skew: m3 / m2 ** 1.5, exkurt: m4 / (m2 * m2) - 3 };
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) { sa += a[i]!; sb += b[i]!; }
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** |x − want| ≤ 5·se, with the numbers in the failure message. */
function within5(x: number, want: number, se: number, what: string): void {
  report(`${what}: ${x} (expected ${want} ± 5 × ${se.toExponential(3)}, ${((x - want) / se).toFixed(2)} SE)`);
  assert.ok(Math.abs(x - want) <= 5 * se, `${what}: ${x}, expected ${want} ± 5 × ${se.toExponential(3)} (off by ${((x - want) / se).toFixed(2)} SE)`);
}

/** Poisson(λ) probabilities for k = 0..kMax, the mass above kMax added to kMax (recurrence from e^−λ; λ ≤ 30 here). */
function poissonPmf(lam: number, kMax: number): number[] {
  const pmf = new Array<number>(kMax + 1).fill(0);
  pmf[0] = Math.exp(-lam);
  for (let k = 1; k <= kMax; k++) pmf[k] = (pmf[k - 1]! * lam) / k;
  const total = pmf.reduce((a, b) => a + b, 0);
  pmf[kMax]! += Math.max(0, 1 - total);
  return pmf;
}

/** Histogram of non-negative integer counts, values above kMax counted in kMax. */
function histogram(xs: ArrayLike<number>, kMax: number): number[] {
  const h = new Array<number>(kMax + 1).fill(0);
  for (let i = 0; i < xs.length; i++) h[Math.min(xs[i]!, kMax)]!++;
  return h;
}

/** erfc with fractional error below 1.2e-7 (Numerical Recipes' erfcc, Chebyshev fit). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

// ---------------------------------------------------------------------------------- uniform

const NU = 200_000;

test('uniform: 2·10^5 draws in [0, 1) have mean 1/2 and variance 1/12 within 5 SE, and fill 64 equal bins (chi-square)', () => {
  const u = ef.random.uniform([NU], { seed: 20240701, counter: 0 });
  assert.is(u.dtype, 'float32');
  const x = values(u);
  const m = moments(x);
  within5(m.mean, 0.5, Math.sqrt(1 / 12 / NU), 'uniform mean');
  // Var(s²) ≈ (μ4 − σ⁴)/n with μ4 = 1/80, σ⁴ = 1/144 for U(0, 1)
  within5(m.variance, 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / NU), 'uniform variance');
  const bins = new Array<number>(64).fill(0);
  for (const v of x) {
    assert.ok(v >= 0 && v < 1, `uniform value ${v} outside [0, 1)`);
    bins[Math.floor(v * 64)]!++;
  }
  expectChiSquare(chiSquare(bins, bins.map(() => NU / 64)), 'uniform: 64 equal bins');
});

test('uniform: low −70 mV, high −50 mV: every value in [low, high), in mV, mean −60 mV within 5 SE', () => {
  const v = ef.random.uniform([NU], { seed: 7, counter: 12, low: -70, high: -50 }, 'mV');
  assert.is(v.unit.toString(), 'mV');
  const x = values(v);
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of x) { lo = Math.min(lo, a); hi = Math.max(hi, a); }
  assert.ok(lo >= -70 && hi < -50, `values span [${lo}, ${hi}], expected within [−70, −50)`);
  // and they do span the interval: the extremes are within 0.01 % of its width of the ends
  assert.ok(lo < -70 + 20 * 1e-4 && hi > -50 - 20 * 1e-4, `values span [${lo}, ${hi}]: expected to reach near both ends`);
  within5(moments(x).mean, -60, 20 / Math.sqrt(12 * NU), 'uniform(−70 mV, −50 mV) mean');
  // the same draws as low 0, high 1, scaled: v = low + (high − low)·u
  const u = values(ef.random.uniform([NU], { seed: 7, counter: 12, dtype: 'float64' }));
  for (let i = 0; i < NU; i += 997) assert.ok(Math.abs(x[i]! - (-70 + 20 * u[i]!)) <= 1e-5, `element ${i}: ${x[i]} vs −70 + 20 × ${u[i]}`);
});

// With float32 bounds the largest draw u = 1 − 2^-24 gives low + (high − low)·u = −50 − 1.19e-6,
// which rounds to −50 = high in float32 (the spacing of float32 near 50 is 3.8e-6): documented
// in docs/random.md (as NumPy documents for its uniform). In float64 it stays below high.
test('uniform: the largest draw rounds to high in float32 (documented), and stays below it in float64', () => {
  let at: [number, number] | undefined;
  search: for (let c = 0; c < 4096; c++) {
    const key = randomKey(7, c);
    for (let i = 0; i < 65536; i++) {
      if (distributions.uniform(key, i) === 1 - 2 ** -24) { at = [c, i]; break search; }
    }
  }
  assert.ok(at, 'a (counter, position) holding the largest word');
  const [c, i] = at!;
  assert.is(ef.random.uniform([i + 1], { seed: 7, counter: c }).dataSync()[i], 1 - 2 ** -24, 'the largest u');
  const v = ef.random.uniform([i + 1], { seed: 7, counter: c, low: -70, high: -50 }, 'mV').dataSync()[i]!;
  assert.is(v, -50, `counter ${c}, position ${i}: float32 ${v}, expected −50 (−50 − 1.19e-6 rounded)`);
  const w = ef.random.uniform([i + 1], { seed: 7, counter: c, low: -70, high: -50, dtype: 'float64' }, 'mV').dataSync()[i]!;
  assert.ok(w < -50 && w > -50 - 2e-6, `counter ${c}, position ${i}: float64 ${w}, expected just below −50`);
});

test('uniform: values are multiples of 2^-24 (24-bit draws), all 24 bits random: the lowest bit is set in half of them', () => {
  const x = values(ef.random.uniform([NU], { seed: 99, counter: 3 }));
  const x64 = values(ef.random.uniform([NU], { seed: 99, counter: 3, dtype: 'float64' }));
  let odd = 0;
  let bit23 = 0;
  for (let i = 0; i < NU; i++) {
    const d = x[i]! * TWO24;
    if (!Number.isInteger(d) || d < 0 || d >= TWO24) assert.unreachable(`element ${i}: ${x[i]} is not a multiple of 2^-24 in [0, 1)`);
    assert.is(x64[i], x[i], `element ${i}: float64 draw ${x64[i]} vs float32 ${x[i]} (both exact)`);
    odd += d & 1;
    bit23 += (d >> 1) & 1;
  }
  within5(odd, NU / 2, Math.sqrt(NU / 4), 'uniform: draws with the lowest (24th) bit set');
  within5(bit23, NU / 2, Math.sqrt(NU / 4), 'uniform: draws with the 23rd bit set');
});

// ----------------------------------------------------------------------------------- normal

const NN = 200_000;

test('normal: 2·10^5 standard draws: mean 0, variance 1, skewness 0, excess kurtosis 0, each within 5 SE', () => {
  const z = ef.random.normal([NN], { seed: 424242, counter: 1 });
  assert.is(z.dtype, 'float32');
  const m = moments(values(z));
  within5(m.mean, 0, 1 / Math.sqrt(NN), 'normal mean');
  // Var(s²) = (μ4 − σ⁴)/n = 2/n for N(0, 1)
  within5(m.variance, 1, Math.sqrt(2 / NN), 'normal variance');
  within5(m.skew, 0, Math.sqrt(6 / NN), 'normal skewness');
  within5(m.exkurt, 0, Math.sqrt(24 / NN), 'normal excess kurtosis');
});

test('normal: 2·10^5 draws against the normal CDF in 34 bins (width 0.25 on [−4, 4] and the two tails): chi-square', () => {
  const x = values(ef.random.normal([NN], { seed: 5150, counter: 2 }));
  const edges = Array.from({ length: 33 }, (_, k) => -4 + k * 0.25);
  const observed = new Array<number>(34).fill(0);
  for (const v of x) {
    const k = v < -4 ? 0 : v >= 4 ? 33 : 1 + Math.floor((v + 4) / 0.25);
    observed[k]!++;
  }
  const cdf = [0, ...edges.map(normalCdf), 1];
  const expected = observed.map((_, k) => NN * (cdf[k + 1]! - cdf[k]!));
  expectChiSquare(chiSquare(observed, expected), 'normal: 34 CDF bins');
  // the bins have power: the same draws against N(0, 1.02²) fail
  const wide = [0, ...edges.map((e) => normalCdf(e / 1.02)), 1];
  const r = chiSquare(observed, observed.map((_, k) => NN * (wide[k + 1]! - wide[k]!)));
  assert.ok(r.stat > r.limit, `against N(0, 1.02²) the chi-square ${r.stat.toFixed(1)} should exceed ${r.limit.toFixed(1)}`);
});

test('normal: mean −65 mV, std 2 mV: in mV, sample mean and std within 5 SE', () => {
  const v = ef.random.normal([NN], { seed: 31337, counter: 9, mean: -65, std: 2 }, 'mV');
  assert.is(v.unit.toString(), 'mV');
  const m = moments(values(v));
  within5(m.mean, -65, 2 / Math.sqrt(NN), 'normal(−65 mV, 2 mV) mean');
  // SE of s ≈ σ/√(2n) for a normal sample
  within5(Math.sqrt(m.variance), 2, 2 / Math.sqrt(2 * NN), 'normal(−65 mV, 2 mV) std');
});

// -------------------------------------------------------------------------------- bernoulli

const BERNOULLI = [
  // [p, rows, cols, seed]
  [1e-3, 2000, 1000, 11],
  [0.2, 4000, 50, 12],
  [0.5, 4000, 50, 13],
] as const;

for (const [p, rows, cols, seed] of BERNOULLI) {
  test(`bernoulli: p = ${p}: true counts of the ${rows} rows of a [${rows}, ${cols}] array ~ Binomial(${cols}, ${p}) (chi-square), overall frequency within 5 SE`, () => {
    const b = ef.random.bernoulli(p, { seed, counter: 4, shape: [rows, cols] });
    assert.is(b.dtype, 'bool');
    const x = b.dataSync();
    const observed = new Array<number>(cols + 1).fill(0);
    let total = 0;
    for (let r = 0; r < rows; r++) {
      let c = 0;
      for (let j = 0; j < cols; j++) c += x[r * cols + j]!;
      observed[c]!++;
      total += c;
    }
    const pmf = binomialPmf(cols, p);
    expectChiSquare(chiSquare(observed, pmf.map((q) => q * rows)), `bernoulli p = ${p}: row counts`);
    const n = rows * cols;
    within5(total / n, p, Math.sqrt((p * (1 - p)) / n), `bernoulli p = ${p}: frequency`);
  });
}

test('bernoulli: p = 0 gives no true value and p = 1 all of them ([500, 400] each)', () => {
  const none = ef.random.bernoulli(0, { seed: 1, counter: 2, shape: [500, 400] }).dataSync();
  const all = ef.random.bernoulli(1, { seed: 1, counter: 2, shape: [500, 400] }).dataSync();
  assert.is(none.length, 200_000);
  assert.is(all.length, 200_000);
  for (let i = 0; i < none.length; i++) {
    if (none[i] !== 0) assert.unreachable(`p = 0: element ${i} is true`);
    if (all[i] !== 1) assert.unreachable(`p = 1: element ${i} is ${all[i]}`);
  }
});

test('bernoulli: per-element p (0, 0.1, ..., 1 over 11 columns, broadcast to [20000, 11]): each column\'s frequency within 5 SE of its p', () => {
  const ps = Array.from({ length: 11 }, (_, j) => j / 10);
  const rows = 20_000;
  const x = ef.random.bernoulli(ef.array(ps), { seed: 77, counter: 0, shape: [rows, 11] }).dataSync();
  for (let j = 0; j < 11; j++) {
    let c = 0;
    for (let r = 0; r < rows; r++) c += x[r * 11 + j]!;
    const p = ps[j]!;
    if (p === 0 || p === 1) assert.is(c, p * rows, `column ${j} (p = ${p}): ${c} true of ${rows}`);
    else within5(c / rows, p, Math.sqrt((p * (1 - p)) / rows), `bernoulli column ${j} (p = ${p}) frequency`);
  }
});

// ---------------------------------------------------------------------------------- poisson

const NP = 100_000;

for (const [lam, seed] of [[0.1, 21], [1, 22], [4.5, 23], [20, 24], [30, 25]] as const) {
  test(`poisson: λ = ${lam} (exact inversion): ${NP} counts against the Poisson pmf (chi-square), mean within 5 SE`, () => {
    const k = ef.random.poisson(lam, { seed, counter: 6, shape: [NP] });
    assert.is(k.dtype, 'int32');
    const x = k.dataSync();
    const kMax = Math.ceil(lam + 12 * Math.sqrt(lam) + 12);
    for (let i = 0; i < NP; i++) if (!(x[i]! >= 0)) assert.unreachable(`element ${i}: count ${x[i]}`);
    expectChiSquare(chiSquare(histogram(x, kMax), poissonPmf(lam, kMax).map((q) => q * NP)), `poisson λ = ${lam}`);
    within5(moments(x).mean, lam, Math.sqrt(lam / NP), `poisson λ = ${lam} mean`);
  });
}

test('poisson: the chi-square has power: counts drawn at λ = 4.5 fail against Poisson(4.7)', () => {
  const x = ef.random.poisson(4.5, { seed: 23, counter: 6, shape: [NP] }).dataSync();
  const r = chiSquare(histogram(x, 40), poissonPmf(4.7, 40).map((q) => q * NP));
  assert.ok(r.stat > r.limit, `chi-square ${r.stat.toFixed(1)} should exceed ${r.limit.toFixed(1)}`);
});

for (const [lam, seed] of [[31, 31], [100, 32], [1000, 33]] as const) {
  // λ > 30 uses the documented normal approximation round(λ + √λ·z), at least 0 (src/rng/distributions.ts):
  // its mean is λ and its variance λ + 1/12 (the rounding), within the SE below; its skewness is 0, not 1/√λ.
  test(`poisson: λ = ${lam} (normal approximation, documented): 2·10^5 counts have mean and variance λ within 5 SE`, () => {
    const n = 200_000;
    const x = ef.random.poisson(lam, { seed, counter: 0, shape: [n] }).dataSync();
    for (let i = 0; i < n; i++) if (!Number.isInteger(x[i]!) || x[i]! < 0) assert.unreachable(`element ${i}: count ${x[i]}`);
    const m = moments(x);
    within5(m.mean, lam, Math.sqrt(lam / n), `poisson λ = ${lam} mean`);
    // Var(s²) ≈ (μ4 − σ⁴)/n, μ4 = λ(1 + 3λ) for Poisson(λ)
    within5(m.variance, lam, Math.sqrt((2 * lam * lam + lam) / n), `poisson λ = ${lam} variance`);
  });
}

test('poisson: λ = 0 gives 0 everywhere (a number, and zeros in a λ array beside non-zero λ)', () => {
  const x = ef.random.poisson(0, { seed: 3, counter: 1, shape: [10_000] }).dataSync();
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) assert.unreachable(`λ = 0: element ${i} is ${x[i]}`);
  const y = ef.random.poisson(ef.array([0, 5, 0, 50]), { seed: 3, counter: 1, shape: [5000, 4] }).dataSync();
  let sum5 = 0;
  for (let r = 0; r < 5000; r++) {
    if (y[r * 4] !== 0 || y[r * 4 + 2] !== 0) assert.unreachable(`row ${r}: λ = 0 columns are ${y[r * 4]}, ${y[r * 4 + 2]}`);
    sum5 += y[r * 4 + 1]!;
  }
  within5(sum5 / 5000, 5, Math.sqrt(5 / 5000), 'poisson λ = 5 column mean');
});

// ----------------------------------------------------------------- independence, reproducibility

const NI = 100_000;

/** Uncorrelated (|r| < 5/√n) and not equal (at most 5 equal positions: 24-bit words agree by chance with probability 2^-24). */
function expectIndependent(a: Float64Array, b: Float64Array, what: string): void {
  const r = pearson(a, b);
  report(`${what}: r = ${r}`);
  assert.ok(Math.abs(r) < 5 / Math.sqrt(a.length), `${what}: Pearson r = ${r}, expected |r| < 5/√${a.length}`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  assert.ok(same <= 5, `${what}: ${same} of ${a.length} positions equal`);
}

test('independence: uniform draws at counters t and t + 1 (also across 2^24), and at seeds s and s + 1, are uncorrelated and differ', () => {
  const u = (seed: number, counter: number): Float64Array => values(ef.random.uniform([NI], { seed, counter }));
  for (const t of [0, 1000, TWO24 - 1]) expectIndependent(u(5, t), u(5, t + 1), `counter ${t} vs ${t + 1}`);
  expectIndependent(u(5, 3), u(5, 3 + TWO24), 'counter 3 vs 3 + 2^24');
  for (const s of [0, 123456, 2 ** 32 - 2]) expectIndependent(u(s, 7), u(s + 1, 7), `seed ${s} vs ${s + 1}`);
  expectIndependent(u(4, 7), u(4 + TWO24, 7), 'seed 4 vs 4 + 2^24');
});

test('independence: neighbouring positions (i, i + 1) are uncorrelated, for uniform, normal (values and squares) and poisson', () => {
  const lag1 = (x: Float64Array, what: string): void => {
    const r = pearson(x.subarray(0, x.length - 1), x.subarray(1));
    assert.ok(Math.abs(r) < 5 / Math.sqrt(x.length - 1), `${what}: lag-1 r = ${r}`);
  };
  lag1(values(ef.random.uniform([NI], { seed: 8, counter: 2 })), 'uniform');
  const z = values(ef.random.normal([NI], { seed: 8, counter: 2 }));
  lag1(z, 'normal');
  // and beyond linear dependence: the squares of neighbouring normals (which would share a
  // Box–Muller draw if positions overlapped) are uncorrelated too
  lag1(z.map((v) => v * v), 'normal, squared');
  lag1(values(ef.random.poisson(3, { seed: 8, counter: 2, shape: [NI] })), 'poisson');
  // and along the last axis of a 2-d array, and across rows
  const m = values(ef.random.normal([300, 300], { seed: 9, counter: 0 }));
  const col0 = Float64Array.from({ length: 299 * 300 }, (_, k) => m[k]!);
  const col1 = Float64Array.from({ length: 299 * 300 }, (_, k) => m[k + 300]!);
  const r = pearson(col0, col1);
  assert.ok(Math.abs(r) < 5 / Math.sqrt(col0.length), `normal [300, 300]: rows i, i + 1: r = ${r}`);
});

function fourDraws(): LazyArray[] {
  return [
    ef.random.uniform([20_000], { seed: 17, counter: 3, low: ef.scalar(-70, 'mV'), high: ef.scalar(-0.05, 'V') }),
    ef.random.normal([100, 200], { seed: 17, counter: 3, mean: ef.array(Array.from({ length: 200 }, (_, j) => -70 + j / 20), 'mV'), std: 2 }, 'mV'),
    ef.random.bernoulli(ef.array(Array.from({ length: 200 }, (_, j) => j / 199)), { seed: 17, counter: 3, shape: [100, 200] }),
    ef.random.poisson(ef.array([0.5, 4.5, 30, 31, 400]), { seed: 17, counter: 2 ** 30, shape: [4000, 5] }),
  ];
}

test('reproducibility: the same (seed, counter) gives the same bits twice, and the same bits on the reference backend', () => {
  const a = fourDraws().map((x) => x.dataSync());
  const b = fourDraws().map((x) => x.dataSync());
  assert.is(ef.getBackend(), 'cpu');
  ef.setBackend('reference');
  let c: ReturnType<LazyArray['dataSync']>[];
  try {
    c = fourDraws().map((x) => x.dataSync());
  } finally {
    ef.setBackend('cpu');
  }
  ['uniform', 'normal', 'bernoulli', 'poisson'].forEach((what, k) => {
    assert.is(a[k]!.constructor, c[k]!.constructor, `${what}: storage`);
    for (let i = 0; i < a[k]!.length; i++) {
      if (!Object.is(a[k]![i], b[k]![i])) assert.unreachable(`${what}[${i}]: ${a[k]![i]} then ${b[k]![i]}`);
      if (!Object.is(a[k]![i], c[k]![i])) assert.unreachable(`${what}[${i}]: cpu ${a[k]![i]}, reference ${c[k]![i]}`);
    }
  });
});

// ---------------------------------------------------------------------------------- compiled

const NC = 500;

const stepFn: ef.StepFn = (_s, _in, t) => {
  const x = ef.random.uniform([NC], { seed: 3, counter: t });
  const z = ef.random.normal([NC], { seed: 4, counter: t, mean: -65, std: 2 }, 'mV');
  const k = ef.random.poisson(2.5, { seed: 5, counter: t, shape: [NC] });
  return { state: { x }, record: { x, z, k } };
};

function direct(k: number): { x: LazyArray; z: LazyArray; k: LazyArray } {
  return {
    x: ef.random.uniform([NC], { seed: 3, counter: k }),
    z: ef.random.normal([NC], { seed: 4, counter: k, mean: -65, std: 2 }, 'mV'),
    k: ef.random.poisson(2.5, { seed: 5, counter: k, shape: [NC] }),
  };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('compiled step: step k draws what the direct call at counter k draws (every step recorded), fresh each step', async () => {
  const runner = ef.compile(stepFn);
  const res = await runner.run({ x: ef.zeros([NC]) }, { steps: 10 });
  const rec = { x: res.records.x!.dataSync(), z: res.records.z!.dataSync(), k: res.records.k!.dataSync() };
  assert.equal([...res.records.x!.shape], [10, NC]);
  assert.is(res.records.z!.unit.toString(), 'mV');
  assert.is(res.records.k!.dtype, 'int32');
  for (let s = 0; s < 10; s++) {
    const d = direct(s);
    for (const key of ['x', 'z', 'k'] as const) sameBits(rec[key].subarray(s * NC, (s + 1) * NC), d[key].dataSync(), `step ${s} ${key}`);
  }
  sameBits(res.state.x!.dataSync(), direct(9).x.dataSync(), 'final state');
  // fresh numbers per step: consecutive steps are uncorrelated
  for (let s = 0; s + 1 < 10; s++) {
    const a = Float64Array.from(rec.x.subarray(s * NC, (s + 1) * NC));
    const b = Float64Array.from(rec.x.subarray((s + 1) * NC, (s + 2) * NC));
    assert.ok(Math.abs(pearson(a, b)) < 5 / Math.sqrt(NC), `steps ${s}, ${s + 1}: r = ${pearson(a, b)}`);
  }
});

test('compiled step: 10 steps at once give the same final state and records as 4 steps, then 6 with startStep 4 (bit for bit)', async () => {
  const init = { x: ef.zeros([NC]) };
  const all = await ef.compile(stepFn).run(init, { steps: 10 });
  const runner = ef.compile(stepFn);
  const first = await runner.run(init, { steps: 4 });
  const rest = await runner.run(first.state, { steps: 6, startStep: 4 });
  sameBits(rest.state.x!.dataSync(), all.state.x!.dataSync(), 'final state');
  for (const key of ['x', 'z', 'k']) {
    const whole = all.records[key]!.dataSync();
    sameBits(first.records[key]!.dataSync(), whole.subarray(0, 4 * NC), `${key}, steps 0..3`);
    sameBits(rest.records[key]!.dataSync(), whole.subarray(4 * NC), `${key}, steps 4..9`);
  }
  // without startStep the second chunk would repeat steps 0..5: a control that the comparison can fail
  const again = await runner.run(first.state, { steps: 6 });
  const a = again.records.x!.dataSync();
  const w = all.records.x!.dataSync();
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === w[4 * NC + i]) same++;
  assert.ok(same < 10, `restarting at t = 0 should not reproduce steps 4..9 (${same} equal values)`);
});

test.run();
