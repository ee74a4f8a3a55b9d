// Builds dist/ from src/ with tsc, into a temporary folder that then replaces dist/ by rename,
// so that a process importing dist/ meanwhile (another test run, the bin) never sees it half
// written. Used by scripts/prepare.mjs (after `npm ci`) and by the doc tests (when dist/ is
// stale); `npm run build` stays the plain rm-and-tsc.
//   node scripts/build-dist.mjs [--if-stale]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildToRun } from '../bin/build-state.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The tsc script of the installed typescript, or undefined (e.g. after `npm ci --omit=dev`). */
export function tscPath(root = ROOT) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/**
 * Build dist/. tsc emits even when it reports type errors, so `ok` (tsc's verdict) and
 * `built` (dist/index.js exists afterwards) are separate; `output` is what tsc printed.
 * @param {string} [root]
 * @returns {{ ok: boolean, built: boolean, output: string, ms: number }}
 */
export function buildDist(root = ROOT) {
  const t0 = performance.now();
  const tsc = tscPath(root);
  if (tsc === undefined) return { ok: false, built: false, output: "the 'typescript' package is not installed", ms: 0 };
  // Inside node_modules: ignored by git, and on the same filesystem as dist/ for the renames.
  const cache = join(root, 'node_modules', '.cache');
  const tmp = join(cache, `eventfuse-dist-${process.pid}`);
  const old = `${tmp}-old`;
  mkdirSync(cache, { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  const res = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--outDir', tmp], { cwd: root, encoding: 'utf8' });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? res.error.message : ''}`.trim();
  if (existsSync(join(tmp, 'index.js'))) {
    const dist = join(root, 'dist');
    rmSync(old, { recursive: true, force: true });
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(tmp, dist);
    rmSync(old, { recursive: true, force: true });
  } else {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { ok: res.status === 0, built: existsSync(join(root, 'dist', 'index.js')), output, ms: performance.now() - t0 };
}

/**
 * Build dist/ unless it is current (see bin/build-state.mjs). `fresh` says whether it built.
 * @param {string} [root]
 */
export function ensureDist(root = ROOT) {
  if (buildToRun(root) === 'dist') return { ok: true, built: true, output: '', ms: 0, fresh: false };
  return { ...buildDist(root), fresh: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = process.argv.includes('--if-stale') ? ensureDist() : { ...buildDist(), fresh: true };
  if (r.output) console.error(r.output);
  console.log(r.fresh ? `dist/ built in ${(r.ms / 1000).toFixed(1)} s${r.ok ? '' : ' (with the errors above)'}` : 'dist/ is current');
  process.exit(r.built ? (r.ok ? 0 : 1) : 2);
}
