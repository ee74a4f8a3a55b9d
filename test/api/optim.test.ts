/**
 * ef.optim.sgd and ef.optim.adam against updates computed by hand here (float64, the formulas
 * written out independently): plain and momentum SGD, Adam's bias correction at steps 1 and 2,
 * convergence on a quadratic with hand-written gradients g = 2(p − p*), records of several
 * keys and a single array, immutability, units (lr read in each parameter's unit; 0-d lr
 * arrays converted or refused), and typed errors. Backend-free: runs on the default backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { expectError } from '../helpers/suite.js';

const f64 = (v: readonly number[], unit?: string): ef.LazyArray => ef.array([...v], unit, 'float64');
const values = (x: ef.LazyArray): number[] => Array.from(x.dataSync());
const TOL = 1e-14;

test('sgd: p − lr·g, for a single array and for a record', () => {
  const opt = ef.optim.sgd({ lr: 0.1 });
  const p = f64([1, 2, -3]), g = f64([0.5, -1, 2]);
  const s0 = opt.init(p);
  const { params, state } = opt.update(g, s0, p);
  assertAllClose(values(params), [1 - 0.05, 2 + 0.1, -3 - 0.2], TOL);
  assert.is(state.count, 1);
  assert.is(s0.count, 0, 'the old state is unchanged');
  assert.equal(values(p), [1, 2, -3], 'the old params are unchanged');
  const rec = { w: f64([1, 2]), b: f64([-1]) };
  const r = opt.update({ b: f64([4]), w: f64([10, 20]) }, opt.init(rec), rec);
  assert.equal(Object.keys(r.params), ['w', 'b']);
  assertAllClose(values(r.params.w), [0, 0], TOL);
  assertAllClose(values(r.params.b), [-1.4], TOL);
  assert.ok(Object.isFrozen(r) && Object.isFrozen(r.params) && Object.isFrozen(r.state));
});

test('sgd with momentum: trace ← μ·trace + g, p ← p − lr·trace, over three steps', () => {
  const lr = 0.05, mu = 0.8;
  const grads = [[1, -2], [0.5, 3], [-4, 0.25]];
  const opt = ef.optim.sgd({ lr, momentum: mu });
  let p = f64([0.3, -0.7]);
  let s = opt.init(p);
  const hp = [0.3, -0.7], tr = [0, 0];
  for (const g of grads) {
    ({ params: p, state: s } = opt.update(f64(g), s, p));
    for (let i = 0; i < 2; i++) {
      tr[i] = mu * tr[i]! + g[i]!;
      hp[i] = hp[i]! - lr * tr[i]!;
    }
    assertAllClose(values(p), hp, TOL, `params at step ${s.count}`);
    assertAllClose(values(s.trace as ef.LazyArray), tr, TOL, `trace at step ${s.count}`);
  }
});

/** Adam by hand, from Kingma & Ba (2015), Algorithm 1. */
function adamByHand(p: number[], grads: number[][], lr: number, b1: number, b2: number, eps: number): number[][] {
  const m = p.map(() => 0), v = p.map(() => 0), out: number[][] = [];
  let x = [...p];
  grads.forEach((g, k) => {
    const t = k + 1;
    x = x.map((xi, i) => {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const mh = m[i]! / (1 - Math.pow(b1, t)), vh = v[i]! / (1 - Math.pow(b2, t));
      return xi - (lr * mh) / (Math.sqrt(vh) + eps);
    });
    out.push(x);
  });
  return out;
}

test('adam: bias-corrected steps 1 and 2 against the paper, defaults β1 = 0.9, β2 = 0.999, ε = 1e-8', () => {
  const lr = 0.01;
  const grads = [[0.5, -2, 1e-3], [0.25, 4, -1e-3]];
  const opt = ef.optim.adam({ lr });
  let p = f64([1, -1, 0.5]);
  let s = opt.init(p);
  const expected = adamByHand([1, -1, 0.5], grads, lr, 0.9, 0.999, 1e-8);
  // step 1: m̂ = g, v̂ = g², so every entry moves by lr·g/(|g| + ε) ≈ lr, whatever |g| is
  ({ params: p, state: s } = opt.update(f64(grads[0]!), s, p));
  assertAllClose(values(p), expected[0]!, 1e-12, 'step 1');
  assertAllClose(values(p).map((x, i) => Math.abs(x - [1, -1, 0.5][i]!)), [lr, lr, lr], 1e-4, 'step 1 moves by lr');
  ({ params: p, state: s } = opt.update(f64(grads[1]!), s, p));
  assertAllClose(values(p), expected[1]!, 1e-12, 'step 2');
  assert.is(s.count, 2);
  assertAllClose(values(s.mu as ef.LazyArray), grads[0]!.map((g, i) => 0.9 * 0.1 * g + 0.1 * grads[1]![i]!), 1e-14, 'm at step 2');
});

test('adam: non-default betas and eps, a record of two keys', () => {
  const lr = 0.1, b1 = 0.5, b2 = 0.75, eps = 0.01;
  const opt = ef.optim.adam({ lr, beta1: b1, beta2: b2, eps });
  let p = { a: f64([2, -3]), b: f64([0.1]) };
  let s = opt.init(p);
  const ga = [[1, 2], [-0.5, 0.5], [3, -1]], gb = [[0.2], [0.4], [-0.1]];
  const ea = adamByHand([2, -3], ga, lr, b1, b2, eps), eb = adamByHand([0.1], gb, lr, b1, b2, eps);
  for (let k = 0; k < 3; k++) {
    ({ params: p, state: s } = opt.update({ a: f64(ga[k]!), b: f64(gb[k]!) }, s, p));
    assertAllClose(values(p.a), ea[k]!, 1e-12, `a at step ${k + 1}`);
    assertAllClose(values(p.b), eb[k]!, 1e-12, `b at step ${k + 1}`);
  }
});

test('both converge on a quadratic Σ(p − p*)² with g = 2(p − p*) written by hand', () => {
  const target = f64([1.5, -2, 0.25, 3]);
  for (const [name, opt, steps] of [
    ['sgd', ef.optim.sgd({ lr: 0.1 }), 100],
    ['sgd+momentum', ef.optim.sgd({ lr: 0.05, momentum: 0.9 }), 300],
    ['adam', ef.optim.adam({ lr: 0.05 }), 600],
  ] as const) {
    let p = f64([0, 0, 0, 0]);
    let s = (opt as ef.Optimizer<'adam'>).init(p);
    for (let k = 0; k < steps; k++) {
      const g = p.sub(target).mul(2);
      ({ params: p, state: s } = (opt as ef.Optimizer<'adam'>).update(g, s, p));
      if (k % 20 === 19) p.dataSync(); // realize now and then: later steps start from the stored values
    }
    const err = Math.max(...values(p.sub(target)).map(Math.abs));
    assert.ok(err < 1e-3, `${name}: max |p − p*| = ${err} after ${steps} steps`);
  }
});

test('float32 params stay float32; updates are lazy graphs until read', () => {
  const opt = ef.optim.adam({ lr: 0.5 });
  const p = ef.array([1, 2]);
  const { params } = opt.update(ef.array([1, -1]), opt.init(p), p);
  assert.is(params.dtype, 'float32');
  assert.ok(params.node.op !== 'const', 'the update is a graph, not a computed array');
  assertAllClose(values(params), [0.5, 2.5], 1e-6);
});

test('units: a number lr is read in each parameter’s unit (SGD: unit(p)/unit(g); Adam: unit(p))', () => {
  // L in pA; p in mV and nS; g = ∂L/∂p in pA/mV and pA/nS
  const p = { v: f64([10, -20], 'mV'), w: f64([2], 'nS') };
  const g = { v: f64([1, 2], 'pA/mV'), w: f64([0.5], 'pA/nS') };
  const sgd = ef.optim.sgd({ lr: 0.1 }).update(g, ef.optim.sgd({ lr: 0.1 }).init(p), p);
  assert.ok(sgd.params.v.unit.equals(ef.Unit.of('mV')) && sgd.params.w.unit.equals(ef.Unit.of('nS')));
  assertAllClose(values(sgd.params.v), [9.9, -20.2], TOL);
  assertAllClose(values(sgd.params.w), [1.95], TOL);
  const adam = ef.optim.adam({ lr: 0.5 }).update(g, ef.optim.adam({ lr: 0.5 }).init(p), p);
  assertAllClose(values(adam.params.v), [9.5, -20.5], 1e-7);
  assertAllClose(values(adam.params.w), [1.5], 1e-7);
  // a 0-d lr with a unit is converted: Adam 0.5 mV as 5e-4 V; SGD 0.1 mV²/pA as 1e-7 V²/pA
  const pv = p.v, gv = g.v;
  const a2 = ef.optim.adam({ lr: ef.scalar(5e-4, 'V', 'float64') });
  assertAllClose(values(a2.update(gv, a2.init(pv), pv).params), [9.5, -20.5], 1e-7);
  const s2 = ef.optim.sgd({ lr: ef.scalar(1e-7, 'V^2/pA', 'float64') });
  assertAllClose(values(s2.update(gv, s2.init(pv), pv).params), [9.9, -20.2], 1e-12);
  // the wrong dimension is refused, naming the parameter
  const bad = ef.optim.adam({ lr: ef.scalar(1, 'ms') });
  expectError(() => bad.update(g, bad.init(p), p), ef.UnitMismatchError, 'lr', 'params.v', 'mV');
  const badSgd = ef.optim.sgd({ lr: ef.scalar(1, 'mV') });
  expectError(() => badSgd.update(gv, badSgd.init(pv), pv), ef.UnitMismatchError, 'lr', 'mV^2/pA');
});

test('typed errors: keys, shapes, structure, dtypes, lr, betas, momentum, eps, options, state', () => {
  const opt = ef.optim.adam({ lr: 0.1 });
  const p = { a: f64([1, 2]), b: f64([3]) };
  const s = opt.init(p);
  expectError(() => opt.update({ a: f64([1, 2]) } as typeof p, s, p), ef.InvalidArgumentError, 'missing in grads: b');
  expectError(() => opt.update({ ...p, c: f64([1]) } as typeof p, s, p), ef.InvalidArgumentError, 'not in params: c');
  expectError(() => opt.update({ a: f64([1, 2, 3]), b: f64([1]) }, s, p), ef.ShapeMismatchError, 'grads.a', '[3]', '[2]');
  expectError(() => opt.update(f64([1]) as unknown as typeof p, s, p), ef.InvalidArgumentError, 'same structure');
  expectError(() => opt.update({ a: [1, 2] as unknown as ef.LazyArray, b: f64([1]) }, s, p), ef.InvalidArgumentError, 'grads.a');
  expectError(() => opt.update({ a: ef.array([1, 2], undefined, 'int32'), b: f64([1]) }, s, p), ef.InvalidArgumentError, 'grads.a is int32');
  expectError(() => opt.init(5 as unknown as ef.LazyArray), ef.InvalidArgumentError, 'params must be a LazyArray or a record');
  const after = opt.update(p, s, p).state;
  expectError(() => opt.update(f64([1]), after as unknown as ef.AdamState<ef.LazyArray>, f64([1])), ef.InvalidArgumentError, 'state does not match');
  for (const lr of [NaN, Infinity, -1, 0]) {
    expectError(() => ef.optim.sgd({ lr }), ef.InvalidArgumentError, 'lr');
    expectError(() => ef.optim.adam({ lr }), ef.InvalidArgumentError, 'lr');
  }
  expectError(() => ef.optim.adam({ lr: ef.array([1, 2]) }), ef.ShapeMismatchError, 'lr');
  for (const b of [1, -0.1, NaN, 2]) {
    expectError(() => ef.optim.adam({ lr: 1, beta1: b }), ef.InvalidArgumentError, 'beta1');
    expectError(() => ef.optim.adam({ lr: 1, beta2: b }), ef.InvalidArgumentError, 'beta2');
    expectError(() => ef.optim.sgd({ lr: 1, momentum: b }), ef.InvalidArgumentError, 'momentum');
  }
  expectError(() => ef.optim.adam({ lr: 1, eps: -1 }), ef.InvalidArgumentError, 'eps');
  expectError(() => ef.optim.adam({ lr: 1, betas: 2 } as unknown as ef.AdamOptions), ef.InvalidArgumentError, "unknown option 'betas'");
  expectError(() => ef.optim.sgd(undefined as unknown as ef.SgdOptions), ef.InvalidArgumentError, 'options');
});

test.run();
