/**
 * One fast-check seed for a whole test run, so a failure seen once is seen again. Loaded by
 * every test process: scripts/test.mjs preloads it (`--import`) and suite.ts imports it, so a
 * direct `uvu` run of a shared suite gets it too.
 *   EF_SEED=<integer>  that seed;  EF_SEED=random  a fresh one, printed;  unset  DEFAULT_SEED.
 * scripts/test.mjs resolves EF_SEED itself (random included) and passes the number on, so
 * all its processes share one seed.
 */
import fc from 'fast-check';

/** The seed of `npm test` and CI when EF_SEED is unset (scripts/test.mjs has the same number). */
export const DEFAULT_SEED = 20240616;

/** The seed EF_SEED names, or a fresh random one; throws on anything else, so a typo is not a silent default. */
export function parseSeed(value: string | undefined): { seed: number; random: boolean } {
  if (value === undefined || value === '') return { seed: DEFAULT_SEED, random: false };
  if (value === 'random') return { seed: (Math.random() * 2 ** 31) | 0, random: true };
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`EF_SEED is ${JSON.stringify(value)}; expected an integer or 'random'`);
  // fast-check keeps the seed as a 32-bit integer: wrap as it would, so the printed seed replays.
  return { seed: n | 0, random: false };
}

// Idempotent across loads (the preload and suite.ts may resolve to two module instances).
const KEY = Symbol.for('eventfuse.test.seed');
const holder = globalThis as { [KEY]?: number };
if (holder[KEY] === undefined) {
  const { seed, random } = parseSeed(process.env['EF_SEED']);
  holder[KEY] = seed;
  if (random) console.log(`fast-check seed: ${seed} (random; replay with EF_SEED=${seed})`);
}

/** The fast-check seed of this process. */
export const SEED: number = holder[KEY]!;
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: SEED });
