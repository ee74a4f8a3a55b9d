/**
 * Four elements at a time, for a wasm backend chosen with `precision: 'float32'`: float32
 * values in f32x4 lanes, each op rounded to float32 (as a GPU, or Brian2 with float32,
 * computes), int32 in i32x4 lanes, bools as 32-bit lane masks. Twice the lanes of the exact
 * two-lane form (simd.ts), at the price of the cpu's bit-for-bit numerics: results agree with
 * the cpu backend to float32 rounding of each operation. Bit-identical across thread counts
 * still (thread ranges are multiples of 4, so every element takes the same path). A loop with
 * float64 values, or an op without a 4-lane form, uses the exact forms instead.
 */
import type { KAccess, KernelLoop, KValue } from '../../kernel/loop.js';
import { FunctionBuilder, OP, SIMD } from './encoder.js';
import { BYTES, emitAddress, emitLaneAppends, emitMaskOp, type LaneKind } from './emit.js';
import type { SimdContext, SimdEmitter } from './simd.js';

type Kind = LaneKind;
type OpValue = Extract<KValue, { kind: 'op' }>;

const FLOAT_UNARY: Partial<Record<string, number>> = {
  neg: SIMD.f32x4_neg, abs: SIMD.f32x4_abs, sqrt: SIMD.f32x4_sqrt, floor: SIMD.f32x4_floor, ceil: SIMD.f32x4_ceil, round: SIMD.f32x4_nearest,
};
const FLOAT_BINARY: Partial<Record<string, number>> = {
  add: SIMD.f32x4_add, sub: SIMD.f32x4_sub, mul: SIMD.f32x4_mul, div: SIMD.f32x4_div, maximum: SIMD.f32x4_max, minimum: SIMD.f32x4_min,
  greater: SIMD.f32x4_gt, greaterEqual: SIMD.f32x4_ge, less: SIMD.f32x4_lt, lessEqual: SIMD.f32x4_le, equal: SIMD.f32x4_eq, notEqual: SIMD.f32x4_ne,
};
const INT_BINARY: Partial<Record<string, number>> = {
  add: SIMD.i32x4_add, sub: SIMD.i32x4_sub, maximum: SIMD.i32x4_max_s, minimum: SIMD.i32x4_min_s,
  greater: SIMD.i32x4_gt_s, greaterEqual: SIMD.i32x4_ge_s, less: SIMD.i32x4_lt_s, lessEqual: SIMD.i32x4_le_s, equal: SIMD.i32x4_eq, notEqual: SIMD.i32x4_ne,
};
const COMPARE = new Set(['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual']);

const isIntLiteral = (v: KValue): boolean => v.kind === 'literal' && v.dtype !== 'bool' && Number.isInteger(v.value) && (v.value | 0) === v.value && !Object.is(v.value, -0);
const kindOf = (d: string): Kind | undefined => (d === 'float32' ? 'f' : d === 'int32' ? 'i' : d === 'bool' ? 'b' : undefined);

/** The kind the operands of `v` are computed in (undefined: no 4-lane form). */
function operands(k: KernelLoop, kinds: readonly Kind[], v: OpValue): Kind | undefined {
  const args = (v.op === 'where' ? v.args.slice(1) : v.args).map((a) => (isIntLiteral(k.values[a]!) ? 'int' : k.values[a]!.kind === 'literal' && k.values[a]!.dtype !== 'bool' ? 'float' : kinds[a]));
  if (args.every((a) => a === 'b')) return 'b';
  if (args.every((a) => a === 'i' || a === 'int') && args.includes('i')) return 'i';
  if (args.every((a) => a === 'f' || a === 'int' || a === 'float')) return 'f';
  return undefined;
}

function opKind(k: KernelLoop, kinds: readonly Kind[], v: OpValue): Kind | undefined {
  const out = kindOf(v.dtype);
  const on = operands(k, kinds, v);
  if (!out || !on) return undefined;
  switch (v.op) {
    case 'where': return kinds[v.args[0]!] === 'b' && on === out ? out : undefined;
    case 'not': case 'logicalAnd': case 'logicalOr': case 'logicalXor': return on === 'b' && out === 'b' ? 'b' : undefined;
    case 'cast': return (out === 'f' && on === 'i') || out === 'b' ? out : undefined;
  }
  if (COMPARE.has(v.op)) return out === 'b' && (on === 'f' || on === 'i') ? 'b' : undefined;
  if (on === 'f') return out === 'f' && (v.args.length === 1 ? FLOAT_UNARY[v.op] : FLOAT_BINARY[v.op]) !== undefined ? 'f' : undefined;
  if (on === 'i') return out === 'i' && (v.op === 'neg' || v.op === 'abs' || INT_BINARY[v.op] !== undefined) ? 'i' : undefined;
  return undefined;
}

/** The lane kinds of a loop that can run four lanes at a time, else undefined. */
export function simd32Plan(k: KernelLoop): readonly Kind[] | undefined {
  if (k.reductions.length || !k.extents.length) return undefined;
  const d = k.extents.length - 1;
  if (k.flat[d] !== 1 || k.buffers.some((b) => !kindOf(b.dtype))) return undefined;
  const kinds: Kind[] = [];
  for (const v of k.values) {
    // random draws are scalar code (random.ts)
    if (v.kind === 'random') return undefined;
    // a literal is splatted in whatever kind its reader asks (bool literals stay masks)
    const kind = v.kind === 'op' ? opKind(k, kinds, v) : v.kind === 'literal' ? (v.dtype === 'bool' ? 'b' : 'f') : kindOf(v.dtype);
    if (!kind) return undefined;
    if (v.kind === 'load' && (v.access.strides[d] ?? 0) > 1) return undefined;
    kinds.push(kind);
  }
  for (const s of k.stores) if (kinds[s.value] !== kindOf(k.buffers[s.buffer]!.dtype) && k.values[s.value]!.kind !== 'literal') return undefined;
  return kinds;
}

export function prepareSimd32(f: FunctionBuilder, k: KernelLoop, kinds: readonly Kind[], idx: readonly number[], ctx: SimdContext): SimdEmitter {
  const d = k.extents.length - 1;
  const tmp = f.local('v128');
  const splat = (kind: Kind, push: () => void): void => {
    push();
    f.simd(kind === 'f' ? SIMD.f32x4_splat : SIMD.i32x4_splat);
  };
  // loop-invariant values (computed before the loop as scalars) splatted once
  const invariant = new Map<number, number>();
  k.values.forEach((v, j) => {
    if (v.kind === 'literal' || !v.invariant) return;
    const s = ctx.scalarLocal(j);
    if (kinds[j] === 'f') splat('f', () => f.localGet(s).op(OP.f32_demote_f64));
    else if (kinds[j] === 'i') splat('i', () => f.localGet(s));
    else splat('i', () => f.i32Const(0).localGet(s).op(OP.i32_sub));
    invariant.set(j, f.local('v128'));
    f.localSet(invariant.get(j)!);
  });
  const address = (access: KAccess, at: number): number => {
    emitAddress(f, k, access, idx);
    return (access.strides[d] ?? 0) === 0 ? 0 : at * BYTES[k.buffers[access.buffer]!.dtype];
  };
  return {
    body(at: number): void {
      const vec = k.values.map(() => f.local('v128'));
      const get = (j: number, as: Kind): void => {
        const v = k.values[j]!;
        if (v.kind === 'literal') {
          if (as === 'f') splat('f', () => f.f32Const(v.value));
          else if (as === 'i') splat('i', () => f.i32Const(v.value | 0));
          else splat('i', () => f.i32Const(v.value !== 0 ? -1 : 0));
          return;
        }
        f.localGet(invariant.get(j) ?? vec[j]!);
        const from = kinds[j]!;
        if (from === as) return;
        if (as === 'f') {
          if (from === 'i') f.simd(SIMD.f32x4_convert_i32x4_s);
          else {
            // a mask ANDed with the bits of 1.0f is 1.0f or 0
            splat('f', () => f.f32Const(1));
            f.simd(SIMD.v128_and);
          }
        } else if (as === 'i') {
          splat('i', () => f.i32Const(1));
          f.simd(SIMD.v128_and);
        } else {
          f.v128Const(new Uint8Array(16));
          f.simd(from === 'f' ? SIMD.f32x4_ne : SIMD.i32x4_ne);
        }
      };
      const load = (j: number): void => {
        const v = k.values[j]! as Extract<KValue, { kind: 'load' }>;
        const dtype = k.buffers[v.access.buffer]!.dtype;
        const broadcast = (v.access.strides[d] ?? 0) === 0;
        const offset = address(v.access, at);
        if (dtype === 'bool') {
          f.simdMem(broadcast ? SIMD.v128_load8_splat : SIMD.v128_load32_zero, 0, offset);
          f.simd(SIMD.i16x8_extend_low_i8x16_u).simd(SIMD.i32x4_extend_low_i16x8_u);
          f.v128Const(new Uint8Array(16)).simd(SIMD.i32x4_ne);
        } else f.simdMem(broadcast ? SIMD.v128_load32_splat : SIMD.v128_load, 2, offset);
      };
      const op = (j: number): void => {
        const v = k.values[j]! as OpValue;
        const kind = kinds[j]!;
        const on = operands(k, kinds, v)!;
        const [a, b] = v.args as [number, number];
        if (emitMaskOp(f, v.op, v.args, kind, get, (x) => get(x, 'b'))) return;
        switch (v.op) {
          case 'cast':
            get(a, kind === 'b' ? kinds[a]! : 'i');
            if (kind === 'f') f.simd(SIMD.f32x4_convert_i32x4_s);
            else if (kinds[a] !== 'b') f.v128Const(new Uint8Array(16)).simd(kinds[a] === 'f' ? SIMD.f32x4_ne : SIMD.i32x4_ne);
            return;
          case 'neg': case 'abs':
            get(a, on);
            f.simd(on === 'f' ? FLOAT_UNARY[v.op]! : v.op === 'neg' ? SIMD.i32x4_neg : SIMD.i32x4_abs);
            return;
        }
        get(a, on);
        if (v.args.length === 1) return void f.simd(FLOAT_UNARY[v.op]!);
        get(b, on);
        f.simd(on === 'f' ? FLOAT_BINARY[v.op]! : INT_BINARY[v.op]!);
      };
      k.values.forEach((v, j) => {
        if (v.kind === 'literal' || v.invariant) return;
        if (v.kind === 'load') load(j);
        else op(j);
        f.localSet(vec[j]!);
      });
      for (const s of k.stores) {
        const dtype = k.buffers[s.buffer]!.dtype;
        const offset = address({ buffer: s.buffer, strides: k.flat }, at);
        const kind = kindOf(dtype)!;
        get(s.value, kind);
        if (dtype === 'bool') {
          splat('i', () => f.i32Const(1));
          f.simd(SIMD.v128_and);
          f.localTee(tmp).localGet(tmp).simd(SIMD.i16x8_narrow_i32x4_u);
          f.localTee(tmp).localGet(tmp).simd(SIMD.i8x16_narrow_i16x8_u);
          f.simdMemLane(SIMD.v128_store32_lane, 0, offset, 0);
        } else f.simdMem(SIMD.v128_store, 2, offset);
      }
      k.appends.forEach((a, j) => {
        get(a.value, 'b');
        emitLaneAppends(f, k, idx, a.buffer, ctx.counts[j]!, tmp, at, 4);
      });
    },
  };
}
