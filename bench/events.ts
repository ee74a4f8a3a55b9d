/**
 * Event-driven products against the float and dense products, and a COBA network step.
 *
 *  (a) y = spikes @ W for a random N × N CSR matrix (each entry present independently with
 *      p = 0.02, float32 weights in nS), N = 4,000 and 40,000: events (`ef.binary`) at
 *      0.5%, 1%, 2% and 10% active, the float product over every nonzero, and (N = 4,000
 *      only) the dense product; hand-written loops over the same arrays beside them.
 *  (b) a conductance-based (COBA) network of 4,000 LIF neurons as one compiled runner.
 *
 * How a product is timed: results are memoized per node, so timing `.dataSync()` of one node
 * measures a lookup, and building fresh nodes each call would time tracing and planning too.
 * Instead each product is a compiled runner whose step does exactly one product:
 *
 *     state { x, y }  ->  { x: x (passed through), y: matmul(ef.binary(x), W) }
 *
 * x is step state, not a constant, so the product is not hoisted out of the step (constant
 * subgraphs are computed once at compile time); it is recomputed on every step. One timed
 * call is `run(init, { steps: K })`, divided by K; K is calibrated so that one call lasts
 * about 40 ms, so run()'s fixed cost (measured and shown below the table) is amortized.
 * Per step the runner also copies x (N bytes) into the other state buffer; the event kernel
 * itself scans x for active entries (x is a step input, so no index list is built), zeroes
 * its float64 accumulator and copies it out: the "0 active" row is that O(N) floor.
 * After timing, each runner's y is checked against a plain JS loop over the same CSR arrays.
 */
import * as ef from '../src/index.js';
import {
  fmt, measure, ratio, rng, table, targetHeaders, targetRow, timingTable,
  type Case, type Measurement, type Report, type RunConfig,
} from './harness.js';
import { activeBits, randomCsr, relativeError, type CsrArrays } from './data.js';
import { performance } from 'node:perf_hooks';

/** y = x @ M over the CSR arrays, float64 sums rounded once to float32 (the kernels' contract). */
function referenceProduct(m: CsrArrays, x: ArrayLike<number>): Float32Array {
  const acc = new Float64Array(m.cols);
  const { indptr, indices, data } = m;
  for (let i = 0; i < m.rows; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let p = indptr[i]!, e = indptr[i + 1]!; p < e; p++) acc[indices[p]!] += data![p]! * xi;
  }
  return Float32Array.from(acc);
}

// ------------------------------------------------------------ hand-written comparisons

/** Events by hand, shaped like the generated kernel: scan x, scatter rows into float64, copy out. */
function handEvents(m: CsrArrays, x: Uint8Array, acc: Float64Array, y: Float32Array): void {
  const { indptr, indices } = m;
  const data = m.data!;
  acc.fill(0);
  for (let i = 0, n = x.length; i < n; i++) {
    if (x[i] === 0) continue;
    for (let p = indptr[i]!, e = indptr[i + 1]!; p < e; p++) acc[indices[p]!] += data[p]!;
  }
  for (let k = 0, n = y.length; k < n; k++) y[k] = acc[k]!;
}

/** The float product by hand: every row scaled by x[i], scattered into float64. */
function handFloat(m: CsrArrays, x: Float32Array, acc: Float64Array, y: Float32Array): void {
  const { indptr, indices } = m;
  const data = m.data!;
  acc.fill(0);
  for (let i = 0, n = x.length; i < n; i++) {
    const xv = x[i]!;
    for (let p = indptr[i]!, e = indptr[i + 1]!; p < e; p++) acc[indices[p]!] += data[p]! * xv;
  }
  for (let k = 0, n = y.length; k < n; k++) y[k] = acc[k]!;
}

/** x @ D (dense, row-major) by hand, walking D row by row (contiguous) into float64. */
function handDenseRows(d: Float32Array, x: Float32Array, acc: Float64Array, y: Float32Array): void {
  const n = y.length;
  acc.fill(0);
  for (let i = 0, k = x.length; i < k; i++) {
    const xv = x[i]!;
    for (let j = 0, r = i * n; j < n; j++) acc[j] += xv * d[r + j]!;
  }
  for (let j = 0; j < n; j++) y[j] = acc[j]!;
}

const repeat = (k: number, f: () => void): void => {
  for (let i = 0; i < k; i++) f();
};

// ------------------------------------------------------------ (a) products

interface ProductCase {
  readonly name: string;
  /** Active rows (events), or rows × 1 for the float/dense products (every row is read). */
  readonly active: number;
  /** Synaptic events (event rows) or multiply-adds (float, dense) per call. */
  readonly work: number;
  readonly kind: 'events' | 'float' | 'floor' | 'hand';
  /** One call of `steps` products; the value checked against the reference afterwards. */
  readonly run: (steps: number) => Promise<ArrayLike<number>> | ArrayLike<number>;
  readonly expected: Float32Array;
  steps: number;
}

/** A runner whose step is one product of the state x with M; see the file comment. */
function productRunner(M: ef.CSR | ef.LazyArray, events: boolean): ef.Runner {
  return ef.compile((s) => ({ x: s.x!, y: ef.matmul(events ? ef.binary(s.x!) : s.x!, M) }));
}

/**
 * One timed call: `steps` products. `progressEvery: steps` turns off run()'s default pause for
 * the event loop every 1% of the steps (an `await setImmediate`), which is runner overhead, not
 * product work; one diagnostic row keeps the default to show what it costs.
 */
function runnerCall(runner: ef.Runner, init: ef.ArrayRecord, defaultProgress = false): (steps: number) => Promise<ArrayLike<number>> {
  return async (steps) => (await runner.run(init, defaultProgress ? { steps } : { steps, progressEvery: Math.max(1, steps) })).state.y!.dataSync();
}

/**
 * Steps per call so that one call lasts about `targetMs`: double k until a call of k steps takes
 * half the target, then time that call twice more and scale by the fastest of the three (a
 * noisy moment during calibration would otherwise make every sample of the case too short).
 */
async function calibrate(c: ProductCase, targetMs: number): Promise<number> {
  const timeIt = async (k: number): Promise<number> => {
    const t0 = performance.now();
    await c.run(k);
    return performance.now() - t0;
  };
  await c.run(1); // compiles the runner
  const most = 1 << 16;
  for (let k = 1; ; k *= 2) {
    let ms = await timeIt(k);
    if (ms < targetMs / 2 && k < most) continue;
    ms = Math.min(ms, await timeIt(k), await timeIt(k));
    return Math.max(1, Math.min(most, Math.round((k * targetMs) / Math.max(ms, 1e-3))));
  }
}

interface ProductResult {
  readonly n: number;
  readonly nnz: number;
  readonly report: string;
  readonly speedupAt1: number;
  readonly explained: string;
}

async function benchProducts(cfg: RunConfig, n: number, withDense: boolean): Promise<ProductResult> {
  const p = 0.02;
  cfg.log(`  N = ${n}: building the CSR matrix`);
  const t0 = performance.now();
  const m = randomCsr(n, n, p, 1000 + n, { weights: [0.5, 1.5] });
  const nnz = m.indptr[n]!;
  const W = ef.csr({ indptr: m.indptr, indices: m.indices, data: m.data!, shape: [n, n] }, 'nS');
  cfg.log(`  N = ${n}: ${nnz.toLocaleString('en-US')} nonzeros, built in ${((performance.now() - t0) / 1e3).toFixed(1)} s (not timed)`);
  const fanout = nnz / n;
  const yInit = ef.zeros([n], 'nS');
  const acc = new Float64Array(n);
  /** A hand-written case's call: k products into its own output buffer (allocated once, untimed). */
  const handCall = (f: (y: Float32Array) => void): ((k: number) => Float32Array) => {
    const y = new Float32Array(n);
    return (k) => (repeat(k, () => f(y)), y);
  };

  const cases: ProductCase[] = [];
  const eventCase = (name: string, bits: Uint8Array, kind: 'events' | 'floor'): ef.Runner => {
    const runner = productRunner(W, true);
    let work = 0;
    for (let i = 0; i < n; i++) if (bits[i]) work += m.indptr[i + 1]! - m.indptr[i]!;
    const active = bits.reduce((a, b) => a + b, 0);
    cases.push({
      name, active, work, kind, steps: 1,
      run: runnerCall(runner, { x: ef.binary(bits), y: yInit }),
      expected: referenceProduct(m, bits),
    });
    return runner;
  };

  eventCase('events @ CSR, 0 active (per-step floor: scan x, zero, copy out)', new Uint8Array(n), 'floor');
  let explainedRunner: ef.Runner | undefined;
  let bits1: Uint8Array = new Uint8Array(0);
  for (const pct of [0.5, 1, 2, 10]) {
    const bits = activeBits(n, Math.round((pct / 100) * n), 17 + pct * 10);
    const runner = eventCase(`events @ CSR, ${pct}% active`, bits, 'events');
    if (pct === 1) {
      explainedRunner = runner;
      bits1 = bits;
    }
  }
  const count1 = bits1.reduce((a, b) => a + b, 0);
  const case1 = cases.find((c) => c.name === 'events @ CSR, 1% active')!;
  const diag: ProductCase = {
    ...case1, name: 'diagnostic: events, 1% active, run() default progress (yields every 1% of steps)',
    run: runnerCall(explainedRunner!, { x: ef.binary(bits1), y: yInit }, true),
  };
  cases.push(diag);
  cases.push({
    name: 'hand-written JS: events, 1% active (same arrays, kernel-shaped loop)', active: count1,
    work: case1.work, kind: 'hand', steps: 1,
    run: handCall((y) => handEvents(m, bits1, acc, y)),
    expected: referenceProduct(m, bits1),
  });
  const none = new Uint8Array(n);
  cases.push({
    name: 'hand-written JS: events, 0 active (its floor)', active: 0, work: 0, kind: 'floor', steps: 1,
    run: handCall((y) => handEvents(m, none, acc, y)), expected: new Float32Array(n),
  });

  const xr = rng(99);
  const xFloat = new Float32Array(n).map(() => 0.5 + xr());
  const floatRunner = productRunner(W, false);
  cases.push({
    name: 'float @ CSR (every nonzero)', active: n, work: nnz, kind: 'float', steps: 1,
    run: runnerCall(floatRunner, { x: ef.array(xFloat), y: yInit }), expected: referenceProduct(m, xFloat),
  });
  cases.push({
    name: 'hand-written JS: float @ CSR', active: n, work: nnz, kind: 'hand', steps: 1,
    run: handCall((y) => handFloat(m, xFloat, acc, y)), expected: referenceProduct(m, xFloat),
  });

  if (withDense) {
    const D = W.todense().data;
    const dense = D.dataSync() as Float32Array;
    const spikesFloat = Float32Array.from(bits1);
    const denseRunner = productRunner(D, false);
    cases.push({
      name: 'float (1% spikes as 0/1) @ dense', active: n, work: n * n, kind: 'float', steps: 1,
      run: runnerCall(denseRunner, { x: ef.array(spikesFloat), y: yInit }), expected: referenceProduct(m, spikesFloat),
    });
    cases.push({
      name: 'hand-written JS: float @ dense, row by row', active: n, work: n * n, kind: 'hand', steps: 1,
      run: handCall((y) => handDenseRows(dense, spikesFloat, acc, y)), expected: referenceProduct(m, spikesFloat),
    });
    cases.push({
      name: 'events (1%) @ dense', active: count1, work: count1 * n, kind: 'events', steps: 1,
      run: runnerCall(productRunner(D, true), { x: ef.binary(bits1), y: yInit }), expected: referenceProduct(m, bits1),
    });
  }

  // run()'s fixed cost per call (steps: 0): realize and copy the initial state, allocate the
  // second state buffers, copy the final state out. Samples are made long enough (at least 50x
  // this) that it adds under 2% to the per-product figures.
  const fixedInit = { x: ef.binary(bits1), y: yInit };
  await explainedRunner!.run(fixedInit, { steps: 1 });
  const fixed = await measure([{ name: 'run() with steps: 0', fn: () => explainedRunner!.run(fixedInit, { steps: 0 }) }],
    { warmup: 2, reps: cfg.quick ? 3 : 9 });
  const fixedCostMs = fixed[0]!.median;
  const targetMs = cfg.quick ? 4 : Math.max(40, 50 * fixedCostMs);
  cfg.log(`  N = ${n}: calibrating steps per call (about ${fmt(targetMs, 2)} ms each)`);
  for (const c of cases) if (c !== diag) c.steps = await calibrate(c, targetMs);
  diag.steps = case1.steps; // the same calls, so the two rows differ only by the pauses

  cfg.log(`  N = ${n}: measuring ${cases.length} cases`);
  // per = steps / 1000: the harness divides each sample (ms) by it, so figures are µs per product.
  const timed: Case[] = cases.map((c) => ({ name: c.name, per: c.steps / 1000, fn: () => c.run(c.steps) }));
  const reps = cfg.quick ? 3 : n > 10_000 ? 9 : 15;
  const ms = await measure(timed, { warmup: 1, reps });

  // The bench must not measure a wrong computation.
  const errors = cases.map((c, i) => relativeError(ms[i]!.last as ArrayLike<number>, c.expected));
  errors.forEach((e, i) => {
    if (!(e <= 1e-5)) throw new Error(`events bench: '${cases[i]!.name}' at N = ${n} differs from the plain JS loop (relative error ${e})`);
  });

  const byName = new Map(cases.map((c, i) => [c.name, ms[i]!]));
  const floatCsr = byName.get('float @ CSR (every nonzero)')!;
  const at1 = byName.get('events @ CSR, 1% active')!;
  const rate = (c: ProductCase, mm: Measurement): string =>
    c.kind === 'floor' ? '—' : `${fmt(c.work / (mm.median / 1e6) / 1e6, 3)} M`;
  const report = [
    `**N = ${n.toLocaleString('en-US')}**: ${nnz.toLocaleString('en-US')} nonzeros (mean fan-out ${fmt(fanout, 4)}), float32 weights in nS. ` +
      'Synaptic events per call = the summed fan-out of the active rows; for float and dense products, multiply-adds.',
    '',
    timingTable(ms, 'µs/call', {
      headers: ['steps/sample', 'active', 'events or mult-adds / call', 'per second', 'speed-up vs float CSR', 'rel. error vs JS loop'],
      cells: (mm) => {
        const i = ms.indexOf(mm);
        const c = cases[i]!;
        return [
          String(c.steps),
          c.kind === 'events' || c.kind === 'floor' || c.name.includes('events') ? c.active.toLocaleString('en-US') : 'all',
          c.work.toLocaleString('en-US'),
          rate(c, mm),
          ratio(floatCsr.median / mm.median),
          errors[i] === 0 ? '0' : errors[i]!.toExponential(1),
        ];
      },
    }),
    '',
    `run() fixed cost (steps: 0, median): ${fmt(fixedCostMs * 1e3, 3)} µs per call, spread over the steps of each sample.` +
      (withDense ? '' : ` Dense product skipped at this size: the dense matrix would be ${fmt((n * n * 4) / 1e9, 2)} GB of float32.`),
  ].join('\n');
  return { n, nnz, report, speedupAt1: floatCsr.median / at1.median, explained: explainedRunner!.explain() };
}

// ------------------------------------------------------------ (b) COBA network

const COBA = {
  dt: 0.1, taum: 20, taue: 5, taui: 10, // ms
  El: -60, Ee: 0, Ei: -80, vth: -50, vreset: -60, // mV
  refSteps: 50, // 5 ms
  we: 0.6, wi: 6.7, // dimensionless: conductances in units of the leak conductance
};

/** Standard normal deviates from a seeded uniform source (Box-Muller, both values used). */
function normals(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - r(), u2 = r();
    const rad = Math.sqrt(-2 * Math.log(u1));
    out[i] = rad * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = rad * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

interface CobaArrays { readonly n: number; readonly e: CsrArrays; readonly i: CsrArrays }
interface CobaNet extends CobaArrays { readonly nExc: number; readonly WE: ef.CSR; readonly WI: ef.CSR; readonly fanE: number; readonly fanI: number }

function cobaNet(n: number): CobaNet {
  const nExc = Math.round(0.8 * n);
  const e = randomCsr(n, n, 0.02, 2001, { keep: (i) => i < nExc });
  const i = randomCsr(n, n, 0.02, 2002, { keep: (k) => k >= nExc });
  return {
    n, nExc, e, i,
    WE: ef.csr({ indptr: e.indptr, indices: e.indices, data: COBA.we, shape: [n, n] }),
    WI: ef.csr({ indptr: i.indptr, indices: i.indices, data: COBA.wi, shape: [n, n] }),
    fanE: e.indptr[n]! / nExc,
    fanI: i.indptr[n]! / (n - nExc),
  };
}

/**
 * One step: v integrates (unless refractory) from the old conductances; spikes = v > vth and
 * not refractory; spiking neurons reset and start the 5 ms countdown; each conductance decays
 * and gets the event product of the spikes with its (excitatory or inhibitory) rows.
 */
function cobaRunner(net: CobaNet): ef.Runner {
  const c = COBA;
  const dt = ef.scalar(c.dt, 'ms');
  const El = ef.scalar(c.El, 'mV'), Ee = ef.scalar(c.Ee, 'mV'), Ei = ef.scalar(c.Ei, 'mV');
  const vth = ef.scalar(c.vth, 'mV'), vreset = ef.scalar(c.vreset, 'mV');
  const kv = dt.div(ef.scalar(c.taum, 'ms'));
  const de = ef.exp(dt.div(ef.scalar(c.taue, 'ms')).neg());
  const di = ef.exp(dt.div(ef.scalar(c.taui, 'ms')).neg());
  return ef.compile((s) => {
    const v = s.v!, ge = s.ge!, gi = s.gi!, ref = s.ref!;
    const free = ref.equal(0);
    const drive = ge.mul(Ee.sub(v)).add(gi.mul(Ei.sub(v))).add(El.sub(v));
    const vNew = ef.where(free, v.add(drive.mul(kv)), v);
    const spikes = ef.binary(ef.where(free, vNew.greater(vth), free)); // (v > vth) and not refractory
    return {
      state: {
        v: ef.where(spikes, vreset, vNew),
        ref: ef.where(spikes, c.refSteps, ref.sub(1).maximum(0)),
        ge: ge.mul(de).add(ef.matmul(spikes, net.WE)),
        gi: gi.mul(di).add(ef.matmul(spikes, net.WI)),
      },
      record: { spikes: spikes.sum() },
    };
  });
}

/** Brette et al. (2007) COBA initial state: v = -60 + (5 randn - 5) mV, ge = 1.5 randn + 4, gi = 12 randn + 20. */
function cobaInit(n: number): { v: Float32Array; ge: Float32Array; gi: Float32Array } {
  const z = normals(3 * n, 4242);
  return {
    v: Float32Array.from({ length: n }, (_, i) => COBA.El + (5 * z[i]! - 5)),
    ge: Float32Array.from({ length: n }, (_, i) => 1.5 * z[n + i]! + 4),
    gi: Float32Array.from({ length: n }, (_, i) => 12 * z[2 * n + i]! + 20),
  };
}

/**
 * The same step by hand, in place, with the generated kernels' arithmetic (same operation order,
 * float64 temporaries, float32 stores, float64 accumulators), so the spike trains should match
 * bit for bit. Returns the spike count of each step.
 */
function cobaHand(net: CobaArrays, s0: { v: Float32Array; ge: Float32Array; gi: Float32Array }, steps: number): { spikes: Int32Array; v: Float32Array } {
  const c = COBA;
  const n = net.n;
  const v = s0.v.slice(), ge = s0.ge.slice(), gi = s0.gi.slice(), ref = new Int32Array(n);
  const list = new Int32Array(n);
  const accE = new Float64Array(n), accI = new Float64Array(n);
  const kv = Math.fround(c.dt) / c.taum;
  const de = Math.exp(-Math.fround(c.dt) / c.taue), di = Math.exp(-Math.fround(c.dt) / c.taui);
  const we = Math.fround(c.we), wi = Math.fround(c.wi);
  const { indptr: pe, indices: ie } = net.e;
  const { indptr: pi, indices: ii } = net.i;
  const counts = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    let cnt = 0;
    for (let k = 0; k < n; k++) {
      const r = ref[k]!;
      if (r === 0) {
        const vk = v[k]!;
        const vn = vk + (ge[k]! * (c.Ee - vk) + gi[k]! * (c.Ei - vk) + (c.El - vk)) * kv;
        if (vn > c.vth) {
          v[k] = c.vreset;
          ref[k] = c.refSteps;
          list[cnt++] = k;
        } else v[k] = vn;
      } else ref[k] = r - 1;
    }
    accE.fill(0);
    accI.fill(0);
    for (let q = 0; q < cnt; q++) {
      const k = list[q]!;
      for (let p = pe[k]!, e = pe[k + 1]!; p < e; p++) accE[ie[p]!] += we;
      for (let p = pi[k]!, e = pi[k + 1]!; p < e; p++) accI[ii[p]!] += wi;
    }
    for (let k = 0; k < n; k++) {
      ge[k] = ge[k]! * de + accE[k]!;
      gi[k] = gi[k]! * di + accI[k]!;
    }
    counts[t] = cnt;
  }
  return { spikes: counts, v };
}

interface CobaResult { readonly report: string; readonly explained: string; readonly planLine: string }

async function benchCoba(cfg: RunConfig): Promise<CobaResult> {
  const n = 4000;
  const steps = cfg.quick ? 200 : 2000;
  const net = cobaNet(n);
  const init0 = cobaInit(n);
  const init = {
    v: ef.array(init0.v, 'mV'), ge: ef.array(init0.ge), gi: ef.array(init0.gi), ref: ef.zeros([n], undefined, 'int32'),
  };
  const runner = cobaRunner(net);
  runner.prepare(init);
  const explained = runner.explain();
  const planLine = explained.split('\n')[1]!;
  cfg.log(`  COBA: ${n} neurons × ${steps} steps, measuring (${planLine})`);
  // run() with its default options (as a model would call it); the hand loop interleaved.
  const ms = await measure([
    { name: `eventfuse compiled runner (${steps} steps per run)`, per: steps / 1000, fn: () => runner.run(init, { steps }) },
    { name: 'hand-written JS, same arithmetic, in place', per: steps / 1000, fn: () => cobaHand(net, init0, steps) },
  ], { warmup: 1, reps: cfg.quick ? 1 : 5 });
  const res = ms[0]!.last as ef.RunResult;
  const hand = ms[1]!.last as ReturnType<typeof cobaHand>;
  const perStep = res.records.spikes!.dataSync() as Int32Array;
  const seconds = (steps * COBA.dt) / 1e3;
  const stats = (counts: Int32Array): string[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    const late = counts.subarray(steps >> 1).reduce((a, b) => a + b, 0);
    return [`${fmt(total / n / seconds, 3)} Hz`, `${fmt(late / n / (seconds / 2), 3)} Hz`, total.toLocaleString('en-US')];
  };
  const sameTrain = perStep.length === hand.spikes.length && perStep.every((c, t) => c === hand.spikes[t]);
  let dv = 0;
  const vEf = res.state.v!.dataSync();
  for (let k = 0; k < n; k++) dv = Math.max(dv, Math.abs(vEf[k]! - hand.v[k]!));
  const report = [
    `${n} neurons (${net.nExc} excitatory, ${n - net.nExc} inhibitory), p = 0.02 (mean fan-out ${fmt(net.fanE, 3)} excitatory, ${fmt(net.fanI, 3)} inhibitory), ` +
      `dt ${COBA.dt} ms, ${steps} steps (${fmt(seconds * 1e3, 3)} ms simulated); weights 0.6 and 6.7 (shared, in units of the leak conductance), ` +
      'Brette et al. (2007) COBA parameters and initial state, no external drive.',
    '',
    timingTable(ms, 'µs/step', {
      headers: ['vs hand', 'firing rate (whole run)', 'rate (second half)', 'spikes'],
      cells: (m) => [ratio(m.median / ms[1]!.median), ...stats(m === ms[0] ? perStep : hand.spikes)],
    }),
    '',
    `Same spikes as the hand-written loop? ${sameTrain ? 'yes, every step' : '**no**'} (largest |Δv| at the end: ${dv} mV).`,
    '',
    `Plan (first line of runner.explain() after the backend line): ${planLine}`,
  ].join('\n');
  return { report, explained, planLine };
}

// ------------------------------------------------------------ entry point

export async function run(cfg: RunConfig): Promise<Report[]> {
  const sizes: [number, boolean][] = cfg.quick ? [[1000, true], [4000, false]] : [[4000, true], [40_000, false]];
  const results: ProductResult[] = [];
  for (const [n, dense] of sizes) results.push(await benchProducts(cfg, n, dense));
  const big = results[results.length - 1]!;
  const coba = await benchCoba(cfg);
  const targets = table([...targetHeaders], [
    targetRow(`events (1% active) vs float CSR product, N = ${big.n.toLocaleString('en-US')}`, big.speedupAt1, '≥ 30x', big.speedupAt1 >= 30),
  ]);
  return [
    { title: '(a) Event-driven vs float vs dense products (one product per compiled step)', markdown: results.map((r) => r.report).join('\n\n') },
    { title: '(b) COBA network step (compiled runner)', markdown: coba.report },
    { title: 'Targets', markdown: targets },
    {
      title: 'Generated kernels (runner.explain())',
      markdown: [
        `Event product, 1% active, N = ${big.n.toLocaleString('en-US')}:`, '', '```text', big.explained, '```', '',
        'COBA step:', '', '```text', coba.explained, '```',
      ].join('\n'),
    },
  ];
}
