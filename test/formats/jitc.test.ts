/**
 * Just-in-time connectivity (ef.jitc.scalar / uniform / normal) on every backend, against a
 * float64 oracle built from the materialized matrix `J.todense().data.dataSync()`:
 * every product (x @ J, J @ x; floats, ef.binary and bool events; vectors and batches);
 * densify agrees with the reference backend; tocsr / tocsc / tocoo, transposes, scalar
 * arithmetic and units; products inside compiled runners; determinism (one matrix per
 * seed, read the same way by every product); and validation errors.
 * Statistics of the generated matrices are in jitc-stats.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { JITCMatrix, LazyArray, StepFn, StepResult } from '../../src/index.js';
import { operand, transposeDense, weight, type OperandCase } from '../arbitraries/sparse.js';
import { tolerance, withBackend, runs } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { matmul, storeAs, type Dense } from '../helpers/oracle.js';
import { stepByHand } from '../compile/models.js';
import { checkProduct as checkAgainst } from '../helpers/products.js';
import { RUN_OPTS, expectError, expectIdentical, forEachBackend } from '../helpers/suite.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(300), includeErrorInReport: true };
const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');

// ------------------------------------------------------------------ cases

type Dist = 'scalar' | 'uniform' | 'normal';
type Orient = 'row' | 'col';

interface JitcCase {
  readonly dist: Dist;
  readonly orient: Orient;
  readonly prob: number;
  readonly rows: number;
  readonly cols: number;
  readonly seed: number;
  /** weight (scalar), low/high (uniform), mean/std (normal): p0, p1. */
  readonly p0: number;
  readonly p1: number;
  readonly dtype: 'float32' | 'float64';
}

/** A seed in [0, 2^32 − 1], with the word boundaries of the RNG (2^24) drawn often. */
const seedArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 24 - 1, 2 ** 24, 2 ** 24 + 1, 2 ** 31, 2 ** 32 - 1) },
  { weight: 3, arbitrary: fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([hi, lo]) => hi * 65536 + lo) },
);

const probArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(0, 1) },
  // fc.double alone mostly gives tiny probabilities (it spreads over float exponents)
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 2 ** 20 - 1 }).map((k) => k / 2 ** 20) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }) },
);

const dimArb: fc.Arbitrary<number> = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) });

/** Small shapes, and now and then a long line (1 × 700, 700 × 1 or 2 × 300). */
const shapeArb: fc.Arbitrary<[number, number]> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(dimArb, dimArb) },
  { weight: 1, arbitrary: fc.constantFrom<[number, number]>([1, 700], [700, 1], [2, 300], [300, 2]) },
);

/** Exact float32 values in [-4, 4], no -0. */
const param: fc.Arbitrary<number> = weight.map((v) => Math.fround(v));

function jitcCase(opts: { float64?: boolean } = {}): fc.Arbitrary<JitcCase> {
  return fc
    .record({
      dist: fc.constantFrom<Dist>('scalar', 'uniform', 'normal'),
      orient: fc.constantFrom<Orient>('row', 'col'),
      prob: probArb,
      shape: shapeArb,
      seed: seedArb,
      a: param,
      b: param,
      dtype: opts.float64 === false ? fc.constant('float32' as const) : fc.oneof({ weight: 4, arbitrary: fc.constant('float32' as const) }, { weight: 1, arbitrary: fc.constant('float64' as const) }),
    })
    .map(({ dist, orient, prob, shape, seed, a, b, dtype }) => {
      // uniform: low <= high; normal: std >= 0
      const [p0, p1] = dist === 'uniform' ? [Math.min(a, b), Math.max(a, b)] : dist === 'normal' ? [a, Math.abs(b)] : [a, 0];
      return { dist, orient, prob, rows: shape[0], cols: shape[1], seed, p0, p1, dtype };
    });
}

function buildJitc(c: JitcCase, unit = 'nS'): JITCMatrix {
  const common = { shape: [c.rows, c.cols], prob: c.prob, seed: c.seed, orient: c.orient, dtype: c.dtype };
  switch (c.dist) {
    case 'scalar':
      return ef.jitc.scalar({ ...common, weight: c.p0 }, unit);
    case 'uniform':
      return ef.jitc.uniform({ ...common, low: c.p0, high: c.p1 }, unit);
    case 'normal':
      return ef.jitc.normal({ ...common, mean: c.p0, std: c.p1 }, unit);
  }
}

const show = (c: JitcCase): string => `${c.dist} [${c.rows}, ${c.cols}] ${c.orient} prob ${c.prob} seed ${c.seed} (${c.p0}, ${c.p1}) ${c.dtype}`;

/** The materialized matrix on the current backend, as an oracle Dense (float64 values, labelled with J's dtype). */
function denseOf(J: JITCMatrix): Dense {
  const d = J.todense();
  assert.equal([...d.shape], [...J.shape], 'todense shape');
  return { values: Array.from(d.data.dataSync()), shape: [...J.shape], dtype: J.dtype };
}

/** The same entries present (zero pattern exactly), weights within `rtol`. */
function expectSameMatrix(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, what: string): void {
  assert.is(got.length, want.length, `${what}: size`);
  for (let i = 0; i < want.length; i++) {
    if ((got[i] === 0) !== (want[i] === 0)) assert.unreachable(`${what}[${i}]: entry ${got[i]} vs ${want[i]} (pattern differs)`);
  }
  assertAllClose(got, want, rtol, what, rtol);
}

function expectBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.is(got.length, want.length, `${what}: size`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.unreachable(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

// ------------------------------------------------------------------ products

/** x @ J or M @ x against dense math on J's materialized matrix. */
const checkProduct = (backend: string, J: JITCMatrix, m: Dense, x: OperandCase, side: 'left' | 'right', what: string): void =>
  checkAgainst(backend, J, m, m.values.map(Math.abs), x, side, what);

const withOperands = (c: JitcCase) =>
  fc.record({ c: fc.constant(c), left: operand(c.rows, 'left'), right: operand(c.cols, 'right') });


forEachBackend(test, 'jitc: x @ J and J @ x (floats, binary and bool events; vectors and batches) match the float64 product of J.todense()', (backend) => {
  fc.assert(fc.property(jitcCase().chain(withOperands), ({ c, left, right }) => {
    const J = buildJitc(c);
    const m = denseOf(J);
    checkProduct(backend, J, m, left, 'left', show(c));
    checkProduct(backend, J, m, right, 'right', show(c));
  }), { ...OPTS, numRuns: runs(600) });
});

forEachBackend(test, 'jitc: todense matches the reference backend (same entries present, weights within float32 tolerance)', (backend) => {
  fc.assert(fc.property(jitcCase(), (c) => {
    const J = buildJitc(c);
    const here = J.todense().data.dataSync();
    const ref = withBackend('reference', () => J.todense().data.dataSync());
    assert.is(here.constructor, ref.constructor, 'storage type');
    expectSameMatrix(here, ref, tolerance(backend, c.dtype), `${show(c)}: todense vs reference`);
    // a new matrix with the same parameters is the same matrix, bit for bit
    expectBits(buildJitc(c).todense().data.dataSync(), here, `${show(c)}: rebuilt`);
  }), OPTS);
});

forEachBackend(test, 'jitc: tocsr / tocsc / tocoo hold the same matrix as todense; units and dtype kept', (backend) => {
  fc.assert(fc.property(jitcCase(), (c) => {
    const J = buildJitc(c);
    const d = J.todense().data.dataSync();
    const tol = tolerance(backend, c.dtype);
    const ones = ef.jitc.scalar({ shape: [c.rows, c.cols], prob: c.prob, seed: c.seed, orient: c.orient, weight: 1 });
    const connections = Array.from(ones.todense().data.dataSync()).filter((v) => v !== 0).length;
    for (const [name, M] of [['tocsr', J.tocsr()], ['tocsc', J.tocsc()], ['tocoo', J.tocoo()]] as const) {
      assert.equal([...M.shape], [c.rows, c.cols], `${name} shape`);
      assert.ok(M.unit.equals(nS), `${name} unit`);
      assert.is(M.dtype, c.dtype, `${name} dtype`);
      // one stored entry per connection: as many as the pattern of the same matrix with weight 1
      // (a weight itself may be 0: scalar 0, or low + (high − low)·u landing on 0)
      assert.is(M.nnz, connections, `${show(c)}: ${name} nnz`);
      expectSameMatrix(M.todense().data.dataSync(), d, tol, `${show(c)}: ${name}().todense()`);
    }
  }), OPTS);
});

forEachBackend(test, 'jitc: J.transpose() is exactly the transposed matrix; J.transpose().transpose() is J', () => {
  const cases = jitcCase().chain((c) => fc.record({ c: fc.constant(c), left: operand(c.cols, 'left'), right: operand(c.rows, 'right') }));
  fc.assert(fc.property(cases, ({ c, left, right }) => {
    const J = buildJitc(c);
    const T = J.transpose();
    assert.equal([...T.shape], [c.cols, c.rows], 'transpose shape');
    assert.is(T.orient, c.orient === 'row' ? 'col' : 'row', 'orient flips');
    const m = denseOf(J);
    const mt = transposeDense(m);
    expectBits(T.todense().data.dataSync(), mt.values, `${show(c)}: Jᵀ dense`);
    const TT = T.transpose();
    assert.equal([TT.shape, TT.orient, TT.seed, TT.prob, TT.dist], [J.shape, J.orient, J.seed, J.prob, J.dist], 'Jᵀᵀ parameters');
    expectBits(TT.todense().data.dataSync(), m.values, `${show(c)}: Jᵀᵀ dense`);
    // products with the transpose
    const backend = ef.getBackend();
    checkProduct(backend, T, mt, left, 'left', `${show(c)}ᵀ`);
    checkProduct(backend, T, mt, right, 'right', `${show(c)}ᵀ`);
  }), { ...OPTS, numRuns: runs(200) });
});

forEachBackend(test, 'jitc: J.mul(2), J.neg(), J.div(4), J.mul(-0.3) equal the same arithmetic on the dense matrix', (backend) => {
  fc.assert(fc.property(jitcCase(), (c) => {
    const J = buildJitc(c);
    const m = denseOf(J);
    const tol = tolerance(backend, c.dtype);
    const ops: [string, JITCMatrix, (v: number) => number][] = [
      ['mul(2)', J.mul(2), (v) => 2 * v],
      ['neg()', J.neg(), (v) => -v],
      ['div(4)', J.div(4), (v) => v / 4],
      ['mul(-0.3)', J.mul(-0.3), (v) => -0.3 * v],
    ];
    for (const [name, S, f] of ops) {
      assert.equal([S.dist, S.seed, S.prob, S.orient, [...S.shape]], [J.dist, J.seed, J.prob, J.orient, [...J.shape]], `${name}: same structure`);
      assert.ok(S.unit.equals(nS), `${name}: unit`);
      // both parameters scale (weight / low and high − low / mean and std)
      const [a, b] = [J.a.dataSync()[0]!, J.b.dataSync()[0]!];
      assertAllClose([S.a.dataSync()[0]!, S.b.dataSync()[0]!], [f(a), f(b)], tol, `${name}: a, b`, tol);
      const want = m.values.map((v) => storeAs(c.dtype, f(v)));
      const got = S.todense().data.dataSync();
      assertAllClose(got, want, tol, `${show(c)}: ${name}`, tol * 4);
      for (let i = 0; i < want.length; i++) {
        if ((m.values[i] === 0) !== (got[i] === 0) && Math.abs(f(m.values[i]!)) > 1e-30) assert.unreachable(`${name}[${i}]: pattern`);
      }
    }
  }), { ...OPTS, numRuns: runs(200) });
});

forEachBackend(test, 'jitc: units — weight 0.5 nS: spikes @ J in nS, x[mV] @ J in mV·nS, J @ x[V] in V·nS, mul by a unit scalar', () => {
  for (const orient of ['row', 'col'] as const) {
    const J = ef.jitc.scalar({ shape: [6, 9], prob: 0.4, weight: 0.5, seed: 12345, orient }, 'nS');
    assert.ok(J.unit.equals(nS), 'J unit');
    const dense = J.todense().data.dataSync();
    const spikes = ef.binary([1, 0, 1, 1, 0, 1]);
    const y = ef.matmul(spikes, J);
    assert.ok(y.unit.equals(nS), `spikes @ J: ${y.unit}`);
    const counts = Array.from({ length: 9 }, (_, j) => [0, 2, 3, 5].reduce((n, i) => n + (dense[i * 9 + j] !== 0 ? 1 : 0), 0));
    assertAllClose(y.dataSync(), counts.map((n) => 0.5 * n), 1e-6, 'spikes @ J = 0.5 × active connections');
    const v = ef.array([1, -2, 3, 0.5, 4, -1], 'mV');
    assert.ok(ef.matmul(v, J).unit.equals(mVnS), 'x[mV] @ J in mV·nS');
    assert.ok(ef.matmul(J, ef.array(new Array(9).fill(1), 'V')).unit.equals(ef.Unit.of('V').mul(nS)), 'J @ x[V] in V·nS');
    // weight given as a 0-d array in another scale: converted to the requested unit
    const K = ef.jitc.scalar({ shape: [6, 9], prob: 0.4, weight: ef.scalar(500, 'pS'), seed: 12345, orient }, 'nS');
    assert.ok(K.unit.equals(nS), 'pS weight converted to nS');
    assertAllClose(K.todense().data.dataSync(), dense, 1e-6, 'pS weight converted');
    const U = J.mul(ef.scalar(2, 'mV'));
    assert.ok(U.unit.equals(mVnS), `J.mul(2 mV) unit ${U.unit}`);
    assertAllClose(U.todense().data.dataSync(), Array.from(dense, (w) => 2 * w), 1e-6, 'J.mul(2 mV)');
    // normal with mean and std in compatible units: std converted to mean's unit
    const N = ef.jitc.normal({ shape: [6, 9], prob: 0.4, mean: ef.scalar(1, 'nS'), std: ef.scalar(100, 'pS'), seed: 3, orient });
    assert.ok(N.unit.equals(nS), 'normal unit from mean');
    assertAllClose(N.b.dataSync(), [0.1], 1e-6, 'std converted to nS');
  }
});

// ------------------------------------------------------------------ compiled runners

type Side = 'left' | 'right';
const th = ef.scalar(0, 'mV');

function jitcStep(J: JITCMatrix, side: Side, binary: boolean): StepFn {
  const product = (x: LazyArray): LazyArray => (side === 'left' ? ef.matmul(x, J) : ef.matmul(J, x));
  return (s, i): StepResult => {
    const above = i.v!.greater(th);
    const ev = product(binary ? ef.binary(above) : above);
    return { state: { g: s.g!.mul(0.9).add(ev), h: s.h!.mul(0.5).add(product(i.v!)) }, record: { ev } };
  };
}

const floats = (n: number): fc.Arbitrary<number[]> => fc.array(weight, { minLength: n, maxLength: n });

for (const side of ['left', 'right'] as const) {
  forEachBackend(test, `jitc: ${side === 'left' ? 'x @ J' : 'J @ x'} inside a compiled runner (events and floats) equals eager stepping`, async (backend) => {
    const cases = fc
      .record({ c: jitcCase({ float64: false }), batch: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2 }), k: fc.integer({ min: 1, max: 4 }), binary: fc.boolean() })
      .chain((r) => {
        const [nIn, nOut] = side === 'left' ? [r.c.rows, r.c.cols] : [r.c.cols, r.c.rows];
        const layout = (n: number): number[] => (r.batch === null ? [n] : side === 'left' ? [r.batch, n] : [n, r.batch]);
        const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
        const inShape = layout(nIn);
        const outShape = layout(nOut);
        return fc.record({ r: fc.constant(r), inShape: fc.constant(inShape), outShape: fc.constant(outShape), v: floats(r.k * size(inShape)), g0: floats(size(outShape)) });
      });
    await fc.assert(fc.asyncProperty(cases, async ({ r, inShape, outShape, v, g0 }) => {
      const J = buildJitc(r.c);
      const step = jitcStep(J, side, r.binary);
      const init = { g: ef.array(g0, 'nS', { shape: outShape }), h: ef.zeros(outShape, 'mV*nS') };
      const inputs = { v: ef.array(v, 'mV', { shape: [r.k, ...inShape] }) };
      const want = stepByHand(step, init, r.k, inputs);
      const got = await ef.compile(step).run(init, { steps: r.k, inputs });
      const what = `[${backend}] ${show(r.c)} ${side}, ${r.k} steps`;
      assert.ok(got.state.g!.unit.equals(nS), `${what}: g unit`);
      assert.ok(got.state.h!.unit.equals(mVnS), `${what}: h unit`);
      const absSum = Array.from(J.todense().data.dataSync()).reduce((s, w) => s + Math.abs(w), 0);
      const rtol = 1e-5;
      const atol = rtol * (1 + 40 * Math.max(1, absSum));
      assertAllClose(got.state.g!.dataSync(), want.state.g!, rtol, `${what}: g`, atol);
      assertAllClose(got.state.h!.dataSync(), want.state.h!, rtol, `${what}: h`, atol);
      assertAllClose(got.records.ev!.dataSync(), want.records.ev!, rtol, `${what}: recorded event products`, atol);
    }), { numRuns: runs(120), includeErrorInReport: true });
  });
}

// ------------------------------------------------------------------ determinism

/** One-hot rows e_i (events or floats) as a [n, n] batch. */
const identity = (n: number): number[] => Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 1 : 0));

forEachBackend(test, 'jitc: every product reads the same matrix — one-hot vectors and identity batches (floats and events, left and right) rebuild J', (backend) => {
  const cases = jitcCase().filter((c) => c.rows <= 12 && c.cols <= 12);
  fc.assert(fc.property(cases, (c) => {
    const J = buildJitc(c);
    const m = denseOf(J).values;
    const [R, C] = [c.rows, c.cols];
    const tol = tolerance(backend, c.dtype);
    const what = show(c);
    // [R, R] identity @ J = J ; J @ [C, C] identity = J
    const eye = (n: number, ev: boolean): LazyArray => (ev ? ef.binary(identity(n), [n, n]) : ef.array(identity(n), '1', { shape: [n, n] }));
    for (const ev of [false, true]) {
      expectSameMatrix(ef.matmul(eye(R, ev), J).dataSync(), m, tol, `${what}: I @ J (${ev ? 'events' : 'floats'})`);
      expectSameMatrix(ef.matmul(J, eye(C, ev)).dataSync(), m, tol, `${what}: J @ I (${ev ? 'events' : 'floats'})`);
    }
    // e_i @ J = row i ; J @ e_j = column j (events as a comparison, floats as one-hot)
    for (let i = 0; i < R; i++) {
      const e = identity(R).slice(i * R, (i + 1) * R);
      const row = m.slice(i * C, (i + 1) * C);
      expectSameMatrix(ef.matmul(ef.array(e, '1'), J).dataSync(), row, tol, `${what}: e_${i} @ J`);
      expectSameMatrix(ef.matmul(ef.array(e, '1').greater(0.5), J).dataSync(), row, tol, `${what}: (e_${i} > 0.5) @ J`);
    }
    for (let j = 0; j < C; j++) {
      const e = identity(C).slice(j * C, (j + 1) * C);
      const col = Array.from({ length: R }, (_, i) => m[i * C + j]!);
      expectSameMatrix(ef.matmul(J, ef.array(e, '1')).dataSync(), col, tol, `${what}: J @ e_${j}`);
      expectSameMatrix(ef.matmul(J, ef.binary(e)).dataSync(), col, tol, `${what}: J @ binary(e_${j})`);
    }
  }), { ...OPTS, numRuns: runs(150) });
});

forEachBackend(test, 'jitc: same seed → the same bits; different seeds (low or high word) → different patterns; weight law does not move the pattern', () => {
  const pattern = (J: JITCMatrix): string => Array.from(J.todense().data.dataSync(), (v) => (v !== 0 ? '1' : '0')).join('');
  for (const orient of ['row', 'col'] as const) {
    for (const seed of [0, 7, 2 ** 24 - 1, 2 ** 24, 123456789, 2 ** 32 - 1]) {
      const opts = { shape: [40, 40], prob: 0.5, seed, orient };
      const A = ef.jitc.normal({ ...opts, mean: 1, std: 0.5 }, 'nS');
      const B = ef.jitc.normal({ ...opts, mean: 1, std: 0.5 }, 'nS');
      expectIdentical(A.todense().data, B.todense().data, `seed ${seed} ${orient}: rebuilt`);
      expectIdentical(A.todense().data, A.todense().data, `seed ${seed} ${orient}: densified twice`);
      const p = pattern(A);
      assert.ok(p.includes('1') && p.includes('0'), 'a mixed pattern');
      // the same structure stream for every weight law and every scaling
      assert.is(pattern(ef.jitc.scalar({ ...opts, weight: 2 }, 'nS')), p, `seed ${seed}: scalar pattern`);
      assert.is(pattern(ef.jitc.uniform({ ...opts, low: 1, high: 2 }, 'nS')), p, `seed ${seed}: uniform pattern`);
      assert.is(pattern(A.mul(3)), p, `seed ${seed}: mul keeps the pattern`);
      // other seeds: neighbours, the other 24-bit word, the top bit
      for (const other of [seed + 1, seed - 1, seed + 2 ** 24, seed - 2 ** 24, seed ^ 2 ** 31, seed + 2 ** 31]) {
        if (other < 0 || other > 2 ** 32 - 1 || other === seed) continue;
        assert.is.not(pattern(ef.jitc.normal({ ...opts, seed: other >>> 0, mean: 1, std: 0.5 }, 'nS')), p, `seeds ${seed} and ${other} give the same ${orient} pattern`);
      }
    }
  }
});

forEachBackend(test, 'jitc: long lines (past the 65536-entry gap table) read the same by todense-free paths: tocsr, events and floats, left and right', (backend) => {
  const tol = tolerance(backend, 'float32');
  for (const [shape, orient, prob] of [[[3, 300_000], 'row', 2e-5], [[300_000, 3], 'col', 2e-5], [[2, 150_000], 'row', 1e-4]] as const) {
    const J = ef.jitc.uniform({ shape: [...shape], prob, low: 1, high: 2, seed: 99, orient }, 'nS');
    const csr = J.tocsr();
    const [R, C] = shape;
    const ptr = csr.indptr;
    const idx = csr.indices;
    const data = csr.data.dataSync();
    const ref = withBackend('reference', () => J.tocsr().data.dataSync());
    expectSameMatrix(data, ref, tol, `${shape} csr data vs reference`);
    // the short side's lines via one-hot products (events and floats), scattered back from the CSR
    const dense = (i: number, j: number): number => { for (let q = ptr[i]!; q < ptr[i + 1]!; q++) if (idx[q] === j) return data[q]!; return 0; };
    const short = Math.min(R, C);
    for (let l = 0; l < short; l++) {
      const e = new Array<number>(short).fill(0);
      e[l] = 1;
      const line = new Float64Array(Math.max(R, C));
      if (R === short) {
        for (let q = ptr[l]!; q < ptr[l + 1]!; q++) line[idx[q]!] = data[q]!;
        expectSameMatrix(ef.matmul(ef.binary(e), J).dataSync(), line, tol, `${shape} ${orient}: binary e_${l} @ J`);
        expectSameMatrix(ef.matmul(ef.array(e, '1'), J).dataSync(), line, tol, `${shape} ${orient}: e_${l} @ J`);
      } else {
        for (let i = 0; i < R; i++) line[i] = dense(i, l);
        expectSameMatrix(ef.matmul(J, ef.binary(e)).dataSync(), line, tol, `${shape} ${orient}: J @ binary e_${l}`);
        expectSameMatrix(ef.matmul(J, ef.array(e, '1')).dataSync(), line, tol, `${shape} ${orient}: J @ e_${l}`);
      }
    }
    // row sums (J @ ones) and column sums (ones @ J), as events and as floats
    const rowSums = new Float64Array(R);
    const colSums = new Float64Array(C);
    for (let i = 0; i < R; i++) for (let q = ptr[i]!; q < ptr[i + 1]!; q++) { rowSums[i]! += data[q]!; colSums[idx[q]!]! += data[q]!; }
    assertAllClose(ef.matmul(J, ef.binary(new Uint8Array(C).fill(1))).dataSync(), rowSums, tol, `${shape}: J @ all spikes`, tol * 100);
    assertAllClose(ef.matmul(J, ef.full([C], 1, 'mV')).dataSync(), rowSums, tol, `${shape}: J @ ones`, tol * 100);
    assertAllClose(ef.matmul(ef.binary(new Uint8Array(R).fill(1)), J).dataSync(), colSums, tol, `${shape}: all spikes @ J`, tol * 100);
    assertAllClose(ef.matmul(ef.full([R], 1, 'mV'), J).dataSync(), colSums, tol, `${shape}: ones @ J`, tol * 100);
    const nnz = ptr[R]!;
    const mean = R * C * prob;
    assert.ok(Math.abs(nnz - mean) < 5 * Math.sqrt(mean) + 1, `${shape}: ${nnz} entries, expected about ${mean}`);
  }
});

// ------------------------------------------------------------------ errors

const base = { shape: [3, 4], prob: 0.5, seed: 1 };

forEachBackend(test, 'jitc: invalid prob, seed, orient, shape and weight parameters are InvalidArgumentError / InvalidFormatError / ShapeMismatchError / UnitMismatchError', () => {
  for (const prob of [-0.1, 1.5, NaN, Infinity, '0.5', null, undefined]) {
    expectError(() => ef.jitc.scalar({ ...base, prob: prob as number, weight: 1 }), ef.InvalidArgumentError, 'jitc.scalar', `prob is ${String(prob)}`, 'expected a probability in [0, 1]');
    expectError(() => ef.jitc.normal({ ...base, prob: prob as number, mean: 1, std: 1 }), ef.InvalidArgumentError, 'jitc.normal', 'prob');
  }
  for (const seed of [-1, 1.5, NaN, 2 ** 32, '1', Infinity, undefined]) {
    expectError(() => ef.jitc.uniform({ ...base, seed: seed as number, low: 0, high: 1 }), ef.InvalidArgumentError, 'jitc.uniform', `seed is ${String(seed)}`, 'expected an integer in [0, 4294967295]');
  }
  expectError(() => ef.jitc.normal({ ...base, mean: 0, std: -1 }), ef.InvalidArgumentError, 'jitc.normal', 'std is -1', 'non-negative');
  expectError(() => ef.jitc.uniform({ ...base, low: 2, high: 1 }), ef.InvalidArgumentError, 'jitc.uniform', 'low (2) is greater than high (1)');
  for (const bad of [NaN, Infinity, -Infinity, '1', null]) {
    expectError(() => ef.jitc.scalar({ ...base, weight: bad as number }), ef.InvalidArgumentError, 'jitc.scalar', `weight is ${String(bad)}`, 'expected a finite number');
    expectError(() => ef.jitc.normal({ ...base, mean: bad as number, std: 1 }), ef.InvalidArgumentError, 'jitc.normal', `mean is ${String(bad)}`, 'finite');
    expectError(() => ef.jitc.normal({ ...base, mean: 1, std: bad as number }), ef.InvalidArgumentError, 'jitc.normal', `std is ${String(bad)}`);
    expectError(() => ef.jitc.uniform({ ...base, low: bad as number, high: 1 }), ef.InvalidArgumentError, 'jitc.uniform', `low is ${String(bad)}`);
  }
  expectError(() => ef.jitc.scalar({ ...base, orient: 'diag' as 'row', weight: 1 }), ef.InvalidArgumentError, 'orient is diag', "expected 'row' or 'col'");
  for (const shape of [[3], [3, 4, 5], [-1, 4], [3, 1.5], [3, NaN], ['3', 4], 'abc', null]) {
    expectError(() => ef.jitc.scalar({ ...base, shape: shape as number[], weight: 1 }), ef.InvalidFormatError, 'jitc.scalar', 'shape');
  }
  expectError(() => ef.jitc.scalar(null as never), ef.InvalidArgumentError, 'jitc.scalar', 'options object');
  expectError(() => ef.jitc.scalar({ ...base, weight: ef.array([1, 2], 'nS') }), ef.ShapeMismatchError, 'jitc.scalar', 'weight has shape [2]', 'expected a scalar');
  expectError(() => ef.jitc.normal({ ...base, mean: ef.scalar(1), std: ef.array([1, 2]) }), ef.ShapeMismatchError, 'std has shape [2]');
  expectError(() => ef.jitc.normal({ ...base, mean: ef.scalar(1, 'mV'), std: ef.scalar(1, 'nS') }), ef.UnitMismatchError, 'jitc.normal', 'mV', 'nS');
  // (the uniform message comes from computing high − low, so it names 'sub' rather than jitc.uniform)
  expectError(() => ef.jitc.uniform({ ...base, low: ef.scalar(0, 'ms'), high: ef.scalar(1, 'mV') }), ef.UnitMismatchError, 'ms', 'mV');
  expectError(() => ef.jitc.scalar({ ...base, weight: ef.scalar(1, 'mV') }, 'nS'), ef.UnitMismatchError);
});

forEachBackend(test, 'jitc: withData refuses (pointing at tocsr); matmul shape mismatches are ShapeMismatchError', () => {
  const J = ef.jitc.normal({ ...base, mean: 1, std: 0.1 }, 'nS');
  expectError(() => (J.withData as (d: number) => unknown)(1), ef.InvalidArgumentError, 'jitc.withData', 'tocsr');
  // withData on the CSR works
  const W = J.tocsr().withData(0.5, 'nS');
  assert.is(W.nnz, J.tocsr().nnz);
  for (const x of [ef.array([1, 2, 3, 4]), ef.binary([1, 0]), ef.zeros([2, 4]), ef.binary([1, 0, 1, 0, 1, 0, 1, 0], [2, 4])]) {
    expectError(() => ef.matmul(x, J), ef.ShapeMismatchError, 'matmul');
  }
  for (const x of [ef.array([1, 2, 3]), ef.binary([1, 0, 1]), ef.zeros([3, 2]), ef.zeros([2, 4])]) {
    expectError(() => ef.matmul(J, x), ef.ShapeMismatchError, 'matmul');
  }
  expectError(() => ef.matmul(J.transpose(), ef.zeros([4])), ef.ShapeMismatchError, 'matmul');
  expectError(() => ef.matmul(ef.zeros([3]), J.transpose()), ef.ShapeMismatchError, 'matmul');
  // the transposed shapes are accepted
  assert.equal([...ef.matmul(J.transpose(), ef.zeros([3])).shape], [4]);
  assert.equal([...ef.matmul(ef.binary([1, 0, 1, 1]), J.transpose()).shape], [3]);
});

test.run();
