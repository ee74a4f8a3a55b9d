/**
 * Two elements at a time with 128-bit SIMD, for the innermost dim of a loop whose buffers are
 * read contiguously (or broadcast), with the cpu backend's numerics exactly: floats are f64x2
 * lanes (float32 loads promoted, stores rounded once, as the scalar code and the cpu do), int32
 * values i32x4 lanes (0 and 1 used: adds and compares wrap and order as `| 0` does), bools
 * 64-bit lane masks. So every lane is bit for bit the cpu's. An op without an exact two-lane
 * form (transcendental calls, int32 products and divisions, float-to-int conversions, mod,
 * sign) keeps the loop scalar: simdPlan returns undefined.
 */
import type { KernelLoop, KValue } from '../../kernel/loop.js';
import { FunctionBuilder, OP, SIMD } from './encoder.js';
import type { KAccess } from '../../kernel/loop.js';
import { BYTES, emitAddress, emitLaneAppends, emitMaskOp, type LaneKind } from './emit.js';

/** Lane kinds: f64x2 numbers, i32x4 int32 (lanes 0 and 1), 64-bit bool masks. */
type Kind = LaneKind;
type OpValue = Extract<KValue, { kind: 'op' }>;

export interface SimdPlan {
  /** The lane kind of each value. */
  readonly kinds: readonly Kind[];
}

const FLOAT_UNARY: Partial<Record<string, number>> = {
  neg: SIMD.f64x2_neg, abs: SIMD.f64x2_abs, sqrt: SIMD.f64x2_sqrt, floor: SIMD.f64x2_floor, ceil: SIMD.f64x2_ceil, round: SIMD.f64x2_nearest,
};
const FLOAT_BINARY: Partial<Record<string, number>> = {
  add: SIMD.f64x2_add, sub: SIMD.f64x2_sub, mul: SIMD.f64x2_mul, div: SIMD.f64x2_div, maximum: SIMD.f64x2_max, minimum: SIMD.f64x2_min,
  greater: SIMD.f64x2_gt, greaterEqual: SIMD.f64x2_ge, less: SIMD.f64x2_lt, lessEqual: SIMD.f64x2_le, equal: SIMD.f64x2_eq, notEqual: SIMD.f64x2_ne,
};
const COMPARE = new Set(['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual']);
/** int32 ops whose i32 lane result is the cpu's `(a op b) | 0` exactly (or its compare). */
const INT_BINARY: Partial<Record<string, number>> = {
  add: SIMD.i32x4_add, sub: SIMD.i32x4_sub, maximum: SIMD.i32x4_max_s, minimum: SIMD.i32x4_min_s,
  greater: SIMD.i32x4_gt_s, greaterEqual: SIMD.i32x4_ge_s, less: SIMD.i32x4_lt_s, lessEqual: SIMD.i32x4_le_s, equal: SIMD.i32x4_eq, notEqual: SIMD.i32x4_ne,
};

const isIntLiteral = (v: KValue): boolean => v.kind === 'literal' && v.dtype !== 'bool' && Number.isInteger(v.value) && (v.value | 0) === v.value && !Object.is(v.value, -0);
const kindOfDtype = (d: string): Kind | undefined => (d === 'float32' || d === 'float64' ? 'f' : d === 'int32' ? 'i' : d === 'bool' ? 'b' : undefined);

/** The lane kind of op value v, or undefined when it has no exact two-lane form. */
function opKind(k: KernelLoop, kinds: readonly Kind[], v: OpValue): Kind | undefined {
  const args = v.args.map((a) => kinds[a]!);
  const intArgs = v.args.every((a) => kinds[a] === 'i' || isIntLiteral(k.values[a]!)) && v.args.some((a) => kinds[a] === 'i');
  switch (v.op) {
    case 'where':
      if (v.dtype === 'bool') return args[1] === 'b' && args[2] === 'b' ? 'b' : undefined;
      if (v.dtype === 'int32') {
        const sides = [v.args[1]!, v.args[2]!];
        return sides.every((a) => kinds[a] === 'i' || isIntLiteral(k.values[a]!)) ? 'i' : undefined;
      }
      return 'f';
    case 'not': case 'logicalAnd': case 'logicalOr': case 'logicalXor': return 'b';
    case 'cast':
      if (v.dtype === 'bool') return 'b';
      if (v.dtype === 'int32') return args[0] === 'i' ? 'i' : undefined;
      return 'f';
  }
  if (v.dtype === 'int32') {
    if (v.op === 'neg' || v.op === 'abs') return args[0] === 'i' ? 'i' : undefined;
    return intArgs && INT_BINARY[v.op] !== undefined ? 'i' : undefined;
  }
  if (COMPARE.has(v.op)) return 'b';
  if (v.dtype === 'bool') return undefined;
  return (v.args.length === 1 ? FLOAT_UNARY[v.op] : FLOAT_BINARY[v.op]) !== undefined ? 'f' : undefined;
}

/** Can the innermost dim run two lanes at a time (exactly as the scalar code)? */
export function simdPlan(k: KernelLoop): SimdPlan | undefined {
  if (k.reductions.length || !k.extents.length) return undefined;
  const d = k.extents.length - 1;
  if (k.flat[d] !== 1) return undefined;
  const kinds: Kind[] = [];
  for (const v of k.values) {
    // random draws are scalar code (random.ts)
    if (v.kind === 'random') return undefined;
    const kind = v.kind === 'op' ? opKind(k, kinds, v) : kindOfDtype(v.dtype);
    if (!kind) return undefined;
    if (v.kind === 'load' && (v.access.strides[d] ?? 0) > 1) return undefined;
    kinds.push(kind);
  }
  for (const s of k.stores) if (k.buffers[s.buffer]!.dtype === 'int32' && kinds[s.value] !== 'i') return undefined;
  return { kinds };
}

export interface SimdContext {
  /** The running count of each append's list. */
  readonly counts: readonly number[];
  /** The scalar local of a loop-invariant value (computed before the loop). */
  readonly scalarLocal: (value: number) => number;
}

/** Bytes 0–3 and 8–11: the low halves of two 64-bit lanes (a 64-bit mask as an i32x4 mask). */
const LOW_HALVES = [0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11];
/** Bytes 0 and 8: one byte of each 64-bit lane. */
const LANE_BYTES = [0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8, 0, 8];

/**
 * Two-lane code for a loop: `prepare` runs before the loops (loop-invariant values splatted
 * into v128 locals once), `body(at)` is the code for elements idx[d] + at and idx[d] + at + 1.
 * Literals are splatted where used: hoisted into locals, a dozen of them only spill.
 */
export interface SimdEmitter {
  body(at: number): void;
}

export function prepareSimd(f: FunctionBuilder, k: KernelLoop, plan: SimdPlan, idx: readonly number[], ctx: SimdContext): SimdEmitter {
  const d = k.extents.length - 1;
  const { kinds } = plan;
  const tmp = f.local('v128');
  const zero = (): void => void f.v128Const(new Uint8Array(16));
  // Literals in each lane kind, and loop-invariant values, splatted once.
  const splats = new Map<string, number>();
  k.values.forEach((v, j) => {
    if (v.kind === 'literal') return;
    if (v.invariant) {
      const s = ctx.scalarLocal(j);
      if (kinds[j] === 'f') f.localGet(s).simd(SIMD.f64x2_splat);
      else if (kinds[j] === 'i') f.localGet(s).simd(SIMD.i32x4_splat);
      else f.i64Const(0n).localGet(s).op(OP.i64_extend_i32_u).op(OP.i64_sub).simd(SIMD.i64x2_splat);
      splats.set(`${j}:${kinds[j]}`, f.local('v128'));
      f.localSet(splats.get(`${j}:${kinds[j]}`)!);
    }
  });
  /** Push the address of an access's element (lane 0 of body `at`); returns the memory offset to use. */
  const address = (access: KAccess, at: number): number => {
    const broadcast = (access.strides[d] ?? 0) === 0;
    // base + Σ idx·stride·bytes per access: V8 folds it into the access's addressing mode
    // (measured: no faster with the offset computed once per iteration and shared)
    emitAddress(f, k, access, idx);
    return broadcast ? 0 : at * BYTES[k.buffers[access.buffer]!.dtype];
  };

  return {
    body(at: number): void {
      const vec = k.values.map(() => f.local('v128'));
      /** Push value j as lanes of kind `as`. */
      const get = (j: number, as: Kind): void => {
        const v = k.values[j]!;
        if (v.kind === 'literal') {
          // a constant in the loop: V8 keeps it in a register or reloads it (hoisted into locals, a dozen of them spilled)
          if (as === 'f') f.f64Const(v.value).simd(SIMD.f64x2_splat);
          else if (as === 'i') f.i32Const(v.value | 0).simd(SIMD.i32x4_splat);
          else f.i64Const(v.value !== 0 ? -1n : 0n).simd(SIMD.i64x2_splat);
          return;
        }
        f.localGet(v.invariant ? splats.get(`${j}:${kinds[j]}`)! : vec[j]!);
        const from = kinds[j]!;
        if (from === as) return;
        if (as === 'f') {
          // int32 lanes convert exactly; a bool mask ANDed with the bits of 1.0 is 1.0 or 0.0
          if (from === 'i') f.simd(SIMD.f64x2_convert_low_i32x4_s);
          else f.f64Const(1).simd(SIMD.f64x2_splat).simd(SIMD.v128_and);
        } else if (as === 'i') {
          // from a mask: 0/1 in lanes 0 and 1
          f.localTee(tmp).localGet(tmp).i8x16Shuffle(LOW_HALVES).i32Const(1).simd(SIMD.i32x4_splat).simd(SIMD.v128_and);
        } else {
          // truth: nonzero (NaN included) is true
          zero();
          if (from === 'f') f.simd(SIMD.f64x2_ne);
          else f.simd(SIMD.i32x4_ne).simd(SIMD.i64x2_extend_low_i32x4_s);
        }
      };
      /** A 64-bit mask as an i32x4 mask (for selects between int32 lanes). */
      const mask32 = (j: number): void => {
        get(j, 'b');
        f.localTee(tmp).localGet(tmp).i8x16Shuffle(LOW_HALVES);
      };
      const load = (j: number): void => {
        const v = k.values[j]! as Extract<KValue, { kind: 'load' }>;
        const dtype = k.buffers[v.access.buffer]!.dtype;
        const broadcast = (v.access.strides[d] ?? 0) === 0;
        const offset = address(v.access, at);
        switch (dtype) {
          case 'float32': f.simdMem(broadcast ? SIMD.v128_load32_splat : SIMD.v128_load64_zero, 2, offset).simd(SIMD.f64x2_promote_low_f32x4); break;
          case 'float64': f.simdMem(broadcast ? SIMD.v128_load64_splat : SIMD.v128_load, 3, offset); break;
          case 'int32': f.simdMem(broadcast ? SIMD.v128_load32_splat : SIMD.v128_load64_zero, 2, offset); break;
          case 'bool':
            f.simdMem(broadcast ? SIMD.v128_load8_splat : SIMD.v128_load16_splat, 0, offset);
            f.simd(SIMD.i16x8_extend_low_i8x16_u).simd(SIMD.i32x4_extend_low_i16x8_u).simd(SIMD.i64x2_extend_low_i32x4_u);
            zero();
            f.simd(SIMD.i64x2_ne);
            break;
        }
      };
      const op = (j: number): void => {
        const v = k.values[j]! as OpValue;
        const kind = kinds[j]!;
        const [a, b] = v.args as [number, number];
        // a select between int32 lanes takes its 64-bit mask narrowed to 32-bit lanes
        if (emitMaskOp(f, v.op, v.args, kind, get, (x) => (kind === 'i' ? mask32(x) : get(x, 'b')))) return;
        if (v.op === 'cast') return void get(a, kind);
        if (kind === 'i' || (kind === 'b' && intOperands(k, kinds, v))) {
          // int32 lanes: wrap and compare as the cpu's int32 arithmetic does
          if (v.op === 'neg' || v.op === 'abs') {
            get(a, 'i');
            f.simd(v.op === 'neg' ? SIMD.i32x4_neg : SIMD.i32x4_abs);
            return;
          }
          get(a, 'i');
          get(b, 'i');
          f.simd(INT_BINARY[v.op]!);
          if (kind === 'b') f.simd(SIMD.i64x2_extend_low_i32x4_s);
          return;
        }
        get(a, 'f');
        if (v.args.length === 1) return void f.simd(FLOAT_UNARY[v.op]!);
        get(b, 'f');
        f.simd(FLOAT_BINARY[v.op]!);
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
        switch (dtype) {
          case 'float32': get(s.value, 'f'); f.simd(SIMD.f32x4_demote_f64x2_zero).simdMemLane(SIMD.v128_store64_lane, 2, offset, 0); break;
          case 'float64': get(s.value, 'f'); f.simdMem(SIMD.v128_store, 3, offset); break;
          case 'int32': get(s.value, 'i'); f.simdMemLane(SIMD.v128_store64_lane, 2, offset, 0); break;
          case 'bool':
            get(s.value, 'b');
            f.i64Const(1n).simd(SIMD.i64x2_splat).simd(SIMD.v128_and);
            f.localTee(tmp).localGet(tmp).i8x16Shuffle(LANE_BYTES).simdMemLane(SIMD.v128_store16_lane, 0, offset, 0);
            break;
        }
      }
      k.appends.forEach((a, j) => {
        get(a.value, 'b');
        emitLaneAppends(f, k, idx, a.buffer, ctx.counts[j]!, tmp, at, 2);
      });
    },
  };
}

/** Are an op's operands int32 lanes (int32 values, or integer literals with at least one int32 value)? */
function intOperands(k: KernelLoop, kinds: readonly Kind[], v: OpValue): boolean {
  return v.args.every((x) => kinds[x] === 'i' || isIntLiteral(k.values[x]!)) && v.args.some((x) => kinds[x] === 'i');
}
