// Runs uvu test files in the order given (uvu's own CLI runs a pattern's files in directory
// order), stopping at the first failure: scripts/mutate.mjs puts the files most likely to kill
// a mutant first. Usage (from the repository root): node --import tsx scripts/mutate-run.mjs <path under test/>...
import { resolve } from 'node:path';
import { run } from 'uvu/run';

const files = process.argv.slice(2);
await run(files.map((f) => ({ name: f, file: resolve('test', f) })), { bail: true });
