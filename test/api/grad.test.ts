/**
 * ef.grad / valueAndGrad / vjp without a backend in question (the default cpu computes the few
 * values read): units of gradients, typed errors, records, argnums, matrix arguments, laziness.
 * The numbers themselves are checked on every backend in test/ir/grad.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';

const values = (x: LazyArray): number[] => Array.from(x.dataSync());
const throwsWith = (fn: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp): void => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, cls, `expected a ${cls.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${cls.name}`);
};

test('units: the gradient of L with respect to x is in unit(L) / unit(x)', () => {
  const g = ef.array([1, 2], 'nS'), v = ef.array([-70, -60], 'mV');
  const L = (g: LazyArray, v: LazyArray): LazyArray => g.mul(v).sum(); // nS·mV
  const [dg, dv] = ef.grad(L, { argnums: [0, 1] })(g, v) as LazyArray[];
  assert.is(dv!.unit.toString(), 'nS');
  assert.ok(dv!.unit.equals(ef.Unit.of('nS')));
  assert.ok(dg!.unit.equals(ef.Unit.of('mV')));
  assert.equal(values(dv!), [1, 2]);
  assert.equal(values(dg!), [-70, -60]);
  // a unit conversion inside f: L in mV, y in V: dL/dy = 1000 mV/V (= 1)
  const y = ef.array([0.001, 0.002], 'V');
  const dy = ef.grad((y: LazyArray) => v.add(y).sum())(y);
  assert.ok(dy.unit.equals(ef.Unit.of('mV').div(ef.Unit.of('V'))));
  assert.equal(values(dy), [1000, 1000]);
  // exp of a scaled dimensionless quantity, and a quotient: d/dτ exp(-t/τ) = t/τ² · exp(-t/τ)
  const t = ef.scalar(5, 'ms'), tau = ef.scalar(10, 'ms');
  const dtau = ef.grad((tau: LazyArray) => t.div(tau).neg().exp())(tau);
  assert.ok(dtau.unit.equals(ef.Unit.of('1/ms')), dtau.unit.toString());
  assertAllClose(dtau.dataSync(), [(5 / 100) * Math.exp(-0.5)], 1e-6, 'd/dτ');
});

test('records and argnums: gradients keep the arguments\' shapes; unused arguments get zeros', () => {
  const params = { w: ef.array([1, 2, 3], 'nS'), b: ef.scalar(0.5, 'nA') };
  const x = ef.array([1, 1, 2], 'mV');
  const loss = (p: { w: LazyArray; b: LazyArray }, x: LazyArray): LazyArray => p.w.mul(x).sum().add(p.b).pow(2);
  const grads = ef.grad(loss)(params, x);
  assert.equal(Object.keys(grads), ['w', 'b']);
  const s = 1 + 2 + 6 + 0.5; // pA = nS·mV, nA = 1000 pA: w·x in pA (9), b converted to 500 pA
  assert.ok(grads.w.unit.equals(ef.Unit.of('pA^2/nS')), grads.w.unit.toString());
  assertAllClose(grads.w.dataSync(), [1, 1, 2].map((xi) => 2 * (9 + 500) * xi), 1e-6, 'dL/dw');
  assertAllClose(grads.b.dataSync(), [2 * (9 + 500) * 1000], 1e-6, 'dL/db (pA²/nA)');
  assert.ok(s > 0);
  const { value, grad } = ef.valueAndGrad(loss, { argnums: 1 })(params, x);
  assertAllClose(value.dataSync(), [509 ** 2], 1e-6, 'value');
  assert.equal(grad.shape, [3]);
  // an argument f does not use: zeros of its shape, in unit(L)/unit(arg)
  const unused = ef.grad((a: LazyArray, _b: LazyArray) => a.sum(), { argnums: 1 })(x, ef.array([[1, 2]], 'ms'));
  assert.equal(unused.shape, [1, 2]);
  assert.equal(values(unused), [0, 0]);
  assert.ok(unused.unit.equals(ef.Unit.of('mV/ms')));
  // the same array passed twice is two arguments; a captured array is a constant
  const [d0, d1] = ef.grad((a: LazyArray, b: LazyArray) => a.mul(b).mul(x).sum(), { argnums: [0, 1] })(x, x) as LazyArray[];
  assert.equal(values(d0!), [1, 1, 4]);
  assert.equal(values(d1!), [1, 1, 4]);
});

test('matrix arguments: the gradient is the same kind of matrix, its data the gradient of the stored values', () => {
  const W = ef.csr({ indptr: Int32Array.of(0, 2, 3), indices: Int32Array.of(0, 1, 1), data: Float32Array.of(1, 2, 3), shape: [2, 2] }, 'nS');
  const gW = ef.grad((W: ef.CSR) => W.mul(W).data.sum())(W);
  assert.instance(gW, ef.CSR);
  assert.equal(gW.shape, [2, 2]);
  assert.equal(values(gW.data), [2, 4, 6]);
  assert.ok(gW.unit.equals(ef.Unit.of('nS')));
  const D = ef.dense([[1, 2], [3, 4]], 'nS');
  const v = ef.array([1, -1], 'mV');
  const gD = ef.grad((D: ef.DenseMatrix) => ef.matmul(v, D).sum())(D);
  assert.instance(gD, ef.DenseMatrix);
  assert.equal(values(gD.data), [1, 1, -1, -1]);
  throwsWith(() => ef.grad((J: ef.JITCMatrix) => ef.matmul(v, J).sum())(ef.jitc.scalar({ shape: [2, 2], prob: 0.5, weight: 1, seed: 1 })), ef.InvalidArgumentError, /argument 0 is .*JIT matrix/);
});

test('typed errors: non-scalar or non-float output, non-float argument, a primitive without a rule, f reading values', () => {
  const x = ef.array([1, 2, 3], 'mV');
  throwsWith(() => ef.grad((x: LazyArray) => x.mul(2))(x), ef.ShapeMismatchError, /0-d \(scalar\) array, got shape \[3\] \(float32\)/);
  throwsWith(() => ef.grad((x: LazyArray) => x.sum().greater(ef.scalar(0, 'mV')))(x), ef.NotDifferentiableError, /float32 or float64 scalar, got a bool/);
  throwsWith(() => ef.grad((b: LazyArray) => b.astype('float32').sum())(x.greater(ef.scalar(0, 'mV'))), ef.NotDifferentiableError, /argument 0 is a bool array/);
  throwsWith(() => ef.grad((x: LazyArray) => x.sum(), { argnums: 2 })(x), ef.InvalidArgumentError, /argnums entries must be argument indices in \[0, 0\]/);
  throwsWith(() => ef.grad((x: LazyArray) => ef.scalar(x.sum().item()))(x), ef.InvalidArgumentError, /f read the values of a differentiated argument/);
  throwsWith(() => ef.grad((_x: LazyArray) => 3 as never)(x), ef.InvalidArgumentError, /f must return a LazyArray, got/);
  // a plasticity update is not differentiated: its rule refuses, naming it
  const W = ef.dense([[0.5, 0.5], [0.5, 0.5]], 'nS');
  const spikes = ef.array([1, 0]).greater(0);
  throwsWith(
    () => ef.grad((tr: LazyArray) => ef.plasticity.onPre(W, spikes, tr, { wMin: 0, wMax: 1 }).data.sum())(ef.array([0.1, 0.2], 'nS')),
    ef.NotDifferentiableError, /^not differentiable: plasticity\.onPre \(plasticityUpdate\)/,
  );
  // behind a comparison no cotangent flows, so a rule-less primitive there is never asked
  const zero = ef.grad((tr: LazyArray) => ef.plasticity.onPre(W, spikes, tr, { wMin: 0, wMax: 1 }).data.greater(ef.scalar(0.55, 'nS')).astype('float32').sum().add(tr.sum().div(ef.scalar(1, 'nS'))))(ef.array([0.1, 0.2], 'nS'));
  assert.equal(values(zero), [1, 1]);
});

test('ef.vjp: value and pullback; the cotangent defaults to 1 only for a 0-d value', () => {
  const x = ef.array([1, 2, 3]);
  const { value, vjp } = ef.vjp((x: LazyArray) => x.mul(x), x);
  assert.equal(values(value), [1, 4, 9]);
  const [g] = vjp(ef.array([1, 0, 2], '1/mV')) as [LazyArray];
  assert.equal(values(g), [2, 0, 12]);
  assert.ok(g.unit.equals(ef.Unit.of('1/mV')));
  throwsWith(() => vjp(), ef.ShapeMismatchError, /value has shape \[3\]; pass a cotangent/);
  throwsWith(() => vjp(ef.array([1, 2])), ef.ShapeMismatchError, /cotangent of output 0 has shape \[2\]; expected the output's shape \[3\]/);
  const s = ef.vjp((a: LazyArray, b: LazyArray) => a.mul(b).sum(), x, ef.array([4, 5, 6]));
  const [ga, gb] = s.vjp() as LazyArray[];
  assert.equal(values(ga!), [4, 5, 6]);
  assert.equal(values(gb!), [1, 2, 3]);
});

test('laziness: gradients are lazy arrays that fuse (one kernel for an elementwise chain and its gradient)', () => {
  const x = ef.array([0.1, 0.2, 0.3]);
  const g = ef.grad((x: LazyArray) => x.mul(x).tanh().exp().sum())(x);
  assert.instance(g, ef.LazyArray);
  const text = ef.explain(g);
  assert.match(text, /^1 kernel for 1 output/m);
  assertAllClose(g.dataSync(), [0.1, 0.2, 0.3].map((v) => Math.exp(Math.tanh(v * v)) * (1 - Math.tanh(v * v) ** 2) * 2 * v), 1e-6, 'd exp(tanh(x²))');
});


test('surrogate spikes keep their gradient through stack, reshape and take (bool operands get a float cotangent; a comparison stops it)', () => {
  const fp = (x: number): number => 1 / (1 + 2 * Math.abs(x)) ** 2; // fastSigmoid, alpha 2: (α/2)/(1 + α|v|)²
  const f = (v: LazyArray): LazyArray => {
    const s1 = ef.surrogate.fastSigmoid(v, { alpha: 2 });
    const s2 = ef.surrogate.fastSigmoid(v.sub(0.3), { alpha: 2 });
    return ef.stack([s1, s2]).reshape([6]).take([0, 1, 2, 3, 4, 5, 5]).astype('float32').sum();
  };
  const xs = [0.1, -0.2, 0.5];
  const g = Array.from(ef.grad(f)(ef.array(xs)).dataSync());
  xs.forEach((x, i) => {
    const want = fp(x) + fp(x - 0.3) * (i === 2 ? 2 : 1); // position 5 (s2 of x[2]) is taken twice
    assert.ok(Math.abs(g[i]! - want) < 1e-6, `dL/dv[${i}]: ${g[i]}, expected ${want}`);
  });
  // the same graph with comparisons: no gradient
  const h = (v: LazyArray): LazyArray => ef.stack([v.greater(0), v.greater(0.3)]).reshape([6]).astype('float32').sum().add(v.sum().mul(0));
  assert.equal(Array.from(ef.grad(h)(ef.array(xs)).dataSync()), [0, 0, 0]);
});

test.run();
