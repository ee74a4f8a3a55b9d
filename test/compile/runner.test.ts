/**
 * Compiled step runners (ef.compile, src/api/trace.ts) on every backend: running k steps
 * equals applying the same step function by hand k times to plain lazy arrays on the
 * reference backend (state rounded to its dtype after each step, as a runner stores it);
 * per-step inputs, records and `t`; state passed through, swapped or reset.
 * Errors, explain and allocation: runner-checks.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { StepFn } from '../../src/index.js';
import { runs } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';
import { COBA_G_TOL, COBA_V_TOL, LIF_TOL, coba, expectSteps, floats, lif, lifCase, margin, onBackend, rateSumTol, rateTol, refractory, stepByHand } from './models.js';

forEachBackend(test, `LIF: a compiled runner over k steps equals stepping the reference by hand k times`, async (backend) => {
  await fc.assert(
    fc.asyncProperty(lifCase, async ({ n, k, v0, input, rows }) => {
      const init = { V: ef.array(v0, 'mV') };
      const I = ef.array(input, 'mV', { shape: [rows, n] });
      const want = stepByHand(lif, init, k, { I });
      fc.pre(margin(want.records.v!) > 1e-3); // no voltage so close to threshold that rounding could decide a spike
      const got = await onBackend(backend, () => ef.compile(lif).run(init, { steps: k, inputs: { I } }));
      assert.equal([...got.state.V!.shape], [n]);
      assert.is(got.state.V!.unit.toString(), 'mV');
      expectSteps(backend, got.state.V!.dataSync(), want.state.V!, LIF_TOL, k, `V (${k} steps)`);
      assert.equal([...got.records.spikes!.shape], [k]);
      assert.is(got.records.spikes!.dtype, 'int32');
      assert.equal(Array.from(got.records.spikes!.dataSync()), want.records.spikes, 'spike counts per step');
      assert.equal([...got.records.v!.shape], [k, n]);
      expectSteps(backend, got.records.v!.dataSync(), want.records.v!, LIF_TOL, (i) => Math.floor(i / n) + 1, 'recorded v');
    }),
    { numRuns: runs(40) },
  );
});

forEachBackend(test, `two state variables (V, g) with input spikes: equal to stepping by hand`, async (backend) => {
  const cobaCase = lifCase.chain((c) =>
    fc.record({ c: fc.constant(c), g0: floats(c.n, 0, 30), pre: fc.array(fc.boolean(), { minLength: c.rows * c.n, maxLength: c.rows * c.n }) }));
  await fc.assert(
    fc.asyncProperty(cobaCase, async ({ c, g0, pre }) => {
      const init = { V: ef.array(c.v0, 'mV'), g: ef.array(g0, 'nS') };
      const spikesIn = ef.array(pre, '1', { shape: [c.rows, c.n] });
      const want = stepByHand(coba, init, c.k, { pre: spikesIn });
      fc.pre(margin(want.records.v!) > 1e-3);
      const got = await onBackend(backend, () => ef.compile(coba).run(init, { steps: c.k, inputs: { pre: spikesIn } }));
      assert.is(got.state.g!.unit.toString(), 'nS');
      expectSteps(backend, got.state.V!.dataSync(), want.state.V!, COBA_V_TOL, c.k, `coba V (${c.k} steps)`);
      expectSteps(backend, got.state.g!.dataSync(), want.state.g!, COBA_G_TOL, c.k, `coba g (${c.k} steps)`);
      assert.equal(Array.from(got.records.spikes!.dataSync()), want.records.spikes);
      expectSteps(backend, got.records.gMean!.dataSync(), want.records.gMean!, COBA_G_TOL, (s) => s + 1, 'mean g per step');
    }),
    { numRuns: runs(30) },
  );
});

forEachBackend(test, `an int32 refractory countdown as state: exact counters, equal to stepping by hand`, async (backend) => {
  await fc.assert(
    fc.asyncProperty(lifCase, async ({ n, k, v0, input, rows }) => {
      const init = { V: ef.array(v0, 'mV'), ref: ef.zeros([n], '1', 'int32') };
      const I = ef.array(input, 'mV', { shape: [rows, n] });
      const want = stepByHand(refractory, init, k, { I });
      fc.pre(margin(want.records.v!) > 1e-3);
      const got = await onBackend(backend, () => ef.compile(refractory).run(init, { steps: k, inputs: { I } }));
      assert.is(got.state.ref!.dtype, 'int32');
      assert.equal(Array.from(got.state.ref!.dataSync()), Array.from(want.state.ref!), 'refractory counters');
      expectSteps(backend, got.state.V!.dataSync(), want.state.V!, LIF_TOL, k, `refractory V (${k} steps)`);
      assert.equal(Array.from(got.records.spikes!.dataSync()), want.records.spikes);
    }),
    { numRuns: runs(30) },
  );
});

forEachBackend(test, `stacked inputs are fed row by row, and t is the step index`, async (backend) => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 }), fc.nat(), async (n, k, extra, seed) => {
      const rows = k + extra;
      const data = Array.from({ length: rows * n }, (_, j) => ((j * 7 + seed) % 23) - 11);
      const x = ef.array(data, 'mV', { shape: [rows, n] });
      const step: StepFn = (s, i, t) => ({
        state: { acc: s.acc!.add(i.x!), tsum: s.tsum!.add(t), count: s.count!.add(1) },
        record: { x: i.x!, t, tHalf: t.astype('float32').mul(0.5) },
      });
      const init = { acc: ef.zeros([n], 'mV'), tsum: ef.scalar(0, '1', 'int32'), count: ef.scalar(0, '1', 'int32') };
      const got = await onBackend(backend, () => ef.compile(step).run(init, { steps: k, inputs: { x } }));
      const steps = Array.from({ length: k }, (_, s) => s);
      assert.equal([...got.records.x!.shape], [k, n]);
      assert.equal(Array.from(got.records.x!.dataSync()), data.slice(0, k * n), 'the first k rows, in order');
      assert.equal(Array.from(got.records.t!.dataSync()), steps, 't = 0, 1, ..., k-1');
      assert.equal(Array.from(got.records.tHalf!.dataSync()), steps.map((s) => s / 2));
      assert.equal(got.state.tsum!.item(), (k * (k - 1)) / 2);
      assert.equal(got.state.count!.item(), k);
      const acc = Array.from({ length: n }, (_, j) => steps.reduce((a, s) => a + data[s * n + j]!, 0));
      assert.equal(Array.from(got.state.acc!.dataSync()), acc);
    }),
    { numRuns: runs(30) },
  );
});

forEachBackend(test, `a recurrent step with dense products (a product stage in the step's kernel) equals stepping by hand`, async (backend) => {
  const rateCase = fc
    .record({ n: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 15 }) })
    .chain(({ n, k }) => fc.record({ n: fc.constant(n), k: fc.constant(k), W: floats(n * n, -1, 1), r0: floats(n, -1, 1) }));
  await fc.assert(
    fc.asyncProperty(rateCase, async ({ n, k, W, r0 }) => {
      const Wm = ef.array(W.map((x) => x / n), '1', { shape: [n, n] });
      const step: StepFn = (s) => {
        const drive = ef.matmul(Wm, s.r!).tanh(); // the product's only reader is one loop
        return { state: { r: s.r!.mul(0.5).add(drive) }, record: { peak: drive.max(), back: ef.matmul(s.r!, Wm).sum() } };
      };
      const init = { r: ef.array(r0) };
      const want = stepByHand(step, init, k);
      const got = await onBackend(backend, () => ef.compile(step).run(init, { steps: k }));
      // how much one step can grow a difference: 0.5 + max|tanh'| · (W's largest row sum of |w|)
      const rho = 0.5 + Math.max(...Array.from({ length: n }, (_, i) => W.slice(i * n, (i + 1) * n).reduce((a, v) => a + Math.abs(v / n), 0)));
      expectSteps(backend, got.state.r!.dataSync(), want.state.r!, rateTol(rho), k, `rate r (${k} steps)`);
      // peak at step s reads tanh(W r_s): r's difference after s steps and one more tanh
      expectSteps(backend, got.records.peak!.dataSync(), want.records.peak!, rateTol(rho), (s) => s + 1, 'rate peak');
      expectSteps(backend, got.records.back!.dataSync(), want.records.back!, rateSumTol(rho), (s) => s + 1, 'rate back');
    }),
    { numRuns: runs(30) },
  );
});

forEachBackend(test, `one runner traced again for a new state shape computes each correctly`, async (backend) => {
  const runner = ef.compile((s) => ({ v: s.v!.mul(2).add(s.v!.sum()) }));
  for (const v0 of [[1, 2, 3], [1, -1], [0.5, 0.25, 1, 2, 4]]) {
    const init = { v: ef.array(v0) };
    const got = await onBackend(backend, () => runner.run(init, { steps: 3 }));
    const want = stepByHand((s) => ({ v: s.v!.mul(2).add(s.v!.sum()) }), init, 3);
    // dyadic values of a few bits: 2v + Σv stays exact in float32 for 3 steps, on every backend
    assert.equal(Array.from(got.state.v!.dataSync()), Array.from(want.state.v!), `v from ${JSON.stringify(v0)}`);
  }
});

forEachBackend(test, `state passed through, swapped, reset to a constant or duplicated`, async (backend) => {
  const init = { a: ef.array([1, 2]), b: ef.array([10, 20]), c: ef.array([5, 5]) };
  for (const k of [0, 1, 2, 5]) {
    const swap = await onBackend(backend, () => ef.compile((s) => ({ a: s.b!, b: s.a!, c: s.c! })).run(init, { steps: k }));
    const [a, b] = k % 2 === 0 ? [[1, 2], [10, 20]] : [[10, 20], [1, 2]];
    assert.equal(Array.from(swap.state.a!.dataSync()), a, `swap a after ${k}`);
    assert.equal(Array.from(swap.state.b!.dataSync()), b, `swap b after ${k}`);
    assert.equal(Array.from(swap.state.c!.dataSync()), [5, 5], `unchanged c after ${k}`);

    const mixed = await onBackend(backend, () =>
      ef.compile((s) => {
        const sum = s.a!.add(s.b!);
        return { state: { a: sum, b: sum, c: ef.array([7, 8]) }, record: { sum, a: s.a! } };
      }).run(init, { steps: k }));
    // a, b double together from step 1 on: a_k = b_k = 11 * 2^(k-1) * [1, 2]
    const ab = k === 0 ? null : [11 * 2 ** (k - 1), 22 * 2 ** (k - 1)];
    if (ab) {
      assert.equal(Array.from(mixed.state.a!.dataSync()), ab, `a after ${k}`);
      assert.equal(Array.from(mixed.state.b!.dataSync()), ab, `b after ${k}`);
      assert.equal(Array.from(mixed.state.c!.dataSync()), [7, 8], `c after ${k}`);
      assert.equal(Array.from(mixed.records.sum!.dataSync()).slice(-2), ab, 'last recorded sum');
      assert.equal(Array.from(mixed.records.a!.dataSync()).slice(0, 2), [1, 2], 'first recorded a');
    }
    assert.equal([...mixed.records.sum!.shape], [k, 2]);
  }
});

forEachBackend(test, `steps = 0 returns the initial state and empty records`, async (backend) => {
  const init = { V: ef.array([-60, -55], 'mV') };
  const out = await onBackend(backend, () => ef.compile(lif).run(init, { steps: 0, inputs: { I: ef.zeros([0, 2], 'mV') } }));
  assert.equal(Array.from(out.state.V!.dataSync()), [-60, -55]);
  assert.equal([...out.records.spikes!.shape], [0]);
  assert.equal([...out.records.v!.shape], [0, 2]);
});

test.run();
