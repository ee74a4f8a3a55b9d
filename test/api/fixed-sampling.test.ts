/**
 * The sampled tables of ef.fixedPostNum / ef.fixedPreNum against an independent oracle written
 * from docs/formats.md ("Fixed-number connectivity") and the header of
 * src/formats/fixed/sample.ts: line a is stream (seed, PURPOSE.sample, a); without duplicates
 * Floyd's algorithm (for t = m − num .. m − 1 draw v in [0, t], take v or t when v is taken),
 * with them `num` independent draws in [0, m); draw k maps a 24-bit word d to ⌊d·r / 2^24⌋,
 * and for m > 2^24 draws 2k and 2k + 1 make a 48-bit word, ⌊(hi·2^24 + lo)·r / 2^48⌋; every
 * line sorted ascending. The oracle uses a Set and BigInt arithmetic, nothing of sample.ts.
 *
 * The cases straddle every size at which the implementation changes strategy (membership by a
 * scan of the line, by a stamp array or by a Set; insertion sort or typed-array sort; one draw
 * or two), so the table must not depend on which one runs. Host-side only (no backend).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { PURPOSE, draw, streamKey } from '../../src/rng/hash.js';

const W24 = 2 ** 24;

/** Uniform integer in [0, r) from draw k (pair 2k, 2k + 1 when m > 2^24), exactly, in BigInt. */
function uniform(key: number, k: number, r: number, m: number): number {
  if (m <= W24) return Number((BigInt(draw(key, k)) * BigInt(r)) >> 24n);
  const d48 = (BigInt(draw(key, 2 * k)) << 24n) + BigInt(draw(key, 2 * k + 1));
  return Number((d48 * BigInt(r)) >> 48n);
}

/** Line `a` of the table as the docs define it. */
function oracleLine(seed: number, a: number, m: number, num: number, dup: boolean): number[] {
  const key = streamKey(seed, PURPOSE.sample, a);
  const line: number[] = [];
  if (dup) {
    for (let k = 0; k < num; k++) line.push(uniform(key, k, m, m));
  } else {
    const taken = new Set<number>();
    for (let k = 0; k < num; k++) {
      const t = m - num + k;
      const v = uniform(key, k, t + 1, m);
      const pick = taken.has(v) ? t : v;
      taken.add(pick);
      line.push(pick);
    }
  }
  return line.sort((x, y) => x - y);
}

function oracleTable(seed: number, lines: number, m: number, num: number, dup: boolean): number[] {
  const out: number[] = [];
  for (let a = 0; a < lines; a++) out.push(...oracleLine(seed, a, m, num, dup));
  return out;
}

interface Case { lines: number; m: number; num: number; dup: boolean; why: string }

const CASES: readonly Case[] = [
  { lines: 6, m: 10, num: 3, dup: false, why: 'short line' },
  { lines: 3, m: 10, num: 10, dup: false, why: 'num = m: every index once' },
  { lines: 4, m: 40, num: 16, dup: false, why: 'longest line checked by a scan' },
  { lines: 4, m: 40, num: 17, dup: false, why: 'shortest line checked by a stamp array' },
  { lines: 3, m: 100, num: 32, dup: false, why: 'longest line sorted by insertion' },
  { lines: 3, m: 100, num: 33, dup: false, why: 'shortest line sorted by typed-array sort' },
  { lines: 2, m: 300, num: 150, dup: false, why: 'long line' },
  { lines: 3, m: 2 ** 22, num: 17, dup: false, why: 'largest m with a stamp array' },
  { lines: 3, m: 2 ** 22 + 1, num: 17, dup: false, why: 'smallest m with a Set' },
  { lines: 3, m: 2 ** 22 + 1, num: 40, dup: false, why: 'a Set, typed-array sort' },
  { lines: 3, m: W24, num: 3, dup: false, why: 'm = 2^24: still one draw per target' },
  { lines: 3, m: W24, num: 20, dup: false, why: 'm = 2^24 with a Set: one draw per target' },
  { lines: 3, m: W24 + 1, num: 3, dup: false, why: 'm = 2^24 + 1: two draws per target' },
  { lines: 3, m: 2 ** 25 + 3, num: 20, dup: false, why: 'two draws, a Set' },
  { lines: 2, m: 2 ** 31 - 1, num: 40, dup: false, why: 'the largest m' },
  { lines: 5, m: 10, num: 25, dup: true, why: 'duplicates, num > m' },
  { lines: 3, m: 50, num: 40, dup: true, why: 'duplicates, typed-array sort' },
  { lines: 3, m: W24, num: 5, dup: true, why: 'duplicates, m = 2^24: one draw' },
  { lines: 3, m: 2 ** 25 + 3, num: 6, dup: true, why: 'duplicates, two draws' },
];

const SEEDS = [0, 1, 20240616, 2 ** 32 - 1] as const;

test('sampled tables equal the documented algorithm, for both classes, on every side of each strategy threshold', () => {
  for (const c of CASES) {
    for (const seed of SEEDS) {
      const expected = oracleTable(seed, c.lines, c.m, c.num, c.dup);
      const opts = { num: c.num, seed, weight: 1, allowDuplicates: c.dup };
      const post = ef.fixedPostNum({ shape: [c.lines, c.m], ...opts });
      assert.equal(Array.from(post.table()), expected, `fixedPostNum ${c.why}: [${c.lines}, ${c.m}], num ${c.num}, seed ${seed}`);
      const pre = ef.fixedPreNum({ shape: [c.m, c.lines], ...opts });
      assert.equal(Array.from(pre.table()), expected, `fixedPreNum ${c.why}: [${c.m}, ${c.lines}], num ${c.num}, seed ${seed}`);
    }
  }
});

test('the oracle is a real check: lines are distinct (without duplicates), sorted and in range, and the draws differ between one and two words', () => {
  // guards against an oracle that agrees with the implementation by being vacuous
  for (const c of CASES) {
    const t = oracleTable(7, c.lines, c.m, c.num, c.dup);
    for (let a = 0; a < c.lines; a++) {
      const line = t.slice(a * c.num, (a + 1) * c.num);
      assert.ok(line.every((v, k) => v >= 0 && v < c.m && (k === 0 || v >= line[k - 1]!)), `${c.why}: sorted, in range`);
      if (!c.dup) assert.is(new Set(line).size, c.num, `${c.why}: distinct`);
    }
  }
  // m = 2^24 and m = 2^24 + 1 differ in the draws used, so their first lines differ (not only by range)
  const one = oracleLine(3, 0, W24, 8, false);
  const two = oracleLine(3, 0, W24 + 1, 8, false);
  assert.not.equal(one, two);
});

const TYPED = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'] as const;

/** The byte sizes of every typed array constructed with a length while `f` runs (the global constructors wrapped meanwhile). */
function typedAllocations(f: () => void): number[] {
  const g = globalThis as unknown as Record<string, unknown>;
  const saved = TYPED.map((name) => g[name]);
  const bytes: number[] = [];
  TYPED.forEach((name, i) => {
    const ctor = saved[i] as { BYTES_PER_ELEMENT: number } & (new (...a: unknown[]) => object);
    g[name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        if (typeof args[0] === 'number') bytes.push(args[0] * ctor.BYTES_PER_ELEMENT);
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
    });
  });
  try {
    f();
  } finally {
    TYPED.forEach((name, i) => { g[name] = saved[i]; });
  }
  return bytes;
}

test('sampling from 2^31 − 1 columns allocates O(lines · num) memory, never a scratch array over the columns', () => {
  // docs/formats.md (Limits): every allocation of the format layer is counted before it is
  // made, and the table is lines · num int32; a membership array over m = 2^31 − 1 columns
  // would be 8 GiB (allocated lazily on Linux, refused where memory is not overcommitted).
  // A bounded scratch array is fine (the bound here, 256 MiB, is far above any table below).
  for (const [num, dup] of [[3, false], [16, false], [17, false], [40, false], [5, true], [40, true]] as const) {
    let W: ef.FixedPostNum | undefined;
    const bytes = typedAllocations(() => { W = ef.fixedPostNum({ shape: [4, 2 ** 31 - 1], num, seed: 11, weight: 1, allowDuplicates: dup }); });
    assert.is(W!.table().length, 4 * num);
    assert.ok(bytes.length > 0, 'the table itself is seen');
    const largest = Math.max(...bytes);
    assert.ok(largest <= 2 ** 28, `num ${num}, allowDuplicates ${dup}: a typed array of ${largest} bytes`);
  }
});

test.run();
