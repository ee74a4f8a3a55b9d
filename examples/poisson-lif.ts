/**
 * A population of leaky integrate-and-fire (LIF) neurons driven by Poisson spike trains, as
 * one compiled runner, written with the public API only.
 *
 * `sources` independent Poisson sources (each at `rate`) project onto `neurons` LIF neurons
 * through a fixed random CSR matrix (each source–target pair connected with probability
 * `connectionProb`, weights uniform in [wMin, wMax] mV: an instantaneous jump of the membrane
 * potential per input spike). Optionally each neuron also receives `bgSources` further Poisson
 * sources at `bgRate`, `bgWeight` mV each, summed per neuron (Brian2's PoissonInput). One step
 * of length dt, for step index t:
 *
 *   1. input:    e ← ef.random.poissonEvents(rate, dt, { seed, counter: t })  (which sources spike;
 *                drawn by geometric skips, O(spikes), not one draw per source)
 *                I ← e @ W  (+ bgWeight · Binomial(bgSources, bgRate·dt) per neuron)
 *   2. membrane: v' = El + (v − El)·exp(−dt/τ) + I   (exact decay of the leak, then the jumps)
 *                held at v while refractory (the jumps arriving then are lost)
 *   3. spike:    v' > vth → v ← vreset and a refractory countdown of round(tref/dt) steps (int32)
 *
 * Every draw is a pure function of (seed, t, position): the same spikes on every backend and
 * for any chunking of a run (`startStep`).
 *
 * Run it: node --import tsx examples/poisson-lif.ts [--out poisson-lif.svg] [--duration 1000]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ef from '../src/index.js';
import { rasterSvg } from '../src/cli/raster.js';

export interface PoissonLifParams {
  readonly neurons: number;
  /** Poisson sources feeding the CSR matrix. */
  readonly sources: number;
  /** Rate of each source, Hz. */
  readonly rate: number;
  /** Probability that a source projects onto a neuron. */
  readonly connectionProb: number;
  /** Each synapse's weight is uniform in [wMin, wMax], mV. */
  readonly wMin: number;
  readonly wMax: number;
  /** Background sources per neuron (PoissonInput; 0 = none), their rate (Hz) and weight (mV). */
  readonly bgSources: number;
  readonly bgRate: number;
  readonly bgWeight: number;
  /** Step, ms. */
  readonly dt: number;
  /** Membrane time constant, ms. */
  readonly tau: number;
  /** Resting potential, threshold and reset, mV. */
  readonly El: number;
  readonly vth: number;
  readonly vreset: number;
  /** Refractory period, ms (rounded to whole steps). */
  readonly tref: number;
  /** Simulated time, ms. */
  readonly duration: number;
  /** Seeds the connectivity, the initial potentials and (with +1, +2) the two Poisson drives. */
  readonly seed: number;
  /** Neurons whose potential is recorded every step. */
  readonly recordV: readonly number[];
  /** Steps per run() call (chunks continue with startStep); default: the whole run at once. */
  readonly chunk?: number;
}

export const DEFAULTS: PoissonLifParams = {
  neurons: 1000, sources: 2000, rate: 10, connectionProb: 0.05, wMin: 0.2, wMax: 0.6,
  bgSources: 1000, bgRate: 2, bgWeight: 0.05,
  dt: 0.1, tau: 20, El: -60, vth: -50, vreset: -60, tref: 2,
  duration: 1000, seed: 1, recordV: [0, 1, 2],
};

/** A seeded PRNG in [0, 1) (mulberry32): the connectivity and initial state are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Connectivity {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  /** Weights, mV (float32, as the matrix holds them). */
  readonly data: Float32Array;
}

/** The fixed random sources × neurons connectivity (CSR arrays: one row per source). */
export function connectivity(p: PoissonLifParams): Connectivity {
  const r = mulberry32(p.seed);
  const indptr = new Int32Array(p.sources + 1);
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < p.sources; i++) {
    for (let j = 0; j < p.neurons; j++) {
      if (r() < p.connectionProb) {
        indices.push(j);
        data.push(p.wMin + (p.wMax - p.wMin) * r());
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { indptr, indices: Int32Array.from(indices), data: Float32Array.from(data) };
}

/** Initial potentials, uniform in [vreset, vth) mV (float32). */
export function initialV(p: PoissonLifParams): Float32Array {
  const r = mulberry32(p.seed ^ 0x5eed);
  return Float32Array.from({ length: p.neurons }, () => p.vreset + (p.vth - p.vreset) * r());
}

export const refractorySteps = (p: Pick<PoissonLifParams, 'tref' | 'dt'>): number => Math.round(p.tref / p.dt);
export const inputSeed = (p: Pick<PoissonLifParams, 'seed'>): number => (p.seed + 1) % 2 ** 32;
export const backgroundSeed = (p: Pick<PoissonLifParams, 'seed'>): number => (p.seed + 2) % 2 ** 32;

/** The sources that spike at step t (a BinaryArray [sources]): the network's input. */
export function inputEvents(p: PoissonLifParams, t: number | ef.LazyArray): ef.BinaryArray {
  return ef.random.poissonEvents(ef.scalar(p.rate, 'Hz'), ef.scalar(p.dt, 'ms'), { seed: inputSeed(p), counter: t, shape: [p.sources] });
}

/** The background drive at step t, mV [neurons] (`weight` overrides bgWeight, e.g. 1 for the counts). */
export function background(p: PoissonLifParams, t: number | ef.LazyArray, weight: ef.LazyArray | number = ef.scalar(p.bgWeight, 'mV')): ef.LazyArray {
  return ef.poissonInput(p.neurons, { sources: p.bgSources, rate: ef.scalar(p.bgRate, 'Hz'), dt: ef.scalar(p.dt, 'ms'), weight, seed: backgroundSeed(p), counter: t });
}

export interface PoissonLifNetwork {
  readonly params: PoissonLifParams;
  readonly conn: Connectivity;
  readonly W: ef.CSR;
  /** State { v (mV), ref (int32 steps left) } → next state, recording `spike`, `input` (the source spikes) and `v`. */
  readonly step: ef.StepFn;
  readonly init: ef.ArrayRecord;
}

export function poissonLifNetwork(params: Partial<PoissonLifParams> = {}): PoissonLifNetwork {
  const p = { ...DEFAULTS, ...params };
  const conn = connectivity(p);
  const W = ef.csr({ ...conn, shape: [p.sources, p.neurons] }, 'mV');
  const dt = ef.scalar(p.dt, 'ms');
  const decay = ef.exp(dt.div(ef.scalar(p.tau, 'ms')).neg());
  const El = ef.scalar(p.El, 'mV');
  const vth = ef.scalar(p.vth, 'mV');
  const vreset = ef.scalar(p.vreset, 'mV');
  const refSteps = ef.scalar(refractorySteps(p), '', 'int32');
  const step: ef.StepFn = (s, _inputs, t) => {
    const v = s.v!;
    const ref = s.ref!;
    const input = inputEvents(p, t); // 1. which sources spike this step
    let drive = ef.matmul(input, W); // mV: the summed jumps of this step
    if (p.bgSources > 0) drive = drive.add(background(p, t));
    const vFree = El.add(v.sub(El).mul(decay)).add(drive); // 2. leak, then the jumps
    const vInt = ef.where(ref.lessEqual(0), vFree, v);
    const spike = vInt.greater(vth); // 3. threshold
    return {
      state: {
        v: ef.where(spike, vreset, vInt),
        ref: ef.where(spike, refSteps, ef.where(ref.lessEqual(0), ref, ref.sub(1))),
      },
      record: { spike, input, v: v.take([...p.recordV]) },
    };
  };
  const init = { v: ef.array(initialV(p), 'mV'), ref: ef.zeros([p.neurons], '', 'int32') };
  return { params: p, conn, W, step, init };
}

export interface PoissonLifResult {
  readonly params: PoissonLifParams;
  readonly steps: number;
  /** Stored synapses of the CSR matrix. */
  readonly synapses: number;
  /** Spikes of the LIF population: step and neuron of each, in step order. */
  readonly spikes: { readonly steps: Int32Array; readonly neurons: Int32Array };
  readonly spikesPerStep: Int32Array;
  readonly spikeCount: number;
  /** Spikes per neuron. */
  readonly counts: Int32Array;
  /** Mean rate of the population, Hz. */
  readonly meanRate: number;
  /** Input (source) spikes: step and source of each, in step order; per step; in total. */
  readonly input: { readonly steps: Int32Array; readonly sources: Int32Array };
  readonly inputPerStep: Int32Array;
  readonly inputCount: number;
  /** Expected input spikes per step: sources · rate · dt. */
  readonly inputExpected: number;
  /** Potential of the `recordV` neurons at the start of each step, mV, row-major [steps, recordV.length]. */
  readonly v: Float32Array;
  readonly finalState: Record<string, ef.LazyArray>;
  readonly wallMs: number;
  readonly runner: ef.Runner;
}

/** Build the network and run it for `duration` ms, in chunks of `chunk` steps. */
export async function runPoissonLif(params: Partial<PoissonLifParams> = {}): Promise<PoissonLifResult> {
  const net = poissonLifNetwork(params);
  const p = net.params;
  const steps = Math.round(p.duration / p.dt);
  const chunk = p.chunk ?? Math.max(1, steps);
  const runner = ef.compile(net.step);
  const spikesPerStep = new Int32Array(steps);
  const inputPerStep = new Int32Array(steps);
  const counts = new Int32Array(p.neurons);
  const spikeSteps: number[] = [];
  const spikeNeurons: number[] = [];
  const inputSteps: number[] = [];
  const inputSources: number[] = [];
  const v = new Float32Array(steps * p.recordV.length);
  let state: ef.ArrayRecord = net.init;
  const t0 = performance.now();
  for (let done = 0; done < steps;) {
    const k = Math.min(chunk, steps - done);
    const out = await runner.run(state, { steps: k, startStep: done, progressEvery: k });
    const spikes = (out.records.spike as ef.BinaryArray).eventList();
    const input = (out.records.input as ef.BinaryArray).eventList();
    for (let s = 0; s < k; s++) {
      spikesPerStep[done + s] = spikes.offsets[s + 1]! - spikes.offsets[s]!;
      inputPerStep[done + s] = input.offsets[s + 1]! - input.offsets[s]!;
      for (let q = spikes.offsets[s]!; q < spikes.offsets[s + 1]!; q++) {
        const i = spikes.indices[q]!;
        spikeSteps.push(done + s);
        spikeNeurons.push(i);
        counts[i]!++;
      }
      for (let q = input.offsets[s]!; q < input.offsets[s + 1]!; q++) {
        inputSteps.push(done + s);
        inputSources.push(input.indices[q]!);
      }
    }
    v.set(out.records.v!.dataSync(), done * p.recordV.length);
    state = out.state;
    done += k;
  }
  const wallMs = performance.now() - t0;
  const spikeCount = spikeSteps.length;
  const inputCount = inputPerStep.reduce((a, b) => a + b, 0);
  return {
    params: p, steps, synapses: net.conn.indices.length,
    spikes: { steps: Int32Array.from(spikeSteps), neurons: Int32Array.from(spikeNeurons) },
    spikesPerStep, spikeCount, counts,
    meanRate: steps === 0 ? 0 : spikeCount / p.neurons / ((steps * p.dt) / 1000),
    input: { steps: Int32Array.from(inputSteps), sources: Int32Array.from(inputSources) }, inputPerStep, inputCount, inputExpected: p.sources * p.rate * (p.dt / 1000),
    v, finalState: state as Record<string, ef.LazyArray>, wallMs, runner,
  };
}

/** Mean over neurons (with at least 3 spikes) of the coefficient of variation of their inter-spike intervals. */
export function meanIsiCv(r: Pick<PoissonLifResult, 'spikes' | 'params'>): { cv: number; neurons: number } {
  const times: number[][] = Array.from({ length: r.params.neurons }, () => []);
  r.spikes.steps.forEach((s, q) => times[r.spikes.neurons[q]!]!.push(s));
  let sum = 0, used = 0;
  for (const ts of times) {
    if (ts.length < 3) continue;
    const isi = ts.slice(1).map((s, k) => s - ts[k]!);
    const mean = isi.reduce((a, b) => a + b, 0) / isi.length;
    const sd = Math.sqrt(isi.reduce((a, b) => a + (b - mean) ** 2, 0) / (isi.length - 1));
    sum += sd / mean;
    used++;
  }
  return { cv: used === 0 ? NaN : sum / used, neurons: used };
}

function argValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const k = args.indexOf(name);
  if (k >= 0) return args[k + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const out = resolve(argValue('--out') ?? 'poisson-lif.svg');
  const duration = Number(argValue('--duration') ?? DEFAULTS.duration);
  if (!(duration > 0)) throw new Error(`poisson-lif: --duration is ${argValue('--duration')}; expected a positive number of ms`);
  const r = await runPoissonLif({ duration });
  const p = r.params;
  const cv = meanIsiCv(r);
  console.log(`Poisson-driven LIF: ${p.neurons} neurons, ${p.sources} Poisson sources at ${p.rate} Hz (CSR, p = ${p.connectionProb}, ${r.synapses} synapses of ${p.wMin}–${p.wMax} mV)` +
    (p.bgSources > 0 ? ` + PoissonInput ${p.bgSources} × ${p.bgRate} Hz × ${p.bgWeight} mV per neuron` : ''));
  console.log(`${r.steps} steps of ${p.dt} ms (${p.duration} ms) on '${ef.getBackend()}': ${r.wallMs.toFixed(0)} ms`);
  console.log(`population: ${r.spikeCount} spikes, mean rate ${r.meanRate.toFixed(2)} Hz, mean CV of ISIs ${cv.cv.toFixed(3)} (${cv.neurons} neurons with ≥ 3 spikes)`);
  console.log(`input: ${(r.inputCount / r.steps).toFixed(4)} source spikes per step (expected sources·rate·dt = ${r.inputExpected.toFixed(4)})`);
  const shown = Math.min(p.neurons, 200);
  const keep = Array.from(r.spikes.neurons, (i) => i < shown);
  const svg = rasterSvg({
    steps: r.steps, dtMs: p.dt, neuronsShown: shown, neurons: p.neurons, spikesPerStep: r.spikesPerStep,
    raster: { steps: r.spikes.steps.filter((_, q) => keep[q]), neurons: r.spikes.neurons.filter((_, q) => keep[q]) },
    title: `Poisson-driven LIF: ${p.neurons} neurons, ${p.sources} sources at ${p.rate} Hz (first ${shown} neurons)`,
  });
  writeFileSync(out, svg);
  console.log(`wrote ${out}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
