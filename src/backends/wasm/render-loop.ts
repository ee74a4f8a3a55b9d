/**
 * Renders a kernel loop (src/kernel/loop.ts) as one WebAssembly function whose parameters
 * are the byte addresses of its buffers (then of its reductions' float64 workspaces); sizes
 * and literals are constants of the code. Contiguous loops whose ops have exact two-lane forms
 * run two elements at a time (simd.ts); the rest, and the tail, run as scalar code with the
 * cpu backend's exact semantics (scalar.ts).
 */
import type { KAccess, KernelLoop } from '../../kernel/loop.js';
import { FunctionBuilder, OP, type ValType } from './encoder.js';
import { BYTES, emitAddress, emitFlat, emitFor, emitLoad, emitStore } from './emit.js';
import { ScalarValues, emitToInt32, reprOf } from './scalar.js';
import { prepareSimd, simdPlan } from './simd.js';

/** The function's parameters: one address per buffer, then one per strided reduction's workspace. */
export function loopParams(k: KernelLoop): ValType[] {
  return [...k.buffers.map((): ValType => 'i32'), ...k.reductions.filter((r) => !isInvariant(r.strides)).map((): ValType => 'i32')];
}

const isInvariant = (strides: readonly number[]): boolean => strides.every((s) => s === 0);

export function renderLoop(k: KernelLoop): FunctionBuilder {
  const f = new FunctionBuilder({ params: loopParams(k), results: [] });
  const size = k.extents.reduce((a, b) => a * b, 1);
  if (size === 0) return f;
  const idx = k.extents.map(() => f.local('i32'));
  const scratch = f.local('f64');
  const locals = k.values.map((v) => (v.kind === 'literal' ? -1 : f.local(reprOf(v.dtype))));
  const values = new ScalarValues(f, k.values, (j) => locals[j]!, scratch);
  const compute = (j: number): void => {
    const v = k.values[j]!;
    if (v.kind === 'literal') return;
    if (v.kind === 'load') {
      emitAddress(f, k, v.access, idx);
      // as stored: a float32 product's sums may live in a float64 workspace
      emitLoad(f, k.buffers[v.access.buffer]!.dtype);
    } else values.op(j);
    f.localSet(locals[j]!);
  };
  // Loop-invariant values once, before the loops (their loads read element 0).
  k.values.forEach((v, j) => v.invariant && compute(j));
  const counts = k.appends.map(() => f.local('i32'));
  const accs = k.reductions.map((r) => (isInvariant(r.strides) ? f.local('f64') : -1));
  const workspaces: number[] = [];
  let param = k.buffers.length;
  k.reductions.forEach((r, j) => {
    if (accs[j]! >= 0) {
      f.f64Const(r.init).localSet(accs[j]!);
      return;
    }
    const ws = param++;
    workspaces[j] = ws;
    const w = f.local('i32');
    emitFor(f, w, r.size, () => {
      f.localGet(ws).localGet(w).i32Const(8).op(OP.i32_mul).op(OP.i32_add).f64Const(r.init).mem(OP.f64_store, 3);
    });
  });

  const flatAccess = (buffer: number): KAccess => ({ buffer, strides: k.flat });
  const scalarBody = (): void => {
    k.values.forEach((v, j) => v.invariant || compute(j));
    for (const s of k.stores) {
      const dtype = k.buffers[s.buffer]!.dtype;
      emitAddress(f, k, flatAccess(s.buffer), idx);
      values.forBuffer(s.value, dtype);
      emitStore(f, dtype);
    }
    k.appends.forEach((a, j) => {
      values.truth(a.value);
      f.if();
      // list[++count] = flat position
      f.localGet(a.buffer).localGet(counts[j]!).i32Const(1).op(OP.i32_add).localTee(counts[j]!).i32Const(4).op(OP.i32_mul).op(OP.i32_add);
      emitFlat(f, k, idx);
      f.mem(OP.i32_store, 2);
      f.end();
    });
    k.reductions.forEach((r, j) => {
      const combine = r.op === 'sum' ? OP.f64_add : r.op === 'max' ? OP.f64_max : OP.f64_min;
      if (accs[j]! >= 0) {
        f.localGet(accs[j]!);
        values.f64(r.value);
        f.op(combine).localSet(accs[j]!);
        return;
      }
      const at = f.local('i32');
      f.localGet(workspaces[j]!);
      r.strides.forEach((s, d) => s && f.localGet(idx[d]!).i32Const(s * 8).op(OP.i32_mul).op(OP.i32_add));
      f.localTee(at).localGet(at).mem(OP.f64_load, 3);
      values.f64(r.value);
      f.op(combine).mem(OP.f64_store, 3);
    });
  };

  const simd = simdPlan(k);
  const lanes = simd && k.extents[k.extents.length - 1]! >= 4 ? prepareSimd(f, k, simd, idx, { counts, scalarLocal: (j) => locals[j]! }) : undefined;
  const nest = (d: number): void => {
    const inner = d === k.extents.length - 1;
    if (d === k.extents.length) return scalarBody();
    const n = k.extents[d]!;
    if (inner && lanes) {
      // Two two-lane bodies (independent chains) per iteration while four elements remain,
      // then the scalar tail; literal and invariant lanes are splatted before the loops.
      const whole = n - (n % 4);
      emitFor(f, idx[d]!, whole, () => {
        lanes!.body(0);
        lanes!.body(2);
      }, 0, 4);
      if (whole < n) emitFor(f, idx[d]!, n, scalarBody, whole);
      return;
    }
    emitFor(f, idx[d]!, n, () => nest(d + 1));
  };
  nest(0);

  k.appends.forEach((a, j) => {
    f.localGet(a.buffer).localGet(counts[j]!).mem(OP.i32_store, 2);
  });
  k.reductions.forEach((r, j) => {
    const dtype = k.buffers[r.buffer]!.dtype;
    const toBuffer = (): void => {
      if (dtype === 'int32') emitToInt32(f, scratch);
      else if (dtype === 'bool') f.f64Const(0).op(OP.f64_ne);
      emitStore(f, dtype);
    };
    if (accs[j]! >= 0) {
      f.localGet(r.buffer).localGet(accs[j]!);
      toBuffer();
      return;
    }
    const w = f.local('i32');
    emitFor(f, w, r.size, () => {
      f.localGet(r.buffer).localGet(w).i32Const(BYTES[dtype]).op(OP.i32_mul).op(OP.i32_add);
      f.localGet(workspaces[j]!).localGet(w).i32Const(8).op(OP.i32_mul).op(OP.i32_add).mem(OP.f64_load, 3);
      toBuffer();
    });
  });
  return f;
}

