/**
 * Just-in-time connectivity (JITC): a random matrix regenerated inside the kernel, never stored.
 *
 *  (a) N = 40,000, p = 0.02 (about 32 million synapses), one shared scalar weight, 1% active:
 *      events @ J against events @ J.tocsr() (exactly the same matrix, stored), with the memory
 *      each needs; beside them J @ events, whose cost depends on `orient` (with 'row' every row
 *      is regenerated, with 'col' only the active columns).
 *  (b) N = 1,000,000, p = 1e-4 (about 1e8 synapses, which nothing stores): events @ J at 1%
 *      active (about 1e6 synaptic events per product) and the process's peak RSS, against the
 *      0.8 GB the CSR form would need. It runs in a child process, so that the peak RSS is its
 *      own and not that of the benchmarks before it (or of the CSR built in (a)).
 *
 * How a product is timed (as in events.ts): results are memoized per node, so each product is
 * a compiled runner whose step does exactly one product,
 *
 *     state { x, y }  ->  { x: x (passed through), y: matmul(ef.binary(x), M) }   (or M @ x)
 *
 * x is step state, so the product is recomputed every step; one timed call is
 * `run(init, { steps: K })` divided by K, K calibrated so a call lasts about 40 ms (at least
 * one step). Each product also pays its O(N) floor: scan x for active entries, clear the
 * float64 accumulator, copy it out (and run() copies x to the other state buffer).
 * Before the figures are reported, events @ J is checked against events @ J.tocsr(), and
 * J @ events against a plain JS loop over the CSR arrays, so the bench cannot time a wrong
 * computation.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ef from '../src/index.js';
import { gapTable } from '../src/rng/gaps.js';
import { fmt, measure, ratio, table, timingTable, type Case, type Report, type RunConfig } from './harness.js';
import { relativeError } from './data.js';

const here = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--jitc-big-child';

// ------------------------------------------------------------ helpers

/** A full garbage collection (so memory snapshots do not count garbage), via --expose-gc at run time. */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Collect garbage for real: eventfuse's node table holds WeakRefs, and a WeakRef keeps its
 * target alive until the current job ends, so yield to the event loop (twice: the second
 * collection frees what the first one's finalizers released) before collecting.
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await nextTurn();
    gc();
  }
}

const MB = (bytes: number): string => `${fmt(bytes / 2 ** 20, 3)} MiB`;

interface Snapshot { readonly rss: number; readonly heapUsed: number; readonly arrayBuffers: number }
async function snapshot(): Promise<Snapshot> {
  await settle();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

/** Bytes of a JITC matrix's only data: its gap threshold table and guide table. */
function tableBytes(prob: number, lineLength: number): number {
  const t = gapTable(prob, lineLength);
  return t.thresholds.byteLength + t.guide.byteLength;
}

/** `count` distinct neurons of n, spread evenly (every (n / count)-th, from an odd offset). */
function activeBits(n: number, count: number): Uint8Array {
  const bits = new Uint8Array(n);
  for (let k = 0; k < count; k++) bits[Math.floor(((k + 0.37) * n) / count)] = 1;
  return bits;
}

type Product = (M: ef.LinearOperator, x: ef.LazyArray) => ef.LazyArray;
const eventsLeft: Product = (M, x) => ef.matmul(ef.binary(x), M);
const eventsRight: Product = (M, x) => ef.matmul(M, ef.binary(x));

/** A runner whose step is one product with M; `call(k)` runs k steps and returns y. */
function productCall(M: ef.LinearOperator, product: Product, bits: Uint8Array, yLength: number, unit: string): (k: number) => Promise<ArrayLike<number>> {
  const runner = ef.compile((s) => ({ x: s.x!, y: product(M, s.x!) }));
  const init = { x: ef.binary(bits), y: ef.zeros([yLength], unit) };
  // progressEvery: k turns off run()'s pause every 1% of the steps (runner overhead, not product work).
  return async (k) => (await runner.run(init, { steps: k, progressEvery: Math.max(1, k) })).state.y!.dataSync();
}

/** Steps per call so that one call lasts about `targetMs` (the fastest of three timings of k steps). */
async function calibrate(call: (k: number) => Promise<unknown>, targetMs: number): Promise<number> {
  await call(1); // compiles the runner
  const timeIt = async (k: number): Promise<number> => {
    const t0 = performance.now();
    await call(k);
    return performance.now() - t0;
  };
  for (let k = 1; ; k *= 2) {
    let ms = await timeIt(k);
    if (ms < targetMs / 2 && k < 4096) continue;
    ms = Math.min(ms, await timeIt(k), await timeIt(k)); // a noisy moment would make every sample too short
    return Math.max(1, Math.round((k * targetMs) / Math.max(ms, 1e-3)));
  }
}

// ------------------------------------------------------------ (a) JITC vs CSR, N = 40,000

interface ProductCase {
  readonly name: string;
  readonly call: (k: number) => Promise<ArrayLike<number>>;
  /** Synaptic events per product (expected: the summed fan-out of the lines walked). */
  readonly work: number;
  /** Lines (rows or columns) the kernel regenerates or reads per product. */
  readonly lines: string;
  steps: number;
}

async function benchVsCsr(cfg: RunConfig): Promise<string> {
  const n = cfg.quick ? 4000 : 40_000;
  const p = 0.02;
  const weight = 0.1;
  const active = Math.round(n / 100);
  const fan = n * p;
  const bits = activeBits(n, active);
  const seed = 20240611;

  const base = await snapshot();
  const J = ef.jitc.scalar({ shape: [n, n], prob: p, weight, seed }, 'nS');
  const jitcLeft = productCall(J, eventsLeft, bits, n, 'nS');
  await jitcLeft(1);
  const afterJ = await snapshot();

  cfg.log(`  (a) N = ${n}: generating J.tocsr() (not timed)`);
  const t0 = performance.now();
  const C = J.tocsr();
  const built = (performance.now() - t0) / 1e3;
  const nnz = C.nnz;
  const csrLeft = productCall(C, eventsLeft, bits, n, 'nS');
  await csrLeft(1);
  const afterC = await snapshot();
  cfg.log(`  (a) N = ${n}: ${nnz.toLocaleString('en-US')} synapses, CSR built in ${built.toFixed(1)} s`);

  // J @ events: with orient 'row' every row is regenerated; a 'col' matrix regenerates only the
  // active columns (a different matrix with the same statistics: the seed's lines are its columns).
  const Jcol = ef.jitc.scalar({ shape: [n, n], prob: p, weight, seed, orient: 'col' }, 'nS');
  const cases: ProductCase[] = [
    { name: "events @ J (JITC, orient 'row')", call: jitcLeft, work: active * fan, lines: `${active} rows`, steps: 1 },
    { name: 'events @ J.tocsr() (CSR, the same matrix)', call: csrLeft, work: active * fan, lines: `${active} rows`, steps: 1 },
    { name: "J @ events (orient 'row': every row regenerated)", call: productCall(J, eventsRight, bits, n, 'nS'), work: n * fan, lines: `all ${n} rows`, steps: 1 },
    { name: "J @ events (orient 'col': active columns only)", call: productCall(Jcol, eventsRight, bits, n, 'nS'), work: active * fan, lines: `${active} columns`, steps: 1 },
  ];

  // Correctness, once, before timing.
  const yJ = await cases[0]!.call(1);
  const yC = await cases[1]!.call(1);
  const errLeft = relativeError(yJ, yC);
  const indptr = C.indptr, indices = C.indices; // copies, made once
  const expectRight = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let q = indptr[i]!; q < indptr[i + 1]!; q++) if (bits[indices[q]!]) expectRight[i] += Math.fround(weight);
  const errRight = relativeError(await cases[2]!.call(1), Float32Array.from(expectRight));
  const errCol = relativeError(await cases[3]!.call(1), await productCall(Jcol.transpose(), eventsLeft, bits, n, 'nS')(1));
  for (const [what, e] of [['events @ J vs events @ J.tocsr()', errLeft], ["J @ events vs a JS loop over the CSR arrays", errRight], ["J('col') @ events vs events @ J('col').transpose()", errCol]] as const) {
    if (!(e <= 1e-6)) throw new Error(`jitc bench: ${what} differ (relative error ${e}) at N = ${n}`);
  }

  cfg.log(`  (a) N = ${n}: calibrating and measuring ${cases.length} cases`);
  for (const c of cases) c.steps = await calibrate(c.call, cfg.quick ? 4 : 40);
  // per = steps / 1000: figures are µs per product.
  const timed: Case[] = cases.map((c) => ({ name: c.name, per: c.steps / 1000, fn: () => c.call(c.steps) }));
  const ms = await measure(timed, { warmup: 1, reps: cfg.quick ? 3 : 7 });
  const [mJ, mC] = [ms[0]!, ms[1]!];

  const jBytes = tableBytes(p, n);
  const csrBytes = { indptr: 4 * (n + 1), indices: 4 * nnz, data: 4 * C.data.size };
  const csrTotal = csrBytes.indptr + csrBytes.indices + csrBytes.data;
  const delta = (a: Snapshot, b: Snapshot): string[] => [MB(b.rss - a.rss), MB(b.heapUsed - a.heapUsed), MB(b.arrayBuffers - a.arrayBuffers)];
  return [
    `**N = ${n.toLocaleString('en-US')}**, p = ${p}: ${nnz.toLocaleString('en-US')} synapses (mean fan-out ${fmt(nnz / n, 4)}), ` +
      `one shared weight ${weight} nS, ${active} active (1%). Work = synaptic events per product (expected). ` +
      `Checked before timing (relative error, float32 results): events @ J vs events @ J.tocsr() ${errLeft === 0 ? '0' : errLeft.toExponential(1)}; ` +
      `J @ events vs a JS loop over the CSR arrays ${errRight === 0 ? '0' : errRight.toExponential(1)}; ` +
      `the 'col' matrix vs events @ its transpose ${errCol === 0 ? '0' : errCol.toExponential(1)}.`,
    '',
    timingTable(ms, 'µs/product', {
      headers: ['steps/sample', 'lines walked', 'synaptic events / product', 'per second', 'vs CSR'],
      cells: (m) => {
        const c = cases[ms.indexOf(m)]!;
        return [String(c.steps), c.lines, Math.round(c.work).toLocaleString('en-US'), `${fmt(c.work / (m.median / 1e6) / 1e6, 3)} M`, ratio(m.median / mC.median)];
      },
    }),
    '',
    `events @ J takes ${ratio(mJ.median / mC.median)} the time of the stored CSR (medians).`,
    '',
    table(['memory', 'matrix data', 'Δ rss', 'Δ heapUsed', 'Δ arrayBuffers'], [
      ['JITC (gap thresholds + guide table)', `${MB(jBytes)} (${jBytes.toLocaleString('en-US')} B)`, ...delta(base, afterJ)],
      ['CSR = J.tocsr() (indptr + indices + data)', `${MB(csrTotal)} (${MB(csrBytes.indptr)} + ${MB(csrBytes.indices)} + ${csrBytes.data} B: one shared weight)`, ...delta(afterJ, afterC)],
    ]),
    '',
    'Δ columns: process.memoryUsage() after a full GC, after building each matrix and running its product once ' +
      `(the CSR row relative to the JITC row; absolute rss after the CSR: ${MB(afterC.rss)}). Per-entry float32 weights ` +
      `(ef.jitc.uniform or normal, converted) would add ${MB(4 * nnz)} to the CSR. J.tocsr() took ${built.toFixed(1)} s (not timed).`,
  ].join('\n');
}

// ------------------------------------------------------------ (b) 1e6 × 1e6 in a child process

interface BigResult {
  readonly n: number;
  readonly p: number;
  readonly active: number;
  readonly synapses: number;
  readonly counted: number;
  readonly rows: readonly string[][];
  readonly maxRssBase: number;
  readonly maxRss: number;
  /** VmHWM from /proc/self/status (Linux): the peak RSS of this process image alone. */
  readonly hwmBase: number | undefined;
  readonly hwm: number | undefined;
  readonly tableBytes: number;
  readonly rssAfter: number;
  readonly heapUsedAfter: number;
  readonly arrayBuffersAfter: number;
}

/**
 * The peak RSS of this process image (VmHWM, Linux only). process.resourceUsage().maxRSS is
 * reported too, but on Linux it can carry the parent's resident size at fork into the child.
 */
function vmHwm(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
const hwm = (bytes: number | undefined): string => (bytes === undefined ? '' : `${MB(bytes)}; `);

/** Runs in the child: builds J, times events @ J, reports its own peak RSS. */
async function bigChild(quick: boolean): Promise<BigResult> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const n = quick ? 100_000 : 1_000_000;
  const p = quick ? 1e-3 : 1e-4;
  const weight = 0.1;
  const active = Math.round(n / 100);
  const maxRssBase = process.resourceUsage().maxRSS * 1024;
  const hwmBase = vmHwm();
  const J = ef.jitc.scalar({ shape: [n, n], prob: p, weight, seed: 7 }, 'nS');
  const bits = activeBits(n, active);
  const call = productCall(J, eventsLeft, bits, n, 'nS');
  const floor = productCall(J, eventsLeft, new Uint8Array(n), n, 'nS');

  // Sanity: the output sums the weights of the active rows' synapses: about active · n · p of them.
  const y = await call(1);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += y[j]!;
  const counted = Math.round(sum / Math.fround(weight));
  const expected = active * n * p;
  if (!(Math.abs(counted - expected) < 8 * Math.sqrt(expected))) {
    throw new Error(`jitc bench (b): ${counted} synaptic events from ${active} active rows; expected about ${expected}`);
  }
  log(`  (b) N = ${n}: ${counted.toLocaleString('en-US')} synaptic events per product; measuring`);
  const steps = await calibrate(call, quick ? 4 : 100);
  const floorSteps = await calibrate(floor, quick ? 4 : 40);
  const ms = await measure([
    { name: 'events @ J, 1% active', per: steps, fn: () => call(steps) },
    { name: 'events @ J, 0 active (the O(N) floor)', per: floorSteps, fn: () => floor(floorSteps) },
  ], { warmup: 1, reps: quick ? 3 : 5 });
  await settle(); // each run() returns fresh state arrays: count what is live, not garbage
  const mem = process.memoryUsage();
  const rows = ms.map((m, i) => [
    m.name, fmt(m.median), fmt(m.min), fmt(m.max), String(m.reps), String(i === 0 ? steps : floorSteps),
    i === 0 ? counted.toLocaleString('en-US') : '0',
    i === 0 ? `${fmt(counted / (m.median / 1e3) / 1e6, 3)} M` : '—',
  ]);
  return {
    n, p, active, synapses: n * n * p, counted, rows, maxRssBase, maxRss: process.resourceUsage().maxRSS * 1024, hwmBase, hwm: vmHwm(),
    tableBytes: tableBytes(p, n), rssAfter: mem.rss, heapUsedAfter: mem.heapUsed, arrayBuffersAfter: mem.arrayBuffers,
  };
}

function benchBig(cfg: RunConfig): string {
  cfg.log(`  (b) starting a child process (its own peak RSS)`);
  const res = spawnSync(process.execPath, [...process.execArgv, here, CHILD_FLAG, ...(cfg.quick ? ['--quick'] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 16 * 2 ** 20,
  });
  const last = (res.stdout ?? '').trim().split('\n').pop() ?? '';
  if (res.status !== 0 || !last.startsWith('{')) throw new Error(`jitc bench (b): the child process failed (status ${res.status}): ${res.error?.message ?? last}`);
  const r = JSON.parse(last) as BigResult;
  const csrBytes = 4 * (r.n + 1) + 8 * r.synapses;
  return [
    `**N = ${r.n.toLocaleString('en-US')}** × ${r.n.toLocaleString('en-US')}, p = ${r.p}: about ${r.synapses.toExponential(0)} synapses, never stored. ` +
      `${r.active.toLocaleString('en-US')} active rows (1%): ${r.counted.toLocaleString('en-US')} synaptic events per product ` +
      '(counted from the output, checked against the expected number).',
    '',
    table(['case', 'median ms/product', 'min', 'max', 'reps', 'steps/sample', 'synaptic events / product', 'per second'], r.rows),
    '',
    table(['memory', 'bytes'], [
      ['JITC matrix data (gap thresholds + guide table)', MB(r.tableBytes)],
      ['peak RSS of the child process after loading eventfuse, before J (VmHWM; maxRSS)', `${hwm(r.hwmBase)}${MB(r.maxRssBase)}`],
      ['peak RSS of the child process at the end (VmHWM; process.resourceUsage().maxRSS)', `${hwm(r.hwm)}${MB(r.maxRss)}`],
      ['rss / heapUsed / arrayBuffers at the end, after a full GC (process.memoryUsage())', `${MB(r.rssAfter)} / ${MB(r.heapUsedAfter)} / ${MB(r.arrayBuffersAfter)}`],
      ['the same matrix as CSR: 4·(N + 1) + 4·nnz + 4·nnz (int32 indices, float32 data)', `${MB(csrBytes)} (${fmt(csrBytes / 1e9, 3)} GB)`],
    ]),
    '',
    'The process holds the spikes (1 B per neuron), y (float32) and their second state buffers, and the kernel\'s float64 accumulator: O(N), not O(nnz).',
  ].join('\n');
}

// ------------------------------------------------------------ entry points

export async function run(cfg: RunConfig): Promise<Report[]> {
  const vsCsr = await benchVsCsr(cfg);
  const big = benchBig(cfg);
  // The generated source of the event product (the same kernel at both sizes).
  const J = ef.jitc.scalar({ shape: [1000, 1000], prob: 0.02, weight: 0.1, seed: 7 }, 'nS');
  const src = ef.explain(ef.matmul(ef.binary(activeBits(1000, 10)), J));
  return [
    { title: '(a) events @ JITC vs the same matrix as CSR (one product per compiled step)', markdown: vsCsr },
    { title: '(b) A 1e6 × 1e6 JITC matrix (child process)', markdown: big },
    { title: 'Generated kernel (ef.explain of events @ J, 1,000 × 1,000)', markdown: ['```text', src, '```'].join('\n') },
  ];
}

if (process.argv.includes(CHILD_FLAG) && process.argv[1] !== undefined && resolve(process.argv[1]) === here) {
  const result = await bigChild(process.argv.includes('--quick'));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
