/**
 * The benchmark networks as built carry the published model (Brette et al. 2007, the table and
 * the initial conditions of docs/models.md): PARAMS holds every parameter with its unit; each
 * projection's synapses all have the model's weight (COBA 0.6 and 6.7 times the leak
 * conductance, CUBA 1.62 mV and −9 mV) on the rows of its own population only, with connection
 * probability 80 / N (all-to-all below 80 neurons, exactly 80 targets for 'fixed'); the initial
 * state has the documented distributions. test/models/semantics.test.ts checks the dynamics
 * against a plain-JS model that reads the weights from these very matrices, so a wrong weight
 * or probability is only caught here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { brette, PARAMS, type ConnKind, type ModelName } from '../../src/models/index.js';
import { forEachBackend } from '../helpers/suite.js';

const CONNS = ['csr', 'jitc', 'fixed'] as const satisfies readonly ConnKind[];
/** A 0-d parameter: its value in `unit` and the unit it carries. */
const read = (x: LazyArray, unit: string): [number, string] => [Number(x.to(unit).item().toPrecision(6)), x.unit.toString()];

forEachBackend(test, 'PARAMS: every published parameter, with its unit', () => {
  assert.equal(read(PARAMS.taum, 'ms'), [20, 'ms'], 'τm');
  assert.equal(read(PARAMS.taue, 'ms'), [5, 'ms'], 'τe');
  assert.equal(read(PARAMS.taui, 'ms'), [10, 'ms'], 'τi');
  assert.equal(read(PARAMS.tref, 'ms'), [5, 'ms'], 'refractory period');
  assert.equal(read(PARAMS.vth, 'mV'), [-50, 'mV'], 'threshold');
  assert.equal(read(PARAMS.vreset, 'mV'), [-60, 'mV'], 'reset');
  assert.equal(read(PARAMS.coba.El, 'mV'), [-60, 'mV'], 'COBA El');
  assert.equal(read(PARAMS.coba.Ee, 'mV'), [0, 'mV'], 'COBA Ee');
  assert.equal(read(PARAMS.coba.Ei, 'mV'), [-80, 'mV'], 'COBA Ei');
  assert.is(PARAMS.coba.we, 0.6, 'COBA we (× leak conductance)');
  assert.is(PARAMS.coba.wi, 6.7, 'COBA wi (× leak conductance)');
  assert.equal(read(PARAMS.cuba.El, 'mV'), [-49, 'mV'], 'CUBA El');
  assert.equal(read(PARAMS.cuba.we, 'mV'), [1.62, 'mV'], 'CUBA we');
  assert.equal(read(PARAMS.cuba.wi, 'mV'), [-9, 'mV'], 'CUBA wi');
});

/** Each stored or regenerated weight of a projection, to 6 digits, with the projection's unit. */
function weights(m: ef.CSR | ef.JITCMatrix): { values: number[]; unit: string } {
  const data = m.format === 'csr' ? m.data : (m as unknown as { a: LazyArray }).a;
  return { values: [...new Set(Array.from(data.dataSync(), (w) => Number(w.toPrecision(6))))], unit: m.unit.toString() };
}

const WEIGHTS: Readonly<Record<ModelName, { e: number; i: number; unit: string }>> = {
  coba: { e: 0.6, i: 6.7, unit: '1' }, // dimensionless: × leak conductance
  cuba: { e: 1.62, i: -9, unit: 'mV' },
};

for (const model of ['coba', 'cuba'] as const) {
  forEachBackend(test, `${model}: every synapse of the excitatory (inhibitory) projection has weight ${WEIGHTS[model].e} (${WEIGHTS[model].i}) ${WEIGHTS[model].unit === '1' ? '× leak conductance' : WEIGHTS[model].unit}, for every connectivity`, () => {
    const want = WEIGHTS[model];
    for (const conn of CONNS) {
      const net = brette({ model, neurons: 100, conn, seed: 4 });
      assert.equal(weights(net.projections.excitatory.matrix), { values: [want.e], unit: want.unit }, `${conn}: excitatory`);
      assert.equal(weights(net.projections.inhibitory.matrix), { values: [want.i], unit: want.unit }, `${conn}: inhibitory`);
    }
  });
}

/** Targets per row of a stored N × N projection. */
const fanOut = (m: ef.CSR): number[] => Array.from(m.indptr.subarray(1), (end, r) => end - m.indptr[r]!);

forEachBackend(test, 'connectivity: 80 % excitatory rows project through one matrix, 20 % through the other, with probability 80 / N', () => {
  // below 80 neurons p = 1: every pair, self-connections included
  const small = brette({ model: 'coba', neurons: 40, seed: 9 });
  assert.equal([small.excitatory, small.inhibitory], [32, 8]);
  assert.equal(fanOut(small.projections.excitatory.matrix as ef.CSR), [...Array(32).fill(40), ...Array(8).fill(0)], 'excitatory rows, all-to-all');
  assert.equal(fanOut(small.projections.inhibitory.matrix as ef.CSR), [...Array(32).fill(0), ...Array(8).fill(40)], 'inhibitory rows, all-to-all');
  assert.is(small.synapses, 1600);
  const odd = brette({ model: 'cuba', neurons: 13, seed: 9 });
  assert.equal([odd.excitatory, odd.inhibitory], [10, 3], 'round(0.8 N)');
  // N = 400: p = 0.2, about 80 targets per presynaptic neuron
  const net = brette({ model: 'cuba', neurons: 400, seed: 2 });
  const e = fanOut(net.projections.excitatory.matrix as ef.CSR);
  const i = fanOut(net.projections.inhibitory.matrix as ef.CSR);
  assert.ok(e.slice(320).every((k) => k === 0) && i.slice(0, 320).every((k) => k === 0), 'each matrix holds only its population\'s rows');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // binomial(400, 0.2): standard deviation 8 per row, so 0.45 for the mean of 320 rows and 0.9 of 80
  assert.ok(Math.abs(mean(e.slice(0, 320)) - 80) < 2.5, `excitatory mean fan-out ${mean(e.slice(0, 320))}`);
  assert.ok(Math.abs(mean(i.slice(320)) - 80) < 4.5, `inhibitory mean fan-out ${mean(i.slice(320))}`);
  for (const [n, p] of [[400, 0.2], [1000, 0.08], [40, 1]] as const) {
    const jitc = brette({ model: 'coba', neurons: n, conn: 'jitc', seed: 2 });
    assert.is((jitc.projections.excitatory.matrix as ef.JITCMatrix).prob, p, `jitc, N = ${n}: excitatory`);
    assert.is((jitc.projections.inhibitory.matrix as ef.JITCMatrix).prob, p, `jitc, N = ${n}: inhibitory`);
  }
  const fixed = brette({ model: 'coba', neurons: 400, conn: 'fixed', seed: 2 });
  assert.equal(fanOut(fixed.projections.excitatory.matrix as ef.CSR), [...Array(320).fill(80), ...Array(80).fill(0)], 'fixed: exactly 80 targets');
  assert.equal(fanOut(fixed.projections.inhibitory.matrix as ef.CSR), [...Array(320).fill(0), ...Array(80).fill(80)], 'fixed: exactly 80 targets');
});

function moments(x: LazyArray): { mean: number; sd: number; min: number; max: number } {
  const a = Array.from(x.dataSync());
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / (a.length - 1));
  return { mean, sd, min: Math.min(...a), max: Math.max(...a) };
}
/** |got − want| < tol, with the numbers in the message. */
const near = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) < tol, `${what}: ${got.toFixed(4)}, expected ${want} ± ${tol}`);

forEachBackend(test, 'COBA initial state: v ~ N(−65 mV, 5 mV), ge ~ N(4, 1.5), gi ~ N(20, 12), no neuron refractory (N = 4000)', () => {
  // standard errors at N = 4000: mean of v 0.08 mV, of ge 0.024, of gi 0.19; sd of v 0.06, of ge 0.017, of gi 0.13
  for (const seed of [1, 6]) {
    const net = brette({ model: 'coba', neurons: 4000, conn: 'jitc', seed });
    const v = moments(net.init.v!);
    near(v.mean, -65, 0.4, `seed ${seed}: mean v`);
    near(v.sd, 5, 0.3, `seed ${seed}: sd of v`);
    const ge = moments(net.init.ge!);
    near(ge.mean, 4, 0.12, `seed ${seed}: mean ge`);
    near(ge.sd, 1.5, 0.09, `seed ${seed}: sd of ge`);
    const gi = moments(net.init.gi!);
    near(gi.mean, 20, 1, `seed ${seed}: mean gi`);
    near(gi.sd, 12, 0.7, `seed ${seed}: sd of gi`);
    assert.equal([net.init.v!.unit.toString(), net.init.ge!.unit.toString(), net.init.gi!.unit.toString()], ['mV', '1', '1'], 'units (conductances × leak conductance)');
    assert.equal([moments(net.init.ref!).min, moments(net.init.ref!).max], [0, 0], 'ref = 0');
  }
});

forEachBackend(test, 'CUBA initial state: v uniform in [−60, −50) mV, ge = gi = 0 mV, no neuron refractory (N = 4000)', () => {
  const net = brette({ model: 'cuba', neurons: 4000, conn: 'jitc', seed: 1 });
  const v = moments(net.init.v!);
  assert.ok(v.min >= -60 && v.max < -50, `v in [${v.min}, ${v.max}]`);
  assert.ok(v.min < -59.9 && v.max > -50.1, `v fills [−60, −50): [${v.min}, ${v.max}]`);
  near(v.mean, -55, 0.25, 'mean v'); // standard error 0.046 mV
  near(v.sd, 10 / Math.sqrt(12), 0.15, 'sd of v');
  for (const g of ['ge', 'gi'] as const) {
    const m = moments(net.init[g]!);
    assert.equal([m.min, m.max, net.init[g]!.unit.toString()], [0, 0, 'mV'], g);
  }
  assert.equal([moments(net.init.ref!).min, moments(net.init.ref!).max], [0, 0], 'ref = 0');
});

/**
 * The generator docs/models.md names for the initial state, written here from its published
 * definitions: mulberry32 (Tommy Ettinger's 32-bit generator) seeded with `seed`, and
 * Box–Muller normals z = sqrt(−2 ln U1)·cos(2π U2), one per pair of uniforms, with
 * U1 = 1 − u in (0, 1] so that the logarithm is finite.
 */
function mulberry32(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed | 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const normal = (): number => {
    const u1 = 1 - uniform();
    const u2 = uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  return { uniform, normal };
}

/** Element by element, exactly: each value computed in float64 and stored as float32. */
function expectValues(got: LazyArray, want: number[], what: string): void {
  const a = got.dataSync();
  assert.is(a.length, want.length, `${what}: length`);
  for (let k = 0; k < want.length; k++) {
    if (a[k] !== Math.fround(want[k]!)) assert.unreachable(`${what}[${k}]: ${a[k]}, expected ${Math.fround(want[k]!)}`);
  }
}

forEachBackend(test, 'the initial state is drawn from seed as documented: mulberry32, Box–Muller, all v, then all ge, then all gi', () => {
  // 4000 neurons: 16,000 uniforms per model, enough for the exact comparison to see a
  // generator that is off by one part in 2^32 (it moves a float32 rounding now and then)
  const n = 4000;
  for (const seed of [1, 12345, 2 ** 32 - 1]) {
    const rng = mulberry32(seed);
    const draw = (f: () => number) => Array.from({ length: n }, f);
    const v = draw(() => -60 + 5 * rng.normal() - 5);
    const ge = draw(() => 1.5 * rng.normal() + 4);
    const gi = draw(() => 12 * rng.normal() + 20);
    const coba = brette({ model: 'coba', neurons: n, conn: 'jitc', seed });
    expectValues(coba.init.v!, v, `COBA seed ${seed}: v`);
    expectValues(coba.init.ge!, ge, `COBA seed ${seed}: ge`);
    expectValues(coba.init.gi!, gi, `COBA seed ${seed}: gi`);
    const uni = mulberry32(seed);
    expectValues(brette({ model: 'cuba', neurons: n, conn: 'jitc', seed }).init.v!, draw(() => -60 + 10 * uni.uniform()), `CUBA seed ${seed}: v`);
  }
});

test.run();
