/**
 * Renders a kernel loop (src/kernel/loop.ts) as one WebAssembly function whose parameters
 * are the byte addresses of its buffers (then of its reductions' float64 workspaces); sizes
 * and literals are constants of the code. Contiguous loops whose ops have exact two-lane forms
 * run two elements at a time (simd.ts); the rest, and the tail, run as scalar code with the
 * cpu backend's exact semantics (scalar.ts).
 */
import type { KAccess, KernelLoop, KReduce } from '../../kernel/loop.js';
import { FunctionBuilder, MISC, OP, type ValType } from './encoder.js';
import { BYTES, emitAddress, emitAppend, emitFor, emitLoad, emitStore, emitWhile } from './emit.js';
import { ScalarValues, emitToInt32, reprOf } from './scalar.js';
import { RandomEmitter, randomUnsupported } from './random.js';
import { prepareSimd, simdPlan, type SimdPlan } from './simd.js';
import { prepareSimd32, simd32Plan } from './simd32.js';

/** How float32 loops compute: 'float64' (the cpu's numbers, bit for bit) or 'float32' (four float32 lanes). */
export type Precision = 'float64' | 'float32';

/** The lanes a loop's innermost dim runs in: 4 float32, 2 exact, or 1 (scalar). */
export function lanesOf(k: KernelLoop, precision: Precision): { lanes: number; plan32?: ReturnType<typeof simd32Plan>; plan64?: SimdPlan } {
  const inner = k.extents[k.extents.length - 1] ?? 0;
  const plan32 = precision === 'float32' && inner >= 4 ? simd32Plan(k) : undefined;
  if (plan32) return { lanes: 4, plan32 };
  const plan64 = inner >= 2 ? simdPlan(k) : undefined;
  return plan64 ? { lanes: 2, plan64 } : { lanes: 1 };
}

/**
 * The function's parameters: one address per buffer, one per strided reduction's workspace,
 * then the range [lo, hi) of the outermost dim this call computes (threads split it), and the
 * address where it writes the length of each list it appends to (0: the whole range on one
 * thread, which writes each list's length into its element 0 itself). A call appends the flat
 * positions of its range to a list starting at element 1 + (its first flat position), so
 * ranges never overlap; the caller joins the pieces (dispatch.ts).
 */
export function loopParams(k: KernelLoop): ValType[] {
  return [...k.buffers.map((): ValType => 'i32'), ...k.reductions.filter((r) => !isInvariant(r.strides)).map((): ValType => 'i32'), 'i32', 'i32', 'i32'];
}

/** Lines of the outermost dim (the units a range counts), and the flat positions per line. */
export const loopUnits = (k: KernelLoop): { units: number; perUnit: number } =>
  k.extents.length === 0 ? { units: 1, perUnit: 1 } : { units: k.extents[0]!, perUnit: k.flat[0]! };

const isInvariant = (strides: readonly number[]): boolean => strides.every((s) => s === 0);
const isArg = (r: KReduce): boolean => r.op === 'argmax' || r.op === 'argmin';

/** float64 elements of workspace a strided reduction needs: its sums, and for argmax/argmin the positions too. */
export const workspaceSize = (r: KReduce): number => (isArg(r) ? 2 * r.size : r.size);

/** Why a loop has no WebAssembly form (it then runs as the cpu's JavaScript), or undefined. */
export const loopUnsupported = (k: KernelLoop): string | undefined => randomUnsupported(k);

/**
 * `ranged`: the call computes the range its lo/hi parameters give (else always the whole
 * space: tighter code). `precision` 'float32': float32 loops may run four float32 lanes.
 */
export function renderLoop(k: KernelLoop, ranged = true, precision: Precision = 'float64'): FunctionBuilder {
  const params = loopParams(k);
  const f = new FunctionBuilder({ params, results: [] });
  const [lo, hi, countsAt] = [params.length - 3, params.length - 2, params.length - 1];
  const idx = k.extents.map(() => f.local('i32'));
  const scratch = f.local('f64');
  const locals = k.values.map((v) => (v.kind === 'literal' ? -1 : f.local(reprOf(v.dtype))));
  const values = new ScalarValues(f, k.values, (j) => locals[j]!, scratch);
  const random = k.values.some((v) => v.kind === 'random') ? new RandomEmitter(f, k, values) : undefined;
  const compute = (j: number): void => {
    const v = k.values[j]!;
    if (v.kind === 'literal') return;
    if (v.kind === 'random') random!.emit(j, idx);
    else if (v.kind === 'load') {
      emitAddress(f, k, v.access, idx);
      // as stored: a float32 product's sums may live in a float64 workspace
      emitLoad(f, k.buffers[v.access.buffer]!.dtype);
    } else values.op(j);
    f.localSet(locals[j]!);
  };
  // Loop-invariant values once, before the loops (their loads read element 0).
  k.values.forEach((v, j) => v.invariant && compute(j));
  // Each random array's stream key, from its (invariant) counter.
  random?.prepare();
  // Each list's running count starts at the range's first flat position (see loopParams).
  const counts = k.appends.map(() => f.local('i32'));
  const first = f.local('i32');
  if (k.extents.length) f.localGet(lo).i32Const(k.flat[0]!).op(OP.i32_mul).localSet(first);
  for (const c of counts) f.localGet(first).localSet(c);
  const accs = k.reductions.map((r) => (isInvariant(r.strides) ? f.local('f64') : -1));
  // argmax/argmin: the best value's position (one local, or the workspace's second half)
  const positions = k.reductions.map((r) => (isArg(r) && isInvariant(r.strides) ? f.local('i32') : -1));
  const workspaces: number[] = [];
  let param = k.buffers.length;
  k.reductions.forEach((r, j) => {
    if (accs[j]! >= 0) {
      f.f64Const(r.init).localSet(accs[j]!);
      if (positions[j]! >= 0) f.i32Const(0).localSet(positions[j]!);
      return;
    }
    const ws = param++;
    workspaces[j] = ws;
    const w = f.local('i32');
    emitFor(f, w, r.size, () => {
      f.localGet(ws).localGet(w).i32Const(8).op(OP.i32_mul).op(OP.i32_add).f64Const(r.init).mem(OP.f64_store, 3);
      if (isArg(r)) f.localGet(ws).localGet(w).i32Const(8).op(OP.i32_mul).op(OP.i32_add).f64Const(0).mem(OP.f64_store, 3, 8 * r.size);
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
      emitAppend(f, k, idx, a.buffer, counts[j]!);
      f.end();
    });
    k.reductions.forEach((r, j) => {
      if (isArg(r)) return argBody(r, j);
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

  /**
   * argmax/argmin (the cpu's rule): a value replaces the best so far when strictly better (so
   * ties keep the first) or when it is the first NaN; the position Σ idx·position is kept.
   */
  const e = f.local('f64');
  const at = f.local('i32');
  const argBody = (r: KReduce, j: number): void => {
    values.f64(r.value);
    f.localSet(e);
    const best = (): void => {
      if (accs[j]! >= 0) f.localGet(accs[j]!);
      else f.localGet(at).mem(OP.f64_load, 3);
    };
    if (accs[j]! < 0) {
      f.localGet(workspaces[j]!);
      r.strides.forEach((s, d) => s && f.localGet(idx[d]!).i32Const(s * 8).op(OP.i32_mul).op(OP.i32_add));
      f.localSet(at);
    }
    const position = (): void => {
      f.i32Const(0);
      r.position!.forEach((s, d) => s && f.localGet(idx[d]!).i32Const(s).op(OP.i32_mul).op(OP.i32_add));
    };
    f.localGet(e);
    best();
    f.op(r.op === 'argmax' ? OP.f64_gt : OP.f64_lt);
    f.localGet(e).localGet(e).op(OP.f64_ne);
    best();
    best();
    f.op(OP.f64_eq).op(OP.i32_and).op(OP.i32_or).if();
    if (accs[j]! >= 0) {
      f.localGet(e).localSet(accs[j]!);
      position();
      f.localSet(positions[j]!);
    } else {
      f.localGet(at).localGet(e).mem(OP.f64_store, 3);
      f.localGet(at);
      position();
      f.op(OP.f64_convert_i32_s).mem(OP.f64_store, 3, 8 * r.size);
    }
    f.end();
  };

  const { lanes: width, plan32, plan64 } = lanesOf(k, precision);
  const simdCtx = { counts, scalarLocal: (j: number) => locals[j]! };
  const lanes = plan32 ? prepareSimd32(f, k, plan32, idx, simdCtx) : plan64 ? prepareSimd(f, k, plan64, idx, simdCtx) : undefined;
  const nest = (d: number): void => {
    const inner = d === k.extents.length - 1;
    if (d === k.extents.length) return scalarBody();
    const n = k.extents[d]!;
    // A ranged call walks [lo, hi) of the outermost dim (threads split it); inner dims, and
    // every dim of a call that always gets the whole range, have constant bounds.
    const dynamic = ranged && d === 0;
    const to = (): void => void (dynamic ? f.localGet(hi) : f.i32Const(n));
    if (dynamic) f.localGet(lo);
    else f.i32Const(0);
    f.localSet(idx[d]!);
    if (inner && lanes) {
      // Whole vectors while they fit, then the scalar tail (none for a constant extent they divide).
      emitWhile(f, idx[d]!, to, width, () => lanes.body(0));
      if (dynamic || n % width) emitWhile(f, idx[d]!, to, 1, scalarBody);
      return;
    }
    emitWhile(f, idx[d]!, to, 1, () => nest(d + 1));
  };
  if (k.extents.length) nest(0);
  else {
    // one element: only the call whose range holds it
    f.localGet(lo).localGet(hi).op(OP.i32_lt_s).if();
    scalarBody();
    f.end();
  }

  // Each list's length: into the counts area, or (a call on one thread, countsAt 0) straight into list[0].
  k.appends.forEach((a, j) => {
    f.localGet(countsAt).if();
    f.localGet(countsAt).localGet(counts[j]!).localGet(first).op(OP.i32_sub).mem(OP.i32_store, 2, 4 * j);
    f.else();
    f.localGet(a.buffer).localGet(counts[j]!).mem(OP.i32_store, 2);
    f.end();
  });
  k.reductions.forEach((r, j) => {
    const dtype = k.buffers[r.buffer]!.dtype;
    if (isArg(r)) {
      // int32 positions
      if (positions[j]! >= 0) {
        f.localGet(r.buffer).localGet(positions[j]!).mem(OP.i32_store, 2);
        return;
      }
      const w = f.local('i32');
      emitFor(f, w, r.size, () => {
        f.localGet(r.buffer).localGet(w).i32Const(4).op(OP.i32_mul).op(OP.i32_add);
        f.localGet(workspaces[j]!).localGet(w).i32Const(8).op(OP.i32_mul).op(OP.i32_add).mem(OP.f64_load, 3, 8 * r.size).misc(MISC.i32_trunc_sat_f64_s);
        f.mem(OP.i32_store, 2);
      });
      return;
    }
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

