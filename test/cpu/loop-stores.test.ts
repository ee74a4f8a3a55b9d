/**
 * Stores of the cpu backend's loops where docs/fusion.md ("Unchanged state is not stored")
 * promises their shape, and the values a loop also reads outside its `where` sides:
 *
 * - a state variable updated in place whose new value is a `where` keeping the old value on
 *   some path of sides (`where(free, ref, ref - 1)`, also nested under `where(spike, ...)` on
 *   either side; `where(spike, ref, ref)` changes it on no side) computes and stores only the
 *   changing sides: one store each, no `where` is materialised as a value, and no store writes
 *   the loaded old value back. A positive control (the same step
 *   with the count also recorded, so not updated in place) stores the old value, so the
 *   pattern checked can see it;
 * - a value reduced (summed) or listed (spike list of an event product) by the loop is
 *   computed at the loop's top level even when its only other reader is one side of a `where`.
 *
 * Every trajectory is compared with the reference backend's.
 * cpu only: outside the shared suites.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';

type State = Record<string, ef.LazyArray>;
type Step = (s: State) => ef.StepResult;

const N = 8;
const refs = [0, 1, 2, 0, 3, 0, 1, 4];
const vs = [0.1, 0.9, 0.2, 0.7, 0.3, 0.6, 0.95, 0.05];
const init = (): State => ({ ref: ef.array(refs), v: ef.array(vs) });
/** v rises towards 1: neurons start spiking (v > 0.55) at different steps. */
const drift = (v: ef.LazyArray): ef.LazyArray => v.mul(0.8).add(0.2);

/** The explain text of a compiled step on cpu, and its kernel source. */
function compiled(step: Step, state: State = init()): { text: string; source: string } {
  const text = withBackend('cpu', () => ef.compile(step as ef.StepFn).prepare(state).explain());
  const at = text.indexOf('--- kernel 0 source ---');
  assert.ok(at >= 0, `explain prints the kernel source:\n${text}`);
  return { text, source: text.slice(at) };
}

/** Each state variable (and record) after `steps` steps on cpu and on the reference backend. */
async function trajectories(step: Step, steps: number, state: () => State = init): Promise<void> {
  const on = async (b: string): Promise<Record<string, number[]>> => {
    const previous = ef.getBackend();
    ef.setBackend(b);
    try {
      const r = await ef.compile(step as ef.StepFn).run(state(), { steps });
      const all = { ...r.state, ...Object.fromEntries(Object.entries(r.records).map(([k, v]) => [`record ${k}`, v])) };
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, Array.from(v.dataSync())]));
    } finally {
      ef.setBackend(previous);
    }
  };
  const got = await on('cpu');
  const want = await on('reference');
  assert.equal(Object.keys(got).sort(), Object.keys(want).sort());
  for (const k of Object.keys(want)) {
    assert.is(got[k]!.length, want[k]!.length, k);
    want[k]!.forEach((w, i) => assert.ok(Math.abs(got[k]![i]! - w) <= 1e-6 * Math.max(1, Math.abs(w)), `${k}[${i}]: cpu ${got[k]![i]} vs reference ${w}`));
  }
}

/** Lines of the loop that store a loaded value (`bK[i] = vJ;`) or declare a where's value (`let tJ;`). */
const storesOld = (source: string): string[] => source.split('\n').filter((l) => /^\s*b\d+\[[^\]]+\] = v\d+;$/.test(l));
const whereValues = (source: string): string[] => source.split('\n').filter((l) => /^\s*let t\d+;$/.test(l));

/** Each count update, and how many of its sides change the count (each stored once). */
const countdowns: [string, (s: State) => ef.LazyArray, number][] = [
  ['where(free, ref, ref - 1)', (s) => ef.where(s.ref!.lessEqual(0), s.ref!, s.ref!.sub(1)), 1],
  ['where(spike, 3, where(free, ref, ref - 1))', (s) => ef.where(s.v!.greater(0.5), 3, ef.where(s.ref!.lessEqual(0), s.ref!, s.ref!.sub(1))), 2],
  ['where(quiet, where(free, ref, ref - 1), 3)', (s) => ef.where(s.v!.lessEqual(0.5), ef.where(s.ref!.lessEqual(0), s.ref!, s.ref!.sub(1)), 3), 2],
  // no side changes the count: nothing is stored at all
  ['where(spike, ref, ref)', (s) => ef.where(s.v!.greater(0.55), s.ref!, s.ref!), 0],
];

for (const [name, next, changing] of countdowns) {
  test(`[cpu] ${name} updated in place computes and stores only the changing sides`, async () => {
    const step: Step = (s) => ({ ref: next(s), v: drift(s.v!) });
    const { text, source } = compiled(step);
    assert.match(text, /state updated in place \(one buffer, no copy\): ref, v/);
    assert.equal(storesOld(source), [], `no store writes the old count back:\n${source}`);
    assert.equal(whereValues(source), [], `no where of the count is computed as a value:\n${source}`);
    const stores = source.split('\n').filter((l) => /^\s*b\d+\[i0_0\] = /.test(l)).length;
    assert.is(stores, changing + 1, `one store per changing side, and the store of v:\n${source}`);
    await trajectories(step, 6);
  });
}

test('[cpu] positive control: a recorded count is not updated in place, and its resting side stores the old value', async () => {
  const step: Step = (s) => {
    const ref = ef.where(s.ref!.lessEqual(0), s.ref!, s.ref!.sub(1));
    return { state: { ref, v: drift(s.v!) }, record: { ref: s.ref! } };
  };
  const { text, source } = compiled(step);
  assert.not.match(text, /state updated in place \(one buffer, no copy\): [^\n]*\bref\b/);
  assert.is(storesOld(source).length, 1, `the resting side stores the loaded count:\n${source}`);
  await trajectories(step, 6);
});

test('[cpu] a value that the loop also sums is computed at its top level, though a where side reads it too', async () => {
  const step: Step = (s) => {
    const e = s.v!.mul(2).exp();
    return { ref: ef.where(s.v!.greater(0.5), e, s.ref!.sub(1)), v: drift(s.v!), total: e.sum() };
  };
  const state = (): State => ({ ...init(), total: ef.scalar(0) });
  const { text } = compiled(step, state());
  assert.match(text, /stage 0: loop over \[8\];[^\n]*stores[^\n]*; reduces /, `the sum is accumulated in the loop that stores:\n${text}`);
  await trajectories(step, 4, state);
});

test('[cpu] spikes that the loop also lists for an event product are computed at its top level, though a where side reads them too', async () => {
  const W = ef.csr({ indptr: [0, 2, 3, 3, 5, 6, 6, 7, 8], indices: [0, 2, 1, 3, 5, 4, 7, 6], data: [1, 2, 3, 4, 5, 6, 7, 8], shape: [N, N] });
  const step: Step = (s) => {
    const spike = s.v!.greater(0.55);
    return { flag: ef.where(s.ref!.lessEqual(0), spike, s.flag!), g: s.g!.mul(0.5).add(ef.matmul(spike, W)), v: drift(s.v!), ref: s.ref! };
  };
  const state = (): State => ({ ...init(), flag: ef.array([1, 0, 0, 1, 0, 1, 0, 0], '1', { dtype: 'bool' }), g: ef.array(vs.map((x) => 1 - x)) });
  const { text } = compiled(step, state());
  assert.match(text, /lists active %\d+ into %\d+/, `the loop builds the spike list:\n${text}`);
  await trajectories(step, 5, state);
});

test.run();
