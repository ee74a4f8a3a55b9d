// Which test files each process of scripts/test.mjs runs (patterns on paths under test/, as uvu
// matches them: relative, case-insensitive). Kept apart so that test/structure/shared-suites.test.ts
// checks the very patterns the runner uses.

/** Every test file: the cpu+reference process runs all of them. */
export const ALL = '\\.test\\.ts$';

/**
 * The suites written once for every backend (they run on whatever availableBackends() lists):
 * the cpu+reference process runs them with the others, and each gpujs mode runs them again in
 * its own process. In these files every test is registered through forEachBackend
 * (test/structure/shared-suites.test.ts checks it).
 */
export const SHARED = '(formats|ir|compile|models|examples|gpujs|fuzz)/.*\\.test\\.ts$|fusion/(events-plan|random-graphs)\\.test\\.ts$|autodiff/(structured-vjp|surrogate|grad-e2e)\\.test\\.ts$';
