/**
 * Shared-suite plumbing: a suite written once runs on every registered backend. Skips come
 * from declared capabilities (see `supports`), never from test names.
 */
import * as ef from '../../src/index.js';
// The run's fast-check seed, also for suites run by uvu directly (scripts/test.mjs preloads it).
import './seed.js';
import type { BackendCapabilities } from '../../src/index.js';

/**
 * The gpujs mode this test process checks, if any: scripts/test.mjs runs the shared suites
 * once on cpu + reference and once more per gpujs mode, each mode in its own process.
 */
export const GPUJS_MODE = process.env['EF_GPUJS_MODE'];
if (GPUJS_MODE) {
  // Configure gpujs once; later setBackend('gpujs') calls return to this mode.
  const previous = ef.getBackend();
  ef.setBackend('gpujs', { mode: GPUJS_MODE });
  ef.setBackend(previous);
}

/**
 * The wasm thread count this test process checks, if any: scripts/test.mjs runs the shared
 * suites once more on wasm alone with this many threads and every stage split (minWork 1),
 * however small, so the split paths meet every suite; EF_WASM_PRECISION chooses the precision.
 */
export const WASM_THREADS = process.env['EF_WASM_THREADS'];
if (WASM_THREADS) {
  const previous = ef.getBackend();
  ef.setBackend('wasm', { threads: Number(WASM_THREADS), minWork: 1, ...(process.env['EF_WASM_PRECISION'] ? { precision: process.env['EF_WASM_PRECISION'] } : {}) });
  ef.setBackend(previous);
}

/** Every backend the shared suites run on in this process. */
export function availableBackends(): string[] {
  return GPUJS_MODE ? ['gpujs'] : WASM_THREADS ? ['wasm'] : ef.backendNames().filter((n) => n !== 'gpujs');
}

/**
 * Does a backend of this process compute floats on a float32 device (no float64, subnormals
 * flushed to zero as GPUs do)? Generators then draw float32 numbers in the normal range.
 */
export const FLOAT32_DEVICE = availableBackends().some((b) => !capabilities(b).dtypes.includes('float64'));

/** A generated float as such a device holds it exactly (identity elsewhere). */
export const deviceExact = (v: number): number => (!FLOAT32_DEVICE ? v : Math.abs(v) < 2 ** -126 ? 0 : Math.fround(v));

/** `values` of `dtype` as backend `name` holds them: float32 where it has no such dtype (gpujs float64). */
export function heldBy(name: string, dtype: ef.DType, values: ArrayLike<number>): number[] {
  return capabilities(name).dtypes.includes(dtype) ? Array.from(values) : Array.from(values, Math.fround);
}

/**
 * Mutation runs (scripts/mutate.mjs) set EF_MUTATE_RUNS=4 to run a quarter of the cases on
 * cpu + reference: a mutant runs hundreds of times, and fewer cases can only undercount kills.
 */
const MUTATE_DIVISOR = Number(process.env['EF_MUTATE_RUNS'] ?? 1);

/**
 * fast-check runs for a property: fewer on the gpujs modes, where every case builds new
 * kernels (gpu.js transpiles each; on webgl and webgpu the software driver also compiles a
 * shader, up to a second for JIT connectivity).
 */
export const runs = (n: number): number =>
  !GPUJS_MODE ? Math.max(1, Math.ceil(n / MUTATE_DIVISOR)) : GPUJS_MODE === 'cpu' ? Math.max(10, Math.ceil(n / 8)) : Math.max(10, Math.ceil(n / 25));

/** Run `fn` with `name` as the current backend, restoring the previous one afterwards. */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = ef.getBackend();
  ef.setBackend(name);
  try {
    return fn();
  } finally {
    ef.setBackend(previous);
  }
}

export function capabilities(name: string): BackendCapabilities {
  return withBackend(name, () => ef.backend().capabilities);
}

/** Relative tolerance for comparing `dtype` results of backend `name` with the float64 reference. */
export function tolerance(name: string, dtype: ef.DType): number {
  const caps = capabilities(name);
  // A dtype the backend does not compute exactly (float64 on gpujs) is held to its float32 tolerance.
  if (dtype !== 'float32' && caps.dtypes.includes(dtype)) return 1e-12;
  return Math.max(caps.float32Tolerance, 1e-6);
}
