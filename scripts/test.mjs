#!/usr/bin/env node
// Runs the uvu suites (each in its own Node process), passes their output through, and
// ends with one plain line "N passed, N failed, N skipped" summed from uvu's own totals.
// Usage: node scripts/test.mjs [pattern]   (pattern: a regex on test file paths)
import { spawnSync } from 'node:child_process';

const pattern = process.argv[2] ?? '\\.test\\.ts$';
const runs = [{ name: 'cpu+reference', env: {} }];

let passed = 0, failed = 0, skipped = 0, broken = 0;
for (const run of runs) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern], {
    env: { ...process.env, ...run.env, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(res.stdout ?? '');
  process.stderr.write(res.stderr ?? '');
  const num = (label) => Number((res.stdout ?? '').match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
  const total = num('Total'), ok = num('Passed'), skip = num('Skipped');
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    // The runner died before printing totals (a crash while loading a file): count it as a failure.
    console.error(`[${run.name}] the test runner exited with ${res.status} without totals`);
    broken++;
    continue;
  }
  // uvu's Total counts the tests that ran; skipped ones are counted apart.
  passed += ok;
  skipped += Number.isNaN(skip) ? 0 : skip;
  failed += total - ok;
  if (res.status !== 0 && total - ok === 0) broken++;
}
failed += broken;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
