#!/usr/bin/env node
// The eventfuse command line. From a checkout it runs the TypeScript sources through tsx (a
// dev dependency), so it works after `npm ci` without a build; an installed package runs its
// built dist/ instead.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import(new URL('../dist/cli/main.js', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
