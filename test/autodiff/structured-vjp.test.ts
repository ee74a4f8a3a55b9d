/**
 * The VJP rules of the structured primitives (issue 19), checked without the autodiff engine
 * (test/helpers/vjp-check.ts): on every backend, each rule's cotangents are realized and
 * compared with central finite differences of ⟨ct, f⟩ in float64 on the reference (rtol 1e-6
 * on float64 backends, 2e-3 on float32 gpujs), units included (1/unit(operand) for a
 * dimensionless loss). Cases are fixed (deterministic draws), few on gpujs, where each builds kernels.
 */
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { build } from '../../src/ir/build.js';
import { indexNode } from '../../src/ir/leaves.js';
import { topoSort, type Node, type SparseArg } from '../../src/ir/node.js';
import { forEachEntry } from '../../src/ir/structured.js';
import { GPUJS_MODE } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';
import { checkVjp, lcg } from '../helpers/vjp-check.js';

const [ROWS, COLS] = [5, 6];
/** The webgl/webgpu modes compile every kernel in software: one case in a few there. */
const light = GPUJS_MODE === 'webgl' || GPUJS_MODE === 'webgpu';
const pick = <T>(cases: readonly T[]): readonly T[] => (light ? cases.filter((_, i) => i % 4 === 0) : cases);

/** A random CSR of ROWS × COLS (density ~0.4, float64 values in nS, or one shared weight). */
function randomCsr(seed: number, shared: boolean): ef.CSR {
  const rnd = lcg(seed);
  const indptr = [0];
  const indices: number[] = [];
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) if (rnd() < -0.2) indices.push(c);
    indptr.push(indices.length);
  }
  const data = shared ? undefined : Float64Array.from(indices, () => rnd());
  const base = { indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), shape: [ROWS, COLS] as [number, number] };
  return shared
    ? ef.csr({ ...base, data: ef.scalar(0.75, 'nS', 'float64') } as never)
    : ef.csr({ ...base, data: data! }, 'nS');
}

type Format = 'csr' | 'csc' | 'coo' | 'fixedPostNum' | 'fixedPreNum';
function matrix(format: Format, seed: number, shared: boolean): ef.SparseMatrix {
  if (format === 'fixedPostNum' || format === 'fixedPreNum') {
    const rnd = lcg(seed);
    const num = 3;
    const lines = format === 'fixedPostNum' ? ROWS : COLS;
    const input = { shape: [ROWS, COLS], num, seed, ...(shared ? { weight: ef.scalar(0.75, 'nS', 'float64') } : { data: Float64Array.from({ length: lines * num }, () => rnd()) }) };
    return (format === 'fixedPostNum' ? ef.fixedPostNum(input, 'nS') : ef.fixedPreNum(input, 'nS')) as unknown as ef.SparseMatrix;
  }
  const m = randomCsr(seed, shared);
  return format === 'csr' ? m : format === 'csc' ? m.tocsc() : m.tocoo();
}

/** x for a product: float64 in mV or bool events; [n], or batched ([2, n] left, [n, 2] right). */
function operand(seed: number, n: number, events: boolean, batched: boolean, side: 'left' | 'right'): ef.LazyArray {
  const rnd = lcg(seed);
  const shape = batched ? (side === 'left' ? [2, n] : [n, 2]) : [n];
  const size = shape.reduce((a, b) => a * b, 1);
  if (events) return ef.array(Array.from({ length: size }, () => rnd() > 0), undefined, 'bool').reshape(shape);
  return ef.array(Float64Array.from({ length: size }, rnd), 'mV', 'float64').reshape(shape);
}

const product = (x: ef.LazyArray, m: unknown, side: 'left' | 'right'): Node =>
  (side === 'left' ? ef.matmul(x, m as never) : ef.matmul(m as never, x)).node;

interface ProductCase { format: Format; side: 'left' | 'right'; events: boolean; batched: boolean; shared: boolean }
const PRODUCT_CASES: ProductCase[] = [];
for (const format of ['csr', 'csc', 'coo', 'fixedPostNum', 'fixedPreNum'] as const) {
  for (const side of ['left', 'right'] as const) {
    for (const events of [false, true]) {
      for (const batched of [false, true]) PRODUCT_CASES.push({ format, side, events, batched, shared: batched && events });
    }
  }
}

/** The closed form of the weight cotangent: Σ_b x_i · g_j at each stored entry (data order). */
function sampledClosedForm(node: Node) {
  return (inputs: readonly Float64Array[], ct: Float64Array): Float64Array => {
    const arg = node.arg as SparseArg;
    const [x, , ptr, idx, perm] = inputs as Float64Array[];
    const left = arg.side === 'left';
    const xs = node.src[0]!.shape;
    const batch = xs.length === 2 ? (left ? xs[0]! : xs[1]!) : 1;
    const [nIn, nOut] = left ? [arg.rows, arg.cols] : [arg.cols, arg.rows];
    const out = new Float64Array(idx!.length);
    let p = 0;
    forEachEntry(arg, new Float64Array(1), true, ptr!, idx!, undefined, (r, c) => {
      const [i, o] = left ? [r, c] : [c, r];
      let s = 0;
      for (let b = 0; b < batch; b++) s += x![left ? b * nIn + i : i * batch + b]! * ct[left ? b * nOut + o : o * batch + b]!;
      out[perm ? perm[p]! : p] = s;
      p++;
    });
    return out;
  };
}

forEachBackend(test, 'sparse products (every storing format, both sides, floats and events, batched, shared weight): x and data cotangents', (backend) => {
  pick(PRODUCT_CASES).forEach((c, i) => {
    const m = matrix(c.format, 11 + i, c.shared);
    const x = operand(40 + i, c.side === 'left' ? ROWS : COLS, c.events, c.batched, c.side);
    const n = product(x, m, c.side);
    assert.is(n.op, 'sparseProduct', `${c.format}: a sparse product`);
    const what = `${c.format} ${c.side} ${c.events ? 'events' : 'floats'}${c.batched ? ' batched' : ''}${c.shared ? ' shared' : ''}`;
    checkVjp(backend, n, what, { differentiable: [0, 1], ...(c.shared ? {} : { closed: { 1: sampledClosedForm(n) } }), seed: 3 + i });
  });
});

forEachBackend(test, 'event weight cotangent when the events are computed (the cpu sampled product walks the loop-built active list)', (backend) => {
  const spikes = floats(70, [ROWS]).greater(ef.scalar(0.1, 'mV', 'float64'));
  const n = ef.matmul(spikes, randomCsr(71, false)).node;
  const [, data] = checkVjp(backend, n, 'computed events @ csr', { differentiable: [0, 1], closed: { 1: sampledClosedForm(n) } });
  if (backend === 'cpu') assert.match(ef.explain(new ef.LazyArray(data!)), /sampled product, scatter over the lines of the active index list/);
});

forEachBackend(test, 'densify: the dense cotangent sampled at the stored entries (per-entry and shared data)', (backend) => {
  for (const [format, shared] of pick([['csr', false], ['csc', false], ['coo', true], ['fixedPreNum', false], ['csr', true]] as const)) {
    const d = (matrix(format, 5, shared) as unknown as { todense(): { data: ef.LazyArray } }).todense().data.node;
    assert.is(d.op, 'densify');
    checkVjp(backend, d, `densify ${format}${shared ? ' shared' : ''}`, { differentiable: [0] });
  }
});

const floats = (seed: number, shape: number[], unit = 'mV'): ef.LazyArray => {
  const rnd = lcg(seed);
  return ef.array(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, rnd), unit, 'float64').reshape(shape);
};
const leafOf = (a: ef.LazyArray): Node => new ef.LazyArray(build('add', [a.node, a.node])).node;

forEachBackend(test, 'gather (repeated and missing indices: a scatter-add), concat, reshape, cumsum', (backend) => {
  const x = leafOf(floats(1, [2, 3]));
  const g = build('gather', [x, indexNode(Int32Array.of(5, 0, 5, 2, 2, 2, 1), [7])]);
  checkVjp(backend, g, 'gather', { differentiable: [0] });
  const a = leafOf(floats(2, [2, 3])), b = leafOf(floats(3, [2, 2], 'V'));
  checkVjp(backend, build('concat', [a, b], { kind: 'concat', axis: 1 }), 'concat axis 1 (V converted to mV)', { differentiable: [0, 1] });
  checkVjp(backend, build('concat', [a, leafOf(floats(4, [1, 3]))], { kind: 'concat', axis: 0 }), 'concat axis 0', { differentiable: [0, 1] });
  checkVjp(backend, build('reshape', [a], { kind: 'reshape', shape: [3, 2] }), 'reshape', { differentiable: [0] });
  for (const axis of pick([0, 1, null])) {
    checkVjp(backend, build('cumsum', [leafOf(floats(5, [3, 4]))], { kind: 'scan', axis }), `cumsum axis ${axis}`, { differentiable: [0] });
  }
});

type Dist = 'scalar' | 'uniform' | 'normal';
function jit(dist: Dist, orient: 'row' | 'col', seed: number): ef.JITCMatrix {
  const common = { shape: [ROWS, COLS], prob: 0.5, seed, orient, dtype: 'float64' as const };
  const s = (v: number): ef.LazyArray => ef.scalar(v, 'nS', 'float64');
  if (dist === 'scalar') return ef.jitc.scalar({ ...common, weight: s(0.6) });
  if (dist === 'uniform') return ef.jitc.uniform({ ...common, low: s(0.25), high: s(1.5) });
  return ef.jitc.normal({ ...common, mean: s(0.5), std: s(0.2) });
}

forEachBackend(test, 'JIT products (scalar, uniform, normal; row and col orientations; both sides; events; batched): x, a and b cotangents', (backend) => {
  const cases: { dist: Dist; orient: 'row' | 'col'; side: 'left' | 'right'; events: boolean; batched: boolean }[] = [];
  for (const dist of ['scalar', 'uniform', 'normal'] as const) {
    for (const orient of ['row', 'col'] as const) {
      for (const side of ['left', 'right'] as const) cases.push({ dist, orient, side, events: side === 'left' && orient === 'row', batched: orient === 'col' });
    }
  }
  pick(cases).forEach((c, i) => {
    const x = operand(60 + i, c.side === 'left' ? ROWS : COLS, c.events, c.batched, c.side);
    const n = product(x, jit(c.dist, c.orient, 20 + i), c.side);
    assert.is(n.op, 'jitcProduct');
    checkVjp(backend, n, `jitc ${c.dist} ${c.orient}s ${c.side}${c.events ? ' events' : ''}${c.batched ? ' batched' : ''}`,
      { differentiable: c.dist === 'scalar' ? [0, 1] : [0, 1, 2], seed: 9 + i });
  });
});

forEachBackend(test, 'JIT densify: a and b cotangents (never through a stored matrix)', (backend) => {
  for (const [dist, orient] of pick([['scalar', 'row'], ['uniform', 'col'], ['normal', 'row'], ['normal', 'col']] as const)) {
    const d = jit(dist, orient, 33).todense().data.node;
    checkVjp(backend, d, `jitcDensify ${dist} ${orient}s`, { differentiable: dist === 'scalar' ? [0] : [0, 1] });
  }
});

forEachBackend(test, 'random: reparameterized parameter cotangents (uniform, normal, broadcast parameters); discrete draws and the counter get none', (backend) => {
  const [low, high] = [leafOf(floats(7, [4])), leafOf(floats(8, [3, 1]))];
  const u = ef.random.uniform([3, 4], { seed: 5, counter: 2, low: new ef.LazyArray(low), high: new ef.LazyArray(high), dtype: 'float64' }).node;
  checkVjp(backend, u, 'uniform [3, 4] (low [4], high [3, 1])', { differentiable: [1, 2] });
  const z = ef.random.normal([2, 3], { seed: 6, counter: 1, mean: new ef.LazyArray(leafOf(floats(9, [3]))), std: ef.scalar(0.5, 'mV', 'float64'), dtype: 'float64' }).node;
  checkVjp(backend, z, 'normal [2, 3] (mean [3], std 0-d)', { differentiable: [1, 2] });
  const bern = ef.random.bernoulli(ef.array([0.2, 0.5, 0.9, 0.1]), { seed: 1, counter: 0 }).node;
  checkVjp(backend, bern, 'bernoulli', { differentiable: [] });
});

forEachBackend(test, 'events (Poisson, unpacked, active lists): no operand gets a cotangent', (backend) => {
  const find = (root: Node, op: string): Node => topoSort([root]).find((n) => n.op === op)!;
  const w = randomCsr(3, false);
  const poisson = find(ef.matmul(ef.random.poissonEvents(ef.array([100, 400, 900, 0, 50], 'Hz'), ef.scalar(1, 'ms'), { seed: 4, counter: 3 }), w).node, 'poissonEvents');
  const unpacked = find(ef.matmul(ef.events.pack([1, 0, 1, 1, 0]), w).node, 'unpackEvents');
  const list = build('compactEvents', [unpacked]);
  for (const n of [poisson, unpacked, list]) checkVjp(backend, n, n.op, { differentiable: [] });
});

test.run();
