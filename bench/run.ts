/**
 * Runs every benchmark module in bench/ (each exports `run(config)` returning Markdown
 * sections) and prints the tables to stdout.
 *
 *   npm run bench                    all benchmarks
 *   npm run bench -- --write         ... and write bench/RESULTS.md
 *   npm run bench -- --quick         tiny sizes: checks the benchmarks work (numbers meaningless)
 *   npm run bench -- fusion          only modules whose file name contains "fusion"
 *   npm run bench -- events          event-driven vs float/dense products, COBA step (events.ts)
 *   npm run bench -- jitc            just-in-time connectivity vs the same matrix as CSR, 1e6 × 1e6 JITC (jitc.ts)
 *   npm run bench -- gpujs           gpujs vs cpu on a LIF network with events @ JITC (gpujs.ts; the gpu.js
 *                                    mode from EF_BENCH_GPUJS_MODE, see bench/GPUJS-NOTES.md)
 *   npm run bench -- startup         start-up: import of dist/ and `eventfuse --help` in fresh processes
 *                                    (startup.ts; needs `npm run build` first for the dist rows)
 *   npm run bench -- eligibility     eligibility traces, event vs float pre; packed vs unpacked event operands (eligibility.ts, ELIGIBILITY-NOTES.md)
 *   npm run bench -- random          poissonEvents vs per-source Bernoulli, poissonInput, uniform/normal throughput (random.ts, RANDOM-NOTES.md)
 *   npm run bench -- linalg          CG on a 100k-unknown 2-D Laplacian with and without Jacobi, sparse LU (linalg.ts, LINALG-NOTES.md)
 *   npm run bench -- wasm            wasm vs cpu backend: COBA step beside hand-written loops, a 40,000 × 40,000 event product (wasm.ts, WASM-NOTES.md)
 *   npm run bench -- train           one BPTT training step of examples/train-snn.ts vs its forward; event vs float/dense weight gradient (train.ts, TRAIN-NOTES.md)
 *
 * Every bench/*.ts other than run.ts, harness.ts, data.ts and hand.ts that exports run() is a benchmark:
 * fusion.ts (elementwise fusion, LIF), events.ts (event products, COBA) and jitc.ts
 * (just-in-time connectivity: time and memory against CSR, a 1e6 × 1e6 matrix).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Report, RunConfig } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Files in bench/ that are not benchmarks. */
const NOT_BENCHMARKS = new Set(['run.ts', 'harness.ts', 'data.ts', 'hand.ts']);

interface BenchModule {
  run(config: RunConfig): Promise<readonly Report[]>;
}

const args = process.argv.slice(2);
const write = args.includes('--write');
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));

const modules = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_BENCHMARKS.has(f))
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

const config: RunConfig = { quick, log: (line) => process.stderr.write(`${line}\n`) };
const started = performance.now();
const loadBefore = loadavg()[0]!;
const sections: string[] = [];
for (const file of modules) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as Partial<BenchModule>;
  if (typeof mod.run !== 'function') {
    config.log(`skipping bench/${file}: it exports no run()`);
    continue;
  }
  config.log(`bench/${file}`);
  const t0 = performance.now();
  const reports = await mod.run(config);
  config.log(`bench/${file}: ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
  const text = [`## ${file.replace(/\.ts$/, '')}`, ...reports.map((r) => `### ${r.title}\n\n${r.markdown}`)].join('\n\n');
  console.log(`${text}\n`);
  sections.push(text);
}
const total = (performance.now() - started) / 1e3;
config.log(`all benchmarks: ${total.toFixed(1)} s`);

if (write) {
  const cpu = cpus();
  const header = [
    '# Benchmark results',
    '',
    'Written by `npm run bench -- --write` (bench/run.ts); regenerate rather than edit by hand.',
    '',
    `- date: ${new Date().toISOString()}`,
    `- node: ${process.version} (${process.platform}/${process.arch})`,
    `- cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} logical cores`,
    `- total benchmark time: ${total.toFixed(0)} s${quick ? ' (--quick: tiny sizes, the numbers mean nothing)' : ''}`,
    `- 1-minute load average: ${loadBefore.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end (other work shares the ${cpu.length} cores)`,
    '',
    '> The machine is shared and noisy. Every figure is the **median** of the repetitions shown',
    '> (min and max beside it); the cases of one table run interleaved (A, B, A, B, ...) in one',
    '> process, so a noisy moment hits all of them alike. Compare ratios rather than absolute times.',
  ].join('\n');
  writeFileSync(join(here, 'RESULTS.md'), `${header}\n\n${sections.join('\n\n')}\n`);
  config.log('wrote bench/RESULTS.md');
}
