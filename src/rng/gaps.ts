/**
 * Skip sampling for just-in-time connectivity: a line of n positions (a row or a column),
 * each connected independently with probability p, is walked gap by gap, so generating a
 * line costs O(its connections), not O(n).
 *
 * Gaps are geometric: P(G = g) = (1 − p)^(g−1) p. They are drawn by inversion against an
 * integer threshold table instead of a logarithm, so every backend (float32 devices too)
 * finds the same gap for the same draw d ∈ [0, 2^24):
 *   t_g = min(2^24, floor(2^24 · (1 − (1 − p)^g) + 0.5)),   g = 1..L,  L = min(n, 65536),
 *   G   = the smallest g with d < t_g;  if d ≥ t_L, no connection in the next L positions
 *         (advance L and draw again: geometric gaps are memoryless).
 * A guide table of 65536 entries (indexed by ⌊d / 2^8⌋) says where to start the search,
 * so finding a gap takes O(1) comparisons on average, even for small p (where a coarser
 * guide left about 8 comparisons per gap at p = 1e-4). The probability of each gap is
 * resolved to 2^-24 (p itself is rounded to t_1 / 2^24).
 */
import { WORD } from './word.js';

export const MAX_TABLE = 65536;
export const GUIDE_BITS = 8;

export interface GapTable {
  readonly prob: number;
  /** t_1 .. t_L (t_g at index g − 1). */
  readonly thresholds: Int32Array;
  /** guide[b] = the smallest g with t_g > b · 2^8 (L + 1 when there is none). */
  readonly guide: Int32Array;
}

const cache = new Map<string, GapTable>();

/** The tables for probability `prob` on lines of `n` positions (cached). */
export function gapTable(prob: number, n: number): GapTable {
  const L = Math.max(1, Math.min(n, MAX_TABLE));
  const key = `${prob}|${L}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const thresholds = new Int32Array(L);
  for (let g = 1; g <= L; g++) thresholds[g - 1] = Math.min(WORD, Math.floor(WORD * (1 - Math.pow(1 - prob, g)) + 0.5));
  const guide = new Int32Array(1 << (WORD_BITS - GUIDE_BITS));
  let g = 1;
  for (let b = 0; b < guide.length; b++) {
    while (g <= L && thresholds[g - 1]! <= b << GUIDE_BITS) g++;
    guide[b] = g;
  }
  const table = Object.freeze({ prob, thresholds, guide });
  cache.set(key, table);
  return table;
}
const WORD_BITS = 24;

/**
 * Walk one line: calls visit(position, k) for its k-th connection, in increasing position.
 * `next()` returns the line's successive structure draws.
 */
export function walkLine(table: GapTable, n: number, next: () => number, visit: (pos: number, k: number) => void): void {
  if (table.prob === 0 || n === 0) return;
  const { thresholds: t, guide } = table;
  const L = t.length;
  const last = t[L - 1]!;
  let pos = -1;
  let k = 0;
  for (;;) {
    const d = next();
    if (d >= last) {
      pos += L;
      if (pos >= n - 1) return;
      continue;
    }
    let g = guide[d >>> GUIDE_BITS]!;
    while (t[g - 1]! <= d) g++;
    pos += g;
    if (pos >= n) return;
    visit(pos, k++);
  }
}
