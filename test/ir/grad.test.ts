/**
 * Gradients on every backend. Random graphs of elementwise ops (kinks and branches included),
 * broadcasting, reductions and dense matmul: the analytic directional derivative <∇f, d>
 * (ef.grad on the backend under test) against central finite differences of f in float64 on
 * the reference backend, (f(x + t·d) − f(x − t·d)) / 2t with d_i = (1 + |x_i|)·v_i, v_i in
 * [−1, 1] and t = 1e-6, so element i moves by h_i = 1e-6·(1 + |x_i|).
 *
 * Tolerance: |fd − <∇f, d>| ≤ tol · (1 + Σ|∂_i f · d_i|). In float64 the difference quotient
 * errs by about eps·|f|/t ≈ 2e-10·|f| (rounding) plus t²·|f'''| ≈ 1e-12 (truncation); the
 * graphs keep |f| below ~1e3, so tol = 1e-6 leaves a margin of ~5x and still catches any
 * wrong rule (those err by O(1)). On float32 backends the analytic gradient itself carries
 * float32 rounding: each of the up to ~60 ops of f and its gradient adds at most the backend's
 * float32 tolerance (1e-5 cpu, 2e-5 gpujs) relative to the terms summed, so tol = 60 × that.
 * Values are drawn from a seeded stream (not fast-check's biased doubles), so ties and kinks
 * (max, abs, floor, where) are met with probability ~1e-6 per case; where they are met on
 * purpose, the closed-form tests state the convention.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { capabilities, runs, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';
import { stream } from '../helpers/stream.js';


type Step = (pool: LazyArray[], r: () => number) => LazyArray | undefined;
const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)]!;

const UNARY: readonly ((x: LazyArray) => LazyArray)[] = [
  (x) => x.neg(), (x) => x.abs(), (x) => x.tanh().exp(), (x) => x.mul(x).add(1.5).log(), (x) => x.mul(x).add(1).sqrt(),
  (x) => x.sin(), (x) => x.cos(), (x) => x.tanh(), (x) => x.mul(x).add(1.5).pow(3), (x) => x.astype('float32').astype(x.dtype),
];
const BINARY: readonly ((a: LazyArray, b: LazyArray) => LazyArray)[] = [
  (a, b) => a.add(b), (a, b) => a.sub(b), (a, b) => a.mul(b), (a, b) => a.div(b.tanh().add(2)),
  (a, b) => a.maximum(b), (a, b) => a.minimum(b), (a, b) => a.mul(a).add(1.5).pow(b.tanh()),
  (a, b) => a.greater(b).where(a.mul(b), a.sub(b)), (a, b) => a.floor().mul(b), (a, b) => a.mod(b.mul(b).add(1.5)),
];

const STEPS: readonly Step[] = [
  (pool, r) => pick(UNARY, r)(pick(pool, r)),
  (pool, r) => pick(BINARY, r)(pick(pool, r), pick(pool, r)),
  (pool, r) => {
    const x = pick(pool, r);
    const axis = x.ndim > 0 && r() < 0.6 ? Math.floor(r() * x.ndim) : undefined;
    const keepdims = r() < 0.5;
    return pick([() => x.sum(axis, { keepdims }), () => x.mean(axis, { keepdims }), () => x.max(axis, { keepdims }), () => x.min(axis, { keepdims })], r)();
  },
  (pool, r) => {
    const [a, b] = [pick(pool, r), pick(pool, r)];
    const ok = a.ndim >= 1 && a.ndim <= 2 && b.ndim >= 1 && b.ndim <= 2 && a.shape[a.ndim - 1] === b.shape[0];
    return ok ? ef.matmul(a, b) : undefined;
  },
];

interface Program {
  readonly shapes: number[][];
  readonly f: (...xs: LazyArray[]) => LazyArray;
}

/** Input shapes (broadcastable to one shape, plus a matrix for matmul) and a graph over them, all from `seed`. */
function program(seed: number): Program {
  const r = stream(seed);
  const rank = Math.floor(r() * 3);
  const out = Array.from({ length: rank }, () => 1 + Math.floor(r() * 4));
  const shapes = [0, 1].map(() => out.slice(Math.floor(r() * (rank + 1))).map((d) => (r() < 0.3 ? 1 : d)));
  shapes.push([out[rank - 1] ?? 3, 1 + Math.floor(r() * 3)]);
  const nSteps = 2 + Math.floor(r() * 5);
  const choices = Array.from({ length: 64 }, () => r());
  const f = (...xs: LazyArray[]): LazyArray => {
    const c = stream(Math.floor(choices[0]! * 2 ** 31));
    const pool = [...xs];
    for (let k = 0; k < nSteps; k++) {
      try {
        const y = pick(STEPS, c)(pool, c);
        if (y) pool.push(y);
      } catch (e) {
        if (!(e instanceof ef.ShapeMismatchError)) throw e; // operands that do not broadcast: skip the step
      }
    }
    const last = pool[pool.length - 1]!;
    return last.ndim === 0 ? last : last.mul(last).sum();
  };
  return { shapes, f };
}

const valuesOf = (shape: readonly number[], r: () => number): number[] => Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 4 * r() - 2);

forEachBackend(test, 'random graphs: grad agrees with float64 central differences', (backend) => {
  const f64 = capabilities(backend).dtypes.includes('float64');
  const dtype = f64 ? 'float64' : 'float32';
  const tol = f64 ? 1e-6 : 60 * tolerance(backend, 'float32');
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
    const { shapes, f } = program(seed);
    const r = stream(seed ^ 0x5bd1e995);
    const xs = shapes.map((s) => ef.array(valuesOf(s, r), '1', { dtype }).reshape(s));
    const grads = ef.grad(f, { argnums: shapes.map((_, i) => i) })(...xs) as LazyArray[];
    const g = grads.map((a) => Array.from(a.dataSync()));
    // float64 on the reference backend, from the very values the backend held
    const held = xs.map((x) => Array.from(x.dataSync()));
    const d = held.map((v) => v.map((x) => (1 + Math.abs(x)) * (2 * r() - 1)));
    const t = 1e-6;
    const at = (sgn: number): number => withBackend('reference', () =>
      f(...held.map((v, i) => ef.array(v.map((x, k) => x + sgn * t * d[i]![k]!), '1', { dtype: 'float64' }).reshape(shapes[i]!))).item());
    const fd = (at(1) - at(-1)) / (2 * t);
    let dot = 0, scale = 0;
    g.forEach((gi, i) => gi.forEach((v, k) => { dot += v * d[i]![k]!; scale += Math.abs(v * d[i]![k]!); }));
    assert.ok(Math.abs(fd - dot) <= tol * (1 + scale), `seed ${seed}: <grad, d> = ${dot}, central difference ${fd} (tol ${tol}·(1 + ${scale}))`);
  }), { numRuns: runs(40) });
});

forEachBackend(test, 'closed forms: sum(x²), sin, mean, tanh, and the tie conventions of max / maximum / abs', () => {
  const x = ef.array([-1.5, 0, 2, 3]);
  const tol = 1e-5;
  assertAllClose(ef.grad((x: LazyArray) => x.mul(x).sum())(x).dataSync(), [-3, 0, 4, 6], tol, 'd sum(x²)');
  assertAllClose(ef.grad((x: LazyArray) => x.sin().sum())(x).dataSync(), [-1.5, 0, 2, 3].map(Math.cos), tol, 'd sum(sin x)');
  assertAllClose(ef.grad((x: LazyArray) => x.mean())(x).dataSync(), [0.25, 0.25, 0.25, 0.25], tol, 'd mean');
  assertAllClose(ef.grad((x: LazyArray) => x.tanh().sum())(x).dataSync(), [-1.5, 0, 2, 3].map((v) => 1 - Math.tanh(v) ** 2), tol, 'd tanh');
  // ties: max splits equally among the extreme positions, maximum halves, abs'(0) = 0
  const m = ef.array([[1, 5, 5], [2, 0, 7]]);
  assertAllClose(ef.grad((m: LazyArray) => m.max(1).sum())(m).dataSync(), [0, 0.5, 0.5, 0, 0, 1], tol, 'd max over rows');
  assertAllClose(ef.grad((m: LazyArray) => m.min())(m).dataSync(), [0, 0, 0, 0, 1, 0], tol, 'd min');
  assertAllClose(ef.grad((m: LazyArray) => m.maximum(5).sum())(m).dataSync(), [0, 0.5, 0.5, 0, 0, 1], tol, 'd maximum(m, 5)');
  assertAllClose(ef.grad((x: LazyArray) => x.abs().sum())(x).dataSync(), [-1, 0, 1, 1], tol, 'd |x|');
  // floor, comparisons, argmax: no derivative
  assertAllClose(ef.grad((x: LazyArray) => x.floor().add(x.argmax().astype('float32')).sum())(x).dataSync(), [0, 0, 0, 0], tol, 'd floor');
});

forEachBackend(test, 'closed forms: dense matmul, vector and matrix cases, and broadcasting', () => {
  const A = ef.array([[1, 2], [3, 4]]), B = ef.array([[1, 0], [2, 1]]), C = ef.array([[1, 2], [3, 4]]);
  const [gA, gB] = ef.grad((a: LazyArray, b: LazyArray) => ef.matmul(a, b).mul(C).sum(), { argnums: [0, 1] })(A, B) as LazyArray[];
  assertAllClose(gA!.dataSync(), [1, 4, 3, 10], 1e-6, 'C @ Bᵀ');
  assertAllClose(gB!.dataSync(), [10, 14, 14, 20], 1e-6, 'Aᵀ @ C');
  const u = ef.array([1, -1]), w = ef.array([2, 3]);
  const [gu, gA2] = ef.grad((u: LazyArray, a: LazyArray) => ef.matmul(u, a).mul(w).sum(), { argnums: [0, 1] })(u, A) as LazyArray[];
  assertAllClose(gu!.dataSync(), [8, 18], 1e-6, 'A @ w'); // d(u·A·w)/du = A w
  assertAllClose(gA2!.dataSync(), [2, 3, -2, -3], 1e-6, 'u ⊗ w');
  const [gA3, gv] = ef.grad((a: LazyArray, v: LazyArray) => ef.matmul(a, v).mul(w).sum(), { argnums: [0, 1] })(A, u) as LazyArray[];
  assertAllClose(gA3!.dataSync(), [2, -2, 3, -3], 1e-6, 'w ⊗ u');
  assertAllClose(gv!.dataSync(), [11, 16], 1e-6, 'Aᵀ w');
  assertAllClose(ef.grad((v: LazyArray) => ef.matmul(v, w))(u).dataSync(), [2, 3], 1e-6, 'd (u·w)');
  // broadcasting: a [3, 1] + b [4] -> [3, 4]; each operand's cotangent summed over its broadcast axes
  const a = ef.array([[1], [2], [3]]), b = ef.array([1, 2, 3, 4]);
  const [ga, gb] = ef.grad((a: LazyArray, b: LazyArray) => a.mul(b).sum(), { argnums: [0, 1] })(a, b) as LazyArray[];
  assert.equal(ga!.shape, [3, 1]);
  assertAllClose(ga!.dataSync(), [10, 10, 10], 1e-6, 'Σ_j b_j');
  assertAllClose(gb!.dataSync(), [6, 6, 6, 6], 1e-6, 'Σ_i a_i');
});

test.run();
