/**
 * runner.valueAndGrad (backpropagation through time) without a backend in question (the
 * default cpu): typed errors (plasticity in the step, the checkpoint interval, params the step
 * does not read or reads but was not given, a loss that is not a float scalar), units of the
 * gradients, params for run(), and memory: the states held by checkpointing. The numbers are
 * checked on every backend in test/compile/bptt.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, LazyArray } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';

/** The error an async call rejects with, checked for its class and message. */
async function rejects(f: () => Promise<unknown>, cls: new (...a: never[]) => Error, ...patterns: RegExp[]): Promise<Error> {
  let caught: unknown;
  try {
    await f();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) assert.unreachable(`expected a ${cls.name}, nothing was thrown`);
  assert.instance(caught, cls, `expected a ${cls.name}, got ${String(caught)}`);
  for (const p of patterns) assert.match((caught as Error).message, p);
  return caught as Error;
}

/** A leaky integrator in mV driven by a conductance-like gain: v ← v·decay + gain·x. */
interface P { readonly gain: LazyArray; readonly decay: LazyArray }
const step = (s: ArrayRecord, i: ArrayRecord, _t: LazyArray, p: P) => {
  const v = s.v!.mul(p.decay).add(i.x!.mul(p.gain));
  return { state: { v }, record: { v } };
};
const T = 20;
const params: P = { gain: ef.array([2, 3], 'mV/nA'), decay: ef.scalar(0.9) };
const x = ef.array(Array.from({ length: 2 * T }, (_, j) => ((j * 7) % 5) / 5), 'nA', { shape: [T, 2] });
const init = { v: ef.array([-1, 1], 'mV') };
const squares = (r: Record<string, LazyArray>): LazyArray => r.v!.mul(r.v!).sum(); // mV²

test('units: ∂L/∂param in unit(L)/unit(param), ∂L/∂state in unit(L)/unit(state); the value in unit(L)', async () => {
  const runner = ef.compile(step);
  const res = await runner.valueAndGrad(squares, init, { steps: T, params, inputs: { x } });
  assert.ok(res.value.unit.equals(ef.Unit.of('mV^2')), res.value.unit.toString());
  assert.ok(res.grad.gain.unit.equals(ef.Unit.of('mV^2').div(ef.Unit.of('mV/nA'))), res.grad.gain.unit.toString());
  assert.ok(res.grad.decay.unit.equals(ef.Unit.of('mV^2')), res.grad.decay.unit.toString());
  assert.ok(res.stateGrad.v!.unit.equals(ef.Unit.of('mV')), res.stateGrad.v!.unit.toString());
  // the numbers: the unrolled loop under ef.grad, also for the initial state
  const unrolled = (p: P, v0: LazyArray): LazyArray => {
    let s: ArrayRecord = { v: v0 };
    const vs: LazyArray[] = [];
    for (let t = 0; t < T; t++) {
      s = step(s, { x: x.slice(t) }, ef.scalar(t, '1', 'int32'), p).state;
      vs.push(s.v!);
    }
    return squares({ v: ef.stack(vs) });
  };
  const [gp, gv] = ef.grad(unrolled, { argnums: [0, 1] })(params, init.v) as [P, LazyArray];
  assertAllClose(res.grad.gain.dataSync(), gp.gain.dataSync(), 1e-5, 'gain');
  assertAllClose(res.grad.decay.dataSync(), gp.decay.dataSync(), 1e-5, 'decay');
  assertAllClose(res.stateGrad.v!.dataSync(), gv.dataSync(), 1e-5, 'initial v');
  assert.ok(gp.gain.unit.equals(res.grad.gain.unit));
});

test('memory: with k = 10 and T = 100 the forward pass keeps 10 states, the backward walk at most 19', async () => {
  const runner = ef.compile(step);
  const xs = ef.zeros([100, 2], 'nA').add(ef.scalar(0.1, 'nA'));
  const res = await runner.valueAndGrad(squares, init, { steps: 100, params, inputs: { x: xs }, checkpointEvery: 10 });
  assert.equal({ ...res.stats }, { steps: 100, checkpointEvery: 10, checkpoints: 10, peakStates: 19, recomputedSteps: 90, backwardSteps: 100 });
  // default k = ⌈√T⌉ = 10; k = 1 keeps every state and recomputes none
  assert.is((await runner.valueAndGrad(squares, init, { steps: 100, params, inputs: { x: xs } })).stats.checkpointEvery, 10);
  const all = await runner.valueAndGrad(squares, init, { steps: 100, params, inputs: { x: xs }, checkpointEvery: 1 });
  assert.is(all.stats.checkpoints, 100);
  assert.is(all.stats.recomputedSteps, 0);
  // k > T is read as T: one checkpoint (the initial state)
  const one = await runner.valueAndGrad(squares, init, { steps: 100, params, inputs: { x: xs }, checkpointEvery: 1000 });
  assert.equal([one.stats.checkpointEvery, one.stats.checkpoints, one.stats.peakStates], [100, 1, 100]);
  assertAllClose(one.grad.gain.dataSync(), all.grad.gain.dataSync(), 1e-6, 'k = T against k = 1');
});

test('plasticity in the step: NotDifferentiableError naming the update, said to come from the step', async () => {
  const plastic = (s: ArrayRecord, _i: ArrayRecord, _t: LazyArray, p: { gain: LazyArray }) => {
    const W = ef.dense(s.w!);
    const spikes = s.v!.greater(0.5);
    const next = ef.plasticity.onPre(W, spikes, s.v!.mul(0.1).astype('float32').mul(ef.scalar(1, 'nS')), { wMin: 0, wMax: 1 });
    return { v: ef.matmul(spikes, W).mul(p.gain).add(s.v!.mul(0.5)), w: next.data };
  };
  const runner = ef.compile(plastic);
  const state = { v: ef.array([1, 0]), w: ef.array([[0.5, 0.5], [0.5, 0.5]], 'nS') };
  const e = await rejects(
    () => runner.valueAndGrad((_r, f) => f.v!.sum(), state, { steps: 3, params: { gain: ef.scalar(2, '1/nS') } }),
    ef.NotDifferentiableError,
    /^valueAndGrad: the step cannot be differentiated through time: /,
    /plasticity\.onPre/,
  );
  assert.instance(e.cause, ef.NotDifferentiableError);
  // the same runner runs forward
  const out = await runner.run(state, { steps: 3, params: { gain: ef.scalar(2, '1/nS') } });
  assert.equal(out.state.w!.shape, [2, 2]);
});

test('checkpointEvery, steps and params: typed errors before anything runs', async () => {
  const runner = ef.compile(step);
  for (const k of [0, -1, 1.5, '3', Number.NaN]) {
    await rejects(() => runner.valueAndGrad(squares, init, { steps: T, params, inputs: { x }, checkpointEvery: k as number }), ef.InvalidArgumentError, /checkpointEvery must be a positive integer/);
  }
  await rejects(() => runner.valueAndGrad(squares, init, { steps: 0, params, inputs: { x } }), ef.InvalidArgumentError, /steps must be a positive integer/);
  await rejects(() => runner.valueAndGrad(squares, init, { steps: T, inputs: { x } } as never), ef.InvalidArgumentError, /params are required/);
  await rejects(() => runner.valueAndGrad(squares, init, { steps: T, params, inputs: { x }, checkpoint: 3 } as never), ef.InvalidArgumentError, /unknown option 'checkpoint'/);
  await rejects(() => runner.valueAndGrad(squares, init, { steps: T + 1, params, inputs: { x } }), ef.ShapeMismatchError, /input 'x' has 20 steps; expected at least 21/);
  await rejects(() => runner.valueAndGrad('loss' as never, init, { steps: T, params, inputs: { x } }), ef.InvalidArgumentError, /expected a loss function/);
});

test('params: one the step reads but was not given, one given but captured instead of read', async () => {
  const runner = ef.compile(step);
  await rejects(
    () => runner.valueAndGrad(squares, init, { steps: T, params: { gain: params.gain } as never, inputs: { x } }),
    ef.InvalidArgumentError,
    /the step read param 'decay', but the params have no param 'decay' \(given: gain\)/,
  );
  await rejects(() => runner.run(init, { steps: T, inputs: { x } }), ef.InvalidArgumentError, /the step read param 'decay', but run\(\) was given no param 'decay' \(given: none\)/);
  // gain captured by closure: it is a constant of the trace, and its gradient would silently be 0
  const captured = ef.compile((s: ArrayRecord, i: ArrayRecord, _t: LazyArray, p: P) => ({ v: s.v!.mul(p.decay).add(i.x!.mul(params.gain)) }));
  await rejects(
    () => captured.valueAndGrad((_r, f) => f.v!.sum(), init, { steps: T, params, inputs: { x } }),
    ef.InvalidArgumentError,
    /params\.gain is read neither by the step nor by the loss/,
    /rather than capturing arrays in a closure/,
  );
  // a param only the loss reads is fine (a penalty on it)
  const res = await captured.valueAndGrad((_r, f, p) => f.v!.sum().add(p.gain.sum().mul(ef.scalar(1, 'nA'))), init, { steps: T, params, inputs: { x } });
  assertAllClose(res.grad.gain.dataSync(), [1, 1], 1e-6, 'penalty gradient');
});

test('the loss: a 0-d float array, else ShapeMismatchError or NotDifferentiableError', async () => {
  const runner = ef.compile(step);
  await rejects(() => runner.valueAndGrad((r) => r.v!.sum(0), init, { steps: T, params, inputs: { x } }), ef.ShapeMismatchError, /the loss must return a 0-d \(scalar\) array, got shape \[2\]/);
  await rejects(() => runner.valueAndGrad((r) => r.v!.sum().greater(ef.scalar(0, 'mV')), init, { steps: T, params, inputs: { x } }), ef.NotDifferentiableError, /float32 or float64 scalar, got a bool one/);
  await rejects(() => runner.valueAndGrad(() => 3 as never, init, { steps: T, params, inputs: { x } }), ef.InvalidArgumentError, /must return a LazyArray, got/);
});

test('run with params: new values need no new trace', async () => {
  const runner = ef.compile(step);
  const a = await runner.run(init, { steps: 2, params, inputs: { x } });
  const plan = runner.explain();
  const b = await runner.run(init, { steps: 2, params: { ...params, decay: ef.scalar(0) }, inputs: { x } });
  assert.is(runner.explain(), plan);
  assert.not.equal(Array.from(a.state.v!.dataSync()), Array.from(b.state.v!.dataSync()));
  // gain·x only: v = gain · x[1] = [2 · 0.8, 3 · 0.2]
  assertAllClose(b.state.v!.dataSync(), [1.6, 0.6], 1e-6, 'decay 0');
  assert.ok(!/params\./.test(plan.split('\n')[1] ?? ''), 'params are not listed as state updated in place');
});

test.run();
