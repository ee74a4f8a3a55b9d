#!/usr/bin/env node
// The eventfuse command line. Runs the TypeScript sources directly through tsx, so it works
// from a fresh clone after `npm ci`, without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
