/**
 * Matrix-format products inside compiled runners (ef.compile), on every backend: a step
 * `g' = g * 0.9 + spikes @ W` (events from a threshold comparison, ef.binary of it, or a
 * stacked bool input) together with `h' = h * 0.5 + v @ W` (floats), for W dense, COO, CSR,
 * CSC or a transpose, on the left and on the right, vectors and batches, with and without
 * records (which changes what fuses), run for a few steps, equals stepping by hand with eager
 * arrays on the reference backend; the state's units follow the products. Also: CSR, CSC
 * and a COO transpose in one step, and weights taken from the state (withData, or a COO with
 * duplicates built inside the step).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, StepFn, StepResult } from '../../src/index.js';
import { FORMATS, SPARSE_FORMATS, buildMatrix, oracleAbs, oracleCount, productMagnitudes, sparseCase, transposeDense, weight, type AnyMatrix, type AnySparse, type Format, type SparseCase } from '../arbitraries/sparse.js';
import { MIN_NORMAL32, U32, U64, assertAllClose, assertWithin, gamma, ulp32, ulp64 } from '../helpers/close.js';
import { capabilities } from '../helpers/backends.js';
import { stepByHand } from '../compile/models.js';
import { forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const RTOL = 1e-5;
const OPTS = { numRuns: runs(25), includeErrorInReport: true };
const th = ef.scalar(0, 'mV');
const nS = ef.Unit.of('nS');
const mVnS = ef.Unit.of('mV*nS');

type Side = 'left' | 'right';
/** Events computed in the step (a comparison, or ef.binary of it), or fed as a stacked bool input. */
type EventSpelling = 'comparison' | 'binary' | 'input';

/** What the step records: nothing (each product has one reader, so it fuses into the state loop), or more. */
type Records = 'none' | 'count' | 'all';

function productStep(W: AnyMatrix, side: Side, spelling: EventSpelling, records: Records): StepFn {
  const product = (x: LazyArray): LazyArray => (side === 'left' ? ef.matmul(x, W) : ef.matmul(W, x));
  return (s, i): StepResult => {
    const above = spelling === 'input' ? i.spikes! : i.v!.greater(th);
    const spikes = spelling === 'binary' ? ef.binary(above) : above;
    const ev = product(spikes);
    const fl = product(i.v!);
    const state = { g: s.g!.mul(0.9).add(ev), h: s.h!.mul(0.5).add(fl) };
    if (records === 'none') return state;
    return { state, record: records === 'count' ? { count: spikes.sum() } : { ev, count: spikes.sum() } };
  };
}

/**
 * Per-output bound on |compiled − by hand| for a state s' = rho·s + P(x_t) over the steps'
 * operands `xs` (P a product with the [r, k] matrix of Σ|entry| `mAbs` and counts `mCount`).
 * A magnitude shadow A_{t+1} = rho·A_t + S_t (S_t = Σ_q |x_q||M_qj|, from |s0|) bounds each
 * output's values, and B_{t+1} = rho·B_t + δ_t its difference, where one step newly differs by
 * δ_t = 3 ulps of A_{t+1} (by hand: product, rho·s and the sum rounded, ≤ 1.5 ulps; fused: one
 * rounding, 0.5; 2 derived, measured up to 1.9 on cpu (seed 1), 3 for headroom) + 2^-24·S_t where the data is float32 (ef.coo's merged duplicates are rounded
 * on cpu, not on the reference) + the sum's error: 2·γ_{n+1}(2^-53)·S_t with float64 sums,
 * γ_{n+1}(2^-24)·S_t + (n + 2)·2^-126 (flushed subnormals) with gpujs's float32 sums. Ulps
 * are float64 ones for float64 state on a float64 backend. When the compiled plan adds the
 * product straight into the state (`added into` in explain: docs/fusion.md, accumulation into
 * the output), each of its n additions is rounded to the state's float32: n·(2^-24·A_{t+1} +
 * 2^-150) more (2^-150: half the spacing of float32 subnormals, where a float64 term added to
 * a subnormal sum still rounds). With `record`, the bound of the product alone per step
 * (stacked): 1 ulp of S_t + the sum's error, by the same count.
 */
function stepBounds(backend: string, dtype: 'float32' | 'float64', rho: number, s0: readonly number[], xs: readonly { values: number[]; shape: number[] }[], mAbs: readonly number[], mCount: readonly number[], mShape: readonly number[], side: Side, accumulated: boolean): { state: number[]; record: number[] } {
  const caps = capabilities(backend);
  const wide = dtype === 'float64' && caps.dtypes.includes('float64');
  const ulp = wide ? ulp64 : ulp32;
  const cellU = dtype === 'float32' ? U32 : 0;
  const sumErr = (s: number, n: number): number => (caps.float64Sums ? 2 * gamma(n + 1, U64) * s : gamma(n + 1, U32) * s + (n + 2) * MIN_NORMAL32);
  let A = s0.map(Math.abs);
  let B = s0.map(() => 0);
  const record: number[] = [];
  for (const x of xs) {
    const { sum, terms } = productMagnitudes(mAbs, mCount, mShape, x, side);
    A = A.map((a, j) => rho * a + sum[j]!);
    const added = (j: number): number => (accumulated && !wide ? terms[j]! * (U32 * A[j]! + 2 ** -150) : 0);
    B = B.map((b, j) => rho * b + 3 * ulp(A[j]!) + cellU * sum[j]! + sumErr(sum[j]!, terms[j]!) + added(j));
    record.push(...sum.map((sj, j) => ulp(sj) + cellU * sj + sumErr(sj, terms[j]!)));
  }
  return { state: B, record };
}

/** Σ|entry| and entry counts of c as M holds it (transposed or not). */
function cellsOf(c: SparseCase, transposed: boolean): { abs: number[]; count: number[] } {
  const t = (v: number[]): number[] => (transposed ? transposeDense({ values: v, shape: [c.rows, c.cols], dtype: 'float64' }).values : v);
  return { abs: t(oracleAbs(c)), count: t(oracleCount(c)) };
}

const floats = (n: number): fc.Arbitrary<number[]> => fc.array(weight, { minLength: n, maxLength: n });

/** A matrix case, the per-step operand layout, k steps and the inputs. */
const runCase = (fmt: Format, side: Side) =>
  fc
    .record({
      c: sparseCase(),
      transposed: fc.boolean(),
      batch: fc.option(fc.integer({ min: 1, max: 2 }), { freq: 2 }),
      k: fc.integer({ min: 1, max: 6 }),
      extra: fc.integer({ min: 0, max: 1 }),
      spelling: fc.constantFrom<EventSpelling>('comparison', 'binary', 'input'),
      records: fc.constantFrom<Records>('none', 'count', 'all'),
    })
    .chain((r) => {
      const W = buildMatrix(r.c, fmt, 'nS');
      const M = r.transposed ? W.transpose() : W;
      const [rows, cols] = M.shape;
      const [nIn, nOut] = side === 'left' ? [rows, cols] : [cols, rows];
      const layout = (n: number): number[] => (r.batch === null ? [n] : side === 'left' ? [r.batch, n] : [n, r.batch]);
      const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);
      const inShape = layout(nIn);
      const outShape = layout(nOut);
      return fc.record({
        r: fc.constant(r),
        M: fc.constant(M),
        inShape: fc.constant(inShape),
        outShape: fc.constant(outShape),
        v: floats((r.k + r.extra) * size(inShape)),
        g0: floats(size(outShape)),
      });
    });

for (const fmt of FORMATS) {
  for (const side of ['left', 'right'] as const) {
    forEachBackend(test, `${fmt} ${side === 'left' ? 'x @ W' : 'W @ x'} in a compiled step (events and floats) equals stepping by hand`, async (backend) => {
      await fc.assert(fc.asyncProperty(runCase(fmt, side), async ({ r, M, inShape, outShape, v, g0 }) => {
        const step = productStep(M, side, r.spelling, r.records);
        // the state takes the data's dtype (float64 data makes float64 products)
        const dtype = r.c.dtype;
        const init = { g: ef.array(g0, 'nS', { shape: outShape, dtype }), h: ef.zeros(outShape, 'mV*nS', dtype) };
        const vIn = ef.array(v, 'mV', { shape: [r.k + r.extra, ...inShape] });
        const inputs: Record<string, LazyArray> = r.spelling === 'input' ? { v: vIn, spikes: vIn.greater(th) } : { v: vIn };
        const want = stepByHand(step, init, r.k, inputs);
        const runner = ef.compile(step);
        const got = await runner.run(init, { steps: r.k, inputs });
        const accumulated = capabilities(backend).fusion && / added into %/.test(runner.explain());
        const what = `[${backend}] ${M} ${side} ${r.spelling}, ${r.k} steps`;

        assert.equal([...got.state.g!.shape], outShape, `${what}: g shape`);
        assert.ok(got.state.g!.unit.equals(nS), `${what}: g unit ${got.state.g!.unit}`);
        assert.ok(got.state.h!.unit.equals(mVnS), `${what}: h unit ${got.state.h!.unit}`);
        assert.is(got.state.g!.dtype, dtype);
        // per-output bounds from each output's own terms, step by step (stepBounds)
        const per = inShape.reduce((a, b) => a * b, 1);
        const vs = Array.from({ length: r.k }, (_, t) => v.slice(t * per, (t + 1) * per).map(Math.fround));
        const { abs, count } = cellsOf(r.c, r.transposed);
        const gB = stepBounds(backend, dtype, 0.9, g0, vs.map((x) => ({ values: x.map((e) => (e > 0 ? 1 : 0)), shape: inShape })), abs, count, M.shape, side, accumulated);
        const hB = stepBounds(backend, dtype, 0.5, g0.map(() => 0), vs.map((x) => ({ values: x, shape: inShape })), abs, count, M.shape, side, accumulated);
        const ulp = dtype === 'float64' && capabilities(backend).dtypes.includes('float64') ? ulp64 : ulp32;
        assertWithin(got.state.g!.dataSync(), want.state.g!, gB.state, `${what}: g`, ulp, `[${backend}] g ${dtype}`);
        assertWithin(got.state.h!.dataSync(), want.state.h!, hB.state, `${what}: h`, ulp, `[${backend}] h ${dtype}`);
        if (r.records === 'all') {
          assert.equal([...got.records.ev!.shape], [r.k, ...outShape], `${what}: recorded events shape`);
          assert.ok(got.records.ev!.unit.equals(nS), `${what}: recorded product unit`);
          // both sides compute each step's product afresh from the same operands: twice one product's bound
          assertWithin(got.records.ev!.dataSync(), want.records.ev!, gB.record.map((b) => 2 * b), `${what}: recorded event products`, ulp, `[${backend}] recorded ev ${dtype}`);
        }
        if (r.records !== 'none') assert.equal(Array.from(got.records.count!.dataSync()), want.records.count, `${what}: spike counts`);
      }), OPTS);
    });
  }
}

forEachBackend(test, 'one step using a CSR on the left, its CSC on the right and a COO transpose agrees with stepping by hand', async () => {
  const cases = sparseCase({ long: false, float64: false }).chain((c) =>
    fc.record({ c: fc.constant(c), k: fc.integer({ min: 1, max: 5 }), pre: floats(6 * c.rows), post: floats(6 * c.cols), a0: floats(c.cols), b0: floats(c.rows) }));
  await fc.assert(fc.asyncProperty(cases, async ({ c, k, pre, post, a0, b0 }) => {
    const R = buildMatrix(c, 'csr', 'nS') as ef.CSR;
    const C = R.tocsc();
    const OT = (buildMatrix(c, 'coo', 'nS') as ef.COO).transpose();
    const step: StepFn = (s, i) => {
      const preSpikes = i.pre!.greater(th);
      const postSpikes = i.post!.greater(th);
      return {
        // a[cols] gets pre @ R and post-side feedback OT @ ... ; b[rows] gets C @ post
        a: s.a!.mul(0.8).add(ef.matmul(preSpikes, R)).add(ef.matmul(OT, preSpikes)),
        b: s.b!.mul(0.8).add(ef.matmul(C, postSpikes)).sub(ef.matmul(postSpikes, OT)),
      };
    };
    const init = { a: ef.array(a0, 'nS'), b: ef.array(b0, 'nS') };
    const inputs = { pre: ef.array(pre, 'mV', { shape: [6, c.rows] }), post: ef.array(post, 'mV', { shape: [6, c.cols] }) };
    const want = stepByHand(step, init, k, inputs);
    const got = await ef.compile(step).run(init, { steps: k, inputs });
    const scale = 1 + 40 * Math.max(1, oracleAbs(c).reduce((x, y) => x + y, 0));
    assertAllClose(got.state.a!.dataSync(), want.state.a!, RTOL, 'a', RTOL * scale);
    assertAllClose(got.state.b!.dataSync(), want.state.b!, RTOL, 'b', RTOL * scale);
  }), OPTS);
});

forEachBackend(test, 'weights from the state (per entry or shared; withData, or a COO with duplicates built inside the step) equal stepping by hand', async () => {
  const cases = sparseCase({ long: false, float64: false, lazy: false }).chain((c) =>
    fc.record({
      c: fc.constant(c),
      fmt: fc.constantFrom(...SPARSE_FORMATS),
      how: fc.constantFrom('withData', 'coo in step'),
      shared: fc.boolean(),
      k: fc.integer({ min: 1, max: 5 }),
      pre: floats(5 * c.rows),
      w0: floats(c.row.length),
      g0: floats(c.cols),
    }));
  await fc.assert(fc.asyncProperty(cases, async ({ c, fmt, how, shared, k, pre, w0, g0 }) => {
    const W = buildMatrix(c, fmt, 'nS') as AnySparse;
    const inStep = how === 'coo in step';
    const nnz = inStep ? c.row.length : W.nnz;
    const step: StepFn = (s, i) => {
      const M = inStep ? ef.coo({ row: c.row, col: c.col, data: s.w!, shape: [c.rows, c.cols] }) : W.withData(s.w!);
      const spikes = i.pre!.greater(th);
      return {
        g: s.g!.mul(0.9).add(ef.matmul(spikes, M)).add(ef.matmul(M.transpose(), spikes).sum().mul(0.01)),
        w: s.w!.mul(0.5).add(ef.scalar(1, 'nS')),
      };
    };
    const w = shared ? ef.scalar(w0[0] ?? 0.5, 'nS') : ef.array(w0.slice(0, nnz), 'nS', { shape: [nnz] });
    const init = { g: ef.array(g0, 'nS'), w };
    const inputs = { pre: ef.array(pre, 'mV', { shape: [5, c.rows] }) };
    const want = stepByHand(step, init, k, inputs);
    const got = await ef.compile(step).run(init, { steps: k, inputs });
    const scale = 1 + 40 * Math.max(1, oracleAbs(c).reduce((x, y) => x + y, 0), 8 * c.row.length);
    assertAllClose(got.state.w!.dataSync(), want.state.w!, RTOL, 'w', RTOL);
    assertAllClose(got.state.g!.dataSync(), want.state.g!, RTOL, `g (${fmt}, ${how}, ${shared ? 'shared' : 'per entry'})`, RTOL * scale);
  }), OPTS);
});

test.run();
