/**
 * Pair-based spike-timing-dependent plasticity (STDP) with exponentially decaying traces, as
 * one compiled runner, written with the public API only.
 *
 * Every pre neuron i keeps a trace xPre[i] and every post neuron j a trace xPost[j], both in
 * the weights' unit (nS). With dPre = exp(-dt/τ+) and dPost = exp(-dt/τ-), one step is, in
 * this order:
 *
 *   1. decay:        xPre  ← xPre·dPre,   xPost ← xPost·dPost
 *                    (the traces now hold the spikes of earlier steps only)
 *   2. depression:   W ← onPre(W, preSpikes, −xPost)   clipped to [wMin, wMax]
 *                    (a pre spike after post spikes: W[i, j] −= xPost[j] for active i)
 *   3. potentiation: W ← onPost(W, postSpikes, xPre)   clipped to [wMin, wMax]
 *                    (a post spike after pre spikes: W[i, j] += xPre[i] for active j)
 *   4. spikes join:  xPre += A+ where pre spiked, xPost += A− where post spiked
 *
 * So a pre spike at t_pre and a post spike at t_post = t_pre + Δ (Δ > 0, a multiple of dt)
 * change W[i, j] by +A+·exp(−Δ/τ+); the reverse order by −A−·exp(−Δ/τ−); spikes in the same
 * step do nothing (each update reads only earlier spikes). All pairs add up (all-to-all
 * interaction), as long as no clipping happens in between.
 *
 * Run it: node --import tsx examples/stdp.ts
 */
import { pathToFileURL } from 'node:url';
import * as ef from '../src/index.js';

export interface StdpParams {
  /** Step, ms. */
  readonly dt: number;
  /** Decay of the pre trace (the potentiation window), ms. */
  readonly tauPlus: number;
  /** Decay of the post trace (the depression window), ms. */
  readonly tauMinus: number;
  /** Added to the pre trace at each pre spike: the largest potentiation, in the weights' unit. */
  readonly aPlus: number;
  /** Added to the post trace at each post spike: the largest depression (positive), weights' unit. */
  readonly aMinus: number;
  /** Bounds of every weight, in the weights' unit. */
  readonly wMin: number;
  readonly wMax: number;
}

export const DEFAULTS: StdpParams = { dt: 0.1, tauPlus: 20, tauMinus: 20, aPlus: 0.01, aMinus: 0.0105, wMin: 0, wMax: 1 };

/** The weights as step state: per-entry values ([nnz], or [rows, cols] for a dense matrix). */
export function weightState(W: ef.PlasticMatrix): ef.LazyArray {
  if (W instanceof ef.DenseMatrix || W.data.ndim === 1) return W.data;
  return ef.full([W.nnz], W.data.dataSync()[0]!, W.unit, W.dtype); // a shared weight, one per entry
}

/** The matrix `W0` (its structure and format) holding the values `w`. */
export function withWeights<M extends ef.PlasticMatrix>(W0: M, w: ef.LazyArray): M {
  return (W0 instanceof ef.DenseMatrix ? ef.dense(w) : W0.withData(w)) as M;
}

/**
 * The compiled STDP runner for connectivity `W0` ([pre, post]). State: `w` (the weights),
 * `xPre` [pre] and `xPost` [post] (traces, in the weights' unit). Per-step inputs: `pre`
 * [pre] and `post` [post] spikes (bool).
 */
export function stdpRunner(W0: ef.PlasticMatrix, params: Partial<StdpParams> = {}): ef.Runner {
  const p = { ...DEFAULTS, ...params };
  const unit = W0.unit;
  const dt = ef.scalar(p.dt, 'ms');
  const dPre = ef.exp(dt.div(ef.scalar(p.tauPlus, 'ms')).neg());
  const dPost = ef.exp(dt.div(ef.scalar(p.tauMinus, 'ms')).neg());
  const aPlus = ef.scalar(p.aPlus, unit);
  const aMinus = ef.scalar(p.aMinus, unit);
  const bounds = { wMin: p.wMin, wMax: p.wMax };
  return ef.compile((s, inputs) => {
    const pre = ef.binary(inputs.pre!);
    const post = ef.binary(inputs.post!);
    const xPre = s.xPre!.mul(dPre); // 1. decay: earlier spikes only
    const xPost = s.xPost!.mul(dPost);
    let W = withWeights(W0, s.w!);
    W = ef.plasticity.onPre(W, pre, xPost.neg(), bounds); // 2. depression (post before pre)
    W = ef.plasticity.onPost(W, post, xPre, bounds); // 3. potentiation (pre before post)
    return {
      w: W.data,
      xPre: ef.where(pre, xPre.add(aPlus), xPre), // 4. this step's spikes join the traces
      xPost: ef.where(post, xPost.add(aMinus), xPost),
    };
  });
}

export interface SimulateOptions {
  /** Initial weights and connectivity [pre, post]: dense, COO, CSR, CSC or fixed-number. */
  readonly weights: ef.PlasticMatrix;
  readonly steps: number;
  /** Spike rasters, stacked over steps: [steps, pre] and [steps, post] (active = nonzero). */
  readonly pre: ArrayLike<number | boolean>;
  readonly post: ArrayLike<number | boolean>;
  readonly params?: Partial<StdpParams>;
}

export interface SimulateResult {
  /** Final weights, in the entry order of `weights` (row-major [pre, post] for dense). */
  readonly w: Float32Array;
  readonly xPre: Float32Array;
  readonly xPost: Float32Array;
  /** The final matrix (same structure and format as `weights`). */
  readonly matrix: ef.PlasticMatrix;
  readonly runner: ef.Runner;
}

/** Run STDP on `weights` for `steps` steps of the given spike rasters. */
export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const [nPre, nPost] = o.weights.shape;
  const runner = stdpRunner(o.weights, o.params);
  const init = {
    w: weightState(o.weights),
    xPre: ef.full([nPre], 0, o.weights.unit),
    xPost: ef.full([nPost], 0, o.weights.unit),
  };
  const raster = (r: ArrayLike<number | boolean>, n: number) => ef.binary(Array.from(r), [o.steps, n]);
  const { state } = await runner.run(init, { steps: o.steps, inputs: { pre: raster(o.pre, nPre), post: raster(o.post, nPost) } });
  const w = state.w!;
  return {
    w: Float32Array.from(w.dataSync()),
    xPre: Float32Array.from(state.xPre!.dataSync()),
    xPost: Float32Array.from(state.xPost!.dataSync()),
    matrix: withWeights(o.weights, w),
    runner,
  };
}

export interface PairingOptions {
  /** One pre neuron per entry: its spike comes t_post − delay, so delay > 0 is pre before post (ms). */
  readonly delays?: readonly number[];
  /** Number of post spikes (pairings). */
  readonly pairs?: number;
  /** Time between post spikes, ms (make it many τ for independent pairings). */
  readonly period?: number;
  /** Initial weight of every synapse, nS. */
  readonly w0?: number;
  readonly params?: Partial<StdpParams>;
}

export interface PairingResult {
  /** Final weight of each pre neuron's synapse onto the one post neuron, nS. */
  readonly w: Float32Array;
  /** What one pairing does in isolation: +A+·exp(−Δ/τ+) or −A−·exp(−Δ/τ−) per pre neuron, nS. */
  readonly perPairing: number[];
  readonly steps: number;
  readonly runner: ef.Runner;
}

/**
 * `delays.length` pre neurons × 1 post neuron (CSR, all synapses at w0 nS). The post neuron
 * fires `pairs` times, every `period` ms, starting after the largest delay; pre neuron i fires
 * `delays[i]` ms before each post spike (after it, when negative).
 */
export async function runStdp(o: PairingOptions = {}): Promise<PairingResult> {
  const p = { ...DEFAULTS, ...o.params };
  const delays = o.delays ?? [5, -5];
  const pairs = o.pairs ?? 10;
  const period = o.period ?? 400;
  const toSteps = (ms: number): number => {
    const k = Math.round(ms / p.dt);
    if (Math.abs(k * p.dt - ms) > 1e-9 * Math.max(1, Math.abs(ms))) throw new Error(`stdp example: ${ms} ms is not a multiple of dt = ${p.dt} ms`);
    return k;
  };
  const lag = delays.map(toSteps);
  const first = Math.max(0, ...lag) + 1;
  const every = toSteps(period);
  const steps = first + (pairs - 1) * every + Math.max(0, ...lag.map((l) => -l)) + 2;
  const nPre = delays.length;
  const pre = new Uint8Array(steps * nPre);
  const post = new Uint8Array(steps);
  for (let k = 0; k < pairs; k++) {
    const t = first + k * every;
    post[t] = 1;
    lag.forEach((l, i) => (pre[(t - l) * nPre + i] = 1));
  }
  const weights = ef.csr({
    indptr: Int32Array.from({ length: nPre + 1 }, (_, i) => i),
    indices: new Int32Array(nPre),
    data: new Float32Array(nPre).fill(o.w0 ?? 0.5),
    shape: [nPre, 1],
  }, 'nS');
  const res = await simulate({ weights, steps, pre, post, params: p });
  const perPairing = delays.map((d) => (d > 0 ? p.aPlus * Math.exp(-d / p.tauPlus) : d < 0 ? -p.aMinus * Math.exp(d / p.tauMinus) : 0));
  return { w: res.w, perPairing, steps, runner: res.runner };
}

async function main(): Promise<void> {
  const delays = [10, 5, 2, -2, -5, -10];
  const pairs = 20;
  const w0 = 0.5;
  const t0 = performance.now();
  const r = await runStdp({ delays, pairs, w0 });
  const ms = performance.now() - t0;
  console.log(`STDP: ${delays.length} pre × 1 post (CSR), ${pairs} pairings every 400 ms, ${r.steps} steps of ${DEFAULTS.dt} ms on '${ef.getBackend()}' (${ms.toFixed(0)} ms)`);
  console.log(`τ+ = ${DEFAULTS.tauPlus} ms, τ− = ${DEFAULTS.tauMinus} ms, A+ = ${DEFAULTS.aPlus} nS, A− = ${DEFAULTS.aMinus} nS, w in [${DEFAULTS.wMin}, ${DEFAULTS.wMax}] nS, w0 = ${w0} nS`);
  console.log('Δt = t_post − t_pre   final w (nS)   change   closed form (pairs × per pairing)');
  delays.forEach((d, i) => {
    const change = r.w[i]! - w0;
    console.log(`${`${d > 0 ? '+' : ''}${d} ms`.padStart(19)}   ${r.w[i]!.toFixed(6).padStart(12)}   ${change.toFixed(6).padStart(9)}   ${(pairs * r.perPairing[i]!).toFixed(6).padStart(9)}`);
  });
  console.log(r.runner.explain().split('\n').find((l) => l.startsWith('state updated in place')) ?? 'weights not updated in place (each step copies them)');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
