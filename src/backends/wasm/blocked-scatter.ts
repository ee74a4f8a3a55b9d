/**
 * Propagation blocking for scatters into more outputs than the caches hold: the generated
 * entries are buffered, counting-sorted by output window (stable, so each output still takes
 * its additions in the one order) and applied window by window. Random read-modify-writes
 * across a large accumulator cost most of a product otherwise: measured on the 10^6 × 10^6 JIT
 * product, the adds took 0.6 of its time against entries added in order.
 */
import type { DType } from '../../ir/dtype.js';
import type { KernelJitWalk } from '../../kernel/jit-walk.js';
import { FunctionBuilder, OP } from './encoder.js';
import { BYTES, emitFor, emitLoad, emitStore, emitWhile } from './emit.js';

/**
 * The flush of a blocked scatter, emitted where the buffer fills and after the walk: count
 * the buffered entries per window, place them window by window (in buffer order within a
 * window), add each into the accumulator, empty the buffer. `count` is the buffer's local.
 */
export function emitBlockedFlush(f: FunctionBuilder, w: KernelJitWalk, b: ScatterBlocking, P: Record<string, number>, acc: number, accType: DType, sign: number, weight: number): { count: number; emit: () => void } {
  const count = f.local('i32');
  const [i, p, j, win] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const windows = Math.ceil(w.nOut / 2 ** b.shift);
  f.i32Const(0).localSet(count);
  const at = (base: string, index: number, bytes: number): void => {
    f.localGet(P[base]!).localGet(index).i32Const(bytes).op(OP.i32_mul).op(OP.i32_add);
  };
  const overBuffer = (body: () => void): void => {
    f.i32Const(0).localSet(i);
    emitWhile(f, i, () => void f.localGet(count), 1, body);
  };
  const emit = (): void => {
    // starts[win + 1] = entries in window win, then running sums: starts[win] = its first slot
    emitFor(f, win, windows + 1, () => void f.localGet(P['bcount']!).localGet(win).i32Const(4).op(OP.i32_mul).op(OP.i32_add).i32Const(0).mem(OP.i32_store, 2));
    overBuffer(() => {
      at('bpos', i, 4);
      f.mem(OP.i32_load, 2).i32Const(b.shift).op(OP.i32_shr_u).i32Const(4).op(OP.i32_mul).localGet(P['bcount']!).op(OP.i32_add).localTee(j);
      f.localGet(j).mem(OP.i32_load, 2, 4).i32Const(1).op(OP.i32_add).mem(OP.i32_store, 2, 4);
    });
    emitFor(f, win, windows + 1, () => {
      f.localGet(P['bcount']!).localGet(win).i32Const(4).op(OP.i32_mul).op(OP.i32_add).localTee(j);
      f.localGet(j).mem(OP.i32_load, 2).localGet(j).i32Const(4).op(OP.i32_sub).mem(OP.i32_load, 2).op(OP.i32_add).mem(OP.i32_store, 2);
    }, 1);
    // place: slot = starts[window]++
    overBuffer(() => {
      at('bpos', i, 4);
      f.mem(OP.i32_load, 2).localTee(p).i32Const(b.shift).op(OP.i32_shr_u).i32Const(4).op(OP.i32_mul).localGet(P['bcount']!).op(OP.i32_add).localTee(win);
      f.mem(OP.i32_load, 2).localSet(j);
      f.localGet(win).localGet(j).i32Const(1).op(OP.i32_add).mem(OP.i32_store, 2);
      at('bsorted', j, 4);
      f.localGet(p).mem(OP.i32_store, 2);
      if (b.valued) {
        at('bsortedval', j, 8);
        at('bval', i, 8);
        f.mem(OP.f64_load, 3).mem(OP.f64_store, 3);
      }
    });
    // apply, window by window
    overBuffer(() => {
      at('bsorted', i, 4);
      f.mem(OP.i32_load, 2).i32Const(BYTES[accType]).op(OP.i32_mul).localGet(acc).op(OP.i32_add).localTee(p).localGet(p);
      emitLoad(f, accType);
      if (b.valued) {
        at('bsortedval', i, 8);
        f.mem(OP.f64_load, 3);
      } else f.localGet(weight);
      f.op(sign);
      emitStore(f, accType);
    });
    f.i32Const(0).localSet(count);
  };
  return { count, emit };
}

/** How a scatter is blocked. */
export interface ScatterBlocking {
  /** Entries buffered before a flush. */
  readonly capacity: number;
  /** log2 of the outputs per window. */
  readonly shift: number;
  /** Whether each entry carries its own value (else every entry adds the scalar weight). */
  readonly valued: boolean;
}

/**
 * Outputs from which a scatter is blocked: its float64 accumulator then fills a core's L2
 * (1 MiB on the machine measured). Not tuned: only 10^6 outputs were timed.
 */
export const BLOCKED_FROM = 1 << 17;
/**
 * Outputs per window: 2^11 (16 KiB of float64 sums). Measured 2^9 to 2^14 on 10^6 outputs
 * (two runs, each one process): 2^11 was fastest, the others 3–10 % slower.
 */
const WINDOW_SHIFT = 11;

/**
 * The blocking of a scatter walk, or undefined where it adds directly. The buffer holds about
 * one entry per output (at most 2^20): enough that a window takes many additions per flush.
 */
export function scatterBlocking(w: KernelJitWalk, ranged: boolean): ScatterBlocking | undefined {
  if (w.walk !== 'scatter' || ranged || w.nOut < BLOCKED_FROM) return undefined;
  return { capacity: Math.min(w.nOut, 1 << 20), shift: WINDOW_SHIFT, valued: !(w.dist === 'scalar' && w.over !== 'all') };
}

