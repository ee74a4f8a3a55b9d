/**
 * The Brette et al. (2007) benchmark networks (src/models): COBA and CUBA, whole simulations.
 *
 *   N = 4,000 for 10 s of biological time (100,000 steps) and N = 40,000 for 1 s (10,000
 *   steps), dt 0.1 ms, CSR connectivity; at N = 40,000 also JITC (regenerated from the seed).
 *
 * One timed call is `simulate(net, { steps, sample: 0, chunk: 10000 })`: it traces and compiles
 * the step (once per call), runs it in chunks of 10,000 steps and counts each step's spikes in
 * plain JS from the recorded spike array. Building the network (`brette(...)`: drawing the CSR
 * matrices, the initial state) is timed separately and is not in the wall time.
 *
 * Every case is built and run once per round, the rounds interleaved (A, B, C, ..., A, B, C, ...)
 * so a noisy moment hits every case alike; the figures are medians over the rounds. The spike
 * count of a case must be the same in every round (same seed, deterministic run): checked.
 *
 * Columns: real-time factor = simulated time / wall time (above 1: faster than real time);
 * firing rate = spikes / N / simulated seconds; synaptic events per second = spikes × mean
 * fan-out / wall seconds, mean fan-out = synapses / neurons (about 80; for JITC the expected
 * number of synapses).
 */
import { performance } from 'node:perf_hooks';
import { brette, simulate, type ConnKind, type ModelName, type Network } from '../src/models/index.js';
import { handLoop } from './hand.js';
import { fmt, median, table, type Report, type RunConfig } from './harness.js';

interface ModelCase {
  readonly model: ModelName;
  readonly neurons: number;
  readonly steps: number;
  readonly conn: ConnKind;
}

interface Sample {
  readonly buildMs: number;
  readonly wallMs: number;
  readonly spikes: number;
  readonly synapses: number;
  readonly synapsesExact: boolean;
}

const DT_MS = 0.1;
const CHUNK = 10_000;

function cases(quick: boolean): ModelCase[] {
  const sizes: [number, number, ConnKind[]][] = quick
    ? [[400, 1000, ['csr']], [4000, 200, ['csr', 'jitc']]]
    : [[4000, 100_000, ['csr']], [40_000, 10_000, ['csr', 'jitc']]];
  return sizes.flatMap(([neurons, steps, conns]) =>
    conns.flatMap((conn) => (['coba', 'cuba'] as const).map((model) => ({ model, neurons, steps, conn }))));
}

const label = (c: ModelCase): string =>
  `${c.model.toUpperCase()}, N = ${c.neurons.toLocaleString('en-US')}, ${c.conn}`;

async function once(c: ModelCase): Promise<Sample> {
  const t0 = performance.now();
  const net: Network = brette({ model: c.model, neurons: c.neurons, conn: c.conn, seed: 1 });
  const t1 = performance.now();
  const res = await simulate(net, { steps: c.steps, sample: 0, chunk: CHUNK });
  const t2 = performance.now();
  return { buildMs: t1 - t0, wallMs: t2 - t1, spikes: res.spikeCount, synapses: net.synapses, synapsesExact: net.synapsesExact };
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  const all = cases(cfg.quick);
  const reps = cfg.quick ? 1 : 3;
  const samples: Sample[][] = all.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < all.length; i++) {
      const c = all[i]!;
      const s = await once(c);
      samples[i]!.push(s);
      cfg.log(`  round ${r + 1}/${reps}: ${label(c)}, ${c.steps} steps: build ${fmt(s.buildMs)} ms, run ${fmt(s.wallMs / 1e3)} s, ${s.spikes} spikes`);
    }
  }

  const rows = all.map((c, i) => {
    const ss = samples[i]!;
    const spikes = ss[0]!.spikes;
    if (!ss.every((s) => s.spikes === spikes)) {
      throw new Error(`models bench: ${label(c)} gave different spike counts in different rounds (${ss.map((s) => s.spikes).join(', ')}); the run should be deterministic`);
    }
    const wall = ss.map((s) => s.wallMs / 1e3);
    const wallS = median(wall);
    const simS = (c.steps * DT_MS) / 1e3;
    const fanout = ss[0]!.synapses / c.neurons;
    return [
      label(c),
      `${fmt(simS, 3)} s (${c.steps.toLocaleString('en-US')} steps)`,
      `${ss[0]!.synapsesExact ? '' : '≈ '}${Math.round(ss[0]!.synapses).toLocaleString('en-US')}`,
      fmt(median(ss.map((s) => s.buildMs))),
      `${fmt(wallS)} (${fmt(Math.min(...wall))}–${fmt(Math.max(...wall))})`,
      `${fmt(simS / wallS)}x`,
      fmt(spikes / c.neurons / simS),
      spikes.toLocaleString('en-US'),
      `${fmt((spikes * fanout) / wallS / 1e6)} M`,
    ];
  });

  const markdown = [
    `Brette et al. (2007) COBA and CUBA (src/models/brette.ts), seed 1, dt ${DT_MS} ms, no external drive. ` +
      `Wall time = one \`simulate(net, { steps, sample: 0, chunk: ${CHUNK} })\` call: tracing and compiling the step, ` +
      'the steps, and each step\'s spike count (read from the recorded spike lists); the network build (`brette(...)`) is timed on its own. ' +
      `Medians of ${reps} interleaved round${reps === 1 ? '' : 's'} (min–max beside the wall time); ` +
      'the spike count was the same in every round.',
    '',
    table(
      ['case', 'simulated', 'synapses', 'build ms', 'wall s (min–max)', 'real-time factor', 'rate Hz', 'spikes', 'synaptic events/s'],
      rows,
    ),
    '',
    'Real-time factor = simulated / wall time. Synaptic events/s = spikes × mean fan-out (synapses / neurons) / wall time.',
  ].join('\n');
  return [await versusHand(cfg), { title: 'Benchmark networks: COBA and CUBA, whole simulations', markdown }];
}

/**
 * The compiled steps beside hand-written loops of the same networks (bench/hand.ts), in this
 * process, rounds interleaved: `simulate()` as the CLI runs it (trace, compile, steps, spike
 * lists, counts) against the hand loop's step loop alone.
 */
async function versusHand(cfg: RunConfig): Promise<Report> {
  const [neurons, steps] = cfg.quick ? [400, 1000] : [4000, 100_000];
  const reps = cfg.quick ? 1 : 5;
  const rows: string[][] = [];
  for (const model of ['coba', 'cuba'] as const) {
    const net = brette({ model, neurons, conn: 'csr', seed: 1 });
    const hand = handLoop(net);
    const compiled: number[] = [];
    const byHand: number[] = [];
    const ratios: number[] = [];
    let spikes = [0, 0];
    for (let r = 0; r < reps; r++) {
      const sim = await simulate(net, { steps, chunk: CHUNK });
      const h = hand(steps);
      compiled.push(sim.wallMs / 1e3);
      byHand.push(h.wallMs / 1e3);
      ratios.push(sim.wallMs / h.wallMs);
      spikes = [sim.spikeCount, h.spikes];
      cfg.log(`  round ${r + 1}/${reps}: ${model.toUpperCase()} compiled ${fmt(sim.wallMs / 1e3)} s, hand ${fmt(h.wallMs / 1e3)} s`);
    }
    const range = (xs: number[]): string => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
    rows.push([
      `${model.toUpperCase()}, N = ${neurons.toLocaleString('en-US')}, csr`,
      `${fmt((steps * DT_MS) / 1e3, 3)} s`,
      range(compiled), range(byHand), fmt(median(ratios)),
      spikes.map((x) => x.toLocaleString('en-US')).join(' / '),
    ]);
  }
  const markdown = [
    `The compiled step (\`simulate(net, { steps, chunk: ${CHUNK} })\`, what \`eventfuse coba|cuba\` runs) beside a ` +
      'hand-written loop of the same network (bench/hand.ts: same matrices, initial state and update order, written as ' +
      `tightly as ../shared/perf/coba-hand.mjs), in one process, ${reps} interleaved round${reps === 1 ? '' : 's'}; ` +
      'medians (min–max). Ratio = median over rounds of compiled / hand. Equal spike counts say the two computed the same ' +
      'network step for step (the network is chaotic: one differently rounded addition changes the count).',
    '',
    table(['case', 'simulated', 'compiled s', 'hand s', 'compiled / hand', 'spikes compiled / hand'], rows),
  ].join('\n');
  return { title: 'Compiled steps against hand-written loops', markdown };
}
