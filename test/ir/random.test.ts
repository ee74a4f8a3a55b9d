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

test.run();
