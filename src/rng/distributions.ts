/**
 * The distributions of public random arrays (docs/random.md), as one JavaScript source text
 * (`DISTRIBUTION_SOURCE`, after RNG_SOURCE) used both by the float64 reference below and
 * inlined into generated CPU kernels, so the two cannot drift apart. Element i of an array
 * drawn at step `counter` reads draws of the stream key(seed, PURPOSE.random, counter):
 *
 *   uniform    u_i = d(i) / 2^24                                  in [0, 1), 24 random bits
 *   normal     z_i = sqrt(−2 ln(1 − d(2i)/2^24)) · cos(2π d(2i+1)/2^24)        (Box–Muller)
 *   bernoulli  b_i = d(i) < p · 2^24                             (integer compare: exact)
 *   poisson    λ ≤ 30: inversion of u = d(2i)/2^24 against the CDF (exact to the 2^-24
 *              resolution of u); λ > 30: round(λ + √λ·z_i), at least 0 (normal approximation)
 *   binomial   (n, p) with q = min(p, 1 − p): n·q ≤ 30: inversion of u = d(2i)/2^24 (counting
 *              the rarer outcome, then n − k when p > 1/2); above: round(n·q + √(n·q(1 − q))·z_i)
 *              clamped to [0, n] (normal approximation)
 */
import { RNG_SOURCE } from './hash.js';

/** Above this mean, Poisson (and binomial) counts use the normal approximation (inversion costs O(λ)). */
export const POISSON_INVERSION_MAX = 30;
/** Inversion never walks past this count: P(X > 200 | λ ≤ 30) < 1e-80, far below 2^-24. */
export const POISSON_INVERSION_CAP = 200;
/** Counts are int32: the normal approximation is clamped here. */
export const POISSON_MAX_COUNT = 2147483647;

export const DISTRIBUTION_SOURCE = [
  'function ef_uniform(key, i) { return ef_draw(key, i) / 16777216; }',
  'function ef_normal(key, i) {',
  '  return Math.sqrt(-2 * Math.log(1 - ef_draw(key, 2 * i) / 16777216)) * Math.cos(2 * Math.PI * (ef_draw(key, 2 * i + 1) / 16777216));',
  '}',
  'function ef_bernoulli(key, i, p) { return ef_draw(key, i) < p * 16777216; }',
  'function ef_poisson(key, i, lam) {',
  '  if (!(lam > 0)) return 0;',
  `  if (lam > ${POISSON_INVERSION_MAX}) {`,
  '    const k = Math.floor(lam + Math.sqrt(lam) * ef_normal(key, i) + 0.5);',
  `    return k < 0 ? 0 : k > ${POISSON_MAX_COUNT} ? ${POISSON_MAX_COUNT} : k;`,
  '  }',
  '  const u = ef_draw(key, 2 * i) / 16777216;',
  '  let k = 0, p = Math.exp(-lam), F = p;',
  `  while (u >= F && k < ${POISSON_INVERSION_CAP}) { k++; p = p * lam / k; F += p; }`,
  '  return k;',
  '}',
  'function ef_binomial(key, i, n, p) {',
  '  if (!(n > 0) || !(p > 0)) return 0;',
  '  if (p >= 1) return n;',
  '  const flip = p > 0.5, q = flip ? 1 - p : p;',
  '  let k = 0;',
  `  if (n * q > ${POISSON_INVERSION_MAX}) {`,
  '    k = Math.floor(n * q + Math.sqrt(n * q * (1 - q)) * ef_normal(key, i) + 0.5);',
  '    k = k < 0 ? 0 : k > n ? n : k;',
  '  } else {',
  '    const u = ef_draw(key, 2 * i) / 16777216, r = q / (1 - q);',
  '    let pk = Math.pow(1 - q, n), F = pk;',
  `    while (u >= F && k < n && k < ${POISSON_INVERSION_CAP}) { pk = pk * r * (n - k) / (k + 1); k++; F += pk; }`,
  '  }',
  '  return flip ? n - k : k;',
  '}',
].join('\n');

export interface Distributions {
  readonly key: (seed: number, purpose: number, stream: number) => number;
  readonly uniform: (key: number, i: number) => number;
  readonly normal: (key: number, i: number) => number;
  readonly bernoulli: (key: number, i: number, p: number) => boolean;
  readonly poisson: (key: number, i: number, lam: number) => number;
  readonly binomial: (key: number, i: number, n: number, p: number) => number;
}

export const distributions = new Function(
  `'use strict';\n${RNG_SOURCE}\n${DISTRIBUTION_SOURCE}\nreturn { key: ef_key, uniform: ef_uniform, normal: ef_normal, bernoulli: ef_bernoulli, poisson: ef_poisson, binomial: ef_binomial };`,
)() as Distributions;
