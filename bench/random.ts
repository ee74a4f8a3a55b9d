/**
 * Random draws inside compiled steps (cpu backend), side by side in one process:
 *
 *  (a) Poisson events of 10^6 sources at 5 Hz, dt 0.1 ms (500 expected spikes per step):
 *      `ef.random.poissonEvents` (geometric skips, O(spikes)) against one Bernoulli draw per
 *      source (`ef.random.bernoulli(rate·dt)`, O(n)), each (1) feeding `ef.matmul(events, W)`
 *      into a small state (W: a 10^6 × 100 CSR, one synapse per source) and (2) drawn alone
 *      and recorded as an event list. Draws per step are counted by walking the same gaps.
 *  (b) The summed input of 10,000 sources at 5 Hz onto each of 1,000 targets:
 *      `ef.poissonInput` (one binomial per target) against 10^7 Bernoulli draws summed per
 *      target, and against `poissonEvents` of 10^7 sources through a CSR of fan-in 10,000
 *      (source s onto target ⌊s / 10,000⌋).
 *  (c) Throughput of uniform and normal draws in a fused elementwise loop (x ← 0.5·x + draw,
 *      10^6 elements), beside the same loop without a draw, and plain JS loops with
 *      Math.random as a reference point.
 *
 * Each timed call is `runner.run(init, { steps: K, progressEvery: K })`, divided by K; K is
 * chosen so that one call lasts about 50 ms. Cases of one table run interleaved (harness.ts).
 */
import * as ef from '../src/index.js';
import { POISSON_BLOCK } from '../src/ir/primitives/poisson-events.js';
import { gapTable, walkLine } from '../src/rng/gaps.js';
import { fmt, measure, ratio, table, timingTable, type Measurement, type Report, type RunConfig } from './harness.js';
import { performance } from 'node:perf_hooks';

const DT_MS = 0.1;

interface StepCase {
  readonly name: string;
  readonly runner: ef.Runner;
  readonly init: ef.ArrayRecord;
  /** Random numbers drawn per step (counted or exact). */
  readonly draws: number;
  /** At most this many steps per call (a recorded [steps, n] array must stay under 2^31 elements, lists or not). */
  readonly most?: number;
  steps: number;
}

const call = (c: StepCase, steps: number): Promise<ef.RunResult> => c.runner.run(c.init, { steps, progressEvery: Math.max(1, steps) });

/** Steps per call so that one call lasts about `targetMs` (the fastest of three timings at the last k). */
async function calibrate(c: StepCase, targetMs: number, most = 1 << 14): Promise<number> {
  most = Math.min(most, 1 << 14);
  await call(c, 1); // traces and compiles
  for (let k = 1; ; k = Math.min(2 * k, most)) {
    const once = async (): Promise<number> => {
      const t0 = performance.now();
      await call(c, k);
      return performance.now() - t0;
    };
    let ms = await once();
    if (ms < targetMs / 2 && k < most) continue;
    ms = Math.min(ms, await once(), await once());
    return Math.max(1, Math.min(most, Math.round((k * targetMs) / Math.max(ms, 1e-3))));
  }
}

/** Time the cases interleaved; figures are µs per step. */
async function timeSteps(cfg: RunConfig, cases: StepCase[]): Promise<Measurement[]> {
  const target = cfg.quick ? 5 : 50;
  for (const c of cases) c.steps = await calibrate(c, target, c.most);
  return measure(cases.map((c) => ({ name: c.name, per: c.steps / 1000, fn: () => call(c, c.steps) })), { warmup: 1, reps: cfg.quick ? 3 : 11 });
}

/**
 * Draws per step of poissonEvents over n sources with probability p, averaged over `steps`
 * counters: the gap walk of src/ir/primitives/poisson-events.ts, counting calls of its draw.
 */
function poissonEventDraws(n: number, p: number, steps: number): { draws: number; spikes: number } {
  const table = gapTable(p, POISSON_BLOCK);
  let draws = 0, spikes = 0;
  // The draw values come from a local generator: the count depends only on the gaps' law.
  let s = 12345;
  const next = (): number => {
    draws++;
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  for (let t = 0; t < steps; t++) {
    for (let base = 0; base < n; base += POISSON_BLOCK) walkLine(table, Math.min(POISSON_BLOCK, n - base), next, () => spikes++);
  }
  return { draws: draws / steps, spikes: spikes / steps };
}

/** A CSR with one synapse per source: source s onto target ⌊s / fan⌋ (weight 0.5 mV), or s mod targets. */
function oneSynapsePerSource(n: number, targets: number, grouped: boolean): ef.CSR {
  const fan = Math.ceil(n / targets);
  return ef.csr({
    indptr: Int32Array.from({ length: n + 1 }, (_, i) => i),
    indices: Int32Array.from({ length: n }, (_, s) => (grouped ? Math.floor(s / fan) : s % targets)),
    data: new Float32Array(n).fill(0.5),
    shape: [n, targets],
  }, 'mV');
}

const perStep = (m: Measurement): string => fmt(m.median, 3);

// ------------------------------------------------------------ (a) Poisson events vs Bernoulli

async function benchEvents(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 20_000 : 1_000_000;
  const rateHz = 5;
  const p = rateHz * DT_MS * 1e-3;
  const rate = ef.scalar(rateHz, 'Hz');
  const dt = ef.scalar(DT_MS, 'ms');
  const W = oneSynapsePerSource(n, 100, false);
  const y0 = { y: ef.zeros([100], 'mV') };
  const events = (t: ef.LazyArray): ef.BinaryArray => ef.random.poissonEvents(rate, dt, { seed: 1, counter: t, shape: [n] });
  const flags = (t: ef.LazyArray): ef.LazyArray => ef.random.bernoulli(p, { seed: 1, counter: t, shape: [n] });
  const counted = poissonEventDraws(n, p, 200);
  const most = Math.floor((2 ** 31 - 1) / n);
  cfg.log(`  (a) ${n} sources: poissonEvents draws ${fmt(counted.draws, 4)} per step for ${fmt(counted.spikes, 4)} spikes (200 steps counted)`);
  const cases: StepCase[] = [
    { name: 'poissonEvents → matmul(events, W) → y', runner: ef.compile((s, _i, t) => ({ y: s.y!.mul(0.5).add(ef.matmul(events(t), W)) })), init: y0, draws: counted.draws, steps: 1 },
    { name: 'bernoulli(rate·dt) → matmul(binary, W) → y', runner: ef.compile((s, _i, t) => ({ y: s.y!.mul(0.5).add(ef.matmul(ef.binary(flags(t)), W)) })), init: y0, draws: n, steps: 1 },
    { name: 'poissonEvents alone, recorded as a list', runner: ef.compile((s, _i, t) => ({ state: s, record: { e: events(t) } })), init: y0, draws: counted.draws, most, steps: 1 },
    { name: 'bernoulli alone, recorded as a list', runner: ef.compile((s, _i, t) => ({ state: s, record: { e: ef.binary(flags(t)) } })), init: y0, draws: n, most, steps: 1 },
  ];
  // Sanity: both draw about n·p spikes per step (they are different streams, not the same spikes).
  for (const c of cases.slice(2)) {
    const out = await call(c, 50);
    const got = (out.records.e as ef.BinaryArray).eventList().indices.length / 50;
    if (Math.abs(got - n * p) > 6 * Math.sqrt((n * p) / 50)) throw new Error(`random bench: '${c.name}' drew ${got} spikes per step, expected ${n * p}`);
  }
  const ms = await timeSteps(cfg, cases);
  const ev = ms[0]!, be = ms[1]!, evAlone = ms[2]!, beAlone = ms[3]!;
  return {
    title: `Poisson events: ${n.toLocaleString('en-US')} sources at ${rateHz} Hz, dt ${DT_MS} ms (${fmt(n * p, 3)} spikes per step expected)`,
    markdown: [
      timingTable(ms, 'µs/step', {
        headers: ['steps/sample', 'draws per step'],
        cells: (m) => {
          const c = cases[ms.indexOf(m)]!;
          return [String(c.steps), c.draws === n ? n.toLocaleString('en-US') : `${fmt(c.draws, 4)} (counted)`];
        },
      }),
      '',
      table(['comparison (medians)', 'time ratio', 'draw ratio'], [
        ['bernoulli / poissonEvents, with the product', ratio(be.median / ev.median), ratio(n / counted.draws)],
        ['bernoulli / poissonEvents, drawn alone', ratio(beAlone.median / evAlone.median), ratio(n / counted.draws)],
      ]),
      '',
      `W: ${n.toLocaleString('en-US')} × 100 CSR, one synapse per source. poissonEvents draws one number per gap (≈ n·p) plus one that ends each block of ${POISSON_BLOCK} sources (${Math.ceil(n / POISSON_BLOCK)} blocks), counted by walking the same gap tables; bernoulli draws one per source.`,
    ].join('\n'),
  };
}

// ------------------------------------------------------------ (b) PoissonInput

async function benchPoissonInput(cfg: RunConfig): Promise<Report> {
  const targets = cfg.quick ? 100 : 1000;
  const sources = cfg.quick ? 1000 : 10_000;
  const rateHz = 5;
  const p = rateHz * DT_MS * 1e-3;
  const rate = ef.scalar(rateHz, 'Hz');
  const dt = ef.scalar(DT_MS, 'ms');
  const w = ef.scalar(0.5, 'mV'); // = wMv below
  const total = targets * sources;
  const g0 = { g: ef.zeros([targets], 'mV') };
  cfg.log(`  (b) building a ${total.toLocaleString('en-US')} × ${targets} CSR (fan-in ${sources})`);
  const W = oneSynapsePerSource(total, targets, true);
  const counted = poissonEventDraws(total, p, 20);
  const cases: StepCase[] = [
    {
      name: 'poissonInput (one binomial per target)',
      runner: ef.compile((s, _i, t) => ({ g: s.g!.mul(0.5).add(ef.poissonInput(targets, { sources, rate, dt, weight: w, seed: 2, counter: t })) })),
      init: g0, draws: targets, steps: 1,
    },
    {
      name: `bernoulli [${targets} × ${sources}] summed per target`,
      runner: ef.compile((s, _i, t) => ({ g: s.g!.mul(0.5).add(ef.random.bernoulli(p, { seed: 2, counter: t, shape: [targets, sources] }).sum(1).mul(w)) })),
      init: g0, draws: total, steps: 1,
    },
    {
      name: `poissonEvents of ${total.toLocaleString('en-US')} sources → matmul(events, CSR fan-in ${sources})`,
      runner: ef.compile((s, _i, t) => ({ g: s.g!.mul(0.5).add(ef.matmul(ef.random.poissonEvents(rate, dt, { seed: 2, counter: t, shape: [total] }), W)) })),
      init: g0, draws: counted.draws, steps: 1,
    },
  ];
  // Sanity: g ← 0.5·g + drive settles at a mean of 2·sources·p·w per target in each case.
  const wMv = 0.5;
  const want = 2 * sources * p * wMv;
  const tol = 6 * Math.sqrt((sources * p * wMv * wMv) / 0.75 / targets);
  for (const c of cases) {
    const g = (await call(c, 20)).state.g!.dataSync();
    const mean = g.reduce((a, b) => a + b, 0) / targets;
    if (Math.abs(mean - want) > tol) throw new Error(`random bench: '${c.name}' settles at ${mean} mV per target, expected ${want} ± ${tol}`);
  }
  const ms = await timeSteps(cfg, cases);
  const pi = ms[0]!, be = ms[1]!, ev = ms[2]!;
  return {
    title: `PoissonInput: ${targets.toLocaleString('en-US')} targets × ${sources.toLocaleString('en-US')} sources at ${rateHz} Hz, dt ${DT_MS} ms (${fmt(sources * p, 3)} input spikes per target per step expected)`,
    markdown: [
      timingTable(ms, 'µs/step', {
        headers: ['steps/sample', 'draws per step'],
        cells: (m) => {
          const c = cases[ms.indexOf(m)]!;
          return [String(c.steps), c === cases[2] ? `${fmt(c.draws, 4)} (counted)` : c.draws.toLocaleString('en-US')];
        },
      }),
      '',
      table(['comparison (medians)', 'time ratio'], [
        ['bernoulli summed / poissonInput', ratio(be.median / pi.median)],
        ['poissonEvents through the CSR / poissonInput', ratio(ev.median / pi.median)],
      ]),
      '',
      `poissonInput draws one binomial per target (inversion, n·p = ${fmt(sources * p, 3)}: one 24-bit draw and a few CDF steps); the summed Bernoulli draws every source; poissonEvents walks gaps (≈ ${fmt(total * p, 3)} spikes + one per block) and scatters each spike's one synapse.`,
    ].join('\n'),
  };
}

// ------------------------------------------------------------ (c) throughput

async function benchThroughput(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 10_000 : 1_000_000;
  const x0 = { x: ef.zeros([n], 'mV') };
  const cases: StepCase[] = [
    { name: 'x ← 0.5·x + 1 mV (no draw: the loop alone)', runner: ef.compile((s) => ({ x: s.x!.mul(0.5).add(ef.scalar(1, 'mV')) })), init: x0, draws: 0, steps: 1 },
    { name: 'x ← 0.5·x + uniform (float32)', runner: ef.compile((s, _i, t) => ({ x: s.x!.mul(0.5).add(ef.random.uniform([n], { seed: 3, counter: t }, 'mV')) })), init: x0, draws: n, steps: 1 },
    { name: 'x ← 0.5·x + normal (float32, Box–Muller)', runner: ef.compile((s, _i, t) => ({ x: s.x!.mul(0.5).add(ef.random.normal([n], { seed: 3, counter: t }, 'mV')) })), init: x0, draws: 2 * n, steps: 1 },
  ];
  const ms = await timeSteps(cfg, cases);
  // Plain JS reference points, timed the same way (per pass over n elements).
  const buf = new Float32Array(n);
  const plain = await measure([
    { name: 'plain JS: x[i] = 0.5·x[i] + 1', per: 1 / 1000, fn: () => { for (let i = 0; i < n; i++) buf[i] = 0.5 * buf[i]! + 1; } },
    { name: 'plain JS: x[i] = 0.5·x[i] + Math.random()', per: 1 / 1000, fn: () => { for (let i = 0; i < n; i++) buf[i] = 0.5 * buf[i]! + Math.random(); } },
    {
      name: 'plain JS: x[i] = 0.5·x[i] + Box–Muller(Math.random())', per: 1 / 1000,
      fn: () => { for (let i = 0; i < n; i++) buf[i] = 0.5 * buf[i]! + Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random()); },
    },
  ], { warmup: 2, reps: cfg.quick ? 3 : 11 });
  const all = [...ms, ...plain];
  const base = ms[0]!.median, basePlain = plain[0]!.median;
  const ns = (m: Measurement): number => (m.median * 1e3) / n; // µs per pass → ns per element
  return {
    title: `Throughput: ${n.toLocaleString('en-US')} elements per step, fused into one loop`,
    markdown: [
      timingTable(all, 'µs/pass', {
        headers: ['ns/element', 'ns/element over the loop alone'],
        cells: (m) => {
          const k = all.indexOf(m);
          const b = k < ms.length ? base : basePlain;
          return [fmt(ns(m), 3), k === 0 || k === ms.length ? '—' : fmt(((m.median - b) * 1e3) / n, 3)];
        },
      }),
      '',
      'The eventfuse rows are steps of a compiled runner (one pass each); the plain JS rows are loops over a Float32Array, Math.random as a reference point only (not counter-based: it cannot be replayed per step or matched on another backend). A uniform element is one 24-bit counter-based draw (5 mixing rounds); a normal element two, plus log, sqrt and cos.',
    ].join('\n'),
  };
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  ef.setBackend('cpu');
  const out: Report[] = [];
  cfg.log('  (a) Poisson events vs Bernoulli draws');
  out.push(await benchEvents(cfg));
  cfg.log('  (b) PoissonInput');
  out.push(await benchPoissonInput(cfg));
  cfg.log('  (c) uniform/normal throughput');
  out.push(await benchThroughput(cfg));
  return out;
}
