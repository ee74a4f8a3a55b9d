/**
 * The Brette et al. (2007) benchmark networks, written with the public API only:
 * N leaky integrate-and-fire neurons with a refractory period, 80 % excitatory and 20 %
 * inhibitory, connection probability 80 / N, exponential synapses.
 * - COBA (benchmark 1, after Vogels & Abbott 2005): conductance-based synapses (in units of
 *   the leak conductance), forward Euler.
 * - CUBA (benchmark 2): current-based synapses (in mV), exact integration of the linear part.
 * One population array: the excitatory neurons are 0 .. 0.8N − 1.
 */
import * as ef from '../index.js';
import { checkBytes } from '../limits.js';
import { project, type ConnKind, type Projection } from './connectivity.js';
import { seeded } from './random.js';

export type ModelName = 'coba' | 'cuba';
export type { ConnKind, Projection };

export interface NetworkOptions {
  readonly model: ModelName;
  /** Default 4000. */
  readonly neurons?: number;
  /** Time step, a 0-d time array (default 0.1 ms). */
  readonly dt?: ef.LazyArray;
  /** Default 'csr'. */
  readonly conn?: ConnKind;
  /** Seeds the connectivity and the initial state (default 1). */
  readonly seed?: number;
}

export interface Network {
  readonly model: ModelName;
  readonly conn: ConnKind;
  readonly neurons: number;
  readonly excitatory: number;
  readonly inhibitory: number;
  /** Stored synapses, or the expected number for JITC (see synapsesExact). */
  readonly synapses: number;
  readonly synapsesExact: boolean;
  /** The time step in ms (0-d). */
  readonly dt: ef.LazyArray;
  /** The excitatory and inhibitory projections (N × N matrices, rows of their population). */
  readonly projections: { readonly excitatory: Projection; readonly inhibitory: Projection };
  /** One step: state { v, ge, gi, ref } → next state, recording `spike` (bool [N]). */
  readonly step: ef.StepFn;
  readonly init: ef.ArrayRecord;
  describe(): string;
}

const ms = (v: number): ef.LazyArray => ef.scalar(v, 'ms');
const mV = (v: number): ef.LazyArray => ef.scalar(v, 'mV');

/** Published parameters (Brette et al. 2007, benchmarks 1 and 2). */
export const PARAMS = {
  taum: ms(20), taue: ms(5), taui: ms(10), tref: ms(5),
  vth: mV(-50), vreset: mV(-60),
  coba: { El: mV(-60), Ee: mV(0), Ei: mV(-80), we: 0.6, wi: 6.7 },
  cuba: { El: mV(-49), we: mV(1.62), wi: mV(-9) },
} as const;

function checkOptions(o: NetworkOptions): { n: number; dt: ef.LazyArray; conn: ConnKind; seed: number } {
  if (o.model !== 'coba' && o.model !== 'cuba') throw new ef.InvalidArgumentError(`brette: model is ${String(o.model)}; expected 'coba' or 'cuba'`);
  const n = o.neurons ?? 4000;
  if (!Number.isInteger(n) || n < 10) throw new ef.InvalidArgumentError(`brette: neurons is ${n}; expected an integer of at least 10`);
  const dt = (o.dt ?? ms(0.1)).to('ms');
  const dtMs = dt.item();
  if (!(dtMs > 0) || dtMs > 5) throw new ef.InvalidArgumentError(`brette: dt is ${dtMs} ms; expected a time step in (0, 5] ms`);
  const conn = o.conn ?? 'csr';
  if (!['csr', 'jitc', 'fixed'].includes(conn)) throw new ef.InvalidArgumentError(`brette: conn is ${String(conn)}; expected 'csr', 'jitc' or 'fixed'`);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new ef.InvalidArgumentError(`brette: seed is ${seed}; expected an integer in [0, 2^32 − 1]`);
  return { n, dt, conn, seed };
}

/**
 * An upper estimate of the memory a network needs, in bytes, from its size alone (before
 * building it). Measured on 200,000 neurons: after construction the arrays hold about 4 bytes
 * per stored synapse (csr, fixed) and 75–390 bytes per neuron; construction briefly holds more
 * (the full matrix before its rows are split), so the estimate allows 12 bytes per synapse
 * and 400 per neuron, plus 8 per step for the per-step records.
 */
export function networkBytes(options: { readonly neurons: number; readonly conn?: ConnKind; readonly steps?: number }): number {
  const n = options.neurons;
  const synapses = n * Math.min(n, 80); // p = 80 / N
  const stored = (options.conn ?? 'csr') === 'jitc' ? 0 : 12 * synapses;
  return stored + 400 * n + 8 * (options.steps ?? 0);
}

/** The spikes a projection receives: all of them, or only its population's (masked). */
const presynaptic = (spike: ef.LazyArray, mask: ef.LazyArray, proj: Projection): ef.LazyArray =>
  proj.masked ? ef.where(mask, spike, mask) : spike;

export function brette(options: NetworkOptions): Network {
  const { n, dt, conn, seed } = checkOptions(options);
  checkBytes('brette', `a network of ${n} neurons with ${conn} connectivity`, networkBytes({ neurons: n, conn }), conn === 'jitc' ? 'use fewer neurons' : "use fewer neurons or conn: 'jitc' (regenerated, not stored)");
  const ne = Math.round(0.8 * n);
  const ni = n - ne;
  const p = Math.min(1, 80 / n); // 80 / N as published; all-to-all below 80 neurons
  const model = options.model;
  const P = PARAMS;
  const isExc = ef.arange(n).less(ne);
  const isInh = isExc.not();
  const refSteps = Math.round(P.tref.div(dt).item());
  const [we, wi] = model === 'coba' ? [ef.scalar(P.coba.we), ef.scalar(P.coba.wi)] : [P.cuba.we, P.cuba.wi];
  const E = project(conn, n, 0, ne, p, we, seed);
  const I = project(conn, n, ne, n, p, wi, seed + 1 === 2 ** 32 ? 0 : seed + 1);

  // Refractory countdown in steps (int32), as the design notes recommend; it rests at 0, and a
  // resting count is left as it is (so a compiled runner neither computes nor stores it).
  const refractory = (spike: ef.LazyArray, ref: ef.LazyArray): ef.LazyArray =>
    ef.where(spike, ef.scalar(refSteps, '', 'int32'), ef.where(ref.lessEqual(0), ref, ref.sub(1)));
  const inputs = (spike: ef.LazyArray) => ({
    e: ef.matmul(presynaptic(spike, isExc, E), E.matrix),
    i: ef.matmul(presynaptic(spike, isInh, I), I.matrix),
  });

  let step: ef.StepFn;
  let init: ef.ArrayRecord;
  const rng = seeded(seed);
  if (model === 'coba') {
    const { El, Ee, Ei } = P.coba;
    // Forward Euler for every equation.
    const de = ef.scalar(1).sub(dt.div(P.taue));
    const di = ef.scalar(1).sub(dt.div(P.taui));
    step = (s) => {
      const { v, ge, gi, ref } = s as Record<'v' | 'ge' | 'gi' | 'ref', ef.LazyArray>;
      const dv = ge.mul(Ee.sub(v)).add(gi.mul(Ei.sub(v))).sub(v.sub(El)).mul(dt.div(P.taum));
      const vInt = ef.where(ref.lessEqual(0), v.add(dv), v);
      const spike = vInt.greater(P.vth);
      const syn = inputs(spike);
      return {
        state: { v: ef.where(spike, P.vreset, vInt), ge: ge.mul(de).add(syn.e), gi: gi.mul(di).add(syn.i), ref: refractory(spike, ref) },
        record: { spike },
      };
    };
    init = {
      v: ef.array(Array.from({ length: n }, () => -60 + 5 * rng.normal() - 5), 'mV'),
      ge: ef.array(Array.from({ length: n }, () => 1.5 * rng.normal() + 4)),
      gi: ef.array(Array.from({ length: n }, () => 12 * rng.normal() + 20)),
      ref: ef.zeros([n], '', 'int32'),
    };
  } else {
    const { El } = P.cuba;
    // Exact integration of the linear part: with u = v − El and ge, gi decaying exponentially,
    // u(t + dt) = u·e^(−dt/τm) + ge·ce + gi·ci, where cx = τx / (τx − τm)·(e^(−dt/τx) − e^(−dt/τm)).
    const decay = (tau: ef.LazyArray): ef.LazyArray => dt.div(tau).neg().exp();
    const am = decay(P.taum);
    const coupling = (tau: ef.LazyArray): ef.LazyArray => tau.div(tau.sub(P.taum)).mul(decay(tau).sub(am));
    const [ae, ai, ce, ci] = [decay(P.taue), decay(P.taui), coupling(P.taue), coupling(P.taui)];
    step = (s) => {
      const { v, ge, gi, ref } = s as Record<'v' | 'ge' | 'gi' | 'ref', ef.LazyArray>;
      const vFree = El.add(v.sub(El).mul(am)).add(ge.mul(ce)).add(gi.mul(ci));
      const vInt = ef.where(ref.lessEqual(0), vFree, v);
      const spike = vInt.greater(P.vth);
      const syn = inputs(spike);
      return {
        state: { v: ef.where(spike, P.vreset, vInt), ge: ge.mul(ae).add(syn.e), gi: gi.mul(ai).add(syn.i), ref: refractory(spike, ref) },
        record: { spike },
      };
    };
    init = {
      v: ef.array(Array.from({ length: n }, () => -60 + 10 * rng.uniform()), 'mV'),
      ge: ef.zeros([n], 'mV'),
      gi: ef.zeros([n], 'mV'),
      ref: ef.zeros([n], '', 'int32'),
    };
  }
  const synapses = E.synapses + I.synapses;
  const synapsesExact = conn !== 'jitc';
  return {
    model, conn, neurons: n, excitatory: ne, inhibitory: ni, synapses, synapsesExact, dt, step, init,
    projections: { excitatory: E, inhibitory: I },
    describe: () => `${model.toUpperCase()} network: ${n} neurons (${ne} excitatory, ${ni} inhibitory), ${synapsesExact ? '' : 'about '}${Math.round(synapses)} synapses (${conn}), dt ${Number(dt.item().toPrecision(6))} ms`,
  };
}
