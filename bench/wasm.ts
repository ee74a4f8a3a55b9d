/**
 * The wasm backend against the cpu backend, side by side in one process (bench/WASM-NOTES.md).
 *
 *  (a) COBA, N = 4,000, CSR, seed 1, dt 0.1 ms, 10,000 steps (1 s of biological time): one
 *      timed call is `simulate(net, { steps, chunk: steps })` (what `eventfuse coba` runs: the
 *      compiled step, its spike lists and the per-step counts), µs per step, on backend cpu
 *      and on backend wasm (each its own network, built under its backend, so each runner is
 *      traced once and stays compiled). Beside them, the same network's hand-written loop in
 *      this process (bench/hand.ts) and ../shared/perf/coba-hand.mjs, the hand-written
 *      yardstick, run as its own process (`node coba-hand.mjs 4000 <seconds> 1`; it prints its
 *      step loop's wall time). That script draws its own network with its own generator, so
 *      its spike count is not comparable; where the file is absent (a CI clone) its row is
 *      skipped with a note. Spike counts of cpu and wasm are printed, and the final state
 *      (v, ge, gi, ref) of the two is compared byte for byte.
 *  (b) An event product y = spikes @ W, W a 40,000 × 40,000 CSR with p = 0.02 (32 million
 *      entries, float32 weights), 1 % of the inputs active, ms per product, cpu against wasm,
 *      three ways:
 *        - a compiled runner whose step is the product of its bool state x (as bench/events.ts
 *          does): the kernel scans x for active entries (x is a step input, so no index list);
 *        - a compiled runner whose step computes the spikes, `v > 0.5`, and multiplies: the
 *          loop that computes them lists them, and the product walks that list (as in a
 *          network step);
 *        - eager: `ef.matmul(x, W).dataSync()` with x a fresh `ef.binary(bits)` each call (made
 *          untimed, so nothing is memoized): building the node, planning, the kernel-cache
 *          lookup, the copies in and out and the product; `ef.binary(bits)` alone, which costs
 *          more than the product, has a row of its own.
 *      The outputs of cpu and wasm are compared byte for byte.
 *
 * Cases of one table run interleaved, round by round (harness.ts), so a noisy moment on the
 * shared machine hits them alike; figures are medians.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as ef from '../src/index.js';
import { brette, simulate, type Network, type SimulationResult } from '../src/models/index.js';
import { activeBits, randomCsr } from './data.js';
import { handLoop } from './hand.js';
import { fmt, measure, median, ratio, table, timingTable, type Report, type RunConfig } from './harness.js';

const DT_MS = 0.1;
/** The hand-written yardstick, beside the checkout (not part of the repository). */
const COBA_HAND = fileURLToPath(new URL('../../shared/perf/coba-hand.mjs', import.meta.url));

/** Byte-for-byte equality of two typed arrays' contents. */
function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const range = (xs: readonly number[]): string => `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;

interface HandProcess { readonly usPerStep: number; readonly spikes: number; readonly steps: number }

/** One run of ../shared/perf/coba-hand.mjs in its own process. */
function cobaHandProcess(neurons: number, seconds: number): HandProcess {
  const r = spawnSync(process.execPath, [COBA_HAND, String(neurons), String(seconds), '1'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`coba-hand.mjs exited with ${r.status}: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { us_per_step: number; spikes: number; steps: number };
  return { usPerStep: j.us_per_step, spikes: j.spikes, steps: j.steps };
}

async function coba(cfg: RunConfig): Promise<Report> {
  const [neurons, steps] = cfg.quick ? [400, 200] : [4000, 10_000];
  const reps = cfg.quick ? 1 : 7;
  const seconds = (steps * DT_MS) / 1e3;
  const nets = new Map<'cpu' | 'wasm', Network>();
  for (const b of ['cpu', 'wasm'] as const) {
    ef.setBackend(b);
    nets.set(b, brette({ model: 'coba', neurons, conn: 'csr', seed: 1 }));
  }
  const sim = async (b: 'cpu' | 'wasm'): Promise<SimulationResult> => {
    ef.setBackend(b);
    return simulate(nets.get(b)!, { steps, chunk: steps });
  };
  const hand = handLoop(nets.get('cpu')!);
  const withProcess = existsSync(COBA_HAND);

  // Untimed round: traces and compiles both runners, lets V8 optimize every loop.
  await sim('cpu');
  await sim('wasm');
  hand(steps);

  const us = { cpu: [] as number[], wasm: [] as number[], hand: [] as number[], proc: [] as number[], ratio: [] as number[] };
  let last: { cpu: SimulationResult; wasm: SimulationResult; hand: number; proc?: HandProcess } | undefined;
  for (let r = 0; r < reps; r++) {
    const c = await sim('cpu');
    const w = await sim('wasm');
    const h = hand(steps);
    const p = withProcess ? cobaHandProcess(neurons, seconds) : undefined;
    us.cpu.push((c.wallMs * 1e3) / steps);
    us.wasm.push((w.wallMs * 1e3) / steps);
    us.hand.push((h.wallMs * 1e3) / steps);
    us.ratio.push(w.wallMs / c.wallMs);
    if (p) us.proc.push(p.usPerStep);
    last = { cpu: c, wasm: w, hand: h.spikes, ...(p ? { proc: p } : {}) };
    cfg.log(`  round ${r + 1}/${reps}: cpu ${fmt(us.cpu.at(-1)!)} µs/step, wasm ${fmt(us.wasm.at(-1)!)}, hand ${fmt(us.hand.at(-1)!)}${p ? `, coba-hand.mjs ${fmt(p.usPerStep)}` : ''}; spikes cpu ${c.spikeCount}, wasm ${w.spikeCount}`);
  }
  const { cpu, wasm } = last!;
  const stateKeys = Object.keys(cpu.finalState).sort();
  ef.setBackend('cpu');
  const cpuState = stateKeys.map((k) => cpu.finalState[k]!.dataSync());
  ef.setBackend('wasm');
  const sameState = stateKeys.every((k, i) => sameBytes(wasm.finalState[k]!.dataSync(), cpuState[i]!));
  const sameSpikes = cpu.spikeCount === wasm.spikeCount && sameBytes(cpu.spikesPerStep, wasm.spikesPerStep);

  const cpuMed = median(us.cpu);
  const rows: string[][] = [
    ['backend cpu: `simulate`', range(us.cpu), '1', cpu.spikeCount.toLocaleString('en-US')],
    ['backend wasm: `simulate`', range(us.wasm), `${fmt(median(us.ratio))} (per-round median; ${fmt(median(us.wasm) / cpuMed)} of the medians)`, wasm.spikeCount.toLocaleString('en-US')],
    ['hand-written loop, same network, this process (bench/hand.ts)', range(us.hand), fmt(median(us.hand) / cpuMed), last!.hand.toLocaleString('en-US')],
    withProcess
      ? ['../shared/perf/coba-hand.mjs, own network, own process', range(us.proc), fmt(median(us.proc) / cpuMed), `${last!.proc!.spikes.toLocaleString('en-US')} (another network)`]
      : ['../shared/perf/coba-hand.mjs', 'skipped: the file is not beside this checkout', '', ''],
  ];
  const markdown = [
    `COBA (src/models/brette.ts), N = ${neurons.toLocaleString('en-US')}, CSR, seed 1, dt ${DT_MS} ms, ${steps.toLocaleString('en-US')} steps ` +
      `(${fmt(seconds, 3)} s simulated). One sample = \`simulate(net, { steps: ${steps}, chunk: ${steps} })\` (compiled step, spike lists, per-step counts; ` +
      'the runner was traced and compiled in an untimed round first), µs per step; ' +
      `${reps} interleaved round${reps === 1 ? '' : 's'}, medians (min–max). The hand rows time their step loops only.`,
    '',
    table(['case', 'µs/step median (min–max)', '/ cpu', 'spikes'], rows),
    '',
    `cpu and wasm: spike counts ${cpu.spikeCount} and ${wasm.spikeCount}, per-step counts ${sameSpikes ? 'identical' : '**different**'}, ` +
      `final state (${stateKeys.join(', ')}) ${sameState ? 'identical byte for byte' : '**different**'}.`,
  ].join('\n');
  if (!sameSpikes || !sameState) cfg.log('  WARNING: cpu and wasm differ on COBA (they should be bit-identical)');
  return { title: 'COBA step: cpu, wasm and hand-written loops', markdown };
}

async function product(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 4000 : 40_000;
  const p = 0.02;
  const active = Math.round(0.01 * n);
  cfg.log(`  N = ${n}: building the CSR matrix`);
  const t0 = performance.now();
  const m = randomCsr(n, n, p, 1000 + n, { weights: [0.5, 1.5] });
  const nnz = m.indptr[n]!;
  const W = ef.csr({ indptr: m.indptr, indices: m.indices, data: m.data!, shape: [n, n] }, 'nS');
  const buildS = (performance.now() - t0) / 1e3;
  cfg.log(`  N = ${n}: ${nnz.toLocaleString('en-US')} nonzeros, built in ${buildS.toFixed(1)} s (not timed)`);
  const bits = activeBits(n, active, 4242);
  const v = Float32Array.from(bits);
  const y0 = ef.zeros([n], 'nS');
  const K = cfg.quick ? 4 : 20; // products per runner call

  type B = 'cpu' | 'wasm';
  const scan = new Map<B, ef.Runner>();
  const list = new Map<B, ef.Runner>();
  for (const b of ['cpu', 'wasm'] as const) {
    ef.setBackend(b);
    scan.set(b, ef.compile((s) => ({ x: s.x!, y: ef.matmul(ef.binary(s.x!), W) })));
    list.set(b, ef.compile((s) => ({ v: s.v!, y: ef.matmul(s.v!.greater(ef.scalar(0.5)), W) })));
  }
  const scanInit = { x: ef.binary(bits), y: y0 };
  const listInit = { v: ef.array(v), y: y0 };
  const runCall = (b: B, which: 'scan' | 'list') => async (): Promise<Float32Array> => {
    ef.setBackend(b);
    const r = which === 'scan' ? scan.get(b)! : list.get(b)!;
    const out = await r.run(which === 'scan' ? scanInit : listInit, { steps: K, progressEvery: K });
    return out.state.y!.dataSync() as Float32Array;
  };
  // A fresh event array per call (nothing memoized), made untimed in setup: ef.binary of
  // 40,000 bytes costs milliseconds of its own, timed in a row of its own.
  const eagerCase = (b: B) => ({
    name: `eager \`ef.matmul(x, W).dataSync()\`, x a fresh \`ef.binary(bits)\`: ${b}`,
    setup: () => ef.binary(bits),
    fn: (x: ef.BinaryArray): Float32Array => {
      ef.setBackend(b);
      return ef.matmul(x, W).dataSync() as Float32Array;
    },
  });
  const cases = [
    { name: 'runner, x a bool state (kernel scans x): cpu', fn: runCall('cpu', 'scan'), per: K },
    { name: 'runner, x a bool state (kernel scans x): wasm', fn: runCall('wasm', 'scan'), per: K },
    { name: 'runner, spikes = v > 0.5 listed by the loop: cpu', fn: runCall('cpu', 'list'), per: K },
    { name: 'runner, spikes = v > 0.5 listed by the loop: wasm', fn: runCall('wasm', 'list'), per: K },
    eagerCase('cpu'),
    eagerCase('wasm'),
    { name: 'for scale: `ef.binary(bits)` alone (no backend work)', fn: () => ef.binary(bits) },
  ];
  const ms = await measure(cases, { warmup: 2, reps: cfg.quick ? 2 : 9 });
  const outs = ms.slice(0, 6).map((x) => x.last as Float32Array);
  const same = [0, 2, 4].map((i) => sameBytes(outs[i]!, outs[i + 1]!));
  const allSame = outs.every((o) => sameBytes(o, outs[0]!));
  const wasmOverCpu = [0, 2, 4].map((i) => ms[i + 1]!.median / ms[i]!.median);
  const markdown = [
    `y = spikes @ W, W a ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} CSR, p = ${p} (${nnz.toLocaleString('en-US')} entries, float32 weights in nS; ` +
      `drawn in ${buildS.toFixed(1)} s, not timed), ${active.toLocaleString('en-US')} inputs active (1 %), so about ${Math.round((active * nnz) / n).toLocaleString('en-US')} additions per product. ` +
      `Runner rows: one sample = \`run(init, { steps: ${K} })\` divided by ${K}; eager rows: one call, the fresh event array x made untimed before it. ` +
      `Milliseconds per product; ${ms[0]!.reps} interleaved rounds after 2 warm-up rounds, medians.`,
    '',
    timingTable(ms, 'ms'),
    '',
    table(['comparison (medians)', 'wasm / cpu', 'outputs equal'], [
      ['runner, scan of x', ratio(wasmOverCpu[0]!), same[0] ? 'byte for byte' : '**no**'],
      ['runner, loop-built list', ratio(wasmOverCpu[1]!), same[1] ? 'byte for byte' : '**no**'],
      ['eager', ratio(wasmOverCpu[2]!), same[2] ? 'byte for byte' : '**no**'],
    ]),
    '',
    `All six outputs ${allSame ? 'are identical' : '**differ**'}.`,
  ].join('\n');
  return { title: `Event product, ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} CSR, 1 % active: cpu and wasm`, markdown };
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  const before = ef.getBackend();
  try {
    return [await coba(cfg), await product(cfg)];
  } finally {
    ef.setBackend(before);
  }
}
