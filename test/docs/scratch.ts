/**
 * A scratch project for running code as a user of the package would: a folder under the OS
 * temp dir with its own package.json and node_modules/eventfuse, a symlink to this checkout,
 * so that `import 'eventfuse'` and `'eventfuse/models'` resolve through package.json's exports
 * to dist/ (not through any path of this repository). The package's own dependencies are
 * linked beside it, as npm would hoist them for a user (the docs import fp-ts).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDist } from '../../scripts/build-dist.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Build dist/ if it is older than src/; throws when no dist/ could be built. */
export function builtPackage(): void {
  const r = ensureDist(ROOT);
  if (!r.built) throw new Error(`dist/ could not be built:\n${r.output}`);
  // A type error still emits dist/; the typecheck reports it, the samples run on what was emitted.
  if (r.fresh && !r.ok) console.error(`warning: dist/ was built with type errors:\n${r.output}`);
}

export interface Scratch {
  readonly dir: string;
  remove(): void;
}

/** A new scratch project (see above); call remove() when done. */
export function scratchProject(prefix = 'eventfuse-scratch-'): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  symlinkSync(ROOT, join(modules, 'eventfuse'), 'dir');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(pkg.dependencies ?? {})) {
    mkdirSync(dirname(join(modules, name)), { recursive: true }); // scoped names
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
