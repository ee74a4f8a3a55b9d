/**
 * Event-driven weight updates (`ef.plasticity.onPre` / `onPost`) on a large CSR matrix, against
 * a pass over every stored weight.
 *
 *  N = 40,000 × 40,000, each entry present independently with p = 0.02 (about 32 million
 *  synapses, float32 weights in nS, built directly as typed arrays from a seeded PRNG as in
 *  events.ts), 1% of the neurons active:
 *  - onPre: the active rows' entries, W[i, :] += postTrace, clipped to [0, 2] nS (contiguous
 *    runs of the data: CSR is row-compressed);
 *  - onPost: the active columns' entries, W[:, j] += preTrace, via the cached column view of the
 *    structure and its permutation into the data (scattered writes);
 *  - full pass: a compiled step `w → w·0.999` over all nnz (an elementwise step; not in place,
 *    it reads one state buffer and writes the other), the cheapest thing a step that touches
 *    every weight could do;
 *  - beside each, a hand-written in-place JS loop over the same arrays;
 *  - onPre then onPost in one step (an STDP step): the chain shares one buffer, so it is in
 *    place too (the name says which; PLASTICITY-NOTES.md has a run from before chains were).
 *
 * Each case is a compiled runner whose state is { w: the weights, x: the spikes (passed
 * through) }; the trace is a constant. The onPre and onPost runners must report
 * "state updated in place" for w in runner.explain() (the bench throws otherwise): a step then
 * costs O(active × fan-out), not O(nnz). Timing excludes run()'s fixed cost, which here is
 * large (it copies the 128 MB initial weights in and the final weights out): a call runs 2k
 * steps with `progressEvery: k`, and the time between the progress callbacks after step k and
 * after step 2k is divided by k (one `await setImmediate` falls inside; microseconds).
 * Before timing, one step of each runner is checked against a plain JS update of the same
 * arrays (the same float32 arithmetic, so the check is exact).
 */
import { performance } from 'node:perf_hooks';
import * as ef from '../src/index.js';
import { fmt, ratio, rng, summarize, table, timingTable, type Measurement, type Report, type RunConfig } from './harness.js';
import { activeBits, randomCsr, type CsrArrays } from './data.js';

// ------------------------------------------------------------ data

/** An n × n CSR with per-entry weights (from bench/data.ts). */
interface Csr extends CsrArrays {
  readonly n: number;
  readonly data: Float32Array;
}

/** Each entry present independently with probability p, weights uniform in [lo, hi). */
function randomSquareCsr(n: number, p: number, seed: number, lo: number, hi: number): Csr {
  const m = randomCsr(n, n, p, seed, { weights: [lo, hi] });
  return { ...m, n, data: m.data! };
}

/** The column view (a stable counting sort): entry q of column order is data entry perm[q]. */
function columnView(m: Csr): { ptr: Int32Array; idx: Int32Array; perm: Int32Array } {
  const { n, indptr, indices } = m;
  const nnz = indices.length;
  const ptr = new Int32Array(n + 1);
  for (let p = 0; p < nnz; p++) ptr[indices[p]! + 1]!++;
  for (let j = 0; j < n; j++) ptr[j + 1]! += ptr[j]!;
  const next = ptr.slice(0, n);
  const idx = new Int32Array(nnz);
  const perm = new Int32Array(nnz);
  for (let i = 0; i < n; i++) {
    for (let p = indptr[i]!; p < indptr[i + 1]!; p++) {
      const q = next[indices[p]!]!++;
      idx[q] = i;
      perm[q] = p;
    }
  }
  return { ptr, idx, perm };
}

// ------------------------------------------------------------ hand-written updates (in place)

const W_MIN = 0, W_MAX = 2;

function handOnPre(m: Csr, w: Float32Array, spikes: Uint8Array, trace: Float32Array): void {
  const { indptr, indices } = m;
  for (let a = 0, n = spikes.length; a < n; a++) {
    if (spikes[a] === 0) continue;
    for (let p = indptr[a]!, e = indptr[a + 1]!; p < e; p++) w[p] = Math.min(Math.max(w[p]! + trace[indices[p]!]!, W_MIN), W_MAX);
  }
}

function handOnPost(view: ReturnType<typeof columnView>, w: Float32Array, spikes: Uint8Array, trace: Float32Array): void {
  const { ptr, idx, perm } = view;
  for (let a = 0, n = spikes.length; a < n; a++) {
    if (spikes[a] === 0) continue;
    for (let p = ptr[a]!, e = ptr[a + 1]!; p < e; p++) {
      const q = perm[p]!;
      w[q] = Math.min(Math.max(w[q]! + trace[idx[p]!]!, W_MIN), W_MAX);
    }
  }
}

function handScale(w: Float32Array): void {
  for (let p = 0, n = w.length; p < n; p++) w[p] = w[p]! * 0.999;
}

// ------------------------------------------------------------ timing

interface BenchCase {
  readonly name: string;
  readonly kind: 'event' | 'full' | 'diagnostic';
  /** Synapses updated per step. */
  readonly work: number;
  /** ms per step over k steps (run()'s fixed cost excluded). */
  readonly time: (k: number) => Promise<number>;
  steps: number;
  note: string;
}

/** Time k steps of a runner: 2k steps, clock read at the progress callbacks after step k and 2k. */
function runnerTimer(runner: ef.Runner, init: ef.ArrayRecord): (k: number) => Promise<number> {
  return async (k) => {
    let t0 = NaN, t1 = NaN;
    await runner.run(init, {
      steps: 2 * k,
      progressEvery: k,
      onProgress: (done) => {
        if (done === k) t0 = performance.now();
        else if (done === 2 * k) t1 = performance.now();
      },
    });
    return (t1 - t0) / k;
  };
}

function handTimer(step: (w: Float32Array) => void, w: Float32Array): (k: number) => Promise<number> {
  return async (k) => {
    const t0 = performance.now();
    for (let s = 0; s < k; s++) step(w);
    return (performance.now() - t0) / k;
  };
}

/** Largest |a − b| over all entries. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

const IN_PLACE = /^state updated in place \(one buffer, no copy\): (.*)$/m;

function inPlace(runner: ef.Runner): boolean {
  return (IN_PLACE.exec(runner.explain())?.[1] ?? '').split(', ').includes('w');
}

// ------------------------------------------------------------ entry point

export async function run(cfg: RunConfig): Promise<Report[]> {
  const n = cfg.quick ? 4000 : 40_000;
  const p = 0.02;
  const reps = cfg.quick ? 3 : 7;
  const targetMs = cfg.quick ? 10 : 250;

  cfg.log(`  N = ${n}: building the CSR matrix`);
  let t0 = performance.now();
  const m = randomSquareCsr(n, p, 3000 + n, 0.5, 1.5);
  const nnz = m.indices.length;
  const W = ef.csr({ indptr: m.indptr, indices: m.indices, data: m.data, shape: [n, n] }, 'nS');
  cfg.log(`  ${nnz.toLocaleString('en-US')} nonzeros, built in ${((performance.now() - t0) / 1e3).toFixed(1)} s (not timed)`);
  const active = Math.round(0.01 * n);
  const preBits = activeBits(n, active, 41);
  const postBits = activeBits(n, active, 42);
  const tr = rng(43);
  const postTrace = Float32Array.from({ length: n }, () => -0.002 * tr()); // depression, nS
  const preTrace = Float32Array.from({ length: n }, () => 0.002 * tr()); // potentiation, nS
  const bounds = { wMin: W_MIN, wMax: W_MAX };
  const postTraceArr = ef.array(postTrace, 'nS');
  const preTraceArr = ef.array(preTrace, 'nS');
  const rowWork = (bits: Uint8Array): number => { let s = 0; for (let i = 0; i < n; i++) if (bits[i]) s += m.indptr[i + 1]! - m.indptr[i]!; return s; };
  const preWork = rowWork(preBits);

  const onPreRunner = ef.compile((s) => ({ w: ef.plasticity.onPre(W.withData(s.w!), ef.binary(s.x!), postTraceArr, bounds).data, x: s.x! }));
  const onPostRunner = ef.compile((s) => ({ w: ef.plasticity.onPost(W.withData(s.w!), ef.binary(s.x!), preTraceArr, bounds).data, x: s.x! }));
  const scaleRunner = ef.compile((s) => ({ w: s.w!.mul(0.999) }));
  const stdpRunner = ef.compile((s) => {
    const W1 = ef.plasticity.onPre(W.withData(s.w!), ef.binary(s.x!), postTraceArr, bounds);
    return { w: ef.plasticity.onPost(W1, ef.binary(s.y!), preTraceArr, bounds).data, x: s.x!, y: s.y! };
  });
  const preInit = { w: W.data, x: ef.binary(preBits) };
  const postInit = { w: W.data, x: ef.binary(postBits) };
  const stdpInit = { w: W.data, x: ef.binary(preBits), y: ef.binary(postBits) };

  cfg.log('  tracing and compiling (onPost builds the column view once)');
  t0 = performance.now();
  onPreRunner.prepare(preInit);
  onPostRunner.prepare(postInit);
  scaleRunner.prepare({ w: W.data });
  stdpRunner.prepare(stdpInit);
  const view = columnView(m); // the hand-written onPost's copy of the same view
  let postWork = 0;
  for (let j = 0; j < n; j++) if (postBits[j]) postWork += view.ptr[j + 1]! - view.ptr[j]!;
  cfg.log(`  prepared in ${((performance.now() - t0) / 1e3).toFixed(1)} s (not timed)`);
  for (const [name, r] of [['onPre', onPreRunner], ['onPost', onPostRunner]] as const) {
    if (!inPlace(r)) throw new Error(`plasticity bench: the ${name} runner does not update w in place; runner.explain() says:\n${r.explain().split('\n').slice(0, 4).join('\n')}`);
  }
  const stdpInPlace = inPlace(stdpRunner);

  // One step of each runner against the plain JS update of the same arrays (exact: same float32 arithmetic).
  cfg.log('  checking one step of each runner against plain JS');
  const check = async (name: string, r: ef.Runner, init: ef.ArrayRecord, js: (w: Float32Array) => void): Promise<number> => {
    const got = (await r.run(init, { steps: 1 })).state.w!.dataSync();
    const want = m.data.slice();
    js(want);
    const d = maxDiff(got, want);
    if (d !== 0) throw new Error(`plasticity bench: one ${name} step differs from the plain JS update (max |Δw| = ${d} nS)`);
    return d;
  };
  await check('onPre', onPreRunner, preInit, (w) => handOnPre(m, w, preBits, postTrace));
  await check('onPost', onPostRunner, postInit, (w) => handOnPost(view, w, postBits, preTrace));
  await check('w·0.999', scaleRunner, { w: W.data }, handScale);
  await check('onPre + onPost', stdpRunner, stdpInit, (w) => (handOnPre(m, w, preBits, postTrace), handOnPost(view, w, postBits, preTrace)));
  let changed = 0;
  { const w = m.data.slice(); handOnPre(m, w, preBits, postTrace); for (let k = 0; k < nnz; k++) if (w[k] !== m.data[k]) changed++; }

  const own = (): Float32Array => m.data.slice();
  const cases: BenchCase[] = [
    { name: 'onPre, compiled runner (in place)', kind: 'event', work: preWork, time: runnerTimer(onPreRunner, preInit), steps: 1, note: '' },
    { name: 'onPre, hand-written JS (in place)', kind: 'event', work: preWork, time: handTimer((w) => handOnPre(m, w, preBits, postTrace), own()), steps: 1, note: '' },
    { name: 'onPost via column view, compiled runner (in place)', kind: 'event', work: postWork, time: runnerTimer(onPostRunner, postInit), steps: 1, note: '' },
    { name: 'onPost via column view, hand-written JS (in place)', kind: 'event', work: postWork, time: handTimer((w) => handOnPost(view, w, postBits, preTrace), own()), steps: 1, note: '' },
    { name: 'full pass w·0.999, compiled runner (two buffers)', kind: 'full', work: nnz, time: runnerTimer(scaleRunner, { w: W.data }), steps: 1, note: '' },
    { name: 'full pass w·0.999, hand-written JS (in place)', kind: 'full', work: nnz, time: handTimer(handScale, own()), steps: 1, note: '' },
    {
      name: `diagnostic: onPre then onPost in one step, compiled runner (${stdpInPlace ? 'in place' : 'not in place: copies w twice'})`,
      kind: 'diagnostic', work: preWork + postWork, time: runnerTimer(stdpRunner, stdpInit), steps: 1, note: '',
    },
  ];

  cfg.log(`  calibrating steps per sample (about ${targetMs} ms of timed steps each)`);
  // Two calls of 4 timed steps each (the faster one counts), then steps for about targetMs.
  for (const c of cases) {
    const ms = Math.min(await c.time(4), await c.time(4));
    c.steps = Math.max(2, Math.min(2000, Math.round(targetMs / Math.max(ms, 1e-3))));
  }
  cfg.log(`  measuring ${cases.length} cases × ${reps} reps, interleaved`);
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < cases.length; i++) samples[i]!.push(await cases[i]!.time(cases[i]!.steps));
  }
  const ms: Measurement[] = cases.map((c, i) => summarize(c.name, samples[i]!.map((x) => x * 1e3)));
  const full = ms[4]!;
  const fullHand = ms[5]!;

  const tableMd = timingTable(ms, 'µs/step', {
    headers: ['steps/sample', 'synapses updated / step', 'per second', 'vs full pass (runner)'],
    cells: (mm) => {
      const c = cases[ms.indexOf(mm)]!;
      return [String(c.steps), c.work.toLocaleString('en-US'), `${fmt(c.work / (mm.median / 1e6) / 1e6, 3)} M`, ratio(full.median / mm.median)];
    },
  });
  const explainLines = (r: ef.Runner): string => r.explain().split('\n').filter((l) => /^(compiled|state|\d+ kernel|kernel|  stage)/.test(l)).join('\n');
  const ratios = table(['comparison (medians)', 'ratio'], [
    ['full pass (runner) / onPre (runner)', ratio(full.median / ms[0]!.median)],
    ['full pass (runner) / onPost (runner)', ratio(full.median / ms[2]!.median)],
    ['full pass (hand, in place) / onPre (runner)', ratio(fullHand.median / ms[0]!.median)],
    ['full pass (hand, in place) / onPost (runner)', ratio(fullHand.median / ms[2]!.median)],
    ['onPost / onPre (runner)', ratio(ms[2]!.median / ms[0]!.median)],
    ['runner / hand: onPre, onPost', `${ratio(ms[0]!.median / ms[1]!.median)}, ${ratio(ms[2]!.median / ms[3]!.median)}`],
    ['onPre + onPost in one step / (onPre + onPost apart)', ratio(ms[6]!.median / (ms[0]!.median + ms[2]!.median))],
  ]);
  const markdown = [
    `**N = ${n.toLocaleString('en-US')}** × ${n.toLocaleString('en-US')}, p = ${p}: ${nnz.toLocaleString('en-US')} synapses ` +
      `(mean fan-out ${fmt(nnz / n, 4)}), float32 weights in nS (uniform in [0.5, 1.5)), clipped to [${W_MIN}, ${W_MAX}] nS; ` +
      `${active.toLocaleString('en-US')} pre and ${active.toLocaleString('en-US')} post neurons active (1%). ` +
      `Traces: post in [−0.002, 0) nS, pre in [0, 0.002) nS. One onPre step changes ${changed.toLocaleString('en-US')} weights.`,
    '',
    tableMd,
    '',
    'Checked before timing: one step of each runner equals the plain JS update of the same arrays (max |Δw| = 0 nS for all four). ' +
      `Time per step excludes run()'s fixed cost (it copies the ${fmt((nnz * 4) / 2 ** 20, 3)} MiB initial weights in and the final weights out).`,
    '',
    ratios,
    '',
    'Plans (runner.explain(), kernel lines):',
    '',
    '```text',
    `# onPre\n${explainLines(onPreRunner)}`,
    `# onPost\n${explainLines(onPostRunner)}`,
    `# full pass\n${explainLines(scaleRunner)}`,
    `# onPre then onPost\n${explainLines(stdpRunner)}`,
    '```',
  ].join('\n');
  return [{ title: 'Event-driven weight updates vs a full pass (CSR, one update per compiled step)', markdown }];
}
