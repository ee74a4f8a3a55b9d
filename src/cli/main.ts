/**
 * `eventfuse coba|cuba ...`: build a Brette et al. (2007) benchmark network, run it, and print
 * a summary (or one JSON object with --json). Exit status: 0 ok, 2 usage error, 1 runtime error.
 * `main` takes its streams as arguments and returns the status, so it can be tested in-process.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import * as ef from '../index.js';
import { showBytes } from '../limits.js';
import { brette, networkBytes, simulate, type Network, type SimulationResult } from '../models/index.js';
import { dtWarning } from './advice.js';
import { HELP, UsageError, parseArgs, type CliBackend, type CliGpuMode, type CliOptions } from './args.js';
import { rasterSvg } from './raster.js';

export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (the progress bar is drawn only then). */
  readonly stderrIsTTY: boolean;
  /** Milliseconds, monotonic; injectable for tests. */
  readonly now: () => number;
}

const defaultIO = (): CliIO => ({
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  now: () => performance.now(),
});

/** Neurons drawn in the raster: the first 100 (or all, if fewer). */
export const RASTER_SAMPLE = 100;

/**
 * The numbers of a finished run, unrounded: formatSummary prints them as text, jsonSummary
 * rounds them for --json.
 */
export interface Summary {
  readonly model: string;
  readonly backend: CliBackend;
  /** The gpu.js mode with --backend gpujs; null otherwise, so every --json object has the same keys. */
  readonly mode: CliGpuMode | null;
  readonly conn: string;
  readonly seed: number;
  readonly neurons: number;
  readonly excitatory: number;
  readonly inhibitory: number;
  readonly synapses: number;
  readonly synapsesExact: boolean;
  readonly meanFanOut: number;
  readonly dtMs: number;
  readonly steps: number;
  readonly simulatedSeconds: number;
  readonly buildSeconds: number;
  readonly wallSeconds: number;
  readonly realTimeFactor: number;
  readonly spikes: number;
  readonly rateHz: number;
  readonly synapticEventsPerSecond: number;
  readonly rasterPath?: string;
}

export function summarize(opts: CliOptions, net: Network, result: SimulationResult, buildMs: number, rasterPath?: string): Summary {
  const simulatedSeconds = (result.steps * opts.dtMs) / 1000;
  // A run too short for the clock still divides by something positive.
  const wallSeconds = Math.max(result.wallMs, 1e-6) / 1000;
  const meanFanOut = net.synapses / net.neurons;
  return {
    model: net.model,
    backend: opts.backend,
    mode: opts.backend === 'gpujs' ? opts.gpuMode : null,
    conn: net.conn,
    seed: opts.seed,
    neurons: net.neurons,
    excitatory: net.excitatory,
    inhibitory: net.inhibitory,
    synapses: net.synapses,
    synapsesExact: net.synapsesExact,
    meanFanOut,
    dtMs: opts.dtMs,
    steps: result.steps,
    simulatedSeconds,
    buildSeconds: buildMs / 1000,
    wallSeconds,
    realTimeFactor: simulatedSeconds / wallSeconds,
    spikes: result.spikeCount,
    rateHz: result.spikeCount / net.neurons / simulatedSeconds,
    synapticEventsPerSecond: (result.spikeCount * meanFanOut) / wallSeconds,
    ...(rasterPath !== undefined ? { rasterPath } : {}),
  };
}

/** Significant digits of a measured or derived figure: more would be timer and float noise. */
const round = (x: number, digits: number): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x);

/**
 * A measured time in seconds, to the millisecond (the clock and the JIT make finer digits
 * noise); one significant digit below that, so a positive time never reads 0.
 */
export const roundSeconds = (s: number): number => (s >= 0.0005 ? Math.round(s * 1000) / 1000 : round(s, 1));

/**
 * The summary as --json prints it: integers (counts, steps, exact synapses) as they are;
 * times measured by the clock to the millisecond; rates and ratios to 4 significant digits;
 * dt and the simulated time, exact in decimal, to 12 digits (only float noise removed); an
 * expected (JITC) synapse count to the nearest synapse.
 */
export function jsonSummary(s: Summary): Summary {
  return {
    ...s,
    synapses: s.synapsesExact ? s.synapses : Math.round(s.synapses),
    meanFanOut: round(s.meanFanOut, 4),
    dtMs: round(s.dtMs, 12),
    simulatedSeconds: round(s.simulatedSeconds, 12),
    buildSeconds: roundSeconds(s.buildSeconds),
    wallSeconds: roundSeconds(s.wallSeconds),
    realTimeFactor: round(s.realTimeFactor, 4),
    rateHz: round(s.rateHz, 4),
    synapticEventsPerSecond: round(s.synapticEventsPerSecond, 4),
  };
}

const group = (n: number): string => Math.round(n).toLocaleString('en-US');
const sig = (x: number, digits = 3): string => {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 10 ** digits ? group(x) : String(Number(x.toPrecision(digits)));
};
/** 1.23 M, 456 k: for rates of events. */
const metric = (x: number): string => {
  for (const [f, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (Math.abs(x) >= f) return `${sig(x / f)} ${p}`;
  return sig(x);
};
/** A duration in seconds, written in s or ms. */
export const seconds = (s: number): string => (s >= 1 ? `${sig(s, 4)} s` : `${sig(s * 1000, 4)} ms`);

export function formatSummary(s: Summary): string {
  const synapses = s.synapsesExact
    ? `${group(s.synapses)} (mean fan-out ${sig(s.meanFanOut)})`
    : `${group(s.synapses)} expected, not stored (mean fan-out ${sig(s.meanFanOut)})`;
  const rows: [string, string][] = [
    ['model', s.model.toUpperCase()],
    ['backend', backendLabel(s.backend, s.mode)],
    ['connectivity', `${s.conn}, seed ${s.seed}`],
    ['neurons', `${group(s.neurons)} (${group(s.excitatory)} excitatory, ${group(s.inhibitory)} inhibitory)`],
    ['synapses', synapses],
    ['simulated time', `${seconds(s.simulatedSeconds)} (${group(s.steps)} steps of ${sig(s.dtMs, 4)} ms)`],
    ['wall time', `${seconds(s.wallSeconds)} (+ ${seconds(s.buildSeconds)} to build the network)`],
    ['real-time factor', `${sig(s.realTimeFactor)} (simulated / wall; above 1 is faster than real time)`],
    ['mean rate', `${sig(s.rateHz)} Hz`],
    ['spikes', group(s.spikes)],
    ['synaptic events', `${metric(s.synapticEventsPerSecond)} events/s of wall time`],
  ];
  if (s.rasterPath !== undefined) rows.push(['raster', s.rasterPath]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

/** A one-line progress bar on a terminal, redrawn at most ~10 times a second. */
export function progressBar(io: CliIO, width = 30): { update: (done: number, total: number) => void; clear: () => void } {
  const start = io.now();
  let last = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const t = io.now();
      if (t - last < 100 && done < total) return;
      last = t;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const fill = Math.round(frac * width);
      const elapsed = (t - start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
      const etaText = Number.isFinite(eta) ? `ETA ${seconds(eta)}` : 'ETA ?';
      io.stderr(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${etaText}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
  };
}

/** The backend in words: `cpu`, `gpujs, mode webgl`. */
const backendLabel = (backend: CliBackend, mode: CliGpuMode | null): string => (mode === null ? backend : `${backend}, mode ${mode}`);
const optsBackendLabel = (opts: CliOptions): string => backendLabel(opts.backend, opts.backend === 'gpujs' ? opts.gpuMode : null);

/** Make `name` the current backend, loading it if it is not built in. Usage error if it cannot be. */
async function chooseBackend(name: CliBackend, gpuMode: CliGpuMode, wasm: { readonly threads?: number; readonly precision?: string } = {}): Promise<void> {
  if (!ef.backendNames().includes(name)) {
    // Backends register themselves on import; one that is not built in may still exist as a module.
    const path = `../backends/${name}/index.js`;
    let why = '';
    try {
      await import(path);
    } catch (e) {
      // Not in this build (reported plainly), or present but failing to load (reported with its reason).
      const code = (e as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND') why = `: ${(e as Error).message}`;
    }
    if (!ef.backendNames().includes(name)) {
      throw new UsageError(`--backend ${name}: this backend is not available here (available: ${ef.backendNames().join(', ')})${why}`);
    }
  }
  try {
    ef.setBackend(name, name === 'gpujs' ? { mode: gpuMode } : name === 'wasm' ? { ...wasm } : {});
  } catch (e) {
    throw new UsageError(`--backend ${name}: this backend cannot start here: ${(e as Error).message}`);
  }
}

/** Check before a long run that the raster can be written where asked. */
function checkRasterPath(path: string): string {
  const abs = resolve(path);
  const dir = dirname(abs);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--raster ${path}: the folder ${dir} does not exist`);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError(`--raster ${path}: is a folder; expected a file name such as out.svg`);
  return abs;
}

async function run(opts: CliOptions, io: CliIO): Promise<void> {
  const rasterAbs = opts.raster !== undefined ? checkRasterPath(opts.raster) : undefined;
  await chooseBackend(opts.backend, opts.gpuMode, {
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(opts.precision !== undefined ? { precision: opts.precision } : {}),
  });

  const need = networkBytes({ neurons: opts.neurons, conn: opts.conn, steps: opts.steps });
  if (need > opts.maxMemory) {
    throw new UsageError(`a ${opts.model} network of ${opts.neurons} neurons with ${opts.conn} connectivity over ${opts.steps} steps needs about ${showBytes(need)}, more than --max-memory ${showBytes(opts.maxMemory)}${opts.maxMemory === totalmem() ? " (this machine's memory)" : ''}; use fewer neurons${opts.conn === 'jitc' ? '' : ', --conn jitc (not stored)'} or a larger --max-memory`);
  }
  // Checked once the run is known to start, and on stderr so that --json output stays one object.
  const warning = dtWarning(opts.model, opts.dtMs);
  if (warning !== undefined) io.stderr(`eventfuse: warning: ${warning}\n`);
  const t0 = io.now();
  let net: Network;
  try {
    net = brette({ model: opts.model, neurons: opts.neurons, dt: ef.scalar(opts.dtMs, 'ms'), conn: opts.conn, seed: opts.seed });
  } catch (e) {
    // The model's own limits on its options (dt range, ...) are usage errors too.
    if (e instanceof ef.InvalidArgumentError) throw new UsageError(e.message);
    throw e;
  }
  const buildMs = io.now() - t0;

  const bar = io.stderrIsTTY && !opts.json ? progressBar(io) : undefined;
  if (!opts.json) io.stdout(`${net.describe()}\nrunning ${opts.steps} steps on ${optsBackendLabel(opts)}...\n`);
  const sample = rasterAbs !== undefined ? Math.min(RASTER_SAMPLE, net.neurons) : 0;
  let result: SimulationResult;
  try {
    result = await simulate(net, {
      steps: opts.steps,
      sample,
      // Keep the per-chunk spike record (chunk × N booleans) to about 16 MB.
      chunk: Math.max(1, Math.min(1000, Math.floor(2 ** 24 / net.neurons))),
      ...(bar ? { onProgress: bar.update } : {}),
    });
  } finally {
    bar?.clear();
  }

  let rasterPath: string | undefined;
  if (rasterAbs !== undefined && opts.raster !== undefined) {
    const svg = rasterSvg({
      steps: result.steps,
      dtMs: opts.dtMs,
      neuronsShown: sample,
      raster: result.raster,
      spikesPerStep: result.spikesPerStep,
      neurons: net.neurons,
      title: `${net.model.toUpperCase()}: ${net.neurons} neurons, ${net.conn} connectivity, ${seconds((result.steps * opts.dtMs) / 1000)} (${optsBackendLabel(opts)}, seed ${opts.seed})`,
    });
    writeFileSync(rasterAbs, svg);
    rasterPath = opts.raster;
  }

  const summary = summarize(opts, net, result, buildMs, rasterPath);
  io.stdout(opts.json ? `${JSON.stringify(jsonSummary(summary))}\n` : formatSummary(summary));
}

/** Run the command line `argv` (without `node` and the script); resolves to the exit status. */
export async function main(argv: readonly string[], ioOverrides: Partial<CliIO> = {}): Promise<number> {
  const io: CliIO = { ...defaultIO(), ...ioOverrides };
  const usage = (message: string): number => {
    io.stderr(`eventfuse: ${message}\nRun 'eventfuse --help' for usage.\n`);
    return 2;
  };
  const parsed = parseArgs(argv);
  if (E.isLeft(parsed)) return usage(parsed.left.message);
  if (parsed.right.kind === 'help') {
    io.stdout(HELP);
    return 0;
  }
  try {
    await run(parsed.right.options, io);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    const err = e as Error;
    io.stderr(`eventfuse: error: ${err?.message ?? String(e)}\n`);
    if (process.env.EVENTFUSE_DEBUG && err?.stack) io.stderr(`${err.stack}\n`);
    return 1;
  }
}
