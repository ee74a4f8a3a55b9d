/**
 * Shared-suite plumbing: a suite written once runs on every registered backend. Skips come
 * from declared capabilities (see `supports`), never from test names.
 */
import * as ef from '../../src/index.js';
import type { BackendCapabilities } from '../../src/index.js';

/** Every backend that can run in this process (gpujs modes join when their runtime exists). */
export function availableBackends(): string[] {
  return ef.backendNames().filter((n) => n !== 'gpujs');
}

/** Run `fn` with `name` as the current backend, restoring the previous one afterwards. */
export function withBackend<T>(name: string, fn: () => T): T {
  const previous = ef.getBackend().name;
  ef.setBackend(name);
  try {
    return fn();
  } finally {
    ef.setBackend(previous);
  }
}

export function capabilities(name: string): BackendCapabilities {
  return withBackend(name, () => ef.getBackend().capabilities);
}

/** Relative tolerance for comparing `dtype` results of backend `name` with the float64 reference. */
export function tolerance(name: string, dtype: ef.DType): number {
  if (dtype !== 'float32') return 1e-12;
  return Math.max(capabilities(name).float32Tolerance, 1e-6);
}
