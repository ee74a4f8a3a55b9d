/**
 * The counter-based generator: a random 24-bit word is a pure function of
 * (seed, purpose, stream, counter). Specified in docs/rng.md:
 *
 *   mix(h)  = four rounds of  h ^= h >> S[r];  h = h·K[r] mod 2^24,  then h ^= h >> S[4]
 *   absorb(h, w) = mix((h + w) mod 2^24)
 *   key(seed, purpose, stream) = the pair (k1, k2): absorb over K0 (for k1) and over K0B
 *        (for k2) of the words [seed mod 2^24, ⌊seed / 2^24⌋, purpose, stream mod 2^24, ⌊stream / 2^24⌋]
 *   draw((k1, k2), counter) = absorb(absorb(block, counter mod 2^24), k2), where block = k1
 *        when counter < 2^24, else absorb(k1, ⌊counter / 2^24⌋)
 *
 * mix is a bijection of 24-bit words (xor-shift and odd multipliers are invertible). The
 * second key word keeps streams apart: with one word, streams whose keys differ by Δ would
 * be the same sequence shifted by Δ. In JavaScript a key is packed as k1·2^24 + k2.
 * The fast JavaScript form is one source text (`RNG_SOURCE`), used both by the functions
 * below and inlined into generated CPU kernels, so the two cannot drift apart. The
 * float-exact form (`exactGenerator`) is the specification any backend can follow.
 */
import { add24Exact, mul24Exact, shrExact, xor24Exact, WORD, type FloatOps } from './word.js';

export const K0 = 0x5bd1e9;
export const K0B = 0x3c6ef3;
export const SHIFTS: readonly number[] = [12, 11, 13, 10, 12];
export const MULTIPLIERS: readonly number[] = [0x9e3779, 0x85ebcb, 0xc2b2af, 0x27d4eb];

/** The fast form as JavaScript source: function declarations ef_mix, ef_key, ef_draw. */
export const RNG_SOURCE = [
  'function ef_mix(h) {',
  ...MULTIPLIERS.map((k, r) => `  h ^= h >>> ${SHIFTS[r]}; h = Math.imul(h, ${k}) & 0xffffff;`),
  `  return h ^ (h >>> ${SHIFTS[4]});`,
  '}',
  'function ef_absorb5(h, seed, purpose, stream) {',
  '  h = ef_mix((h + seed % 16777216) & 0xffffff);',
  '  h = ef_mix((h + Math.floor(seed / 16777216)) & 0xffffff);',
  '  h = ef_mix((h + purpose) & 0xffffff);',
  '  h = ef_mix((h + stream % 16777216) & 0xffffff);',
  '  return ef_mix((h + Math.floor(stream / 16777216)) & 0xffffff);',
  '}',
  'function ef_key(seed, purpose, stream) {',
  `  return ef_absorb5(${K0}, seed, purpose, stream) * 16777216 + ef_absorb5(${K0B}, seed, purpose, stream);`,
  '}',
  'function ef_draw(key, counter) {',
  '  const k1 = Math.floor(key / 16777216), k2 = key % 16777216;',
  '  const block = counter < 16777216 ? k1 : ef_mix((k1 + Math.floor(counter / 16777216)) & 0xffffff);',
  '  return ef_mix((ef_mix((block + counter % 16777216) & 0xffffff) + k2) & 0xffffff);',
  '}',
].join('\n');

export interface Generator {
  /** Mix one 24-bit word (a bijection). */
  readonly mix: (h: number) => number;
  /** The key of one stream, (k1, k2) packed as k1·2^24 + k2: every draw of (seed, purpose, stream) starts from it. */
  readonly key: (seed: number, purpose: number, stream: number) => number;
  /** Draw number `counter` of a stream: an integer in [0, 2^24). */
  readonly draw: (key: number, counter: number) => number;
}

const fast = new Function(`'use strict';\n${RNG_SOURCE}\nreturn { mix: ef_mix, key: ef_key, draw: ef_draw };`)() as Generator;

export const mix = fast.mix;
export const streamKey = fast.key;
export const draw = fast.draw;

/** What the draws are for; each purpose is an independent family of streams. */
export const PURPOSE = { structure: 0, weight: 1, sample: 2, random: 3, poissonEvents: 4, poissonAccept: 5 } as const;

/** A uniform number in [0, 1) with 24 random bits (exact in float32). */
export const uniform = (key: number, counter: number): number => draw(key, counter) / WORD;

/** A standard normal number by Box–Muller from draws 2k and 2k + 1 of the stream. */
export function normal(key: number, k: number): number {
  const u1 = uniform(key, 2 * k);
  const u2 = uniform(key, 2 * k + 1);
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/** The specification form, every operation rounded by `f` (default: exact arithmetic). */
export function exactGenerator(f?: FloatOps): Generator {
  const add = (a: number, b: number): number => add24Exact(a, b, f);
  const mixE = (h0: number): number => {
    let h = h0;
    MULTIPLIERS.forEach((k, r) => {
      h = mul24Exact(xor24Exact(h, shrExact(h, SHIFTS[r]!, f), f), k, f);
    });
    return xor24Exact(h, shrExact(h, SHIFTS[4]!, f), f);
  };
  // Splitting an integer into words happens where it is exact: on the host (seeds), or
  // trivially for values below 2^24 (stream and counter on a float32 device: the high word is 0).
  const lo = (x: number): number => x % WORD;
  const hi = (x: number): number => Math.floor(x / WORD);
  const absorb = (h: number, w: number): number => mixE(add(h, w));
  const chain = (h0: number, words: readonly number[]): number => words.reduce(absorb, h0);
  return {
    mix: mixE,
    key: (seed, purpose, stream) => {
      const words = [lo(seed), hi(seed), purpose, lo(stream), hi(stream)];
      // The pair (k1, k2), packed on the host; a device keeps the two words apart.
      return chain(K0, words) * WORD + chain(K0B, words);
    },
    draw: (key, counter) => {
      const [k1, k2] = [hi(key), lo(key)];
      return absorb(absorb(counter < WORD ? k1 : absorb(k1, hi(counter)), lo(counter)), k2);
    },
  };
}
