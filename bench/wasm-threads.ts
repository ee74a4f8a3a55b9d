/**
 * The wasm backend's threads and its just-in-time connectivity, side by side in one process
 * (bench/WASM-NOTES.md), each case a different backend instance:
 *
 *  (a) COBA, N = 4,000, CSR, seed 1, 10,000 steps: `simulate` on cpu, on wasm (float64 lanes,
 *      the default) and on wasm with precision 'float32' (four float32 lanes), one thread;
 *      then N = 40,000, 1,000 steps, on wasm with 1 and 2 threads (and cpu for scale), µs
 *      per step, each sample right after an untimed fifth as many steps of the same case
 *      (steady state: the other cases' samples leave the second core idle); the spike counts
 *      and final state of 1 and 2 threads are compared byte for byte.
 *  (b) y = spikes @ W, W a 40,000 × 40,000 CSR with p = 0.02, 1 % active, the spikes listed by
 *      the loop that computes them (a compiled runner, as in bench/wasm.ts): cpu, wasm on 1
 *      thread and on 2 threads, ms per product.
 *  (c) y = spikes @ J, J just-in-time scalar connectivity 10^6 × 10^6 with p = 10^-4 (rows:
 *      the active rows are regenerated), 1 % active, the same runner: cpu against wasm, ms per
 *      product. Nothing of J is stored.
 *  (d) a compiled step drawing normal noise and Poisson counts for 100,000 neurons: cpu, wasm
 *      on 1 and 2 threads, ms per step.
 *
 * Cases run interleaved, round by round (harness.ts); figures are medians.
 */
import * as ef from '../src/index.js';
import { brette, simulate, type SimulationResult } from '../src/models/index.js';
import { activeBits, randomCsr } from './data.js';
import { fmt, measure, median, ratio, table, timingTable, type Report, type RunConfig } from './harness.js';

type Config = { readonly name: string; readonly backend: string; readonly options: Record<string, unknown> };
const CPU: Config = { name: 'cpu', backend: 'cpu', options: {} };
const WASM1: Config = { name: 'wasm, 1 thread', backend: 'wasm', options: { threads: 1 } };
const WASM2: Config = { name: 'wasm, 2 threads', backend: 'wasm', options: { threads: 2 } };
const WASM32: Config = { name: "wasm, 1 thread, precision 'float32'", backend: 'wasm', options: { threads: 1, precision: 'float32' } };
const use = (c: Config): void => void ef.setBackend(c.backend, c.options);

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

async function coba(cfg: RunConfig, big: boolean): Promise<Report> {
  const [neurons, steps] = cfg.quick ? [2000, 100] : big ? [40_000, 1000] : [4000, 10_000];
  const warm = Math.max(1, steps / 5);
  const reps = cfg.quick ? 1 : 7;
  const configs = big ? [CPU, WASM1, WASM2] : [CPU, WASM1, WASM32];
  const nets = configs.map((c) => {
    use(c);
    return brette({ model: 'coba', neurons, conn: 'csr', seed: 1 });
  });
  const sim = async (i: number): Promise<SimulationResult> => {
    use(configs[i]!);
    // Untimed steps first, on every config alike: a core left idle through the other configs'
    // samples takes a while to come back (measured: the first 2-thread sample after them ran
    // 1.2-1.3x slower than the rest), and a long simulation runs on awake cores.
    await simulate(nets[i]!, { steps: warm, chunk: warm });
    return simulate(nets[i]!, { steps, chunk: steps });
  };
  for (let i = 0; i < configs.length; i++) await sim(i); // untimed: trace, compile, warm up
  const us = configs.map(() => [] as number[]);
  let last: SimulationResult[] = [];
  for (let r = 0; r < reps; r++) {
    last = [];
    for (let i = 0; i < configs.length; i++) {
      const res = await sim(i);
      us[i]!.push((res.wallMs * 1e3) / steps);
      last.push(res);
    }
    cfg.log(`  round ${r + 1}/${reps}: ${configs.map((c, i) => `${c.name} ${fmt(us[i]!.at(-1)!)}`).join(', ')} µs/step`);
  }
  const keys = Object.keys(last[1]!.finalState).sort();
  use(configs[1]!);
  const one = keys.map((k) => last[1]!.finalState[k]!.dataSync());
  use(configs[2]!);
  const same = keys.every((k, i) => sameBytes(last[2]!.finalState[k]!.dataSync(), one[i]!)) && sameBytes(last[1]!.spikesPerStep, last[2]!.spikesPerStep);
  const med = us.map(median);
  const markdown = [
    `COBA, N = ${neurons.toLocaleString('en-US')}, CSR, seed 1, ${steps} steps; one sample = \`simulate(net, { steps: ${steps}, chunk: ${steps} })\` right after an untimed one of ${warm} steps, µs per step, ${reps} interleaved rounds after an untimed one, medians.`,
    '',
    table(['case', 'µs/step median', 'speed-up over wasm, 1 thread', 'spikes'], configs.map((c, i) => [c.name, fmt(med[i]!), ratio(med[1]! / med[i]!), last[i]!.spikeCount.toLocaleString('en-US')])),
    '',
    big
      ? `1 and 2 threads: spike counts per step and final state ${same ? 'identical byte for byte' : '**different**'}.`
      : `float32 lanes against float64 lanes: spikes ${last[2]!.spikeCount} and ${last[1]!.spikeCount} (the network is chaotic: each op rounded to float32 gives other spikes at about the same rate).`,
  ].join('\n');
  return { title: big ? `COBA ${neurons.toLocaleString('en-US')}: wasm on 1 and 2 threads` : `COBA ${neurons.toLocaleString('en-US')}: wasm in float64 and float32 lanes`, markdown };
}

async function csrThreads(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 4000 : 40_000;
  const m = randomCsr(n, n, 0.02, 1000 + n, { weights: [0.5, 1.5] });
  const W = ef.csr({ indptr: m.indptr, indices: m.indices, data: m.data!, shape: [n, n] }, 'nS');
  const v = Float32Array.from(activeBits(n, Math.round(0.01 * n), 4242));
  const K = cfg.quick ? 4 : 20;
  const configs = [CPU, WASM1, WASM2];
  const runners = configs.map((c) => {
    use(c);
    return ef.compile((s) => ({ v: s.v!, y: ef.matmul(s.v!.greater(ef.scalar(0.5)), W) }));
  });
  const init = { v: ef.array(v), y: ef.zeros([n], 'nS') };
  const cases = configs.map((c, i) => ({
    name: `runner, spikes listed by the loop: ${c.name}`,
    per: K,
    fn: async (): Promise<Float32Array> => {
      use(c);
      const out = await runners[i]!.run(init, { steps: K, progressEvery: K });
      return out.state.y!.dataSync() as Float32Array;
    },
  }));
  const ms = await measure(cases, { warmup: 2, reps: cfg.quick ? 2 : 9 });
  const same = ms.every((x) => sameBytes(x.last as Float32Array, ms[0]!.last as Float32Array));
  const markdown = [
    `y = spikes @ W, W a ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} CSR, p = 0.02, 1 % active, the spikes listed by the loop that computes them; one sample = \`run(init, { steps: ${K} })\` / ${K}, ms per product, ${ms[0]!.reps} interleaved rounds, medians.`,
    '',
    timingTable(ms, 'ms'),
    '',
    `wasm 2 threads / 1 thread: ${ratio(ms[2]!.median / ms[1]!.median)}; outputs ${same ? 'identical byte for byte' : '**different**'}.`,
  ].join('\n');
  return { title: `Event product on threads, ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} CSR`, markdown };
}

async function jitc(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 20_000 : 1_000_000;
  const prob = cfg.quick ? 5e-3 : 1e-4;
  const K = cfg.quick ? 2 : 5;
  const v = Float32Array.from(activeBits(n, Math.round(0.01 * n), 77));
  const configs = [CPU, WASM1];
  const runners = configs.map((c) => {
    use(c);
    const J = ef.jitc.scalar({ shape: [n, n], prob, weight: 0.5, seed: 11 }, 'nS');
    return ef.compile((s) => ({ v: s.v!, y: ef.matmul(s.v!.greater(ef.scalar(0.5)), J) }));
  });
  const init = { v: ef.array(v), y: ef.zeros([n], 'nS') };
  const cases = configs.map((c, i) => ({
    name: `runner, JIT rows of the listed spikes: ${c.name}`,
    per: K,
    fn: async (): Promise<Float32Array> => {
      use(c);
      const out = await runners[i]!.run(init, { steps: K, progressEvery: K });
      return out.state.y!.dataSync() as Float32Array;
    },
  }));
  const ms = await measure(cases, { warmup: 1, reps: cfg.quick ? 2 : 7 });
  const same = sameBytes(ms[0]!.last as Float32Array, ms[1]!.last as Float32Array);
  const markdown = [
    `y = spikes @ J, J \`ef.jitc.scalar\` ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')}, p = ${prob} (about ${Math.round(n * prob)} connections per row, regenerated, never stored), 1 % active; one sample = \`run(init, { steps: ${K} })\` / ${K}, ms per product, ${ms[0]!.reps} interleaved rounds, medians.`,
    '',
    timingTable(ms, 'ms'),
    '',
    `wasm / cpu: ${ratio(ms[1]!.median / ms[0]!.median)}; outputs ${same ? 'identical byte for byte' : '**different**'}.`,
  ].join('\n');
  return { title: `JIT connectivity event product, ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')}`, markdown };
}

/**
 * Random inputs inside a step: each step draws normal noise and Poisson counts for every
 * neuron (keyed by the step's t) and integrates them, as a noisy leaky membrane would.
 */
async function randomInputs(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 10_000 : 100_000;
  const K = cfg.quick ? 5 : 50;
  const configs = [CPU, WASM1, WASM2];
  const step: ef.StepFn = (s, _inputs, t) => {
    const noise = ef.random.normal([n], { seed: 1, counter: t, mean: 0, std: 0.5 });
    const counts = ef.random.poisson(0.3, { seed: 2, counter: t, shape: [n] }).astype('float32');
    return { state: { v: s.v!.mul(0.95).add(noise).add(counts) } };
  };
  const runners = configs.map((c) => {
    use(c);
    return ef.compile(step);
  });
  const init = { v: ef.zeros([n]) };
  const cases = configs.map((c, i) => ({
    name: `${c.name}`,
    per: K,
    fn: async (): Promise<Float32Array> => {
      use(c);
      const out = await runners[i]!.run(init, { steps: K, progressEvery: K });
      return out.state.v!.dataSync() as Float32Array;
    },
  }));
  const ms = await measure(cases, { warmup: 1, reps: cfg.quick ? 2 : 7 });
  const same = sameBytes(ms[0]!.last as Float32Array, ms[1]!.last as Float32Array) && sameBytes(ms[0]!.last as Float32Array, ms[2]!.last as Float32Array);
  use(WASM1);
  const how = runners[1]!.explain().split('\n').find((l) => l.startsWith('// stage')) ?? '';
  const markdown = [
    `A compiled step over ${n.toLocaleString('en-US')} neurons drawing \`ef.random.normal\` noise and \`ef.random.poisson\` counts (λ = 0.3) with its t, fused into v ← 0.95·v + noise + counts; one sample = \`run(init, { steps: ${K} })\` / ${K}, ms per step, ${ms[0]!.reps} interleaved rounds, medians. On wasm the step is one loop: \`${how.replace('// ', '')}\`.`,
    '',
    timingTable(ms, 'ms'),
    '',
    `wasm 1 thread / cpu: ${ratio(ms[1]!.median / ms[0]!.median)}; 2 threads / 1 thread: ${ratio(ms[2]!.median / ms[1]!.median)}; the three final states ${same ? 'identical byte for byte' : '**different**'}.`,
  ].join('\n');
  return { title: `Random inputs in a step, ${n.toLocaleString('en-US')} neurons`, markdown };
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  const before = ef.getBackend();
  try {
    return [await coba(cfg, false), await coba(cfg, true), await csrThreads(cfg), await jitc(cfg), await randomInputs(cfg)];
  } finally {
    ef.setBackend(before);
  }
}
