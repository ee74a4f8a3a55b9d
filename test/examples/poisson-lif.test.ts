/**
 * examples/poisson-lif.ts: a LIF population driven by Poisson sources through a CSR matrix
 * (ef.random.poissonEvents) plus a PoissonInput background. The input spikes per step match
 * sources·rate·dt (mean, variance, and evenly over the sources), an undriven population never
 * fires and relaxes to rest, the spike trains are those of a plain JS model of the same network
 * fed the very same input draws (equal on cpu; the same to within a few spikes elsewhere), and
 * chunked runs give the same spike trains as one run. Run on every backend, at small sizes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { DEFAULTS, background, connectivity, initialV, inputEvents, meanIsiCv, refractorySteps, runPoissonLif, type PoissonLifParams, type PoissonLifResult } from '../../examples/poisson-lif.js';
import { withBackend } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

/** A small network: 200 neurons, each with about 50 sources at 20 Hz (1,000 input spikes/s) and a background. */
const SMALL: Partial<PoissonLifParams> = { neurons: 200, sources: 500, rate: 20, connectionProb: 0.1, seed: 7, recordV: [0, 1, 2] };

/**
 * Simulated ms per test on this backend: a gpujs step costs 1–3 ms (several kernel launches, and
 * each direct draw outside the runner builds its own kernel), a cpu step a few µs.
 */
const host = (backend: string): boolean => backend === 'cpu' || backend === 'reference';
const duration = (backend: string, hostMs: number, deviceMs: number): number => (host(backend) ? hostMs : deviceMs);

// ---------------------------------------------------------------- (1) the input statistics

forEachBackend(test, 'input spikes per step: mean sources·rate·dt and binomial variance within 5 standard errors, spread evenly over the sources (several skip blocks), and the direct draws', async (backend) => {
  // 20 expected per step (dt 0.1 ms): 40,000 sources at 5 Hz over 2,000 steps (10 blocks of
  // 4,096 sources) on a host backend; 10,000 at 20 Hz over 150 steps (3 blocks) on a device,
  // where every source is a thread each step.
  const [sources, rate, ms] = host(backend) ? [40_000, 5, 200] : [10_000, 20, 15];
  const p = { ...DEFAULTS, neurons: 4, sources, rate, connectionProb: 0.01, bgSources: 0, duration: ms, seed: 3, recordV: [0] };
  const r = await runPoissonLif(p);
  const T = r.steps;
  const q = p.rate * (p.dt / 1000);
  const mu = p.sources * q;
  assert.is(T, Math.round(p.duration / p.dt));
  assert.is(r.inputExpected, mu);
  // mean per step: Binomial(n, q) per step, independent steps
  const mean = r.inputCount / T;
  const se = Math.sqrt((p.sources * q * (1 - q)) / T);
  assert.ok(Math.abs(mean - mu) <= 5 * se, `input per step ${mean}, expected ${mu} ± 5·${se.toFixed(4)}`);
  // variance per step: the sample variance of a Poisson(μ) count has a variance of about (μ + 2μ²)/T
  const variance = r.inputPerStep.reduce((a, k) => a + (k - mean) ** 2, 0) / (T - 1);
  const want = mu * (1 - q);
  const seVar = Math.sqrt((mu + 2 * mu * mu) / T);
  assert.ok(Math.abs(variance - want) <= 5 * seVar, `variance per step ${variance}, expected ${want} ± 5·${seVar.toFixed(3)}`);
  // spread over the sources: 20 bins each get 1/20 of the spikes (a skip-sampling slip at a
  // block boundary, or a block walked short, would empty or overfill some bins)
  const bins = new Float64Array(20);
  const width = p.sources / 20;
  r.input.sources.forEach((i) => bins[Math.floor(i / width)]!++);
  const perBin = r.inputCount / 20;
  bins.forEach((c, b) => assert.ok(Math.abs(c - perBin) <= 5 * Math.sqrt(perBin), `sources ${b * width}..${(b + 1) * width - 1}: ${c} spikes, expected ${perBin.toFixed(0)} ± 5·${Math.sqrt(perBin).toFixed(1)}`));
  const lastBlock = Math.floor((p.sources - 1) / 4096) * 4096;
  assert.ok(r.input.sources.some((i) => i >= lastBlock), `the last (short) block, sources ${lastBlock}.., has spikes`);
  // the recorded spikes of the first steps are the direct draws, realized outside any runner
  for (let t = 0; t < (host(backend) ? 20 : 5); t++) {
    const recorded = Array.from(r.input.sources.filter((_, k) => r.input.steps[k] === t));
    assert.equal(Array.from(inputEvents(p, t).indices()), recorded, `input spikes at step ${t}`);
  }
});

// ---------------------------------------------------------------- (2) control: no drive

forEachBackend(test, 'control: without Poisson drive nothing fires and v relaxes to rest as El + (v0 − El)·exp(−t·dt/τ)', async (backend) => {
  const p: Partial<PoissonLifParams> = { ...SMALL, rate: 0, bgSources: 0, recordV: [0, 1, 2, 199], duration: duration(backend, 200, 60) };
  const r = await runPoissonLif(p);
  assert.is(r.spikeCount, 0, 'spikes without drive');
  assert.is(r.inputCount, 0, 'input spikes at 0 Hz');
  const { El, vreset, vth, dt, tau } = DEFAULTS;
  const decay = ef.exp(ef.scalar(dt, 'ms').div(ef.scalar(tau, 'ms')).neg()).item(); // as the step holds it
  assert.ok(Math.abs(decay - Math.exp(-dt / tau)) < 1e-7, `decay per step ${decay}`);
  const v0 = initialV({ ...DEFAULTS, ...p });
  const k = p.recordV!.length;
  // float32 state: each step rounds v (ulp 4e-6 mV near −60 mV), and the decay forgets old errors
  const atol = 2e-3;
  for (let c = 0; c < k; c++) {
    const n = p.recordV![c]!;
    assert.ok(v0[n]! > vreset && v0[n]! < vth - 0.5, `neuron ${n} starts between reset and threshold (${v0[n]})`);
    let previous = Infinity;
    for (let t = 0; t < r.steps; t += 25) {
      const v = r.v[t * k + c]!;
      const want = El + (v0[n]! - El) * decay ** t;
      assert.ok(Math.abs(v - want) <= atol, `[${backend}] v of neuron ${n} at step ${t}: ${v}, expected ${want}`);
      assert.ok(Math.abs(v - El) <= previous, `neuron ${n} moves toward rest`);
      previous = Math.abs(v - El);
    }
  }
  // every neuron: (v0 − El)·e^(−T·dt/τ) from rest at the end (e^-10 after 200 ms, e^-3 after 60 ms)
  const vEnd = r.finalState.v!.dataSync();
  vEnd.forEach((v, i) => {
    const want = El + (v0[i]! - El) * decay ** r.steps;
    assert.ok(Math.abs(v - want) <= atol, `neuron ${i} ends at ${v} mV, expected ${want} mV`);
  });
});

// ---------------------------------------------------------------- (3) a plain JS model, same draws

interface Draws {
  /** Active sources of each step. */
  readonly events: Int32Array[];
  /** Background counts of each step (one per neuron), or none. */
  readonly counts: (Float32Array | Int32Array | Float64Array)[] | undefined;
}

/** The input draws of steps 0 .. steps − 1, each realized on its own (outside any runner) on `backend`. */
function directDraws(p: PoissonLifParams, steps: number, backend: string): Draws {
  return withBackend(backend, () => ({
    events: Array.from({ length: steps }, (_, t) => inputEvents(p, t).indices()),
    counts: p.bgSources > 0 ? Array.from({ length: steps }, (_, t) => background(p, t, 1).dataSync() as Float32Array) : undefined,
  }));
}

interface ModelResult {
  readonly spikes: number[][];
  readonly count: number;
}

/**
 * The network in plain JS, fed `draws`. Its arithmetic follows the cpu backend's plan for the
 * step (docs/fusion.md): the background `count·w` is stored as float32, the CSR rows of the
 * active sources add into it in order, each addition rounded to float32 (the product
 * accumulates into the output); the membrane update is one loop in doubles, compared with the
 * threshold unrounded and stored as float32. Returns the spiking neurons of each step.
 */
function jsModel(p: PoissonLifParams, draws: Draws, decay: number): ModelResult {
  const { indptr, indices, data } = connectivity(p);
  const v = initialV(p);
  const ref = new Int32Array(p.neurons);
  const drive = new Float32Array(p.neurons);
  const wBg = Math.fround(p.bgWeight);
  const refSteps = refractorySteps(p);
  const spikes: number[][] = [];
  let count = 0;
  draws.events.forEach((events, t) => {
    const bg = draws.counts?.[t];
    for (let j = 0; j < p.neurons; j++) drive[j] = bg ? bg[j]! * wBg : 0;
    for (const i of events) for (let q = indptr[i]!; q < indptr[i + 1]!; q++) drive[indices[q]!] += data[q]!;
    const fired: number[] = [];
    for (let j = 0; j < p.neurons; j++) {
      const vInt = ref[j]! <= 0 ? p.El + (v[j]! - p.El) * decay + drive[j]! : v[j]!;
      if (vInt > p.vth) {
        v[j] = p.vreset;
        ref[j] = refSteps;
        fired.push(j);
      } else {
        v[j] = vInt;
        if (ref[j]! > 0) ref[j]!--;
      }
    }
    spikes.push(fired);
    count += fired.length;
  });
  return { spikes, count };
}

/** The run's spikes as one list of neurons per step. */
function perStep(r: PoissonLifResult): number[][] {
  const out: number[][] = Array.from({ length: r.steps }, () => []);
  r.spikes.steps.forEach((s, q) => out[s]!.push(r.spikes.neurons[q]!));
  return out;
}

forEachBackend(test, 'the spike trains of a plain JS model fed the same input draws: equal on cpu, the same count within 2% (and ≥ 90% of spikes at the same step) elsewhere', async (backend) => {
  const r = await runPoissonLif({ ...SMALL, duration: duration(backend, 200, 60) });
  const p = r.params;
  const decay = ef.exp(ef.scalar(p.dt, 'ms').div(ef.scalar(p.tau, 'ms')).neg()).item();
  // A device's direct draws cost a kernel each: the model takes them from the cpu backend, and
  // the first 10 steps' draws on the device itself must be the same (events exactly; the
  // background counts too, drawn by inversion at n·q = 0.2).
  const draws = directDraws(p, r.steps, host(backend) ? backend : 'cpu');
  if (!host(backend)) {
    const own = directDraws(p, 10, backend);
    own.events.forEach((e, t) => assert.equal(Array.from(e), Array.from(draws.events[t]!), `[${backend}] input draws at step ${t} vs cpu`));
    own.counts!.forEach((c, t) => assert.equal(Array.from(c), Array.from(draws.counts![t]!), `[${backend}] background counts at step ${t} vs cpu`));
  }
  // the runner's input spikes are the direct draws
  const inputs: number[][] = Array.from({ length: r.steps }, () => []);
  r.input.steps.forEach((t, k) => inputs[t]!.push(r.input.sources[k]!));
  inputs.forEach((got, t) => assert.equal(got, Array.from(draws.events[t]!), `input spikes at step ${t}`));
  const model = jsModel(p, draws, decay);
  // the population is driven (fluctuation-driven firing near threshold) and irregular
  assert.ok(r.meanRate > 5 && r.meanRate < 40, `mean rate ${r.meanRate} Hz, expected 5–40 Hz`);
  assert.ok(r.spikeCount > 100, `${r.spikeCount} spikes`);
  const got = perStep(r);
  if (backend === 'cpu') {
    assert.is(r.spikeCount, model.count, 'spike count');
    for (let t = 0; t < r.steps; t++) assert.equal(got[t], model.spikes[t], `spikes at step ${t}`);
  } else {
    assert.ok(Math.abs(r.spikeCount - model.count) <= Math.max(2, 0.02 * model.count), `[${backend}] ${r.spikeCount} spikes, JS model ${model.count} (±2%)`);
    let same = 0;
    for (let t = 0; t < r.steps; t++) same += got[t]!.filter((j) => model.spikes[t]!.includes(j)).length;
    assert.ok(same >= 0.9 * model.count, `[${backend}] ${same} of ${model.count} spikes at the same step and neuron`);
  }
  // the example's own summary agrees with its spike list
  assert.is(r.counts.reduce((a, b) => a + b, 0), r.spikeCount);
  if (host(backend)) {
    const cv = meanIsiCv(r);
    assert.ok(cv.neurons > 50 && cv.cv > 0.1 && cv.cv < 1.5, `CV of ISIs ${cv.cv} over ${cv.neurons} neurons: irregular firing expected`);
  }
});

// ---------------------------------------------------------------- (4) chunked runs

forEachBackend(test, 'chunked runs (startStep) give the same spike trains, input spikes, voltage records and final state as one run', async (backend) => {
  const params = { ...SMALL, duration: duration(backend, 100, 40) };
  const whole = await runPoissonLif(params);
  const chunked = await runPoissonLif({ ...params, chunk: 137 });
  assert.ok(whole.spikeCount > 20, `${whole.spikeCount} spikes`);
  assert.equal(Array.from(chunked.spikes.steps), Array.from(whole.spikes.steps), 'spike steps');
  assert.equal(Array.from(chunked.spikes.neurons), Array.from(whole.spikes.neurons), 'spike neurons');
  assert.equal(Array.from(chunked.input.sources), Array.from(whole.input.sources), 'input spikes');
  assert.equal(Array.from(chunked.inputPerStep), Array.from(whole.inputPerStep), 'input spikes per step');
  assert.equal(Array.from(chunked.v), Array.from(whole.v), 'voltage records');
  assert.equal(Array.from(chunked.finalState.v!.dataSync()), Array.from(whole.finalState.v!.dataSync()), 'final v');
  assert.equal(Array.from(chunked.finalState.ref!.dataSync()), Array.from(whole.finalState.ref!.dataSync()), 'final refractory counts');
});

test.run();
