/**
 * Shared pieces of the compiled-runner suites (not a test file): stepping a step function
 * by hand on the reference backend, neuron models with units, and their fast-check cases.
 */
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn, StepResult, TypedArray } from '../../src/index.js';

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

export const RTOL = 1e-4;
export const ATOL = 1e-3; // mV / nS: values here are tens

/** A 2-D state mixed with its column means; records row maxima (axis reductions). */
export const mixing: StepFn = (s, i) => ({
  state: { M: s.M!.mul(0.9).add(s.M!.mean(0, { keepdims: true }).mul(0.1)).add(i.drive!) },
  record: { rowMax: s.M!.max(1), colSum: s.M!.sum(0) },
});
