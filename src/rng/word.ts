/**
 * 24-bit word arithmetic for the counter-based RNG, in two exactly equal forms:
 * - the **float-exact** form, the specification: every intermediate value is an integer
 *   at most 2^24 and every operation is +, -, ×, division by a power of two and floor, so
 *   float32 arithmetic (gpu.js GPU modes) computes it exactly (XOR goes bit by bit);
 * - the **fast** form for JavaScript (32-bit integer ops), equal on every input.
 * test/rng/word.test.ts checks both against each other and a float32-rounded simulation.
 */
export const WORD = 16777216; // 2^24
const HALF = 4096; // 2^12

/** floor(x / 2^12) and x mod 2^12 for 0 <= x < 2^24. */
const split = (x: number): [number, number] => {
  const hi = Math.floor(x / HALF);
  return [hi, x - hi * HALF];
};

/** Operations a float-exact implementation is written with; `round` models the target's float type. */
export interface FloatOps {
  readonly round: (x: number) => number;
}
const exact: FloatOps = { round: (x) => x };
const mod12 = (x: number, r: (x: number) => number): number => r(x - r(Math.floor(r(x / HALF)) * HALF));

/** (a + b) mod 2^24 on 12-bit halves: no intermediate reaches 2^24. */
export function add24Exact(a: number, b: number, f: FloatOps = exact): number {
  const r = f.round;
  const [a1, a0] = split(a);
  const [b1, b0] = split(b);
  let s0 = r(a0 + b0);
  const carry = Math.floor(r(s0 / HALF));
  s0 = r(s0 - r(carry * HALF));
  const s1 = mod12(r(r(a1 + b1) + carry), r);
  return r(r(s1 * HALF) + s0);
}

/** (a × b) mod 2^24 on 12-bit halves: each partial product is below 2^24. */
export function mul24Exact(a: number, b: number, f: FloatOps = exact): number {
  const r = f.round;
  const [a1, a0] = split(a);
  const [b1, b0] = split(b);
  const [l1, l0] = split(r(a0 * b0));
  const mid = mod12(r(r(mod12(r(a1 * b0), r) + mod12(r(a0 * b1), r)) + l1), r);
  return r(r(mid * HALF) + l0);
}

/** a XOR b, bit by bit with floor and halving: every value stays below 2^24. */
export function xor24Exact(a: number, b: number, f: FloatOps = exact): number {
  const r = f.round;
  let x = a;
  let y = b;
  let out = 0;
  let place = 1;
  for (let i = 0; i < 24; i++) {
    const xh = Math.floor(r(x / 2));
    const yh = Math.floor(r(y / 2));
    const xb = r(x - r(xh * 2));
    const yb = r(y - r(yh * 2));
    // the bit of x XOR y is (xb + yb) mod 2, i.e. xb + yb - 2·xb·yb
    out = r(out + r(place * r(r(xb + yb) - r(2 * r(xb * yb)))));
    place = r(place * 2);
    x = xh;
    y = yh;
  }
  return out;
}

/** floor(x / 2^s). */
export const shrExact = (x: number, s: number, f: FloatOps = exact): number => Math.floor(f.round(x / 2 ** s));

const MASK = 0xffffff;
/** The fast forms: the same functions with 32-bit integer operations. */
export const add24 = (a: number, b: number): number => (a + b) & MASK;
export const mul24 = (a: number, b: number): number => Math.imul(a, b) & MASK;
export const xor24 = (a: number, b: number): number => a ^ b;
