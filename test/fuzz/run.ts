/** Turning a table of fuzz cases into one property per case and backend. */
import fc from 'fast-check';
import type { Test } from 'uvu';
import * as E from 'fp-ts/lib/Either.js';
import { runs } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';
import { call, type Slot } from './junk.js';
import { expectSafe, expectTyped } from './oracle.js';

export interface FuzzCase {
  /** The function as users spell it: 'arange', 'csr', 'LazyArray.sum', 'runner.run'. */
  readonly name: string;
  readonly slots: readonly Slot[];
  readonly run: (args: unknown[]) => unknown;
  /** The Either form of the same call, for constructors that have one in ef.safe. */
  readonly safe?: (args: unknown[]) => E.Either<unknown, unknown>;
  /** Checks a returned value beyond forcing it (throws when it is not what the function promises). */
  readonly check?: (result: unknown) => void;
}

/**
 * Cases per property on cpu and reference; the gpujs modes run fewer (runs()): every forced
 * result there builds kernels. Most cases throw before any kernel is built.
 */
export const FUZZ_RUNS = 40;

export function fuzzCases(test: Test, cases: readonly FuzzCase[], numRuns = FUZZ_RUNS, errorClass?: Function): void {
  for (const c of cases) {
    forEachBackend(test, `fuzz: ${c.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(call(c.slots), (k) => expectTyped(c.name, k, async () => {
          const r = await c.run(k.args);
          c.check?.(r);
          return r;
        }, errorClass)),
        { numRuns: runs(numRuns), includeErrorInReport: true },
      );
    });
  }
}

/** ef.safe.* of the cases that have one: never a throw, Left of a specific error class. */
export function fuzzSafe(test: Test, cases: readonly FuzzCase[], numRuns = FUZZ_RUNS): void {
  for (const c of cases) {
    const safe = c.safe;
    if (!safe) continue;
    forEachBackend(test, `fuzz: safe.${c.name}`, () => {
      fc.assert(fc.property(call(c.slots), (k) => expectSafe(c.name, k, () => safe(k.args))), { numRuns: runs(numRuns), includeErrorInReport: true });
    });
  }
}
