/**
 * What the benchmark networks compute, checked exactly (src/models/brette.ts, simulate.ts):
 * - simulate()'s raster (neuron ids and step indices within the whole run) is the same, element
 *   by element, however the run is cut into chunks, and agrees with the per-step counts;
 * - the refractory period: after each spike v stays at the reset value for exactly
 *   round(tref / dt) = 50 steps (the countdown 50, 49, ..., 1 at the start of those steps,
 *   0 afterwards), then integrates freely again;
 * - the spike times of small COBA and CUBA networks equal, spike by spike, those of a plain
 *   JavaScript implementation of the published model written here, from the same initial
 *   state (net.init) and the same connectivity (read from the network's matrices).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { brette, simulate, type ConnKind, type ModelName, type Network, type SimulationResult } from '../../src/models/index.js';
import { withBackend } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

/** round(tref / dt) with tref = 5 ms (Brette et al. 2007) and dt = 0.1 ms. */
const REFRACTORY_STEPS = 50;
const V_RESET = -60;
const V_TH = -50;

/**
 * Small networks that stay active for the whole run (most small networks fall silent after
 * their first volley; these seeds were chosen for activity: COBA 150 spikes in 300 steps,
 * 47 neurons spiking more than once; CUBA 68 spikes, with spikes in the last 100 steps).
 */
const NETS: readonly { readonly model: ModelName; readonly neurons: number; readonly seed: number; readonly conn: ConnKind }[] = [
  { model: 'coba', neurons: 200, seed: 13, conn: 'csr' },
  { model: 'cuba', neurons: 150, seed: 7, conn: 'csr' },
];
const STEPS = 300;

/** Networks are built once per file (simulate() keeps one compiled runner per network). */
const built = new Map<string, Network>();
function network(model: ModelName, neurons: number, seed: number, conn: ConnKind): Network {
  const key = `${model}/${neurons}/${seed}/${conn}`;
  let net = built.get(key);
  if (!net) built.set(key, (net = brette({ model, neurons, seed, conn })));
  return net;
}

type Raster = SimulationResult['raster'];

/** Element by element: the first difference is reported with both spikes. */
function expectSameRaster(actual: Raster, expected: Raster, what: string): void {
  const n = Math.max(actual.steps.length, expected.steps.length);
  const at = (r: Raster, k: number): string => (k < r.steps.length ? `step ${r.steps[k]}, neuron ${r.neurons[k]}` : 'none');
  for (let k = 0; k < n; k++) {
    if (actual.steps[k] !== expected.steps[k] || actual.neurons[k] !== expected.neurons[k]) {
      assert.unreachable(`${what}: spike ${k} of ${expected.steps.length} differs: got (${at(actual, k)}), expected (${at(expected, k)})`);
    }
  }
}

/** The raster's spikes counted per step: must equal the population counts when every neuron is sampled. */
function countsOf(raster: Raster, steps: number): number[] {
  const counts = new Array<number>(steps).fill(0);
  for (const s of raster.steps) counts[s]!++;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// simulate(): the raster does not depend on the chunking

for (const { model, neurons, seed, conn } of NETS) {
  forEachBackend(test, `${model} (N = ${neurons}): simulate()'s raster is identical for one chunk and uneven chunks (steps within the run)`, async () => {
    const net = network(model, neurons, seed, conn);
    const whole = await simulate(net, { steps: STEPS, sample: neurons, chunk: STEPS });
    const { steps, neurons: ids } = whole.raster;
    assert.is(steps.length, whole.spikeCount, 'with every neuron sampled, the raster holds every spike');
    assert.equal(countsOf(whole.raster, STEPS), Array.from(whole.spikesPerStep), 'raster steps agree with the per-step counts');
    for (let k = 1; k < steps.length; k++) {
      assert.ok(steps[k]! > steps[k - 1]! || (steps[k] === steps[k - 1] && ids[k]! > ids[k - 1]!), `raster in (step, neuron) order at ${k}`);
    }
    // the probe needs spikes late in the run, where a step index within a chunk would differ
    const late = steps.filter((s) => s >= 200).length;
    assert.ok(late >= 5, `${late} spikes in the last 100 steps: the network must stay active`);

    for (const chunk of [97, 41]) {
      const cut = await simulate(net, { steps: STEPS, sample: neurons, chunk });
      expectSameRaster(cut.raster, whole.raster, `chunks of ${chunk} steps`);
      assert.equal(Array.from(cut.spikesPerStep), Array.from(whole.spikesPerStep), `chunks of ${chunk}: per-step counts`);
      assert.equal(countsOf(cut.raster, STEPS), Array.from(cut.spikesPerStep), `chunks of ${chunk}: raster steps agree with the per-step counts`);
    }
    // a sample keeps the spikes of the first `sample` neurons, with the same step indices
    const sample = Math.round(neurons / 2);
    const part = await simulate(net, { steps: STEPS, sample, chunk: 64 });
    const keep = Array.from(ids, (i) => i < sample);
    expectSameRaster(part.raster, { steps: steps.filter((_, k) => keep[k]), neurons: ids.filter((_, k) => keep[k]) }, `sample ${sample}, chunks of 64`);
  });
}

// ---------------------------------------------------------------------------------------------
// The refractory period, step by step

/** The network's step, also recording v and the refractory countdown after each step. */
const recordingState = (net: Network): ef.StepFn => (state, inputs, t) => {
  const out = net.step(state, inputs, t) as { state: ef.ArrayRecord; record: ef.ArrayRecord };
  return { state: out.state, record: { ...out.record, v: out.state.v!, ref: out.state.ref! } };
};

for (const model of ['coba', 'cuba'] as const) {
  forEachBackend(test, `${model}: after each spike v is held at the reset value for exactly ${REFRACTORY_STEPS} steps, then integrates again`, async () => {
    // 20 neurons (all-to-all at this size). Neurons 0-3 start far above threshold (they spike at
    // step 0) with a strong, decaying excitatory drive (COBA: in units of the leak conductance;
    // CUBA: mV), strongest for neuron 3, which is still above threshold when its first refractory
    // period ends and spikes at once; the others integrate for a few steps first, and the rest
    // of the network follows its inputs.
    const n = 20;
    const net = brette({ model, neurons: n, seed: 3 });
    assert.is(Math.round(5 / net.dt.item()), REFRACTORY_STEPS, 'tref / dt in steps');
    const drive = model === 'coba' ? [40, 60, 100, 300] : [2000, 3000, 5000, 10000];
    const v0 = Array.from(net.init.v!.dataSync());
    const ge0 = Array.from(net.init.ge!.dataSync());
    for (let i = 0; i < drive.length; i++) {
      v0[i] = -20;
      ge0[i] = drive[i]!;
    }
    const init = { ...net.init, v: ef.array(v0, 'mV'), ge: ef.array(ge0, net.init.ge!.unit) };
    const steps = 400;
    const out = await ef.compile(recordingState(net)).run(init, { steps });
    const spike = out.records.spike!.dataSync();
    const v = out.records.v!.dataSync();
    const ref = out.records.ref!.dataSync();
    const at = (t: number, i: number): number => t * n + i;

    let windows = 0;
    let freed = 0;
    for (let t = 0; t < steps; t++) {
      for (let i = 0; i < n; i++) {
        if (spike[at(t, i)] === 0) continue;
        const where = `neuron ${i}, spike at step ${t}`;
        assert.is(v[at(t, i)], V_RESET, `${where}: v reset`);
        assert.is(ref[at(t, i)], REFRACTORY_STEPS, `${where}: countdown restarts`);
        // steps t+1 .. t+50 start with the countdown at 50 .. 1: v is held, no spike
        for (let k = 1; k <= REFRACTORY_STEPS && t + k < steps; k++) {
          assert.is(spike[at(t + k, i)], 0, `${where}: no spike ${k} steps later (refractory)`);
          assert.is(v[at(t + k, i)], V_RESET, `${where}: v held at ${V_RESET} mV ${k} steps later`);
          assert.is(ref[at(t + k, i)], REFRACTORY_STEPS - k, `${where}: countdown ${k} steps later`);
        }
        const free = t + REFRACTORY_STEPS + 1;
        if (free >= steps) continue;
        windows++;
        // step t+51 starts with the countdown at 0: v integrates (it moves, or the neuron spikes at once)
        assert.is(ref[at(free - 1, i)], 0, `${where}: countdown at rest after ${REFRACTORY_STEPS} steps`);
        if (spike[at(free, i)] === 0) {
          assert.is.not(v[at(free, i)], V_RESET, `${where}: v moves ${REFRACTORY_STEPS + 1} steps later (free again)`);
          freed++;
        }
      }
    }
    assert.ok(windows >= 12, `${windows} complete refractory windows checked`);
    assert.ok(freed >= 6, `${freed} windows where v was seen integrating again after the refractory period`);
    // neuron 3, driven hardest, spikes again at the first step it is free: 51 steps after its first spike
    const second = Array.from({ length: steps }, (_, t) => spike[at(t, 3)]).indexOf(1, 1);
    assert.is(second, REFRACTORY_STEPS + 1, 'neuron 3 spikes again as soon as its refractory period ends');
  });
}

// ---------------------------------------------------------------------------------------------
// An independent implementation of the model

type Round = (x: number) => number;

interface Targets { readonly to: Int32Array; readonly w: Float64Array }

/**
 * One projection as lists of (target, weight) per presynaptic neuron, read through the matrix's
 * public accessors: indptr, indices and data of a CSR, todense() of a JIT matrix (computed on
 * the reference backend, the float64 oracle: the backend under test is checked by the
 * simulation, and a JIT todense on a software GPU costs about a second).
 */
function targetsOf(m: ef.CSR | ef.JITCMatrix, n: number): Targets[] {
  if (m instanceof ef.CSR) {
    const [ptr, idx] = [m.indptr, m.indices];
    const shared = m.data.ndim === 0;
    const data = shared ? [] : Array.from(m.data.dataSync());
    const w0 = shared ? m.data.item() : 0;
    return Array.from({ length: n }, (_, j) => ({
      to: idx.slice(ptr[j]!, ptr[j + 1]!),
      w: Float64Array.from({ length: ptr[j + 1]! - ptr[j]! }, (_, q) => (shared ? w0 : data[ptr[j]! + q]!)),
    }));
  }
  const dense = withBackend('reference', () => m.todense().data.dataSync());
  return Array.from({ length: n }, (_, j) => {
    const row = Array.from(dense.subarray(j * n, (j + 1) * n));
    const to = row.flatMap((w, i) => (w !== 0 ? [i] : []));
    return { to: Int32Array.from(to), w: Float64Array.from(to, (i) => row[i]!) };
  });
}

const readConnectivity = new WeakMap<Network, { readonly exc: Targets[]; readonly inh: Targets[] }>();
function connectivity(net: Network): { readonly exc: Targets[]; readonly inh: Targets[] } {
  let c = readConnectivity.get(net);
  if (!c) readConnectivity.set(net, (c = { exc: targetsOf(net.projections.excitatory.matrix, net.neurons), inh: targetsOf(net.projections.inhibitory.matrix, net.neurons) }));
  return c;
}

/**
 * The model as published (Brette et al. 2007, benchmarks 1 and 2) with the refractory countdown
 * of src/models/brette.ts, in plain JavaScript: per step, integrate the neurons that are not
 * refractory (COBA: forward Euler of τm dv/dt = (El − v) + ge (Ee − v) + gi (Ei − v); CUBA: the
 * exact update v = El + (v − El) e^(−dt/τm) + ge ce + gi ci), spike where v > vth, reset to
 * vreset and restart the countdown at round(tref / dt), count down otherwise; then the
 * conductances decay (COBA: g (1 − dt/τ), CUBA: g e^(−dt/τ)) and receive the weights of the
 * spikes of this step (excitatory neurons 0 .. 0.8N − 1 through the excitatory matrix).
 *
 * Numerics: the state is held in Float32Arrays, as the kernels store it (each step's v, ge and
 * gi rounded once); within a step the arithmetic is float64 with `r` applied after every
 * operation: the identity (the cpu and reference backends compute in float64 inside a step) or
 * Math.fround (a float32 device, which rounds every operation). The cpu backend also rounds each
 * weight it adds into ge and gi (docs/fusion.md), and a device may contract or reorder float
 * operations, so neither variant is every backend's exact arithmetic; what the test relies on,
 * and checks, is that over these runs the ulp-level differences move no spike: the two variants
 * give the same train, and the library's train must equal it spike by spike.
 */
function jsTrain(net: Network, steps: number, r: Round): [number, number][] {
  const n = net.neurons;
  const ne = net.excitatory;
  const dt = net.dt.item(); // the float32 nearest 0.1 ms, as the network holds it
  const [taum, taue, taui] = [20, 5, 10];
  const refractory = Math.round(5 / dt);
  const { exc, inh } = connectivity(net);
  const v = Float32Array.from(net.init.v!.to('mV').dataSync());
  const ge = Float32Array.from(net.init.ge!.dataSync());
  const gi = Float32Array.from(net.init.gi!.dataSync());
  const ref = Int32Array.from(net.init.ref!.dataSync());
  const coba = net.model === 'coba';
  // constants in float64 from the float32 dt (a device holds them as float32: r)
  const c = (x: number): number => r(x);
  const [dtm, de, di] = [c(dt / taum), c(1 - dt / taue), c(1 - dt / taui)];
  const [am, ae, ai] = [c(Math.exp(-dt / taum)), c(Math.exp(-dt / taue)), c(Math.exp(-dt / taui))];
  const ce = c((taue / (taue - taum)) * (Math.exp(-dt / taue) - Math.exp(-dt / taum)));
  const ci = c((taui / (taui - taum)) * (Math.exp(-dt / taui) - Math.exp(-dt / taum)));
  const [El, Ee, Ei] = coba ? [-60, 0, -80] : [-49, 0, 0];
  const train: [number, number][] = [];
  const se = new Float64Array(n);
  const si = new Float64Array(n);
  for (let t = 0; t < steps; t++) {
    const spikes: number[] = [];
    for (let i = 0; i < n; i++) {
      let x = v[i]!;
      if (ref[i]! <= 0) {
        x = coba
          ? r(x + r(r(r(r(ge[i]! * r(Ee - x)) + r(gi[i]! * r(Ei - x))) - r(x - El)) * dtm))
          : r(r(r(El + r(r(x - El) * am)) + r(ge[i]! * ce)) + r(gi[i]! * ci));
      }
      if (x > V_TH) {
        spikes.push(i);
        v[i] = V_RESET;
        ref[i] = refractory;
      } else {
        v[i] = x;
        if (ref[i]! > 0) ref[i]!--;
      }
    }
    se.fill(0);
    si.fill(0);
    for (const j of spikes) {
      const { to, w } = j < ne ? exc[j]! : inh[j]!;
      const sum = j < ne ? se : si;
      for (let q = 0; q < to.length; q++) sum[to[q]!] = r(sum[to[q]!]! + w[q]!);
    }
    const [dge, dgi] = coba ? [de, di] : [ae, ai];
    for (let i = 0; i < n; i++) {
      ge[i] = r(r(ge[i]! * dge) + se[i]!);
      gi[i] = r(r(gi[i]! * dgi) + si[i]!);
    }
    for (const i of spikes) train.push([t, i]);
  }
  return train;
}

/** The networks above, one with fixed fan-out and one with JIT connectivity (smaller: JIT products are slow on a software GPU). */
const JS_NETS: readonly { readonly model: ModelName; readonly neurons: number; readonly seed: number; readonly conn: ConnKind; readonly steps: number }[] = [
  ...NETS.map((x) => ({ ...x, steps: STEPS })),
  { model: 'coba', neurons: 200, seed: 21, conn: 'fixed', steps: STEPS },
  { model: 'coba', neurons: 120, seed: 6, conn: 'jitc', steps: 200 },
];

for (const { model, neurons, seed, conn, steps } of JS_NETS) {
  forEachBackend(test, `${model} / ${conn} (N = ${neurons}, ${steps} steps): spike times equal a plain-JS implementation of the model, spike by spike`, async () => {
    const net = network(model, neurons, seed, conn);
    const float64 = jsTrain(net, steps, (x) => x);
    const float32 = jsTrain(net, steps, Math.fround);
    const asRaster = (train: [number, number][]): Raster => ({ steps: Int32Array.from(train, (s) => s[0]), neurons: Int32Array.from(train, (s) => s[1]) });
    // the premise of the comparison (see jsTrain): rounding inside a step moves no spike here
    expectSameRaster(asRaster(float32), asRaster(float64), 'the JS model rounding every operation to float32 vs computing a step in float64');
    assert.ok(float64.length >= 30, `${float64.length} spikes: the network must be active`);
    assert.ok(new Set(float64.map(([, i]) => i)).size < float64.length, 'some neuron spikes more than once');
    const lib = await simulate(net, { steps, sample: neurons, chunk: 97 });
    expectSameRaster(lib.raster, asRaster(float64), `the network vs the JS model`);
  });
}

test.run();
