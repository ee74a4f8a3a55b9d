/**
 * The WebAssembly pieces every kernel renderer shares: element addresses, typed loads and
 * stores with the cpu backend's conversions, counted loops.
 */
import type { DType } from '../../ir/dtype.js';
import type { KAccess, KernelLoop } from '../../kernel/loop.js';
import { FunctionBuilder, OP, SIMD } from './encoder.js';

export const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const ALIGN: Readonly<Record<DType, number>> = { float32: 2, float64: 3, int32: 2, bool: 0 };

/** Push buffer `b`'s address of element Σ idx[d]·strides[d] (+ `plus` elements). */
export function emitAddress(f: FunctionBuilder, k: KernelLoop, access: KAccess, idx: readonly number[], plus = 0): void {
  const bytes = BYTES[k.buffers[access.buffer]!.dtype];
  f.localGet(access.buffer);
  access.strides.forEach((s, d) => {
    if (s === 0) return;
    f.localGet(idx[d]!);
    if (s * bytes !== 1) f.i32Const(s * bytes).op(OP.i32_mul);
    f.op(OP.i32_add);
  });
  if (plus) f.i32Const(plus * bytes).op(OP.i32_add);
}

export function emitLoad(f: FunctionBuilder, dtype: DType): void {
  switch (dtype) {
    case 'float32': f.mem(OP.f32_load, ALIGN.float32).op(OP.f64_promote_f32); break;
    case 'float64': f.mem(OP.f64_load, ALIGN.float64); break;
    case 'int32': f.mem(OP.i32_load, ALIGN.int32); break;
    case 'bool': f.mem(OP.i32_load8_u, 0).i32Const(0).op(OP.i32_ne); break;
  }
}

/** Store the value on the stack (f64 for floats, i32 otherwise) into an element of `dtype`. */
export function emitStore(f: FunctionBuilder, dtype: DType): void {
  switch (dtype) {
    case 'float32': f.op(OP.f32_demote_f64).mem(OP.f32_store, ALIGN.float32); break;
    case 'float64': f.mem(OP.f64_store, ALIGN.float64); break;
    case 'int32': f.mem(OP.i32_store, ALIGN.int32); break;
    case 'bool': f.mem(OP.i32_store8, 0); break;
  }
}

/** `for (idx = from; idx < n; idx += step) body()` with constant bounds. */
export function emitFor(f: FunctionBuilder, idx: number, n: number, body: () => void, from = 0, step = 1): void {
  if (from >= n) return;
  f.i32Const(from).localSet(idx);
  f.block().loop();
  body();
  f.localGet(idx).i32Const(step).op(OP.i32_add).localTee(idx).i32Const(n).op(OP.i32_lt_s).brIf(0);
  f.end().end();
}

/** Push the loop's flat position Σ idx[d]·flat[d]. */
export function emitFlat(f: FunctionBuilder, k: KernelLoop, idx: readonly number[]): void {
  let first = true;
  k.flat.forEach((s, d) => {
    if (s === 0) return;
    f.localGet(idx[d]!);
    if (s !== 1) f.i32Const(s).op(OP.i32_mul);
    if (!first) f.op(OP.i32_add);
    first = false;
  });
  if (first) f.i32Const(0);
}

/**
 * `while (idx + step <= limit) { body(); idx += step; }` with idx already set; `limit` pushes
 * the bound. Emitted as a guard and a loop that tests at its bottom: V8 ran the COBA loop
 * about 20 % slower with the test at the top (an extra jump per iteration).
 */
export function emitWhile(f: FunctionBuilder, idx: number, limit: () => void, step: number, body: () => void): void {
  const fits = (): void => {
    f.localGet(idx).i32Const(step).op(OP.i32_add);
    limit();
    f.op(OP.i32_le_s);
  };
  fits();
  f.if().loop();
  body();
  f.localGet(idx).i32Const(step).op(OP.i32_add).localSet(idx);
  fits();
  f.brIf(0);
  f.end().end();
}

/** `list[++count] = flat position (+ plus)`: one append to an active index list (list and count in locals). */
export function emitAppend(f: FunctionBuilder, k: KernelLoop, idx: readonly number[], list: number, count: number, plus = 0): void {
  f.localGet(list).localGet(count).i32Const(1).op(OP.i32_add).localTee(count).i32Const(4).op(OP.i32_mul).op(OP.i32_add);
  emitFlat(f, k, idx);
  if (plus) f.i32Const(plus).op(OP.i32_add);
  f.mem(OP.i32_store, 2);
}

/**
 * The appends of a SIMD body: the lane mask is on the stack (saved in `mask`); when any lane
 * is set, each set lane l, in order, appends position at + l. Lane l's truth is i32x4 lane
 * l·(4 / lanes) (64-bit masks: every other one).
 */
export function emitLaneAppends(f: FunctionBuilder, k: KernelLoop, idx: readonly number[], list: number, count: number, mask: number, at: number, lanes: number): void {
  f.localTee(mask).simd(SIMD.v128_any_true).if();
  for (let l = 0; l < lanes; l++) {
    f.localGet(mask).simdLane(SIMD.i32x4_extract_lane, l * (4 / lanes)).if();
    emitAppend(f, k, idx, list, count, at + l);
    f.end();
  }
  f.end();
}

/** The lane kinds of the SIMD bodies: floats, int32 values, bool masks. */
export type LaneKind = 'f' | 'i' | 'b';

/**
 * The mask ops the two- and four-lane bodies share: `where` as a bitselect of its sides in lane
 * kind `kind` under the condition `condition` pushes (a body may narrow its masks there), `not`
 * and the logical ops on masks. `get(j, as)` pushes value j as lanes of kind `as`. Returns
 * whether `op` was one of them.
 */
export function emitMaskOp(f: FunctionBuilder, op: string, args: readonly number[], kind: LaneKind, get: (j: number, as: LaneKind) => void, condition: (j: number) => void): boolean {
  const [a, b, c] = args as [number, number, number];
  switch (op) {
    case 'where':
      get(b, kind);
      get(c, kind);
      condition(a);
      f.simd(SIMD.v128_bitselect);
      return true;
    case 'not':
      get(a, 'b');
      f.simd(SIMD.v128_not);
      return true;
    case 'logicalAnd': case 'logicalOr': case 'logicalXor':
      get(a, 'b');
      get(b, 'b');
      f.simd(op === 'logicalAnd' ? SIMD.v128_and : op === 'logicalOr' ? SIMD.v128_or : SIMD.v128_xor);
      return true;
  }
  return false;
}
