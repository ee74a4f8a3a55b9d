/**
 * 24-bit word arithmetic (src/rng/word.ts): the float-exact specification forms equal the
 * mathematical definitions and the fast forms, and every intermediate value they compute is
 * exactly representable in float32 (so gpu.js GPU modes compute the same bits).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  WORD, add24, add24Exact, mul24, mul24Exact, shrExact, xor24, xor24Exact, type FloatOps,
} from '../../src/rng/word.js';

const EDGES = [0, 1, 2, 4095, 4096, 4097, 0x7fffff, 0x800000, WORD - 2, WORD - 1] as const;
/** A 24-bit word, edge values included often. */
const word = (): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: fc.constantFrom(...EDGES), weight: 1 }, { arbitrary: fc.integer({ min: 0, max: WORD - 1 }), weight: 3 });
const OPTS = { numRuns: 3000 } as const;

/** Every pair of edge values, then fast-check's random pairs. */
function forPairs(check: (a: number, b: number) => void): void {
  for (const a of EDGES) for (const b of EDGES) check(a, b);
  fc.assert(fc.property(word(), word(), (a, b) => { check(a, b); }), OPTS);
}

/**
 * float32 arithmetic that refuses to be inexact: `round` is Math.fround, and it throws if
 * fround would change the value, or the value is negative, above 2^24, or not a dyadic
 * fraction n / 2^k with k ≤ 24 (the only non-integers are quotients by powers of two, taken
 * just before a floor). It counts its calls so a test can see that it was used.
 */
function float32Checked(): FloatOps & { calls: number } {
  const ops = {
    calls: 0,
    round: (x: number): number => {
      ops.calls++;
      const y = Math.fround(x);
      if (y !== x) throw new Error(`${x} is not exact in float32 (fround gives ${y})`);
      if (!(x >= 0 && x <= WORD)) throw new Error(`${x} is outside [0, 2^24]`);
      if (!Number.isInteger(x * WORD)) throw new Error(`${x} is not an integer divided by at most 2^24`);
      return y;
    },
  };
  return ops;
}
/** float32 arithmetic that rounds silently, for comparison with the checking form. */
const float32: FloatOps = { round: Math.fround };

test('add24Exact = (a + b) mod 2^24 = add24', () => {
  forPairs((a, b) => {
    const want = (a + b) % WORD;
    assert.is(add24Exact(a, b), want, `add24Exact(${a}, ${b})`);
    assert.is(add24(a, b), want, `add24(${a}, ${b})`);
  });
});

test('mul24Exact = (a · b) mod 2^24 computed with BigInt = mul24', () => {
  forPairs((a, b) => {
    const want = Number((BigInt(a) * BigInt(b)) % BigInt(WORD));
    assert.is(mul24Exact(a, b), want, `mul24Exact(${a}, ${b})`);
    assert.is(mul24(a, b), want, `mul24(${a}, ${b})`);
  });
});

test('xor24Exact = a ^ b = xor24', () => {
  forPairs((a, b) => {
    const want = a ^ b;
    assert.is(xor24Exact(a, b), want, `xor24Exact(${a}, ${b})`);
    assert.is(xor24(a, b), want, `xor24(${a}, ${b})`);
  });
});

test('shrExact(a, s) = floor(a / 2^s) = a >>> s for s in 0..24', () => {
  const check = (a: number, s: number): void => {
    const want = Math.floor(a / 2 ** s);
    assert.is(shrExact(a, s), want, `shrExact(${a}, ${s})`);
    assert.is(a >>> s, want, `${a} >>> ${s}`);
  };
  for (const a of EDGES) for (let s = 0; s <= 24; s++) check(a, s);
  fc.assert(fc.property(word(), fc.integer({ min: 0, max: 24 }), (a, s) => { check(a, s); }), OPTS);
});

test('the results are words: 0 <= result < 2^24', () => {
  forPairs((a, b) => {
    for (const r of [add24Exact(a, b), mul24Exact(a, b), xor24Exact(a, b)]) {
      assert.ok(Number.isInteger(r) && r >= 0 && r < WORD, `${r} from (${a}, ${b})`);
    }
  });
});

test('every intermediate is exact in float32: a checking fround changes nothing and never throws', () => {
  const f = float32Checked();
  forPairs((a, b) => {
    assert.is(add24Exact(a, b, f), (a + b) % WORD, `add24Exact(${a}, ${b}) in float32`);
    assert.is(mul24Exact(a, b, f), Number((BigInt(a) * BigInt(b)) % BigInt(WORD)), `mul24Exact(${a}, ${b}) in float32`);
    assert.is(xor24Exact(a, b, f), a ^ b, `xor24Exact(${a}, ${b}) in float32`);
    for (const s of [0, 1, 10, 11, 12, 13, 23, 24]) assert.is(shrExact(a, s, f), a >>> s, `shrExact(${a}, ${s}) in float32`);
  });
  assert.ok(f.calls > 100_000, `the checking round was used (${f.calls} calls)`);
});

test('float32 rounding (Math.fround, not checking) gives the exact results too', () => {
  forPairs((a, b) => {
    assert.is(add24Exact(a, b, float32), add24(a, b));
    assert.is(mul24Exact(a, b, float32), mul24(a, b));
    assert.is(xor24Exact(a, b, float32), xor24(a, b));
  });
});

test('the checking round does reject inexact, negative and oversized values', () => {
  const f = float32Checked();
  assert.throws(() => f.round(WORD + 1), /not exact in float32/);
  assert.throws(() => f.round(WORD * 2), /outside/);
  assert.throws(() => f.round(-1), /outside/);
  assert.throws(() => f.round(1 / 3), /not exact|not an integer/);
  assert.is(f.round(5 / 4096), 5 / 4096);
  // the naive product of two words is not exact in float32: why mul24Exact splits into halves
  assert.throws(() => f.round((WORD - 1) * (WORD - 1)), /not exact in float32/);
});

test.run();
