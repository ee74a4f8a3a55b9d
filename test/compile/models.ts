/**
 * Shared pieces of the compiled-runner suites (not a test file): stepping a step function
 * by hand on the reference backend, neuron models with units, and their fast-check cases.
 */
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn, StepResult, TypedArray } from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';
import { assertWithin, ulp32 } from '../helpers/close.js';

/** `fn` with `name` as the current backend until its promise settles. */
export async function onBackend<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const previous = ef.getBackend();
  ef.setBackend(name);
  try {
    return await fn();
  } finally {
    ef.setBackend(previous);
  }
}

/** Assert that `p` rejects with `cls` and a message matching every pattern. */
export async function expectReject(p: () => Promise<unknown>, cls: new (...a: never[]) => Error, ...patterns: RegExp[]): Promise<void> {
  let caught: unknown;
  try {
    await p();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  for (const re of patterns) assert.match((caught as Error).message, re);
}

export function split(r: StepResult): { state: ArrayRecord; record: ArrayRecord } {
  if ('state' in r && !((r as { state: unknown }).state instanceof ef.LazyArray)) {
    const s = r as { state: ArrayRecord; record?: ArrayRecord };
    return { state: s.state, record: s.record ?? {} };
  }
  return { state: r as ArrayRecord, record: {} };
}

export interface Trajectory {
  readonly state: Record<string, TypedArray>;
  /** Per record key, the values of every step, concatenated. */
  readonly records: Record<string, number[]>;
}

/** Apply `step` by hand `steps` times on the reference backend: eager lazy arrays, row s of each input at step s. */
export function stepByHand(step: StepFn, init: ArrayRecord, steps: number, inputs: ArrayRecord = {}): Trajectory {
  const previous = ef.getBackend();
  ef.setBackend('reference');
  try {
    const stacked = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, v.dataSync()]));
    let state: ArrayRecord = init;
    const records: Record<string, number[]> = {};
    for (let s = 0; s < steps; s++) {
      const row = Object.fromEntries(Object.entries(inputs).map(([k, v]) => {
        const rowShape = v.shape.slice(1);
        const m = rowShape.reduce((a, b) => a * b, 1);
        return [k, ef.array(stacked[k]!.slice(s * m, (s + 1) * m), v.unit, { dtype: v.dtype, shape: rowShape })];
      }));
      const out = split(step(state, row, ef.scalar(s, '1', 'int32')));
      // Store the new state in its dtype, as a runner's buffers do.
      state = Object.fromEntries(Object.entries(out.state).map(([k, v]) => [k, ef.array(v.dataSync(), v.unit, { dtype: v.dtype, shape: v.shape })]));
      for (const [k, v] of Object.entries(out.record)) (records[k] ??= []).push(...v.dataSync());
    }
    return { state: Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.dataSync()])), records };
  } finally {
    ef.setBackend(previous);
  }
}

// ------------------------------------------------------------------ models

export const dt = ef.scalar(0.5, 'ms');
export const tau = ef.scalar(17.5, 'ms');
export const EL = ef.scalar(-65, 'mV');
export const vTh = ef.scalar(-0.05, 'V'); // -50 mV, given in volts: converted when compared with mV
export const vReset = ef.scalar(-70, 'mV');
export const TH = -50;

/** Leaky integrate-and-fire driven by a per-step input current (as a voltage) I. */
export const lif: StepFn = (s, i) => {
  const v = s.V!.add(dt.div(tau).mul(EL.sub(s.V!).add(i.I!)));
  const spiked = v.greater(vTh);
  return { state: { V: ef.where(spiked, vReset, v) }, record: { spikes: spiked.sum(), v } };
};

export const tauG = ef.scalar(5, 'ms');
export const w = ef.scalar(0.8, 'nS');
export const gL = ef.scalar(10, 'nS');
export const Ee = ef.scalar(0, 'mV');
export const C = ef.scalar(200, 'pF');

/** Conductance-based neuron: two state variables (V in mV, g in nS), input spikes open g. */
export const coba: StepFn = (s, i) => {
  const g = s.g!.sub(s.g!.mul(dt.div(tauG))).add(ef.where(i.pre!, w, ef.scalar(0, 'nS')));
  const v = s.V!.add(dt.div(C).mul(gL.mul(EL.sub(s.V!)).add(s.g!.mul(Ee.sub(s.V!)))));
  const spiked = v.greater(vTh);
  return { state: { V: ef.where(spiked, vReset, v), g }, record: { spikes: spiked.sum(), gMean: g.mean(), v } };
};

/** LIF with an int32 refractory countdown: a spike holds V at reset for 3 steps. */
export const refractory: StepFn = (s, i) => {
  const free = s.ref!.lessEqual(0);
  const v = ef.where(free, s.V!.add(dt.div(tau).mul(EL.sub(s.V!).add(i.I!))), vReset);
  const spiked = v.greater(vTh);
  return {
    state: { V: ef.where(spiked, vReset, v), ref: ef.where(spiked, 3, ef.maximum(s.ref!.sub(1), 0)) },
    record: { spikes: spiked.sum(), v },
  };
};

/** The smallest distance of any recorded pre-reset voltage from the threshold. */
export const margin = (vs: readonly number[]): number => Math.min(Infinity, ...vs.map((v) => Math.abs(v - TH)));

export const floats = (n: number, lo: number, hi: number): fc.Arbitrary<number[]> =>
  fc.array(fc.double({ min: lo, max: hi, noNaN: true }), { minLength: n, maxLength: n });

/** n neurons, k steps, initial voltages and a stacked input with k + extra rows. */
export const lifCase = fc
  .record({ n: fc.integer({ min: 1, max: 8 }), k: fc.integer({ min: 1, max: 20 }), extra: fc.integer({ min: 0, max: 2 }) })
  .chain(({ n, k, extra }) =>
    fc.record({ n: fc.constant(n), k: fc.constant(k), v0: floats(n, -70, -48), input: floats((k + extra) * n, 0, 45), rows: fc.constant(k + extra) }));

// ------------------------------------------------------------------ tolerance in float32 ulps

/**
 * How far a compiled runner may drift from stepping by hand, per element, in float32 ulps.
 *
 * A compiled step fuses an update and computes it in float64, rounding once per stored state
 * per step (cpu; capabilities().float64Sums), or in float32 op by op (gpujs); stepping by hand
 * on the reference rounds every op to float32. In one step the two newly differ by at most
 * `perStep` ulps of `magnitude`, the largest operand of the update (each rounding is at most
 * half an ulp of its result, and a rounding inside the update counts scaled by the factor it
 * is then multiplied with). An earlier difference is carried to the next step times at most
 * `rho` (the update's contraction: LIF multiplies V by 1 − dt/τ). So after s steps
 *
 *   |compiled − by hand| ≤ perStep · ulp32(magnitude) · Σ_{t<s} rho^t   (+ once, for a record
 *   computed from the state: a reduction's own roundings),
 *
 * at most perStep · min(s, 1/(1 − rho)) ulps of `magnitude` when rho < 1. A spike resets V
 * to the same constant on both sides (the cases keep every voltage 1e-3 mV from the
 * threshold, far beyond these bounds, so both spike alike), which only shrinks the difference.
 */
export interface StepTolerance {
  /** The largest magnitude an operand of the update reaches (ulps are counted at it). */
  readonly magnitude: number;
  /** The most one step multiplies an earlier difference by. */
  readonly rho: number;
  /** New difference per step in ulps of `magnitude`: float64 fused (cpu, reference) and float32 op by op (gpujs). */
  readonly perStep: { readonly float64: number; readonly float32: number };
  /** Ulps of `magnitude` added once (the roundings of a reduction of the state), as perStep. */
  readonly once?: { readonly float64: number; readonly float32: number };
}

/** The absolute bound after `steps` steps on `backend`. */
export function stepBound(backend: string, tol: StepTolerance, steps: number): number {
  const float64 = withBackend(backend, () => ef.backend().capabilities.float64Sums);
  let growth = 0;
  for (let t = 0; t < steps; t++) growth += tol.rho ** t;
  const once = tol.once === undefined ? 0 : float64 ? tol.once.float64 : tol.once.float32;
  return ((float64 ? tol.perStep.float64 : tol.perStep.float32) * growth + once) * ulp32(tol.magnitude);
}

/**
 * Assert each element within stepBound: `steps` for a final state, or `(i) => step of element
 * i, counted from 1` for records stacked per step.
 */
export function expectSteps(backend: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: StepTolerance, steps: number | ((i: number) => number), what: string): void {
  const bound = Array.from({ length: want.length }, (_, i) => stepBound(backend, tol, typeof steps === 'number' ? steps : steps(i)));
  assertWithin(got, want, bound, `[${backend}] ${what}`, ulp32, `[${backend}] ${what.split(' (')[0]}`);
}

/**
 * LIF V (and the refractory model's): V + (dt/τ)((EL − V) + I), |V| ≤ 70 mV (the reset), and
 * |EL − V + I| ≤ 50. By hand: V + … rounds to ≤ 0.5 ulp(70); the product with dt/τ ≈ 0.029
 * to ≤ 0.5 ulp(2) = 1/64 ulp(70); EL − V and + I to ≤ 0.5 ulp(70) each, times 0.029; dt/τ
 * itself (float32 on one side) ≤ 2^-24 · 0.029 · 50: ≈ 0.55 ulp(70) in all; the fused update
 * rounds once, 0.5: 1.05, taken as 1.25. gpujs rounds op by op as well: 2 × 1.25. rho = 1 − dt/τ.
 * After 20 steps: at most 1.25 · 15.4 ≈ 19 ulps of 70 mV (3e-4 mV) on cpu.
 */
export const LIF_TOL: StepTolerance = { magnitude: 70, rho: 1 - 0.5 / 17.5, perStep: { float64: 1.25, float32: 2.5 } };

/**
 * coba g: g − g·dt/τg + w·pre, 0 ≤ g ≤ 30 + 0.8/(1 − 0.9) = 38 nS: three roundings ≤ 0.5 ulp(38)
 * by hand (the product g·dt/τg ≤ 3.8, an eighth of that) and one fused: ≈ 1.1, taken as 1.25;
 * rho = 1 − dt/τg = 0.9. Its mean over n ≤ 8 neurons adds a float64 sum rounded once and a
 * division on each side (float32 sums on gpujs: γ_8 · 8 · 38 ≈ 1 ulp of 38 more, within): once = 2 ulps of 38.
 */
export const COBA_G_TOL: StepTolerance = { magnitude: 38, rho: 0.9, perStep: { float64: 1.25, float32: 2.5 }, once: { float64: 2, float32: 2 } };

/**
 * coba V: V + (dt/C)(gL(EL − V) + g(Ee − V)), |V| ≤ 70 mV. Own roundings: V + … ≤ 0.5 ulp(70)
 * and the fused one 0.5; those inside the bracket (magnitudes ≤ 10·25 + 38·70 ≈ 2900, ulp
 * 2^-12) are scaled by dt/C = 0.0025: ≈ 0.04 ulp(70) each, ≈ 0.15 in all; 1.15. The
 * difference in g enters through (dt/C)(Ee − V) ≤ 0.175 per nS, g's bound being
 * ≤ 1.25 · 10 ulps of 38 nS = 6.25 ulps of 70: ≤ 1.1 ulps of 70 per step. 1.15 + 1.1 taken as
 * 2.5 (5 on gpujs); rho = 1 − (dt/C)·gL = 0.975 (g only adds to the leak).
 */
export const COBA_V_TOL: StepTolerance = { magnitude: 70, rho: 1 - 0.0025 * 10, perStep: { float64: 2.5, float32: 5 } };

/** A 2-D state mixed with its column means; records row maxima (axis reductions). */
export const mixing: StepFn = (s, i) => ({
  state: { M: s.M!.mul(0.9).add(s.M!.mean(0, { keepdims: true }).mul(0.1)).add(i.drive!) },
  record: { rowMax: s.M!.max(1), colSum: s.M!.sum(0) },
});

/**
 * The rate model r' = 0.5 r + tanh(W r), |W_ij| ≤ 1/n: |r| ≤ 2 (|r| ≤ 0.5|r| + 1 from |r0| ≤ 1),
 * and one step grows a difference by at most rho = 0.5 + max|tanh'| · max_i Σ_j |W_ij|
 * (≤ 1.5; computed from the case's W). Per step by hand: the product (a float64 sum rounded
 * once, ≤ 0.5 ulp of 2), tanh rounded (≤ 0.5 ulp of 1 plus Math.tanh's own error) and the sum
 * (≤ 0.5 ulp of 2); fused: one rounding; 2 in all, taken as 2.5. gpujs: float32 sums of
 * n ≤ 6 products, γ_6 · 2 ≈ 3 ulps of 2, and a float32 tanh (a few ulps of 1): 10.
 */
export const rateTol = (rho: number): StepTolerance => ({ magnitude: 2, rho, perStep: { float64: 2.5, float32: 10 } });

/**
 * sum(r @ W) of the rate model, |.| ≤ n · 2 ≤ 12: n times r's difference (n/4 = 1.5 ulps of
 * 12 per ulp of 2, hence 1.5 × rateTol's perStep), plus its own n² products and sums once:
 * ≤ 1 ulp of 12 in float64, γ_42 · 12 ≈ 32 ulps of 12 in float32.
 */
export const rateSumTol = (rho: number): StepTolerance => ({ magnitude: 12, rho, perStep: { float64: 3.75, float32: 15 }, once: { float64: 1, float32: 32 } });
