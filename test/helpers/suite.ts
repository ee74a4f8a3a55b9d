/**
 * Running one property suite on every backend: `forEachBackend(test, title, body)` makes
 * one uvu test per backend, with that backend current while `body` runs.
 */
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import * as ef from '../../src/index.js';
import type { DType, LazyArray } from '../../src/index.js';
import { availableBackends, capabilities, heldBy, runs, tolerance } from './backends.js';
import { assertAllClose, assertWithin, ulp32, ulp64 } from './close.js';
import type { Dense } from './oracle.js';

/** fast-check runs per property: enough to find broadcasting slips, small enough to stay fast. */
export const RUNS = runs(60);

export const BACKENDS: readonly string[] = availableBackends();

/** The current backend's name, or undefined while none is chosen (and the default is missing). */
function currentBackend(): string | undefined {
  try {
    return ef.getBackend();
  } catch (e) {
    if (e instanceof ef.BackendUnavailableError) return undefined;
    throw e;
  }
}

export interface BackendTestOptions {
  /**
   * Why the test cannot run on `backend` (a capability it lacks, or a test about one backend
   * only), or undefined to run it there. Decided when the test is registered: the test is
   * then registered as skipped, the reason in its title, so uvu reports it as a skip and
   * never as a pass. Backends skipped for the same reason share one skipped test.
   */
  readonly skip?: (backend: string) => string | undefined;
}

/**
 * One uvu test per backend of this process (`[name] title`), with that backend current while
 * `body` runs. In the shared suites every test is registered this way
 * (test/structure/shared-suites.test.ts).
 */
export function forEachBackend(test: Test, title: string, body: (backend: string) => void | Promise<void>, options: BackendTestOptions = {}): void {
  const skipped = new Map<string, string[]>(); // reason -> backends
  for (const name of BACKENDS) {
    const reason = options.skip?.(name);
    if (reason !== undefined) {
      skipped.set(reason, [...(skipped.get(reason) ?? []), name]);
      continue;
    }
    test(`[${name}] ${title}`, async () => {
      // like withBackend, but keeps `name` current until an async body has finished
      const previous = currentBackend();
      ef.setBackend(name);
      try {
        await body(name);
      } finally {
        if (previous !== undefined) ef.setBackend(previous);
      }
    });
  }
  for (const [reason, names] of skipped) test.skip(`[${names.join(', ')}] ${title} (skipped: ${reason})`, () => {});
}

/** Options for fc.assert (fast-check prints the seed and path of a failure by itself). */
export const RUN_OPTS = { numRuns: RUNS } as const;

const STORAGE: Readonly<Record<DType, Function>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

/**
 * Realize `actual` on the current backend and compare with the oracle: shape, dtype, storage
 * type and values (relative tolerance of the backend; `atol` scales the absolute part, for
 * sums whose rounding grows with the summed magnitudes).
 */
export function expectDense(backend: string, actual: LazyArray, expected: Dense, what: string, atolScale = 1): void {
  assert.equal([...actual.shape], expected.shape, `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const data = actual.dataSync();
  assert.ok(data instanceof STORAGE[expected.dtype], `${what}: storage is ${data.constructor.name}, expected ${STORAGE[expected.dtype].name}`);
  const tol = tolerance(backend, expected.dtype);
  // A float32 device holds a float64 result as float32: beyond its range that is ±Infinity.
  assertAllClose(data, heldBy(backend, expected.dtype, expected.values), tol, what, tol * Math.max(1, atolScale));
}

/**
 * Like expectDense, with an absolute error bound per element (`bound`, row-major, e.g. from
 * each output's own terms: test/helpers/products.ts) in place of the backend's relative
 * tolerance; a failure gives the distance and the bound in ulps of the expected value (float64
 * ulps where the backend holds float64, float32 ulps otherwise). `key` groups EF_ULP_REPORT lines.
 */
export function expectDenseWithin(backend: string, actual: LazyArray, expected: Dense, what: string, bound: readonly number[], key = what): void {
  assert.equal([...actual.shape], expected.shape, `${what}: shape`);
  assert.is(actual.dtype, expected.dtype, `${what}: dtype`);
  const data = actual.dataSync();
  assert.ok(data instanceof STORAGE[expected.dtype], `${what}: storage is ${data.constructor.name}, expected ${STORAGE[expected.dtype].name}`);
  const ulp = expected.dtype === 'float64' && capabilities(backend).dtypes.includes('float64') ? ulp64 : ulp32;
  assertWithin(data, heldBy(backend, expected.dtype, expected.values), bound, what, ulp, `[${backend}] ${key}`);
}

/** Same bits: used where two spellings must build the same computation. */
export function expectIdentical(a: LazyArray, b: LazyArray, what: string): void {
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  assert.is(a.dtype, b.dtype, `${what}: dtype`);
  assert.ok(a.unit.equals(b.unit), `${what}: unit ${a.unit} vs ${b.unit}`);
  // A float32 device (gpujs) holds float64 data rounded to float32: compare as it holds them.
  const x = heldBy(ef.getBackend(), a.dtype, a.dataSync());
  const y = heldBy(ef.getBackend(), b.dtype, b.dataSync());
  assert.is(x.length, y.length, `${what}: length`);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) assert.unreachable(`${what}[${i}]: ${x[i]} vs ${y[i]}`);
  }
}

/** Assert that `f` throws an error of class `cls` whose message matches every pattern. */
export function expectError(f: () => unknown, cls: new (...a: never[]) => Error, ...patterns: (RegExp | string)[]): Error {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) assert.unreachable(`expected ${cls.name}, nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.ok(caught instanceof ef.EventfuseError, `${String(caught)} is not an EventfuseError`);
  const msg = (caught as Error).message;
  for (const p of patterns) {
    const ok = typeof p === 'string' ? msg.includes(p) : p.test(msg);
    assert.ok(ok, `message ${JSON.stringify(msg)} should ${typeof p === 'string' ? 'include' : 'match'} ${typeof p === 'string' ? JSON.stringify(p) : String(p)}`);
  }
  return caught as Error;
}
