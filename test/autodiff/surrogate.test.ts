/**
 * Surrogate spikes on every backend: the forward pass is exactly the bool `v > 0`; the VJP
 * rule's cotangent (primitiveOf(n).vjp) is ct · f'(v) with f' written out again here from the
 * literature (each normalised to integrate to 1), in float64 and within the backend's
 * tolerance; each derivative integrates to ~1; units of the cotangent are unit(ct)/unit(v),
 * α given as a 0-d array with a unit is converted; the spikes drive an event product exactly
 * as the plain comparison does; bad α and non-float v are typed errors.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { LazyArray } from '../../src/api/array.js';
import type { Node } from '../../src/ir/node.js';
import { primitiveOf } from '../../src/ir/primitives/index.js';
import { deviceExact, heldBy, runs, tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { RUN_OPTS, expectError, expectIdentical, forEachBackend } from '../helpers/suite.js';
import { vjpTools } from '../../src/autodiff/tools.js';

type Fn = 'sigmoid' | 'fastSigmoid' | 'arctan' | 'triangle';
const FNS: readonly Fn[] = ['sigmoid', 'fastSigmoid', 'arctan', 'triangle'];
const OPTS = { ...RUN_OPTS, numRuns: runs(40) };

/** The derivatives, written from their definitions (not from the implementation's forms). */
const DERIVATIVE: { readonly [F in Fn]: (v: number, a: number) => number } = {
  sigmoid: (v, a) => {
    const s = 1 / (1 + Math.exp(-a * v));
    return a * s * (1 - s);
  },
  fastSigmoid: (v, a) => a / 2 / (1 + a * Math.abs(v)) ** 2,
  arctan: (v, a) => a / 2 / (1 + ((Math.PI / 2) * a * v) ** 2),
  triangle: (v, a) => Math.max(0, 1 - a * Math.abs(v)) * a,
};

/** The cotangent of v that the rule gives for spikes `s` and cotangent `ct`. */
function ruleCotangent(s: LazyArray, ct: LazyArray): LazyArray {
  const n = s.node as Node<'surrogate'>;
  assert.is(n.op, 'surrogate');
  const out = primitiveOf(n).vjp!(n, ct.node, vjpTools([true]));
  assert.is(out.length, 1, 'one cotangent per operand');
  return new LazyArray(out[0]!);
}

const values = fc.array(fc.double({ min: -6, max: 6, noNaN: true }).map(deviceExact), { minLength: 1, maxLength: 40 });
const alphas = fc.double({ min: 0.25, max: 8, noNaN: true }).map(deviceExact);

forEachBackend(test, 'forward: exactly v > 0, as a bool array, for every surrogate', (backend) => {
  fc.assert(fc.property(values, alphas, fc.constantFrom(...FNS), (vs, alpha, fn) => {
    const v = ef.array([...vs, 0, -0], 'mV', 'float64');
    const s = ef.surrogate[fn](v, { alpha });
    assert.is(s.dtype, 'bool');
    assert.ok(s.unit.isDimensionless);
    assert.equal([...s.shape], [...v.shape]);
    const held = heldBy(backend, 'float64', [...vs, 0, -0]);
    assert.equal(Array.from(s.dataSync()), held.map((x) => (x > 0 ? 1 : 0)));
    expectIdentical(s, v.greater(ef.scalar(0, 'mV')), 'surrogate vs comparison');
  }), OPTS);
});

forEachBackend(test, "the rule's cotangent is ct · f'(v) for each formula (float64 oracle, backend tolerance)", (backend) => {
  fc.assert(fc.property(values, alphas, fc.constantFrom(...FNS), (vs, alpha, fn) => {
    const cts = vs.map((_, i) => deviceExact(1 + 0.25 * (i % 7) - 0.5 * (i % 3)));
    const v = ef.array(vs, undefined, 'float64');
    const g = ruleCotangent(ef.surrogate[fn](v, { alpha }), ef.array(cts, undefined, 'float64'));
    assert.is(g.dtype, 'float64');
    assert.equal([...g.shape], [vs.length]);
    const tol = tolerance(backend, 'float64');
    // f' is at most α (α/2 for the others): an absolute floor of tol·α covers cancellation near 0
    assertAllClose(g.dataSync(), vs.map((x, i) => cts[i]! * DERIVATIVE[fn](x, alpha)), tol, `${fn} cotangent`, tol * alpha * 4);
  }), OPTS);
});

forEachBackend(test, 'float32 v gives a float32 cotangent within float32 tolerance', (backend) => {
  const vs = [-3, -0.5, -0.125, 0, 0.0625, 0.3, 1, 4];
  for (const fn of FNS) {
    const g = ruleCotangent(ef.surrogate[fn](ef.array(vs), { alpha: 2 }), ef.ones([vs.length]));
    assert.is(g.dtype, 'float32');
    const tol = tolerance(backend, 'float32');
    assertAllClose(g.dataSync(), vs.map((x) => DERIVATIVE[fn](Math.fround(x), 2)), tol * 4, `${fn} float32`, tol * 8);
  }
});

forEachBackend(test, 'each derivative integrates to ~1 over v (trapezoid on [-X, X])', (backend) => {
  const h = 0.01, X = 1000, alpha = 2;
  const grid = new Float64Array(2 * X / h + 1).map((_, i) => -X + i * h);
  for (const fn of FNS) {
    const d = ruleCotangent(ef.surrogate[fn](ef.array(grid, undefined, 'float64'), { alpha }), ef.ones([grid.length], undefined, 'float64')).dataSync();
    let integral = 0;
    for (let i = 1; i < d.length; i++) integral += (h * (d[i]! + d[i - 1]!)) / 2;
    // fastSigmoid's tails beyond ±X hold 1/(αX) = 5e-4, arctan's 4/(π²αX) ≈ 2e-4
    const tol = 1e-3 + 100 * tolerance(backend, 'float64');
    assert.ok(Math.abs(integral - 1) < tol, `${fn}: ∫f' = ${integral}, expected 1 ± ${tol}`);
  }
});

forEachBackend(test, 'units: v in mV, α in 1/mV (number) or a 0-d array in 1/V (converted); cotangent in unit(L)/mV', (backend) => {
  const vs = [-2, -0.25, 0, 0.5, 3];
  const v = ef.array(vs, 'mV', 'float64');
  const ct = ef.array([1, 2, 3, 4, 5], 'pA', 'float64');
  const tol = tolerance(backend, 'float64');
  for (const fn of FNS) {
    const g = ruleCotangent(ef.surrogate[fn](v, { alpha: 1.5 }), ct);
    assert.ok(g.unit.sameDimension(ef.Unit.of('pA/mV')), `${fn}: unit ${g.unit}`);
    const inPaPerMv = g.to('pA/mV').dataSync();
    assertAllClose(inPaPerMv, vs.map((x, i) => (i + 1) * DERIVATIVE[fn](x, 1.5)), tol, `${fn} with units`, tol * 8);
    // 1500 /V is 1.5 /mV
    const g2 = ruleCotangent(ef.surrogate[fn](v, { alpha: ef.scalar(1500, '1/V', 'float64') }), ct);
    assertAllClose(g2.to('pA/mV').dataSync(), inPaPerMv, tol * 4, `${fn}: α from a 0-d array`, tol * 8);
  }
  // α's unit is read against v's: the same v in V with α = 1500 /V is the same derivative in pA/V
  const gV = ruleCotangent(ef.surrogate.sigmoid(v.to('V'), { alpha: 1500 }), ct);
  assertAllClose(gV.to('pA/mV').dataSync(), vs.map((x, i) => (i + 1) * DERIVATIVE.sigmoid(x, 1.5)), tol * 4, 'v in V', tol * 8);
});

forEachBackend(test, 'spikes drive event products like the plain comparison (CSR, both sides)', () => {
  const W = ef.csr({ indptr: Int32Array.of(0, 2, 3, 3, 5, 6), indices: Int32Array.of(0, 3, 1, 0, 2, 3), data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [5, 4] }, 'nS');
  const v = ef.array([0.5, -1, 2, 0, 3], 'mV').sub(ef.scalar(0.25, 'mV'));
  for (const fn of FNS) {
    const s = ef.surrogate[fn](v, { alpha: 4 });
    expectIdentical(ef.matmul(s, W), ef.matmul(v.greater(ef.scalar(0, 'mV')), W), `${fn}: spikes @ W`);
    const u = ef.array([1, -2, 0.5, 0.75], 'mV');
    expectIdentical(ef.matmul(W, ef.surrogate[fn](u, { alpha: 4 })), ef.matmul(W, u.greater(ef.scalar(0, 'mV'))), `${fn}: W @ spikes`);
  }
});

forEachBackend(test, 'in a compiled LIF step (spikes reset v, drive a CSR product, are counted) it runs as the comparison does', async () => {
  const W = ef.csr({ indptr: Int32Array.of(0, 2, 3, 4, 6), indices: Int32Array.of(0, 3, 1, 2, 0, 3), data: Float32Array.of(0.5, 1, 2, 0.25, 1.5, 0.75), shape: [4, 4] }, 'mV');
  const step = (spike: (x: ef.LazyArray) => ef.LazyArray): ef.StepFn => (s, i) => {
    const v = s.V!.mul(0.9).add(i.I!).add(ef.matmul(s.S!, W));
    const spiked = spike(v.sub(ef.scalar(1, 'mV')));
    return { state: { V: ef.where(spiked, ef.scalar(0, 'mV'), v), S: spiked }, record: { n: spiked.astype('int32').sum() } };
  };
  const init = { V: ef.array([0.2, 0.9, 0.5, 0.95], 'mV'), S: ef.array([false, false, false, false]) };
  const I = ef.array([0.3, 0.05, 0.2, 0.1, 0.0, 0.4, 0.1, 0.02, 0.25, 0.1, 0.3, 0.05], 'mV', { shape: [3, 4] });
  const want = await ef.compile(step((x) => x.greater(ef.scalar(0, 'mV')))).run(init, { steps: 3, inputs: { I } });
  for (const fn of FNS) {
    const got = await ef.compile(step((x) => ef.surrogate[fn](x, { alpha: 3 }))).run(init, { steps: 3, inputs: { I } });
    expectIdentical(got.state.V!, want.state.V!, `${fn}: V`);
    expectIdentical(got.state.S!, want.state.S!, `${fn}: spikes`);
    expectIdentical(got.records.n!, want.records.n!, `${fn}: spike counts`);
  }
  assert.ok(Array.from(want.records.n!.dataSync()).some((c) => Number(c) > 0), 'some neuron spikes');
});

forEachBackend(test, 'data-last form for pipe, and typed errors for bad α, non-float v and missing options', () => {
  const v = ef.array([-1, 2], 'mV');
  expectIdentical(ef.surrogate.triangle({ alpha: 1 })(v), ef.surrogate.triangle(v, { alpha: 1 }), 'data-last');
  for (const alpha of [0, -1, NaN, Infinity]) {
    expectError(() => ef.surrogate.sigmoid(v, { alpha }), ef.InvalidArgumentError, 'alpha', 'positive finite', '1/mV');
  }
  expectError(() => ef.surrogate.arctan(v, { alpha: '2' as unknown as number }), ef.InvalidArgumentError, 'alpha');
  expectError(() => ef.surrogate.arctan(v, { alpha: ef.scalar(-2, '1/mV') }), ef.InvalidArgumentError, 'alpha is -2');
  expectError(() => ef.surrogate.arctan(v, { alpha: ef.scalar(2, 'mV') }), ef.UnitMismatchError, 'alpha', '1/mV');
  expectError(() => ef.surrogate.arctan(v, { alpha: ef.array([1, 2], '1/mV') }), ef.ShapeMismatchError, 'alpha');
  expectError(() => ef.surrogate.fastSigmoid(ef.array([1, 2], undefined, 'int32'), { alpha: 1 }), ef.InvalidArgumentError, 'float32 or float64', 'int32');
  expectError(() => ef.surrogate.fastSigmoid(ef.array([true, false]), { alpha: 1 }), ef.InvalidArgumentError, 'bool');
  expectError(() => (ef.surrogate.sigmoid as unknown as (v: ef.LazyArray) => unknown)(v), ef.InvalidArgumentError, 'options { alpha } are missing');
  expectError(() => ef.surrogate.sigmoid(v, { alpha: 1, beta: 2 } as unknown as { alpha: number }), ef.InvalidArgumentError, "unknown option 'beta'");
});

test.run();
