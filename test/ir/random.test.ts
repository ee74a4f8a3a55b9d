/**
 * Random arrays on every backend against the reference backend's draws: uniform and bernoulli
 * bit for bit (integer draws, float32-exact scaling), normal to the backend's tolerance (log,
 * cos on a float32 device), Poisson counts equal (λ ≤ 30, inversion) or within one (normal
 * approximation, rounded from a float32 Box–Muller value); fused into chains with
 * broadcasting; compiled steps keyed by t, for any chunking of a run.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { runs, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';

const SHAPES: readonly (readonly number[])[] = [[7], [3, 4], [2, 1, 3]];
const shapeArb = fc.constantFrom(...SHAPES);
const seedArb = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const counterArb = fc.integer({ min: 0, max: 100_000 });

const values = (x: ef.LazyArray): number[] => Array.from(x.dataSync());
const reference = (make: () => ef.LazyArray): number[] => withBackend('reference', () => values(make()));

function expectSame(got: readonly number[], want: readonly number[], what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  got.forEach((v, i) => { if (!Object.is(v, want[i])) assert.unreachable(`${what}[${i}]: ${v}, reference ${want[i]}`); });
}

forEachBackend(test, 'random.uniform and bernoulli: the reference backend\'s draws bit for bit, for any seed, counter and shape', () => {
  fc.assert(fc.property(shapeArb, seedArb, counterArb, fc.double({ min: 0, max: 1, noNaN: true }), (shape, seed, counter, p) => {
    const u = (): ef.LazyArray => ef.random.uniform(shape, { seed, counter });
    expectSame(values(u()), reference(u), `uniform seed ${seed} counter ${counter}`);
    const b = (): ef.LazyArray => ef.random.bernoulli(p, { seed, counter, shape });
    expectSame(values(b()), reference(b), `bernoulli(${p}) seed ${seed} counter ${counter}`);
  }), { numRuns: runs(30) });
});

forEachBackend(test, 'random.normal and poisson: the reference backend\'s values (normal within tolerance; Poisson counts equal for λ ≤ 30, within 1 above)', (backend) => {
  fc.assert(fc.property(shapeArb, seedArb, counterArb, (shape, seed, counter) => {
    const n = (): ef.LazyArray => ef.random.normal(shape, { seed, counter, mean: -65, std: 4 }, 'mV');
    const tol = tolerance(backend, 'float32');
    assertAllClose(values(n()), reference(n), tol, `normal seed ${seed}`, tol * 65);
    const lams = ef.array([0, 0.3, 2.5, 12, 30, 31, 400]);
    const small = (): ef.LazyArray => ef.random.poisson(lams.mul(1), { seed, counter, shape: [...shape, 7] });
    const got = values(small());
    const want = reference(small);
    got.forEach((k, i) => {
      const lam = [0, 0.3, 2.5, 12, 30, 31, 400][i % 7]!;
      if (lam <= 30 ? k !== want[i] : Math.abs(k - want[i]!) > 1) assert.unreachable(`poisson(${lam})[${i}]: ${k}, reference ${want[i]}`);
    });
  }), { numRuns: runs(20) });
});

forEachBackend(test, 'random arrays fuse into chains: broadcast against wider operands, parameters as arrays, read by two loops', () => {
  fc.assert(fc.property(seedArb, counterArb, (seed, counter) => {
    const x = ef.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]], 'mV');
    const make = (): ef.LazyArray[] => {
      const col = ef.random.uniform([3, 1], { seed, counter, low: ef.array([[-1], [0], [1]], 'mV'), high: ef.scalar(2, 'mV') });
      const row = ef.random.bernoulli(ef.array([0.1, 0.5, 0.9, 1]), { seed: (seed + 1) % 2 ** 32, counter });
      const y = x.add(col).mul(ef.where(row, 2, 1));
      return [y, y.sum(0), ef.sum(col)];
    };
    const got = make().map(values);
    const want = withBackend('reference', () => make().map(values));
    got.forEach((g, k) => assertAllClose(g, want[k]!, 1e-5, `chain output ${k}`, 1e-4));
  }), { numRuns: runs(10) });
});

forEachBackend(test, 'compiled steps draw with t as the counter: each step\'s values are the direct draws at counter t, and chunked runs (startStep) give the same bits', async () => {
  const runner = ef.compile((s: ef.ArrayRecord, _in: ef.ArrayRecord, t: ef.LazyArray) => {
    const noise = ef.random.normal([5], { seed: 11, counter: t, mean: 0, std: 1 }, 'mV');
    const kick = ef.random.bernoulli(0.3, { seed: 12, counter: t, shape: [5] });
    const v = s.v!.mul(0.5).add(noise).add(ef.where(kick, ef.scalar(1, 'mV'), ef.scalar(0, 'mV')));
    return { state: { v }, record: { noise, kick } };
  });
  const init = { v: ef.zeros([5], 'mV') };
  const whole = await runner.run(init, { steps: 9 });
  const first = await runner.run(init, { steps: 4 });
  const rest = await runner.run(first.state, { steps: 5, startStep: 4 });
  const noise = values(whole.records.noise!);
  const kick = values(whole.records.kick!);
  for (let t = 0; t < 9; t++) {
    const direct = values(ef.random.normal([5], { seed: 11, counter: t, mean: 0, std: 1 }, 'mV'));
    expectSame(noise.slice(5 * t, 5 * t + 5), direct, `noise at step ${t}`);
    expectSame(kick.slice(5 * t, 5 * t + 5), values(ef.random.bernoulli(0.3, { seed: 12, counter: t, shape: [5] })), `kick at step ${t}`);
  }
  expectSame(values(rest.state.v!), values(whole.state.v!), 'state after 4 + 5 steps vs 9 steps');
  expectSame([...values(first.records.noise!), ...values(rest.records.noise!)], noise, 'noise records of the two chunks');
});


const poissonRates = (n: number, seed: number): ef.LazyArray =>
  ef.array(Array.from({ length: n }, (_, i) => ((i * 7919 + seed) % 100) * (i % 5 === 0 ? 0 : 1)), 'Hz');

forEachBackend(test, 'random.poissonEvents: the reference backend\'s events bit for bit (uniform and per-source rates, several blocks), and event products over them', () => {
  fc.assert(fc.property(fc.constantFrom(10, 4097, 9000), seedArb, counterArb, fc.boolean(), (n, seed, counter, perSource) => {
    const W = ef.csr({
      indptr: Int32Array.from({ length: n + 1 }, (_, i) => 2 * i),
      indices: Int32Array.from({ length: 2 * n }, (_, k) => (k * 31) % 5),
      data: Float32Array.from({ length: 2 * n }, (_, k) => 1 + (k % 4)),
      shape: [n, 5],
    }, 'nS');
    const make = (): ef.LazyArray[] => {
      const e = perSource
        ? ef.random.poissonEvents(poissonRates(n, seed % 97), ef.scalar(0.5, 'ms'), { seed, counter })
        : ef.random.poissonEvents(ef.scalar(60, 'Hz'), ef.scalar(0.5, 'ms'), { seed, counter, shape: [n] });
      return [ef.matmul(e, W), e];
    };
    const got = make().map(values);
    const want = withBackend('reference', () => make().map(values));
    expectSame(got[1]!, want[1]!, `events n ${n} seed ${seed} counter ${counter}`);
    expectSame(got[0]!, want[0]!, `events @ W, n ${n}`);
  }), { numRuns: runs(20) });
});

forEachBackend(test, 'random.binomial and poissonInput: the reference backend\'s counts (exact below n·q = 30, within 1 above)', () => {
  fc.assert(fc.property(seedArb, counterArb, (seed, counter) => {
    const ns = [0, 1, 7, 60, 100000, 25];
    const ps = [0.3, 0.5, 0.9, 0.4, 0.001, 1];
    const make = (): ef.LazyArray[] => [
      ef.random.binomial(ef.array(ns), ef.array(ps), { seed, counter, shape: [2, 6] }),
      ef.poissonInput(6, { sources: 800, rate: ef.scalar(20, 'Hz'), dt: ef.scalar(0.1, 'ms'), weight: ef.scalar(0.5, 'nS'), seed, counter }),
    ];
    const got = make().map(values);
    const want = withBackend('reference', () => make().map(values));
    got[0]!.forEach((k, i) => {
      const nq = ns[i % 6]! * Math.min(ps[i % 6]!, 1 - ps[i % 6]!);
      if (nq <= 30 ? k !== want[0]![i] : Math.abs(k - want[0]![i]!) > 1) assert.unreachable(`binomial(${ns[i % 6]}, ${ps[i % 6]})[${i}]: ${k}, reference ${want[0]![i]}`);
    });
    expectSame(got[1]!, want[1]!, 'poissonInput');
  }), { numRuns: runs(10) });
});

forEachBackend(test, 'poissonEvents in a compiled step keyed by t: recorded spikes are the direct draws at each t, they drive a CSR product, and chunked runs give the same bits', async () => {
  const n = 300;
  const rates = poissonRates(n, 3);
  const dt = ef.scalar(1, 'ms');
  const W = ef.csr({ indptr: Int32Array.from({ length: n + 1 }, (_, i) => i), indices: Int32Array.from({ length: n }, (_, i) => i % 4), data: Float32Array.from({ length: n }, () => 0.25), shape: [n, 4] }, 'nS');
  const runner = ef.compile((s: ef.ArrayRecord, _in: ef.ArrayRecord, t: ef.LazyArray) => {
    const spikes = ef.random.poissonEvents(rates, dt, { seed: 21, counter: t });
    return { state: { g: s.g!.mul(0.5).add(ef.matmul(spikes, W)) }, record: { spikes } };
  });
  const init = { g: ef.zeros([4], 'nS') };
  const whole = await runner.run(init, { steps: 7 });
  const first = await runner.run(init, { steps: 3 });
  const rest = await runner.run(first.state, { steps: 4, startStep: 3 });
  const recorded = values(whole.records.spikes!);
  let g = [0, 0, 0, 0];
  for (let t = 0; t < 7; t++) {
    const direct = values(ef.random.poissonEvents(rates, dt, { seed: 21, counter: t }));
    expectSame(recorded.slice(n * t, n * t + n), direct, `spikes at step ${t}`);
    g = g.map((x, j) => x * 0.5 + direct.reduce((acc, on, i) => acc + (on && i % 4 === j ? 0.25 : 0), 0));
  }
  assertAllClose(values(whole.state.g!), g, 1e-6, 'g after 7 steps (by hand)');
  expectSame(values(rest.state.g!), values(whole.state.g!), 'g after 3 + 4 steps vs 7');
  expectSame([...values(first.records.spikes!), ...values(rest.records.spikes!)], recorded, 'spike records of the two chunks');
});

test.run();
