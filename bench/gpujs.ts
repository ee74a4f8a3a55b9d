/**
 * The gpujs backend against the cpu backend on one large recurrent network: a whole compiled
 * simulation (`ef.compile(step)`, `runner.run(state, { steps })`), state kept on the device on
 * gpujs, the spike vector of every step read back as a record.
 *
 * The network (forward Euler, dt = 0.1 ms, no refractory period):
 *
 *     dv/dt = (v_rest − v + I_i) / τ,   τ = 20 ms, v_rest = −60 mV
 *     spike where v > v_th = −50 mV, then v = v_reset = −60 mV
 *     I_i: a constant drive per neuron, uniform in [14, 16) mV (suprathreshold: alone, every
 *          neuron would fire at about 25 Hz)
 *     recurrent input: v += spikes @ J (delta synapses, added in the step after the spike),
 *          J = ef.jitc.scalar({ shape: [N, N], prob: 80 / N, weight: −0.2 mV, seed: 7, orient })
 *          (fan-in and fan-out about 80, one shared inhibitory weight)
 *     initial v uniform in [−60, −50) mV (seed 11), drive seed 12.
 *
 * With these values the network fires at a moderate rate, about 12–15 Hz (tuned on the cpu
 * backend at N = 4,000 and checked at N = 400,000).
 *
 * One step is
 *
 *     v1 = v + (v_rest − v + I)·dt/τ;  spike = v1 > v_th;  v' = where(spike, v_reset, v1 + spike @ J)
 *
 * Cases, run interleaved (A, B, C, A, B, C, ...), each round one `run()` of all the steps from
 * the same initial state; figures are medians over the rounds:
 *
 *   cpu, orient 'row'    the cpu backend's best: only the rows of active neurons are regenerated
 *   cpu, orient 'col'    every column regenerated each step: the same matrix gpujs uses
 *   gpujs, orient 'col'  gpujs's best: thread j walks column j (a gather); with 'row' the
 *                        lowering first tabulates the active rows, then every output
 *                        binary-searches each active row (docs/backends.md): not run
 *
 * 'row' and 'col' are different random matrices with the same statistics, so the 'row' case
 * has its own spike counts. Before each case is timed it is traced, compiled and run for 20
 * steps (untimed; the time is reported). A timed run is `runner.run` (in calls of at most
 * 4e7 / N steps, passing the state on, so the records of one call stay below 160 MB), with
 * the readback of records and state; counting the spikes afterwards is not timed.
 *
 * Correctness: cpu and gpujs on the same 'col' matrix from the same state must give the same
 * spike vectors. float32 rounding (summation order, division) may let the trajectories part
 * after a while, so the report gives the first step whose spike vectors differ and both spike
 * totals; at the reduced sizes, spike vectors that differ within the first 20 steps throw.
 *
 * Sizes (N neurons × steps):
 *   full     (EF_BENCH_FULL=1): 400,000 × 1,000, every case; 3 rounds, but cpu 'col' only in
 *            the first (it regenerates all 32 million entries each step: about 10 minutes per
 *            run on the 2-core development machine). Meant for a real GPU.
 *   default  4,000 × 200, 5 rounds (about 1–2 minutes per mode on the 2-core development
 *            machine); plus the cpu backend alone at the full size (400,000 × 1,000, orient
 *            'row', 3 rounds).
 *   --quick  1,000 × 40, one round: checks the benchmark works; the numbers mean nothing.
 *
 * The gpujs mode comes from EF_BENCH_GPUJS_MODE ('cpu' by default). WebGL and WebGPU cannot
 * share one process, so run one mode per process:
 *
 *   npm run bench -- gpujs                                                        (gpu.js 'cpu' mode)
 *   EF_BENCH_GPUJS_MODE=webgl xvfb-run -a npm run bench -- gpujs                   (headless-gl)
 *   EF_BENCH_GPUJS_MODE=webgpu EGL_PLATFORM=surfaceless npm run bench -- gpujs     (dawn.node)
 *   EF_BENCH_FULL=1 EF_BENCH_GPUJS_MODE=webgpu npm run bench -- gpujs              (full size)
 *
 * Without a real GPU these modes run in software (gpu.js's JS mode; Mesa llvmpipe under
 * headless-gl or under dawn's OpenGL ES backend): their timings measure that software, not GPU
 * speed (bench/GPUJS-NOTES.md has the figures measured so far, none on a GPU). If
 * `ef.setBackend('gpujs', { mode })` throws BackendUnavailableError, or the gpujs case fails
 * to compile or run, the report says why and only the cpu cases are timed.
 */
import { performance } from 'node:perf_hooks';
import * as ef from '../src/index.js';
import { fmt, median, ratio, rng, summarize, table, timingTable, type Measurement, type Report, type RunConfig } from './harness.js';

type GpuMode = 'cpu' | 'webgl' | 'webgpu';
type Orient = 'row' | 'col';

const MODES: readonly GpuMode[] = ['cpu', 'webgl', 'webgpu'];
const FULL = { neurons: 400_000, steps: 1_000 } as const;
const DT_MS = 0.1;
const FAN = 80;
const WEIGHT_MV = -0.2;
const DRIVE_MV: readonly [number, number] = [14, 16];
const SEEDS = { matrix: 7, v: 11, drive: 12 } as const;
/** Untimed steps each case runs after compiling (kernel builds, JIT warm-up). */
const WARMUP_STEPS = 20;
/** Steps whose spike vectors must agree exactly between cpu and gpujs (at the reduced sizes). */
const MUST_AGREE = 20;
/** The most neurons × steps one run() call records (bool; float32 on the device: 160 MB). */
const RECORD_BUDGET = 4e7;

interface Size {
  readonly neurons: number;
  readonly steps: number;
}

interface Backend {
  readonly name: 'cpu' | 'gpujs';
  readonly options?: Readonly<Record<string, unknown>>;
}

interface CaseSpec {
  readonly label: string;
  readonly backend: Backend;
  readonly orient: Orient;
  /** Rounds this case is timed in (the first `rounds` of the run). */
  readonly rounds: number;
}

/** What one run gave: the spikes, as sorted active indices per step. */
interface Raster {
  readonly perStep: Int32Array;
  /** Active neuron indices, step after step; step t's are offsets[t] .. offsets[t + 1]. */
  readonly indices: Int32Array;
  readonly offsets: Int32Array;
  readonly total: number;
}

interface CaseResult {
  readonly spec: CaseSpec;
  readonly prepareMs: number;
  readonly samples: number[];
  readonly totals: number[];
  /** The raster of the first timed run. */
  raster?: Raster;
  /** The per-step counts of later runs matched the first (deterministic runs). */
  repeatable: boolean;
}

const stringOf = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const count = (x: number): string => x.toLocaleString('en-US');
const sizeText = (s: Size): string => `N = ${count(s.neurons)} neurons × ${count(s.steps)} steps`;

function gpuMode(): GpuMode {
  const raw = process.env['EF_BENCH_GPUJS_MODE'] ?? 'cpu';
  if (!(MODES as readonly string[]).includes(raw)) {
    throw new Error(`bench/gpujs: EF_BENCH_GPUJS_MODE is '${raw}'; expected one of ${MODES.join(', ')}`);
  }
  return raw as GpuMode;
}

function use(b: Backend): void {
  if (b.options) ef.setBackend(b.name, b.options);
  else ef.setBackend(b.name);
}

/** The network of the header comment at size `n`, with its matrix in orientation `orient`. */
function network(n: number, orient: Orient): { step: ef.StepFn; init: ef.ArrayRecord } {
  const dt = ef.scalar(DT_MS, 'ms');
  const tau = ef.scalar(20, 'ms');
  const vRest = ef.scalar(-60, 'mV');
  const vTh = ef.scalar(-50, 'mV');
  const vReset = ef.scalar(-60, 'mV');
  const rd = rng(SEEDS.drive);
  const drive = ef.array(Float32Array.from({ length: n }, () => DRIVE_MV[0] + (DRIVE_MV[1] - DRIVE_MV[0]) * rd()), 'mV');
  const J = ef.jitc.scalar({ shape: [n, n], prob: Math.min(1, FAN / n), weight: WEIGHT_MV, seed: SEEDS.matrix, orient }, 'mV');
  const rate = dt.div(tau);
  const step: ef.StepFn = (s) => {
    const v = s['v']!;
    const v1 = v.add(vRest.sub(v).add(drive).mul(rate));
    const spike = v1.greater(vTh);
    return { state: { v: ef.where(spike, vReset, v1.add(ef.matmul(spike, J))) }, record: { spike } };
  };
  const rv = rng(SEEDS.v);
  const init = { v: ef.array(Float32Array.from({ length: n }, () => -60 + 10 * rv()), 'mV') };
  return { step, init };
}

/** Run `steps` steps in calls of at most RECORD_BUDGET / N steps; returns the spike records. */
async function simulate(runner: ef.Runner, init: ef.ArrayRecord, n: number, steps: number): Promise<{ ms: number; records: Uint8Array[] }> {
  const chunk = Math.max(1, Math.min(steps, Math.floor(RECORD_BUDGET / n)));
  const records: Uint8Array[] = [];
  let state: ef.ArrayRecord = init;
  let ms = 0;
  for (let done = 0; done < steps; done += chunk) {
    const k = Math.min(chunk, steps - done);
    const t0 = performance.now();
    const out = await runner.run(state, { steps: k });
    ms += performance.now() - t0;
    state = out.state;
    records.push(out.records['spike']!.dataSync() as Uint8Array);
  }
  return { ms, records };
}

function rasterOf(records: readonly Uint8Array[], n: number, steps: number): Raster {
  const perStep = new Int32Array(steps);
  const offsets = new Int32Array(steps + 1);
  const indices: number[] = [];
  let t = 0;
  for (const rec of records) {
    for (let row = 0; row < rec.length; row += n, t++) {
      for (let i = 0; i < n; i++) if (rec[row + i] !== 0) indices.push(i);
      offsets[t + 1] = indices.length;
      perStep[t] = offsets[t + 1]! - offsets[t]!;
    }
  }
  return { perStep, indices: Int32Array.from(indices), offsets, total: indices.length };
}

const sameCounts = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The first step whose spike vectors differ (−1: none), and how many neurons differ there. */
function firstDifference(a: Raster, b: Raster): { step: number; neurons: number } {
  const steps = a.perStep.length;
  for (let t = 0; t < steps; t++) {
    const sa = new Set(a.indices.subarray(a.offsets[t]!, a.offsets[t + 1]!));
    const ib = b.indices.subarray(b.offsets[t]!, b.offsets[t + 1]!);
    let shared = 0;
    for (const i of ib) if (sa.has(i)) shared++;
    const differ = sa.size - shared + (ib.length - shared);
    if (differ > 0) return { step: t, neurons: differ };
  }
  return { step: -1, neurons: 0 };
}

/** Trace, compile and run WARMUP_STEPS steps (untimed); returns the runner and the time it took. */
async function prepare(spec: CaseSpec, n: number): Promise<{ runner: ef.Runner; init: ef.ArrayRecord; ms: number }> {
  use(spec.backend);
  const { step, init } = network(n, spec.orient);
  const t0 = performance.now();
  const runner = ef.compile(step).prepare(init);
  await runner.run(init, { steps: WARMUP_STEPS });
  return { runner, init, ms: performance.now() - t0 };
}

/** Time the cases interleaved; a gpujs case that fails is dropped, with the reason. */
async function timeCases(specs: readonly CaseSpec[], size: Size, cfg: RunConfig): Promise<{ results: CaseResult[]; failures: string[] }> {
  const failures: string[] = [];
  const prepared: { spec: CaseSpec; runner: ef.Runner; init: ef.ArrayRecord; result: CaseResult }[] = [];
  for (const spec of specs) {
    try {
      const p = await prepare(spec, size.neurons);
      cfg.log(`  ${spec.label}: traced, compiled and warmed up (${WARMUP_STEPS} steps) in ${fmt(p.ms / 1e3)} s`);
      prepared.push({ spec, runner: p.runner, init: p.init, result: { spec, prepareMs: p.ms, samples: [], totals: [], repeatable: true } });
    } catch (e) {
      if (spec.backend.name !== 'gpujs') throw e;
      failures.push(`${spec.label}: ${stringOf(e)}`);
      cfg.log(`  ${spec.label} failed, timing cpu only: ${stringOf(e).split('\n')[0]}`);
    }
  }
  const rounds = Math.max(...specs.map((s) => s.rounds));
  for (let r = 0; r < rounds; r++) {
    for (const p of prepared) {
      if (r >= p.spec.rounds) continue;
      use(p.spec.backend);
      const { ms, records } = await simulate(p.runner, p.init, size.neurons, size.steps);
      const raster = rasterOf(records, size.neurons, size.steps);
      const res = p.result;
      res.samples.push(ms / size.steps);
      res.totals.push(raster.total);
      if (res.raster === undefined) res.raster = raster;
      else if (!sameCounts(res.raster.perStep, raster.perStep)) res.repeatable = false;
      cfg.log(`  round ${r + 1}/${p.spec.rounds}: ${p.spec.label}: ${fmt(ms / 1e3)} s (${fmt(ms / size.steps)} ms/step), ${count(raster.total)} spikes`);
    }
  }
  return { results: prepared.map((p) => p.result), failures };
}

const rateHz = (spikes: number, s: Size): number => spikes / s.neurons / ((s.steps * DT_MS) / 1e3);

function resultTable(results: readonly CaseResult[], size: Size): string {
  const ms: Measurement[] = results.map((r) => summarize(r.spec.label, r.samples));
  return timingTable(ms, 'ms/step', {
    headers: ['steps/s (median)', 'spikes', 'rate Hz', 'same spikes every round', `compile + ${WARMUP_STEPS} warm-up steps s`],
    cells: (m) => {
      const r = results.find((x) => x.spec.label === m.name)!;
      return [fmt(1e3 / m.median), count(r.totals[0]!), fmt(rateHz(r.totals[0]!, size)), r.repeatable ? 'yes' : '**no**', fmt(r.prepareMs / 1e3)];
    },
  });
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  const mode = gpuMode();
  const full = process.env['EF_BENCH_FULL'] === '1';
  const size: Size = cfg.quick ? { neurons: 1_000, steps: 40 } : full ? FULL : { neurons: 4_000, steps: 200 };
  const rounds = cfg.quick ? 1 : full ? 3 : 5;
  const sizeName = cfg.quick ? 'quick (--quick: tiny, the numbers mean nothing)' : full ? 'full (EF_BENCH_FULL=1)' : 'reduced (the default on this machine)';
  const gpu: Backend = { name: 'gpujs', options: { mode } };
  const cpu: Backend = { name: 'cpu' };
  cfg.log(`  gpujs mode '${mode}', ${sizeName}: ${sizeText(size)}, ${rounds} round(s)`);
  if (full && mode === 'cpu') cfg.log(`  warning: gpu.js's JS mode at the full size takes hours (several seconds per step on a 2-core machine)`);

  let unavailable: string | undefined;
  try {
    use(gpu);
  } catch (e) {
    if (!(e instanceof ef.BackendUnavailableError)) throw e;
    unavailable = stringOf(e);
    cfg.log(`  gpujs mode '${mode}' is unavailable, timing cpu only: ${unavailable}`);
  }
  ef.setBackend('cpu');

  const specs: CaseSpec[] = [
    { label: "cpu, orient 'row'", backend: cpu, orient: 'row', rounds },
    { label: "cpu, orient 'col'", backend: cpu, orient: 'col', rounds: full ? 1 : rounds },
    ...(unavailable === undefined ? [{ label: `gpujs (${mode}), orient 'col'`, backend: gpu, orient: 'col' as const, rounds }] : []),
  ];
  const { results, failures } = await timeCases(specs, size, cfg);
  ef.setBackend('cpu');

  const cpuRow = results.find((r) => r.spec.backend.name === 'cpu' && r.spec.orient === 'row')!;
  const cpuCol = results.find((r) => r.spec.backend.name === 'cpu' && r.spec.orient === 'col')!;
  const gpuCol = results.find((r) => r.spec.backend.name === 'gpujs');

  const lines: string[] = [
    `LIF network (bench/gpujs.ts header): dv/dt = (v_rest − v + I)/τ, τ 20 ms, threshold −50 mV, reset −60 mV, ` +
      `drive I uniform in [${DRIVE_MV[0]}, ${DRIVE_MV[1]}) mV per neuron, recurrent input spikes @ J with ` +
      `J = jitc.scalar(p = ${FAN}/N, weight ${WEIGHT_MV} mV), dt ${DT_MS} ms. One compiled runner per case; a timed run is ` +
      '`runner.run` over all the steps with the readback of every step\'s spike vector.',
    '',
    `**Size: ${sizeName}: ${sizeText(size)}.** The target size is N = ${count(FULL.neurons)} × ${count(FULL.steps)} steps ` +
      '(`EF_BENCH_FULL=1`), meant for a real GPU.',
    '',
    `**gpujs mode '${mode}'.** ` +
      (mode === 'cpu'
        ? "gpu.js's JavaScript fallback: no GPU is involved, so these timings say nothing about GPU speed."
        : `${mode === 'webgl' ? 'headless-gl' : 'dawn.node'}: on a machine without a GPU it runs on a software renderer (e.g. Mesa llvmpipe), ` +
          'and such timings are not GPU speed; bench/GPUJS-NOTES.md says what the recorded numbers ran on.'),
  ];
  if (unavailable !== undefined) lines.push('', `**gpujs unavailable**: \`setBackend('gpujs', { mode: '${mode}' })\` threw ${unavailable}. Only cpu was timed.`);
  for (const f of failures) lines.push('', `**gpujs failed**, only cpu was timed: ${f.split('\n')[0]!.trim()}`);
  lines.push(
    '',
    `Medians of ${rounds} interleaved round${rounds === 1 ? '' : 's'}` + (full ? " (cpu 'col': the first round only)" : '') + '; spikes and rate are from the first round.',
    '',
    resultTable(results, size),
  );

  if (gpuCol) {
    const g = median(gpuCol.samples);
    lines.push(
      '',
      table(['comparison (medians, ms/step, same run)', 'ratio'], [
        [`gpujs (${mode}) 'col' / cpu 'row' (each backend's best)`, ratio(g / median(cpuRow.samples))],
        [`gpujs (${mode}) 'col' / cpu 'col' (the same matrix)`, ratio(g / median(cpuCol.samples))],
      ]),
      '',
      'Above 1x: gpujs slower.',
    );

    // Correctness: the same 'col' matrix and initial state on both backends.
    const a = cpuCol.raster!;
    const b = gpuCol.raster!;
    const diff = firstDifference(a, b);
    const checkRows = [
      ['spikes, cpu \'col\'', count(a.total)],
      [`spikes, gpujs (${mode}) 'col'`, count(b.total)],
      ['first step whose spike vectors differ', diff.step < 0 ? `none (all ${count(size.steps)} steps agree)` : `${diff.step} (${count(diff.neurons)} neurons differ there)`],
    ];
    lines.push('', `Correctness: cpu and gpujs on the same 'col' matrix from the same initial state, spike vectors compared step by step.`, '', table(['check', 'result'], checkRows));
    cfg.log(`  check: cpu 'col' ${a.total} spikes, gpujs ${b.total}; first differing step ${diff.step < 0 ? 'none' : diff.step}`);
    if (!full && diff.step >= 0 && diff.step < MUST_AGREE) {
      throw new Error(`bench/gpujs: cpu and gpujs (${mode}) spike vectors differ at step ${diff.step} (${diff.neurons} neurons), within the first ${MUST_AGREE} steps, on the same matrix and initial state: a bug, not rounding`);
    }
  }

  const reports: Report[] = [{ title: `gpujs (${mode}) against cpu: LIF network with JITC recurrence, ${sizeText(size)}`, markdown: lines.join('\n') }];

  // At the reduced size: the cpu backend alone at the full size, for reference.
  if (!cfg.quick && !full) {
    cfg.log(`  cpu alone at the full size: ${sizeText(FULL)}`);
    const big = await timeCases([{ label: `cpu, orient 'row', ${sizeText(FULL)}`, backend: cpu, orient: 'row', rounds: 3 }], FULL, cfg);
    reports.push({
      title: `cpu alone at the target size: ${sizeText(FULL)}`,
      markdown: [
        `The cpu backend with its best orientation ('row') at the target size, medians of 3 rounds (records read in calls of ${count(Math.floor(RECORD_BUDGET / FULL.neurons))} steps). ` +
          'No gpujs figure at this size was measured here: it needs a real GPU.',
        '',
        resultTable(big.results, FULL),
      ].join('\n'),
    });
  }
  return reports;
}
