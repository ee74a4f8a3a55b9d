/**
 * Sampling the index table of a fixed-number matrix with the counter-based RNG
 * (src/rng/hash.ts). Line `a` of the table (a row of FixedPostNum, a column of FixedPreNum)
 * is drawn from its own stream, streamKey(seed, PURPOSE.sample, a), so a line depends only
 * on (seed, a, m, num, allowDuplicates), never on the other lines or on how many there are.
 *
 * A uniform integer in [0, r) (r <= m) is floor(d · r / 2^24) for one 24-bit draw d when
 * m <= 2^24, and floor(d48 · r / 2^48) for d48 = d_hi · 2^24 + d_lo made of two draws when
 * m > 2^24. Both are computed exactly. The mapping is not perfectly uniform: each value
 * gets either ⌊2^24 / r⌋ or ⌈2^24 / r⌉ of the 2^24 draws, a relative bias of at most
 * r / 2^24 (r / 2^48 with two draws), e.g. 6e-5 for r = 1000.
 *
 * Without duplicates a line is a uniform random `num`-subset of [0, m), by Floyd's
 * algorithm: for t = m - num, ..., m - 1 draw v in [0, t] and take v, or t when v was
 * taken already (t never was). The k-th step (k = 0 .. num-1) uses draw k (draws 2k and
 * 2k + 1 when m > 2^24). With duplicates, draw k is the k-th of `num` independent
 * targets. Either way the line is then sorted ascending.
 */
import { PURPOSE, draw, streamKey } from '../../rng/hash.js';
import { WORD } from '../../rng/word.js';

/** floor(d48 · r / 2^48) for d48 = hi · 2^24 + lo (hi, lo < 2^24, r < 2^31), exactly in doubles. */
export function scale48(hi: number, lo: number, r: number): number {
  // r = rh · 2^24 + rl with rh < 2^7, rl < 2^24; every product below stays under 2^53.
  const rh = Math.floor(r / WORD);
  const rl = r - rh * WORD;
  // c = floor(lo · r / 2^24) = lo · rh + floor(lo · rl / 2^24)
  const c = lo * rh + Math.floor((lo * rl) / WORD);
  // floor((hi · r + c) / 2^24) = hi · rh + floor((hi · rl + c) / 2^24)
  return hi * rh + Math.floor((hi * rl + c) / WORD);
}

/** Uniform integer in [0, r) from the k-th draw (or pair of draws, when `wide`) of the stream `key`. */
export function below(key: number, k: number, r: number, wide: boolean): number {
  if (!wide) return Math.floor((draw(key, k) * r) / WORD);
  return scale48(draw(key, 2 * k), draw(key, 2 * k + 1), r);
}

/** Lines whose membership test uses a stamp array (O(m) memory, allocated once) rather than a Set. */
const STAMP_LIMIT = 1 << 22;
/** Up to this many targets a line is searched linearly (no extra memory at all). */
const LINEAR_LIMIT = 16;

/**
 * The table of `lines` lines of `num` targets in [0, m), row after row, each line sorted.
 * The caller has checked num <= m (or allowDuplicates with m > 0 when num > 0).
 */
export function sampleTable(seed: number, lines: number, m: number, num: number, allowDuplicates: boolean): Int32Array {
  const out = new Int32Array(lines * num);
  if (num === 0) return out;
  const wide = m > WORD;
  const stamp = !allowDuplicates && num > LINEAR_LIMIT && m <= STAMP_LIMIT ? new Int32Array(m) : undefined;
  for (let a = 0; a < lines; a++) {
    const key = streamKey(seed, PURPOSE.sample, a);
    const base = a * num;
    if (allowDuplicates) {
      for (let k = 0; k < num; k++) out[base + k] = below(key, k, m, wide);
    } else if (num <= LINEAR_LIMIT) {
      floydLinear(out, base, key, m, num, wide);
    } else if (stamp) {
      const mark = a + 1;
      for (let k = 0, t = m - num; k < num; k++, t++) {
        const v = below(key, k, t + 1, wide);
        const pick = stamp[v] === mark ? t : v;
        stamp[pick] = mark;
        out[base + k] = pick;
      }
    } else {
      const taken = new Set<number>();
      for (let k = 0, t = m - num; k < num; k++, t++) {
        const v = below(key, k, t + 1, wide);
        const pick = taken.has(v) ? t : v;
        taken.add(pick);
        out[base + k] = pick;
      }
    }
    sortLine(out, base, base + num);
  }
  return out;
}

/** Up to this many targets a line is sorted by insertion (typed-array sort costs µs per call on short lines). */
const INSERTION_LIMIT = 32;

/** Sort out[lo .. hi) ascending. */
function sortLine(out: Int32Array, lo: number, hi: number): void {
  if (hi - lo > INSERTION_LIMIT) {
    out.subarray(lo, hi).sort();
    return;
  }
  for (let p = lo + 1; p < hi; p++) {
    const v = out[p]!;
    let q = p - 1;
    while (q >= lo && out[q]! > v) {
      out[q + 1] = out[q]!;
      q--;
    }
    out[q + 1] = v;
  }
}

/** Floyd's algorithm for a short line, checking membership by a scan of the line so far. */
function floydLinear(out: Int32Array, base: number, key: number, m: number, num: number, wide: boolean): void {
  for (let k = 0, t = m - num; k < num; k++, t++) {
    const v = below(key, k, t + 1, wide);
    let seen = false;
    for (let q = base; q < base + k; q++) {
      if (out[q] === v) {
        seen = true;
        break;
      }
    }
    out[base + k] = seen ? t : v;
  }
}
