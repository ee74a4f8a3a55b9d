#!/usr/bin/env node
// The eventfuse command line. From a checkout it runs the TypeScript sources through tsx (a
// dev dependency), so it works after `npm ci` without a build; an installed package runs its
// built dist/ instead. Help is answered first from cli/help.js, plain JavaScript in both
// places: `eventfuse --help` loads neither tsx nor the library.
import { existsSync } from 'node:fs';

const argv = process.argv.slice(2);
const fromSources = existsSync(new URL('../src/cli/main.ts', import.meta.url));
const cli = new URL(fromSources ? '../src/cli/' : '../dist/cli/', import.meta.url);
const { HELP, wantsHelp } = await import(new URL('help.js', cli).href);
if (wantsHelp(argv)) {
  process.stdout.write(HELP);
} else {
  if (fromSources) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const { main } = await import(new URL(fromSources ? 'main.ts' : 'main.js', cli).href);
  process.exitCode = await main(argv);
}
