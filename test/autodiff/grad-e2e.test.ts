/**
 * Gradients end to end through the public API (ef.grad, ef.valueAndGrad), on every backend:
 * random graphs that mix elementwise chains and broadcasting, reductions, dense matmul, the
 * products of every format (dense, COO, CSR, CSC, fixedPostNum, fixedPreNum; transposed views
 * and format conversions; todense) on both sides with float operands and with bool events —
 * from comparisons (no gradient through the comparison) and from ef.surrogate.* (the gradient
 * flows) — JITC products (scalar, uniform, normal; row and col lines; todense) differentiated
 * with respect to the operand and the weight parameters, random arrays with differentiated
 * parameters (uniform low/high, normal mean/std), and transpose/take/slice/concat/reshape/cumsum
 * in the graph. Gradients are taken with respect to every argument at once: dense operands,
 * a matrix (its gradient must be the same kind of matrix) and records of parameters.
 *
 * The check is test/ir/grad.test.ts's: the analytic directional derivative <∇f, d> against
 * central finite differences of f in float64 on the reference backend, from the very values
 * the backend held, with d_i = (1 + |x_i|)·v_i, v_i in [−1, 1], t = 1e-6.
 * Tolerance: |fd − <∇f, d>| ≤ tol · (1 + Σ|∂_i f · d_i|). float64: the difference quotient
 * errs by eps·|f|/t ≈ 2e-10·|f| (rounding) plus t²·|f'''| (truncation); |f| stays below ~1e3,
 * so tol = 1e-6. float32 (gpujs): each of the up to ~60 ops of f and its gradient adds at most
 * the backend's float32 tolerance relative to the terms summed: tol = 60 × that.
 *
 * A surrogate spike is a step forward, so its gradient is not the derivative of f: the
 * finite differences run on f with each spike s = H(v) replaced by the straight-through
 * form H(v₀) + S(v) − S(v₀), where v₀ is the spike's input at the unperturbed point and S the
 * function whose derivative the surrogate uses (docs/gradients.md's table). That form has
 * the forward value of the spike and the derivative S'(v₀) = f'(v₀), so the finite
 * differences of the whole graph are what the surrogate gradient must be.
 *
 * Values are continuous (a seeded stream), and every product output gets a continuous offset
 * before any max/abs, so ties and kinks are met with probability ~1e-6 per case.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { GPUJS_MODE, capabilities, runs, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { RUN_OPTS, forEachBackend } from '../helpers/suite.js';
import { stream } from '../helpers/stream.js';

type Rnd = () => number;
const pick = <T>(xs: readonly T[], r: Rnd): T => xs[Math.floor(r() * xs.length)]!;
const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const uniform = (r: Rnd, lo: number, hi: number): number => lo + (hi - lo) * r();

// ------------------------------------------------------------------ surrogates

type Fn = 'sigmoid' | 'fastSigmoid' | 'arctan' | 'triangle';
const FNS: readonly Fn[] = ['sigmoid', 'fastSigmoid', 'arctan', 'triangle'];

/** S with S' the surrogate derivative, from the literature (docs/gradients.md's table). */
const PRIMITIVE: { readonly [F in Fn]: (v: LazyArray, a: number) => LazyArray } = {
  sigmoid: (v, a) => v.mul(-a).exp().add(1).pow(-1),
  fastSigmoid: (v, a) => v.mul(a).div(v.mul(a).abs().add(1)).add(1).mul(0.5),
  arctan: (v, a) => {
    // ½ + arctan(z)/π with z = π/2·α v. There is no lazy arctan: halve the angle four times,
    // arctan(z) = 2·arctan(z / (1 + sqrt(1 + z²))), so |z| < tan(π/32) ≈ 0.1, then sum the
    // series z − z³/3 + z⁵/5 − … to 16 terms (error below 1e-30).
    let z = v.mul((Math.PI / 2) * a);
    for (let k = 0; k < 4; k++) z = z.div(z.mul(z).add(1).sqrt().add(1));
    const z2 = z.mul(z);
    let series = ef.zeros(z.shape, '1', z.dtype);
    for (let n = 15; n >= 0; n--) series = series.mul(z2).add((n % 2 === 0 ? 1 : -1) / (2 * n + 1));
    return z.mul(series).mul(16 / Math.PI).add(0.5);
  },
  triangle: (v, a) => {
    // ∫ α·max(0, 1 − α|u|) du from −∞: with y = clip(αv, −1, 1), ½ + y − y·|y|/2
    const y = v.mul(a).clip(-1, 1);
    return y.sub(y.mul(y.abs()).mul(0.5)).add(0.5);
  },
};

/** f' (the surrogate derivative), for the formula test. */
const DERIVATIVE: { readonly [F in Fn]: (v: number, a: number) => number } = {
  sigmoid: (v, a) => {
    const s = 1 / (1 + Math.exp(-a * v));
    return a * s * (1 - s);
  },
  fastSigmoid: (v, a) => a / 2 / (1 + a * Math.abs(v)) ** 2,
  arctan: (v, a) => a / 2 / (1 + ((Math.PI / 2) * a * v) ** 2),
  triangle: (v, a) => Math.max(0, 1 - a * Math.abs(v)) * a,
};

/** How a graph makes spikes: ef.surrogate under ef.grad; the straight-through stand-in for the finite differences. */
type Spike = (v: LazyArray, fn: Fn, alpha: number) => LazyArray;
const surrogateSpike: Spike = (v, fn, alpha) => ef.surrogate[fn](v, { alpha });

/** Spikes for the finite differences: recorded at the unperturbed point (call order), then H(v₀) + S(v) − S(v₀). */
function straightThrough(): { record: Spike; replay: Spike } {
  const at: { h: LazyArray; s0: LazyArray }[] = [];
  let k = 0;
  return {
    record: (v, fn, alpha) => {
      const s = PRIMITIVE[fn](v, alpha);
      const h = ef.array(Array.from(v.dataSync(), (x) => (x > 0 ? 1 : 0)), '1', { dtype: 'float64' }).reshape(v.shape);
      at.push({ h, s0: ef.array(Array.from(s.dataSync()), '1', { dtype: 'float64' }).reshape(v.shape) });
      return h;
    },
    replay: (v, fn, alpha) => {
      const { h, s0 } = at[k++ % at.length]!;
      return h.add(PRIMITIVE[fn](v, alpha).sub(s0));
    },
  };
}

// ------------------------------------------------------------------ arguments: arrays, matrices, records

interface WithData { readonly data: LazyArray; withData(d: LazyArray): unknown }
const isWithData = (x: unknown): x is WithData => typeof x === 'object' && x !== null && (x as WithData).data instanceof ef.LazyArray && typeof (x as WithData).withData === 'function';

/** The arrays of an argument, depth first. */
function leaves(x: unknown): LazyArray[] {
  if (x instanceof ef.LazyArray) return [x];
  if (isWithData(x)) return [x.data];
  return Object.values(x as Record<string, unknown>).flatMap(leaves);
}

/** The argument with its arrays replaced by `arrays` (consumed in order). */
function rebuild(x: unknown, arrays: LazyArray[]): unknown {
  if (x instanceof ef.LazyArray) return arrays.shift()!;
  if (isWithData(x)) return x.withData(arrays.shift()!);
  return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, v]) => [k, rebuild(v, arrays)]));
}

/** The gradient has its argument's kind: an array of its shape, the same matrix class, a record with the same keys. */
function sameKind(g: unknown, x: unknown, what: string): void {
  if (x instanceof ef.LazyArray) {
    assert.ok(g instanceof ef.LazyArray, `${what}: an array`);
    assert.equal([...g.shape], [...x.shape], `${what}: shape`);
    return;
  }
  if (isWithData(x)) {
    assert.is((g as object).constructor, (x as object).constructor, `${what}: the gradient of a ${(x as object).constructor.name} is one`);
    assert.equal([...(g as { shape: number[] }).shape], [...(x as unknown as { shape: number[] }).shape], `${what}: matrix shape`);
    sameKind((g as WithData).data, x.data, `${what}.data`);
    return;
  }
  assert.equal(Object.keys(g as object), Object.keys(x as object), `${what}: record keys`);
  for (const k of Object.keys(x as object)) sameKind((g as Record<string, unknown>)[k], (x as Record<string, unknown>)[k], `${what}.${k}`);
}

/** Runs a property body, printing the failure's message (fast-check's report here names only the counterexample). */
function reported(body: () => void): void {
  try {
    body();
  } catch (e) {
    console.log(`\n${(e as Error).message}`);
    throw e;
  }
}

/** f's arguments are (spike, ...args); every argument is differentiated. */
type Graph = (spike: Spike, ...args: unknown[]) => LazyArray;

/**
 * ef.grad (and ef.valueAndGrad, checking the value) on the current backend against central
 * finite differences in float64 on the reference backend.
 */
function checkGradient(backend: string, what: string, f: Graph, args: readonly unknown[], seed: number): void {
  const f64 = capabilities(backend).dtypes.includes('float64');
  const tol = f64 ? 1e-6 : 60 * tolerance(backend, 'float32');
  const argnums = args.map((_, i) => i);
  const g = (...a: unknown[]): LazyArray => f(surrogateSpike, ...a);
  const { value, grad } = ef.valueAndGrad(g, { argnums })(...args);
  const grads = grad as unknown[];
  grads.forEach((gi, i) => sameKind(gi, args[i], `${what}: gradient ${i}`));
  const gv = grads.flatMap(leaves).map((a) => Array.from(a.dataSync()));
  const held = args.map((a) => leaves(a).map((l) => ({ values: Array.from(l.dataSync()), shape: [...l.shape], unit: l.unit })));
  const r = stream(seed ^ 0x2545f491);
  const d = held.flat().map((l) => l.values.map((x) => (1 + Math.abs(x)) * (2 * r() - 1)));
  const t = 1e-6;
  const spikes = straightThrough();
  const evaluate = (sgn: number, spike: Spike): number => withBackend('reference', () => {
    let k = 0;
    const moved = held.map((ls, i) => rebuild(args[i], ls.map((l) => {
      const dk = d[k++]!;
      return ef.array(l.values.map((x, j) => x + sgn * t * dk[j]!), l.unit, { dtype: 'float64' }).reshape(l.shape);
    })));
    return f(spike, ...moved).item();
  });
  const f0 = evaluate(0, spikes.record);
  const fd = (evaluate(1, spikes.replay) - evaluate(-1, spikes.replay)) / (2 * t);
  // the value the backend computed is f at the held values
  assertAllClose([value.item()], [f0], f64 ? 1e-9 : 60 * tolerance(backend, 'float32'), `${what}: value`, f64 ? 1e-9 : 60 * tolerance(backend, 'float32'));
  let dot = 0, scale = 0;
  gv.forEach((gi, i) => gi.forEach((v, j) => { dot += v * d[i]![j]!; scale += Math.abs(v * d[i]![j]!); }));
  assert.ok(Math.abs(fd - dot) <= tol * (1 + scale), `${what}: <grad, d> = ${dot}, central difference ${fd} (tol ${tol}·(1 + ${scale}))`);
}

// ------------------------------------------------------------------ random graphs around one product

/** Floats of `shape` in [lo, hi), float64 where the backend has it, float32 otherwise. */
const floats = (r: Rnd, shape: readonly number[], dtype: 'float32' | 'float64', lo = -2, hi = 2): LazyArray =>
  ef.array(Array.from({ length: sizeOf(shape) }, () => uniform(r, lo, hi)), '1', { dtype }).reshape(shape);

const UNARY: readonly ((x: LazyArray) => LazyArray)[] = [
  (x) => x, (x) => x.neg(), (x) => x.abs(), (x) => x.tanh().exp(), (x) => x.mul(x).add(1.5).log(), (x) => x.mul(x).add(1).sqrt(),
  (x) => x.sin(), (x) => x.tanh(), (x) => x.maximum(x.mul(0.3)),
];

type Operand = 'float' | 'comparison' | Fn;
type Side = 'left' | 'right';
/** The product of the case's operand and its matrix, the matrix read by `product`. */
interface Product {
  readonly rows: number;
  readonly cols: number;
  /** The matrix argument (a matrix, or a record of JITC parameters). */
  readonly arg: unknown;
  /** x @ M (left) or M @ x (right) for the argument as f sees it. */
  readonly product: (arg: unknown, x: LazyArray, side: Side) => LazyArray;
  readonly what: string;
}

/**
 * A graph around one product: x → elementwise chain, broadcast with b, plus a random array whose
 * parameters are differentiated → float operand, comparison events or surrogate spikes →
 * product → plus an offset c of the output's shape → a shape op or a reduction → dense matmul
 * with D (sometimes) → a scalar.
 */
function around(p: Product, r: Rnd, dtype: 'float32' | 'float64', batched: boolean): { f: Graph; args: unknown[]; what: string } {
  const side: Side = r() < 0.5 ? 'left' : 'right';
  const n = side === 'left' ? p.rows : p.cols;
  const out = side === 'left' ? p.cols : p.rows;
  const B = 2;
  const xShape = !batched ? [n] : side === 'left' ? [B, n] : [n, B];
  const bShape = !batched || side === 'left' ? pick([[n], [1]], r) : pick([[n, 1], [1, B], [1]], r);
  const yShape = !batched ? [out] : side === 'left' ? [B, out] : [out, B];
  const operand: Operand = pick(['float', 'float', 'comparison', ...FNS], r);
  const alpha = uniform(r, 0.5, 3);
  const noise = pick(['none', 'uniform', 'normal'] as const, r);
  const chain = [pick(UNARY, r), pick(UNARY, r)];
  const shapeOp = pick(['none', 'transpose', 'take', 'slice', 'concat', 'reshape', 'cumsum', 'sum', 'max', 'mean'] as const, r);
  const withD = r() < 0.4;
  const final = pick(['square', 'tanh', 'max', 'exp'] as const, r);
  const rndSeed = Math.floor(r() * 1000);
  const args: unknown[] = [
    floats(r, xShape, dtype),
    p.arg,
    floats(r, bShape, dtype, 0.5, 1.5),
    floats(r, yShape, dtype),
    noise === 'uniform' ? { low: floats(r, bShape, dtype, -1, 0), high: floats(r, [], dtype, 1, 2) }
      : noise === 'normal' ? { mean: floats(r, bShape, dtype, -1, 1), std: floats(r, [], dtype, 0.2, 1) } : {},
    // sliced to the rows the graph needs: the last axis is at most 12 (a reshape of [2, 6])
    floats(r, [12, 2], dtype, -1, 1),
  ];
  const f: Graph = (spike, ...a) => {
    const [x, M, b, c, np, D] = a as [LazyArray, unknown, LazyArray, LazyArray, Record<string, LazyArray>, LazyArray];
    let h = chain[1]!(chain[0]!(x)).mul(b);
    if (noise === 'uniform') h = h.add(ef.random.uniform(xShape, { seed: rndSeed, counter: 1, low: np['low']!, high: np['high']!, dtype }));
    if (noise === 'normal') h = h.add(ef.random.normal(xShape, { seed: rndSeed, counter: 2, mean: np['mean']!, std: np['std']!, dtype }));
    const op = operand === 'float' ? h : operand === 'comparison' ? h.greater(0.25) : spike(h.sub(0.25), operand, alpha);
    let y = p.product(M, op, side).add(c);
    const last = y.ndim - 1;
    switch (shapeOp) {
      case 'transpose': y = y.ndim === 2 ? y.transpose() : y; break;
      case 'take': y = y.take([y.shape[last]! - 1, 0, 0], last); break;
      case 'slice': y = y.ndim === 2 ? y.slice(null, { start: 0, stop: Math.ceil(y.shape[1]! / 2) }) : y.slice({ start: Math.floor(y.shape[0]! / 2) }); break;
      case 'concat': y = ef.concat([y, y.mul(y)], 0); break;
      case 'reshape': y = y.reshape([y.size]); break;
      case 'cumsum': y = y.cumsum(last); break;
      case 'sum': y = y.sum(0, { keepdims: true }); break;
      case 'max': y = y.max(last); break;
      case 'mean': y = y.mean(0); break;
      case 'none': break;
    }
    if (withD && y.ndim > 0) {
      const k = y.shape[y.ndim - 1]!;
      y = ef.matmul(y, D.slice({ start: 0, stop: k }));
    }
    switch (final) {
      case 'square': return y.mul(y).sum();
      case 'tanh': return y.tanh().sum();
      case 'max': return y.max();
      case 'exp': return y.tanh().exp().mean();
    }
  };
  const what = `${p.what} ${side} ${operand}${batched ? ' batched' : ''} b${JSON.stringify(bShape)} noise ${noise} ${shapeOp}${withD ? ' @D' : ''} ${final}`;
  return { f, args, what };
}

// ------------------------------------------------------------------ matrices of every format

type Format = 'dense' | 'coo' | 'csr' | 'csc' | 'fixedPostNum' | 'fixedPreNum';
const FORMATS: readonly Format[] = ['dense', 'coo', 'csr', 'csc', 'fixedPostNum', 'fixedPreNum'];
/** How f reads the matrix argument: as is, transposed (the argument has the transposed shape), converted to another format, densified, or mapped entrywise. */
type View = 'plain' | 'transposed' | 'tocsr' | 'tocsc' | 'tocoo' | 'todense' | 'map';
type AnyMatrix = ef.DenseMatrix | ef.SparseMatrix | ef.FixedPostNum | ef.FixedPreNum;

/** A matrix of `shape` in `format`: continuous values in [−1, 1), density ~0.4, COO with repeated entries, sometimes one shared weight. */
function matrixOf(format: Format, shape: [number, number], r: Rnd, dtype: 'float32' | 'float64', shared: boolean): AnyMatrix {
  const [rows, cols] = shape;
  const w = (): number => uniform(r, -1, 1);
  const data = (k: number): Float64Array | Float32Array | LazyArray =>
    shared ? ef.scalar(w(), '1', dtype) : dtype === 'float64' ? Float64Array.from({ length: k }, w) : Float32Array.from({ length: k }, w);
  if (format === 'dense') return ef.dense(ef.array(Array.from({ length: rows * cols }, w), '1', { dtype }).reshape(shape));
  if (format === 'fixedPostNum' || format === 'fixedPreNum') {
    const others = format === 'fixedPostNum' ? cols : rows;
    const num = 1 + Math.floor(r() * Math.min(3, others));
    const lines = format === 'fixedPostNum' ? rows : cols;
    const input = { shape, num, seed: Math.floor(r() * 2 ** 31), dtype, ...(shared ? { weight: data(1) as LazyArray } : { data: data(lines * num) as Float64Array }) };
    return (format === 'fixedPostNum' ? ef.fixedPostNum(input) : ef.fixedPreNum(input)) as AnyMatrix;
  }
  const row: number[] = [], col: number[] = [];
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (r() < 0.4) { row.push(i); col.push(j); }
  if (format === 'coo') {
    const k = row.length;
    for (let e = 0; e < k; e++) if (r() < 0.3) { row.push(row[e]!); col.push(col[e]!); } // repeated entries add up
    return ef.coo({ row, col, data: data(row.length), shape, dtype });
  }
  const major = format === 'csr' ? row : col, minor = format === 'csr' ? col : row;
  const order = major.map((_, e) => e).sort((a, b) => major[a]! - major[b]! || a - b);
  const indptr = new Array<number>((format === 'csr' ? rows : cols) + 1).fill(0);
  for (const m of major) indptr[m + 1]!++;
  for (let m = 1; m < indptr.length; m++) indptr[m]! += indptr[m - 1]!;
  const input = { indptr, indices: order.map((e) => minor[e]!), data: data(order.length), shape, dtype };
  return format === 'csr' ? ef.csr(input) : ef.csc(input);
}

/** The matrix as f reads it: transposed back, converted, densified (a dense [rows, cols] array) or mapped. */
function viewOf(M: AnyMatrix, view: View): AnyMatrix | LazyArray {
  const m = M as ef.SparseMatrix;
  switch (view) {
    case 'plain': return M;
    case 'transposed': return (M as unknown as { transpose(): AnyMatrix }).transpose();
    case 'tocsr': return m.tocsr();
    case 'tocsc': return m.tocsc();
    case 'tocoo': return m.tocoo();
    case 'todense': return M.todense().data;
    case 'map': return (M as ef.SparseMatrix).map((w) => w.tanh().add(w.mul(w)));
  }
}

function storedProduct(format: Format, r: Rnd, dtype: 'float32' | 'float64', shape: [number, number]): Product {
  const sparse = format === 'coo' || format === 'csr' || format === 'csc';
  const view: View = pick(['plain', 'plain', 'transposed', 'todense', 'map', ...(sparse ? ['tocsr', 'tocsc', 'tocoo'] as const : [])], r);
  const shared = format !== 'dense' && view !== 'map' && r() < 0.2;
  const argShape: [number, number] = view === 'transposed' ? [shape[1], shape[0]] : shape;
  const arg = matrixOf(format, argShape, r, dtype, shared);
  return {
    rows: shape[0], cols: shape[1], arg,
    product: (M, x, side) => {
      const m = viewOf(M as AnyMatrix, view) as LazyArray;
      return side === 'left' ? ef.matmul(x, m) : ef.matmul(m, x);
    },
    what: `${format}${shared ? ' shared' : ''} ${view}`,
  };
}

type Dist = 'scalar' | 'uniform' | 'normal';
/** A JITC matrix built inside f from its differentiated parameters (a record); read directly or densified. */
function jitcProduct(dist: Dist, r: Rnd, dtype: 'float32' | 'float64', shape: [number, number]): Product {
  const orient = pick(['row', 'col'] as const, r);
  const densify = r() < 0.25;
  const common = { shape, prob: uniform(r, 0.3, 0.7), seed: Math.floor(r() * 2 ** 31), orient, dtype };
  const arg = dist === 'scalar' ? { weight: floats(r, [], dtype, -1, 1) }
    : dist === 'uniform' ? { low: floats(r, [], dtype, -1, 0), high: floats(r, [], dtype, 0.5, 1.5) }
    : { mean: floats(r, [], dtype, -0.5, 0.5), std: floats(r, [], dtype, 0.2, 1) };
  const make = (p: Record<string, LazyArray>): ef.JITCMatrix =>
    dist === 'scalar' ? ef.jitc.scalar({ ...common, weight: p['weight']! })
      : dist === 'uniform' ? ef.jitc.uniform({ ...common, low: p['low']!, high: p['high']! })
      : ef.jitc.normal({ ...common, mean: p['mean']!, std: p['std']! });
  return {
    rows: shape[0], cols: shape[1], arg,
    product: (p, x, side) => {
      const J = make(p as Record<string, LazyArray>);
      const m = densify ? J.todense().data : J;
      return side === 'left' ? ef.matmul(x, m) : ef.matmul(m, x);
    },
    what: `jitc ${dist} ${orient}s${densify ? ' todense' : ''}`,
  };
}

/** float64 where the backend has it (the reference and cpu), float32 on gpujs. */
const dtypeOf = (backend: string): 'float32' | 'float64' => (capabilities(backend).dtypes.includes('float64') ? 'float64' : 'float32');
/** Shapes: drawn from 1..6 on cpu and the reference; one fixed shape on gpujs, where every new shape builds new kernels. */
const shapeOf = (r: Rnd): [number, number] => (GPUJS_MODE ? [5, 6] : [1 + Math.floor(r() * 6), 1 + Math.floor(r() * 6)]);
const light = GPUJS_MODE === 'webgl' || GPUJS_MODE === 'webgpu';
const OPTS = (n: number) => ({ ...RUN_OPTS, numRuns: light ? Math.max(3, Math.ceil(runs(n) / 3)) : runs(n) });

forEachBackend(test, 'random graphs around the product of every format (both sides; floats, comparison events, surrogate spikes; views): grad vs float64 central differences', (backend) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...FORMATS), fc.boolean(), (seed, format, batched) => {
    const r = stream(seed);
    const dtype = dtypeOf(backend);
    const { f, args, what } = around(storedProduct(format, r, dtype, shapeOf(r)), r, dtype, batched);
    reported(() => checkGradient(backend, `seed ${seed}: ${what}`, f, args, seed));
  }), OPTS(60));
});

forEachBackend(test, 'random graphs around JITC products (scalar, uniform, normal; row and col lines; todense): grad w.r.t. the operand and the weight parameters vs float64 central differences', (backend) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom<Dist>('scalar', 'uniform', 'normal'), fc.boolean(), (seed, dist, batched) => {
    const r = stream(seed);
    const dtype = dtypeOf(backend);
    const { f, args, what } = around(jitcProduct(dist, r, dtype, shapeOf(r)), r, dtype, batched);
    reported(() => checkGradient(backend, `seed ${seed}: ${what}`, f, args, seed));
  }), OPTS(30));
});

forEachBackend(test, "surrogates through ef.grad: dL/dv for L = sum(w · spike(v)) is w · f'(v); through a CSR product, f'(v) · (W @ g)", (backend) => {
  const dtype = dtypeOf(backend);
  const tol = tolerance(backend, dtype);
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(...FNS), (seed, fn) => {
    const r = stream(seed);
    const alpha = uniform(r, 0.25, 8);
    const vs = Array.from({ length: 7 }, () => uniform(r, -4, 4));
    const ws = Array.from({ length: 7 }, () => uniform(r, -2, 2));
    const v = ef.array(vs, '1', { dtype });
    const w = ef.array(ws, '1', { dtype });
    const gv = ef.grad((v: LazyArray) => ef.surrogate[fn](v, { alpha }).astype(dtype).mul(w).sum())(v);
    assert.is(gv.dtype, dtype);
    const held = Array.from(v.dataSync()), wh = Array.from(w.dataSync());
    assertAllClose(gv.dataSync(), held.map((x, i) => wh[i]! * DERIVATIVE[fn](x, alpha)), tol, `${fn} α ${alpha}`, tol * alpha * 4);
    // events into a product: the spikes' cotangent is W @ g, then times f'(v)
    const W = matrixOf('csr', [7, 3], r, dtype, false) as ef.CSR;
    const g = [uniform(r, -1, 1), uniform(r, -1, 1), uniform(r, -1, 1)];
    const gp = ef.grad((v: LazyArray) => ef.matmul(ef.surrogate[fn](v, { alpha }), W).mul(ef.array(g, '1', { dtype })).sum())(v);
    const dense = Array.from(W.todense().data.dataSync());
    const Wg = held.map((_, i) => g.reduce((s, gj, j) => s + dense[i * 3 + j]! * gj, 0));
    assertAllClose(gp.dataSync(), held.map((x, i) => Wg[i]! * DERIVATIVE[fn](x, alpha)), 4 * tol, `${fn} through csr`, 4 * tol * alpha * 4);
  }), OPTS(40));
});

test.run();
