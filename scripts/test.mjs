#!/usr/bin/env node
// Runs the uvu suites (each run in its own Node process, up to EF_TEST_JOBS of them at once,
// default: the number of cores), passes their outputs through whole, in the order below, and
// ends with one plain line "N passed, N failed, N skipped" summed from uvu's own totals.
//   1. every test file on the cpu and reference backends;
//   2. the shared backend suites on gpujs, once per mode, each mode in its own process
//      (WebGL and WebGPU cannot share one here): 'cpu' (gpu.js's JS mode, always there),
//      'webgl' (headless-gl under xvfb-run) and 'webgpu' (dawn.node, EGL surfaceless);
//   3. the shared backend suites on wasm with two threads, every stage split over both, once
//      with the cpu's numerics (the default) and once with precision 'float32'.
// A gpujs mode whose runtime is missing is reported and counted as one skip, or as one
// failure when EF_REQUIRE_GPUJS names it (CI: EF_REQUIRE_GPUJS=webgl,webgpu).
// Every fast-check property of the run uses one seed (test/helpers/seed.ts, preloaded in each
// process): EF_SEED=<integer>, EF_SEED=random (a fresh one), or by default DEFAULT_SEED, so
// that CI is deterministic. The seed is printed first and last; a failure prints its replay.
// Usage: [EF_SEED=<seed>|random] node scripts/test.mjs [pattern]   (pattern: a regex on test file paths)
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { ALL, SHARED } from './test-suites.mjs';

const userPattern = process.argv[2];
// The same number as DEFAULT_SEED in test/helpers/seed.ts (test/helpers/seed.test.ts checks it).
const DEFAULT_SEED = 20240616;
const seedEnv = process.env.EF_SEED ?? '';
// Wrapped to 32 bits as fast-check keeps it, so the printed seed is the one that replays.
const seed = seedEnv === '' ? DEFAULT_SEED : seedEnv === 'random' ? (Math.random() * 2 ** 31) | 0 : Number(seedEnv) | 0;
if (seedEnv !== '' && seedEnv !== 'random' && !Number.isSafeInteger(Number(seedEnv))) {
  console.log(`EF_SEED is ${JSON.stringify(seedEnv)}; expected an integer or 'random'`);
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const seedNote = `fast-check seed: ${seed} (${seedEnv === 'random' ? 'random' : seedEnv === '' ? 'the fixed default' : 'from EF_SEED'})`;
console.log(seedNote);
// ALL: every test file; SHARED: the suites written once for every backend (scripts/test-suites.mjs).
const required = new Set((process.env.EF_REQUIRE_GPUJS ?? '').split(',').filter(Boolean));

const runs = [
  { name: 'cpu+reference', env: {}, pattern: userPattern ?? ALL },
  { name: 'gpujs:cpu', mode: 'cpu', env: { EF_GPUJS_MODE: 'cpu' }, pattern: userPattern ?? SHARED },
  { name: 'gpujs:webgl', mode: 'webgl', env: { EF_GPUJS_MODE: 'webgl' }, wrap: ['xvfb-run', '-a'], pattern: userPattern ?? SHARED },
  { name: 'gpujs:webgpu', mode: 'webgpu', env: { EF_GPUJS_MODE: 'webgpu', EGL_PLATFORM: 'surfaceless' }, pattern: userPattern ?? SHARED },
  // wasm with two threads and every stage split, however small (the cpu+reference process runs wasm as configured by default)
  { name: 'wasm:threads', env: { EF_WASM_THREADS: '2' }, pattern: userPattern ?? SHARED },
  // and with precision 'float32' (four float32 lanes, each op rounded), also on two threads
  { name: 'wasm:float32', env: { EF_WASM_THREADS: '2', EF_WASM_PRECISION: 'float32' }, pattern: userPattern ?? SHARED },
];

/** Run a node command for `run` (under its wrapper, e.g. xvfb-run, when it has one); resolves to its output and status. */
function spawnNode(run, args) {
  const [cmd, ...pre] = run.wrap ? [...run.wrap, process.execPath] : [process.execPath];
  return new Promise((resolve) => {
    const child = spawn(cmd, [...pre, ...args], { env: { ...process.env, ...run.env, EF_SEED: String(seed), NO_COLOR: '1' } });
    const out = [], err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let error;
    child.on('error', (e) => { error = e; });
    child.on('close', (status) => resolve({ status, error, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Can this gpujs mode start here? Returns the reason when it cannot. */
async function probe(run) {
  const code = `import('./src/index.ts').then((ef) => ef.setBackend('gpujs', { mode: '${run.mode}' })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`;
  const res = await spawnNode(run, ['--import', 'tsx', '-e', code]);
  if (res.error) return `${run.wrap?.[0] ?? 'node'} could not start: ${res.error.message}`;
  return res.status === 0 ? undefined : (res.stderr || res.stdout || `exit ${res.status}`).trim().split('\n').filter((l) => !/^Warning: /.test(l)).slice(-3).join(' ');
}

/** Test files (paths under test/) with a failing test in uvu's output: a FAIL block follows its file's header. */
function failingFiles(stdout) {
  const files = new Set();
  let file;
  for (const line of stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const header = line.match(/^(\S+\.test\.ts)$/);
    if (header) file = header[1];
    else if (/^\s+FAIL /.test(line) && file) files.add(file);
  }
  return [...files];
}
const filePattern = (file) => `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
const quote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
/** What to run to see a failure again: the same seed, only the failing files (or the same pattern). */
const replays = new Map(); // pattern -> the runs it failed in
const replay = (run, pattern) => replays.set(pattern, [...(replays.get(pattern) ?? []), run.name]);

let passed = 0, failed = 0, skipped = 0, broken = 0;
/** Per process: what ran where, printed before the totals so a mode that ran nothing shows. */
const perRun = [];

/** Run one process: its probe (gpujs modes) and its uvu run; resolves to what it printed and its result. */
async function execute(run) {
  const started = Date.now();
  if (run.mode) {
    const reason = await probe(run);
    if (reason !== undefined) return { run, reason };
  }
  const res = await spawnNode(run, ['--import', 'tsx', '--import', './test/helpers/seed.ts', 'node_modules/uvu/bin.js', 'test', run.pattern]);
  return { run, res, seconds: (Date.now() - started) / 1000 };
}

/** Count and print one finished process, in the order of `runs`. */
function report({ run, reason, res, seconds }) {
  if (reason !== undefined) {
    const must = required.has(run.mode);
    console.log(`\n[${run.name}] ${must ? 'FAILED' : 'skipped'}: the mode cannot start here: ${reason}`);
    if (must) failed++;
    else skipped++;
    perRun.push(`${run.name}: ${must ? 'FAILED to start' : 'skipped'} (the mode cannot start here)`);
    return;
  }
  if (run.mode) console.log(`\n[${run.name}] shared backend suites`);
  process.stdout.write(res.stdout);
  process.stderr.write(res.stderr.split('\n').filter((l) => !/^Warning: max\w+ artificially reduced/.test(l)).join('\n'));
  if (res.error) console.error(`[${run.name}] could not start: ${res.error.message}`);
  const num = (label) => Number(res.stdout.match(new RegExp(`${label}:\\s+(\\d+)`))?.[1] ?? NaN);
  const total = num('Total'), ok = num('Passed'), skip = num('Skipped');
  const took = `${seconds.toFixed(0)} s`;
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    // The runner died before printing totals (a crash while loading a file): count it as a failure.
    console.error(`[${run.name}] the test runner exited with ${res.status} without totals`);
    broken++;
    replay(run, run.pattern);
    perRun.push(`${run.name}: the runner exited with ${res.status} without totals (${took})`);
    return;
  }
  // uvu's Total counts the tests that ran; skipped ones are counted apart.
  passed += ok;
  skipped += Number.isNaN(skip) ? 0 : skip;
  failed += total - ok;
  perRun.push(`${run.name}: ${ok} passed, ${total - ok} failed, ${Number.isNaN(skip) ? 0 : skip} skipped (${took})`);
  if (res.status !== 0 && total - ok === 0) broken++;
  if (res.status !== 0 || total - ok > 0) {
    const files = failingFiles(res.stdout);
    if (files.length) files.forEach((f) => replay(run, filePattern(f)));
    else replay(run, run.pattern);
  }
}

// The processes are independent and each mostly uses one core, so up to EF_TEST_JOBS of them
// (default: the number of cores) run at once, the longest first (webgl, then cpu+reference);
// their outputs are printed whole, in the order of `runs`.
const jobs = Math.max(1, Number(process.env.EF_TEST_JOBS ?? cpus().length) || 1);
const longestFirst = ['gpujs:webgl', 'cpu+reference', 'gpujs:webgpu', 'wasm:threads', 'wasm:float32', 'gpujs:cpu'];
const queue = [...runs].sort((a, b) => longestFirst.indexOf(a.name) - longestFirst.indexOf(b.name));
let free = jobs;
const waiting = [];
const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise((resolve) => waiting.push(resolve)));
const release = () => (waiting.length ? waiting.shift()() : free++);
const started = Date.now();
// Slots are taken in the order of `queue` (acquire is called for each run here, in that order).
const results = new Map(queue.map((run) => [run, acquire().then(() => execute(run)).finally(release)]));
for (const run of runs) report(await results.get(run));
failed += broken;
console.log(`\nper process (${jobs} at a time, ${((Date.now() - started) / 1000).toFixed(0)} s in all):`);
for (const line of perRun) console.log(`  ${line}`);
console.log(`\n${seedNote}`);
if (replays.size) {
  console.log('replay the failures with the same seed:');
  for (const [pattern, names] of replays) console.log(`  EF_SEED=${seed} node scripts/test.mjs ${quote(pattern)}   (failed in ${names.join(', ')})`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
