/**
 * The gap sampler of just-in-time connectivity (src/rng/gaps.ts) against its specification
 * (docs/rng.md): the threshold table's known values and length, the guide table by its
 * definition, and walkLine against a plain walk (a linear search, no guide) on crafted draws
 * at every boundary and on random draws. Every backend regenerates JIT matrices from these
 * tables, so any change here changes the matrices users get.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { gapTable, GUIDE_BITS, MAX_TABLE, walkLine, type GapTable } from '../../src/rng/gaps.js';

const WORD = 2 ** 24;

/** The walk as the specification states it: G = the smallest g with d < t_g; d ≥ t_L skips L. */
function plainWalk(t: GapTable, n: number, draws: readonly number[]): number[] {
  const out: number[] = [];
  if (t.prob === 0 || n === 0) return out;
  const L = t.thresholds.length;
  let pos = -1;
  for (const d of draws) {
    let g = 0;
    while (g < L && !(d < t.thresholds[g]!)) g++;
    if (g === L) {
      pos += L;
      if (pos >= n - 1) return out;
      continue;
    }
    pos += g + 1;
    if (pos >= n) return out;
    out.push(pos);
  }
  return out;
}

/** walkLine's positions for a finite draw sequence (the walk must end before it runs out). */
function walk(t: GapTable, n: number, draws: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  walkLine(t, n, () => {
    if (i >= draws.length) throw new Error('ran out of draws');
    return draws[i++]!;
  }, (pos, k) => {
    assert.is(k, out.length, 'k counts the connections');
    out.push(pos);
  });
  return out;
}

test('threshold tables: t_g = min(2^24, floor(2^24 (1 − (1 − p)^g) + 0.5)), L = min(n, 65536) entries', () => {
  assert.is(MAX_TABLE, 65536);
  const half = gapTable(0.5, 10);
  assert.equal(Array.from(half.thresholds.slice(0, 4)), [8388608, 12582912, 14680064, 15728640]);
  // 2^24 · 0.1 = 1677721.6 rounds to the nearest integer, 1677722
  const tenth = gapTable(0.1, 3);
  assert.equal(Array.from(tenth.thresholds), [1677722, 3187671, 4546626]); // 2^24 · 0.271 = 4546625.54
  assert.is(gapTable(0.3, 1).thresholds[0], 5033165); // 2^24 · 0.3 = 5033164.8
  assert.is(gapTable(1, 5).thresholds[0], WORD);
  assert.is(gapTable(0.5, 100).thresholds[99], WORD, 'capped at 2^24');
  assert.is(gapTable(0.001, 10 ** 6).thresholds.length, MAX_TABLE);
  assert.is(gapTable(0.001, 70000).thresholds.length, MAX_TABLE);
  assert.is(gapTable(0.001, 65535).thresholds.length, 65535);
  assert.is(gapTable(0.5, 0).thresholds.length, 1, 'at least one entry');
  assert.is(gapTable(0.25, 7), gapTable(0.25, 7), 'cached');
});

test('guide tables: 2^16 entries, guide[b] = the smallest g with t_g > b · 2^8, or L + 1', () => {
  assert.is(GUIDE_BITS, 8);
  for (const [p, n] of [[0.5, 40], [0.1, 5], [0.01, 300], [1e-4, 20], [0.9, 3]] as const) {
    const t = gapTable(p, n);
    assert.is(t.guide.length, 2 ** 16, `p = ${p}: guide length`);
    const L = t.thresholds.length;
    for (let b = 0; b < t.guide.length; b++) {
      let g = 1;
      while (g <= L && !(t.thresholds[g - 1]! > b * 2 ** 8)) g++;
      if (t.guide[b] !== g) assert.unreachable(`p = ${p}, n = ${n}: guide[${b}] = ${t.guide[b]}, expected ${g}`);
    }
  }
});

test('walkLine at every boundary: d = t_g − 1, t_g, t_g + 1, the last threshold, skips to the end', () => {
  const t = gapTable(0.25, 12);
  const th = Array.from(t.thresholds);
  const last = th[th.length - 1]!;
  const boundary = [...th.flatMap((x) => [x - 1, x, x + 1]), 0, 1, 255, 256, 257, last - 1, last, WORD - 1].filter((d) => d >= 0 && d < WORD);
  for (const d of boundary) {
    const draws = [d, d, d, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1, WORD - 1];
    assert.equal(walk(t, 12, draws), plainWalk(t, 12, draws), `draw ${d}`);
  }
  // a draw at or above the last threshold skips L positions: a line of 2L needs two such skips
  const short = gapTable(0.01, 5);
  const top = short.thresholds[4]!;
  assert.equal(walk(short, 10, [top, 0, top, top]), [5]);
  assert.equal(walk(short, 10, [top, top]), []);
  assert.equal(walk(short, 10, [top, top - 1, top]), [9]);
  // a skip that lands on the last position ends the line; one that stops short does not
  assert.equal(walk(short, 6, [top, 0, top]), [5]);
  assert.equal(walk(short, 5, [top]), []);
  // nothing is drawn for p = 0 or an empty line
  assert.equal(walk(gapTable(0, 50), 50, []), []);
  assert.equal(walk(gapTable(0.5, 0), 0, []), []);
});

test('walkLine equals the plain walk on random draws and probabilities', () => {
  fc.assert(fc.property(
    fc.constantFrom(1e-3, 0.01, 0.05, 0.2, 0.5, 0.9, 1),
    fc.integer({ min: 1, max: 300 }),
    fc.array(fc.integer({ min: 0, max: WORD - 1 }), { minLength: 400, maxLength: 400 }),
    (p, n, draws) => {
      const t = gapTable(p, n);
      // enough draws: every draw advances at least one position, so n + 1 draws always end the line
      const seq = [...draws, ...new Array<number>(n + 1).fill(WORD - 1)];
      assert.equal(walk(t, n, seq), plainWalk(t, n, seq));
    },
  ), { numRuns: 200 });
});

test.run();
