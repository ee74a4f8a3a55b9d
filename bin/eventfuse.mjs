#!/usr/bin/env node
// The eventfuse command line. It runs the built dist/ when that is current (an installed
// package, or a checkout built after its last source change: see build-state.mjs), and
// otherwise the TypeScript sources through tsx (a dev dependency), so a checkout whose src/
// changed since the build still runs what it holds. Help is answered first from cli/help.js,
// plain JavaScript in both places: `eventfuse --help` loads neither tsx nor the library, nor
// walks the folders to choose between them.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const root = new URL('../', import.meta.url);
const helpIn = existsSync(new URL('src/cli/help.js', root)) ? 'src' : 'dist';
const { HELP, wantsHelp } = await import(new URL(`${helpIn}/cli/help.js`, root).href);
if (wantsHelp(argv)) {
  process.stdout.write(HELP);
} else {
  const { buildToRun } = await import('./build-state.mjs');
  const build = buildToRun(fileURLToPath(root));
  if (build === 'src') {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const { main } = await import(new URL(build === 'src' ? 'src/cli/main.ts' : 'dist/cli/main.js', root).href);
  process.exitCode = await main(argv);
}
