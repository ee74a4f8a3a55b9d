// Which copy of eventfuse a checkout should run: the built dist/ when it is current, otherwise
// the TypeScript sources in src/ (through tsx). Shared by bin/eventfuse.mjs, scripts/prepare.mjs
// and the doc tests, so they agree on what "current" means. Plain JavaScript: the bin runs it
// without a loader, in a checkout and in an installed package (which has no src/).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The newest and oldest modification times (ms) of the files under `dir`, or undefined when
 * it is missing or holds no file.
 * @param {string} dir
 * @returns {{ newest: number, oldest: number } | undefined}
 */
export function mtimeRange(dir) {
  let newest = -Infinity;
  let oldest = Infinity;
  /** @param {string} d */
  const walk = (d) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // missing (or vanished while walking)
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const t = statSync(p).mtimeMs;
        if (t > newest) newest = t;
        if (t < oldest) oldest = t;
      }
    }
  };
  walk(dir);
  return newest === -Infinity ? undefined : { newest, oldest };
}

/**
 * 'dist' or 'src'. dist/ is current when every file in it is newer than every file in src/
 * (a build rewrites all of dist/, so its oldest file dates the build). No src/ (an installed
 * package) means dist; src/ without a current dist/ means src.
 * @param {{ srcNewest: number | undefined, distOldest: number | undefined }} times
 * @returns {'dist' | 'src'}
 */
export function chooseBuild({ srcNewest, distOldest }) {
  if (srcNewest === undefined) return 'dist';
  if (distOldest === undefined) return 'src';
  return distOldest > srcNewest ? 'dist' : 'src';
}

/**
 * chooseBuild for the package at `root` (a directory path).
 * @param {string} root
 * @returns {'dist' | 'src'}
 */
export function buildToRun(root) {
  return chooseBuild({ srcNewest: mtimeRange(join(root, 'src'))?.newest, distOldest: mtimeRange(join(root, 'dist'))?.oldest });
}
