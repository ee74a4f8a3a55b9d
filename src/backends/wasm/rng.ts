/**
 * The counter-based generator (src/rng/hash.ts, docs/rng.md) as i32 WebAssembly code: exactly
 * the cpu's ef_key / ef_draw, with the seed's part of each key folded into a constant.
 */
import { K0, K0B, MULTIPLIERS, SHIFTS, mix } from '../../rng/hash.js';
import { FunctionBuilder, OP } from './encoder.js';

const WORD = 0xffffff;

/** h ← mix(h) for the i32 in each local of hs, their rounds interleaved (independent chains side by side). */
function emitMix(f: FunctionBuilder, ...hs: number[]): void {
  MULTIPLIERS.forEach((k, r) => {
    for (const h of hs) {
      f.localGet(h).localGet(h).i32Const(SHIFTS[r]!).op(OP.i32_shr_u).op(OP.i32_xor);
      f.i32Const(k).op(OP.i32_mul).i32Const(WORD).op(OP.i32_and).localSet(h);
    }
  });
  for (const h of hs) f.localGet(h).localGet(h).i32Const(SHIFTS[4]!).op(OP.i32_shr_u).op(OP.i32_xor).localSet(h);
}

/** h ← mix((h + value on the stack) mod 2^24). */
function emitAbsorb(f: FunctionBuilder, h: number): void {
  f.localGet(h).op(OP.i32_add).i32Const(WORD).op(OP.i32_and).localSet(h);
  emitMix(f, h);
}

/** The key word after absorbing seed mod 2^24, ⌊seed / 2^24⌋ and the purpose (constant per walk). */
const keyPrefix = (start: number, seed: number, purpose: number): number =>
  [seed % 2 ** 24, Math.floor(seed / 2 ** 24), purpose].reduce((h, w) => mix((h + w) & WORD), start);

/**
 * (k1, k2) ← key(seed, purpose, stream) for the stream in local `stream`: a line (never
 * negative), or (`signed`) an int32 counter, split as JavaScript's `stream % 2^24` and
 * `Math.floor(stream / 2^24)` split a negative one.
 */
export function emitKey(f: FunctionBuilder, seed: number, purpose: number, stream: number, k1: number, k2: number, signed = false): void {
  for (const [h, start] of [[k1, K0], [k2, K0B]] as const) {
    f.i32Const(keyPrefix(start, seed, purpose)).localSet(h);
    if (signed) f.localGet(stream).i32Const(2 ** 24).op(OP.i32_rem_s);
    else f.localGet(stream).i32Const(WORD).op(OP.i32_and);
    emitAbsorb(f, h);
    f.localGet(stream).i32Const(24).op(signed ? OP.i32_shr_s : OP.i32_shr_u);
    emitAbsorb(f, h);
  }
}

/** Push draw((k1, k2), counter) for the counter in local c; `h` is scratch. */
export function emitDraw(f: FunctionBuilder, k1: number, k2: number, c: number, h: number): void {
  emitBlockKey(f, k1, c, 0, h);
  f.localGet(c).i32Const(WORD).op(OP.i32_and);
  emitAbsorb(f, h);
  f.localGet(k2);
  emitAbsorb(f, h);
  f.localGet(h);
}

/** h = the key word of counter c + plus's block: k1 below 2^24, else mix((k1 + ⌊counter / 2^24⌋) mod 2^24). */
function emitBlockKey(f: FunctionBuilder, k1: number, c: number, plus: number, h: number): void {
  const counter = (): void => {
    f.localGet(c);
    if (plus) f.i32Const(plus).op(OP.i32_add);
    f.i32Const(24).op(OP.i32_shr_u);
  };
  f.localGet(k1).localSet(h);
  counter();
  f.if();
  counter();
  emitAbsorb(f, h);
  f.end();
}

/**
 * Locals h0, h1 ← the draws of counters c and c + 1, computed side by side: each draw is one
 * long chain of dependent multiplies, and two interleaved overlap. Measured against one draw
 * per turn (10^6 × 10^6, 1 % active, one process): normal weights 0.86x the time, scalar
 * weights unchanged.
 */
export function emitDrawPair(f: FunctionBuilder, k1: number, k2: number, c: number, h0: number, h1: number): void {
  emitBlockKey(f, k1, c, 0, h0);
  emitBlockKey(f, k1, c, 1, h1);
  for (const [h, plus] of [[h0, 0], [h1, 1]] as const) {
    f.localGet(h).localGet(c);
    if (plus) f.i32Const(plus).op(OP.i32_add);
    f.i32Const(WORD).op(OP.i32_and).op(OP.i32_add).i32Const(WORD).op(OP.i32_and).localSet(h);
  }
  emitMix(f, h0, h1);
  for (const h of [h0, h1]) f.localGet(h).localGet(k2).op(OP.i32_add).i32Const(WORD).op(OP.i32_and).localSet(h);
  emitMix(f, h0, h1);
}

