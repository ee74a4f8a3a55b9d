/**
 * Eligibility traces (ef.plasticity.eligibility), on every backend:
 * 1. for dense, COO (merged or with duplicates), CSR, CSC, fixedPostNum and fixedPreNum and
 *    the transpose of each, float pre (every entry) and bool pre (ef.binary or a comparison:
 *    decay pass, then active rows), post in nS or pS (converted), decay as a number or a
 *    0-d array: every stored entry equals the float64 model e·decay + pre_i·post_j restricted
 *    to the stored pattern, entry by entry and through todense(); structure, format, unit
 *    kept; the original unchanged;
 * 2. in a compiled runner (pre events from a comparison: the loop's active list; or float pre
 *    from the inputs), k steps equal stepping by hand on the reference backend, the traces
 *    updated in place, and a product of the same step reads the old traces.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, PlasticMatrix, StepFn } from '../../src/index.js';
import { weight } from '../arbitraries/sparse.js';
import { stepByHand } from '../compile/models.js';
import { runs, tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { KINDS, entriesOf, matrixOf, type Entries, type Kind } from '../helpers/plastic.js';
import { RUN_OPTS, expectDense, forEachBackend } from '../helpers/suite.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(40), includeErrorInReport: true };
const RUNNER_OPTS = { ...RUN_OPTS, numRuns: runs(20), includeErrorInReport: true };
const nS = ef.Unit.of('nS');
const th = ef.scalar(0, 'mV');

/** The model: every stored entry p = (i, j) becomes w·decay + pre_i·post_j (float64). */
const model = (e: Entries, w: readonly number[], decay: number, pre: readonly number[], post: readonly number[]): number[] =>
  w.map((v, p) => v * decay + pre[e.r[p]!]! * post[e.c[p]!]!);

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

type PreSpelling = 'float' | 'binary' | 'comparison';
const preOf = (values: readonly number[], bits: readonly number[], how: PreSpelling): { x: LazyArray; held: number[] } => {
  if (how === 'float') return { x: ef.array([...values], '1', { shape: [values.length] }), held: values.map(Math.fround) };
  const x = how === 'binary' ? ef.binary([...bits], [bits.length]) : ef.array([...bits], '1', { shape: [bits.length] }).greater(0.5);
  return { x, held: [...bits] };
};

interface EagerCase {
  readonly M: PlasticMatrix;
  readonly how: PreSpelling;
  readonly preValues: number[];
  readonly bits: number[];
  readonly post: number[];
  readonly postUnit: 'nS' | 'pS';
  readonly decay: number;
  readonly decayArray: boolean;
}

const eagerCase = (kind: Kind): fc.Arbitrary<EagerCase> =>
  matrixOf(kind, false).chain((M) => {
    const [rows, cols] = M.shape;
    return fc.record({
      M: fc.constant(M),
      how: fc.constantFrom<PreSpelling>('float', 'binary', 'comparison'),
      preValues: fc.array(weight, { minLength: rows, maxLength: rows }),
      bits: fc.oneof(fc.constant(new Array<number>(rows).fill(0)), fc.array(fc.constantFrom(0, 1), { minLength: rows, maxLength: rows })),
      post: fc.array(weight, { minLength: cols, maxLength: cols }),
      postUnit: fc.constantFrom<'nS' | 'pS'>('nS', 'pS'),
      decay: fc.oneof(fc.constantFrom(0, 1, 0.5), fc.float({ min: 0, max: 1, noNaN: true }).map(Math.fround)),
      decayArray: fc.boolean(),
    });
  });

// ------------------------------------------------------------------ 1: eager

for (const kind of KINDS) {
  forEachBackend(test, `${kind} (and its transpose): eligibility equals e·decay + pre·post on the stored entries (float and event pre)`, (backend) => {
    fc.assert(fc.property(eagerCase(kind), (c) => {
      const { M } = c;
      const before = entriesOf(M);
      const denseBefore = M.todense().data.dataSync().slice();
      const { x, held } = preOf(c.preValues, c.bits, c.how);
      const scale = c.postUnit === 'pS' ? 1e-3 : 1;
      const postGiven = c.post.map((v) => v / scale);
      const y = ef.array(postGiven, c.postUnit, { shape: [postGiven.length] });
      const decay = c.decayArray ? ef.scalar(c.decay) : c.decay;
      const R = ef.plasticity.eligibility(M, x, y, { decay });
      const what = `[${backend}] ${String(M)} ${c.how} pre, post in ${c.postUnit}, decay ${c.decay}${c.decayArray ? ' (0-d array)' : ''}`;
      assert.is(R.format, M.format, `${what}: format`);
      assert.ok(R.unit.equals(nS), `${what}: unit`);
      assert.equal(R.shape, M.shape, `${what}: shape`);
      const postNS = postGiven.map((v) => Math.fround(v) * scale);
      const want = model(before, before.w, c.decay, held, postNS);
      const got = entriesOf(R).w;
      const tol = tolerance(backend, M.dtype) * 4;
      const mag = Math.max(1, ...want.map(Math.abs));
      // A float32 post given in pS is converted to nS: the cpu stores that operand as float32
      // (one more rounding, 2^-24 relative, of each pre·post term), the reference keeps float64.
      const conversion = scale === 1 ? 0 : 2 ** -24 * Math.max(0, ...held.map(Math.abs)) * Math.max(0, ...postNS.map(Math.abs));
      assertAllClose(got, want, tol, `${what}: entries`, tol * mag + conversion);
      if (M instanceof ef.DenseMatrix) assert.equal(got.length, M.shape[0] * M.shape[1]);
      // the original is unchanged
      assert.ok(bitsEqual(M.todense().data.dataSync(), denseBefore), `${what}: original unchanged`);
    }), OPTS);
  });
}

forEachBackend(test, 'duplicates are traced one by one; unstored entries never appear; pre·post in nS·mV units onto traces in pS·V', (backend) => {
  // CSR rows: row 0 holds (0,1) twice; row 1 holds (1,0)
  const E = ef.csr({ indptr: [0, 2, 3], indices: [1, 1, 0], data: [1, 2, 4], shape: [2, 2] }, 'pS*V');
  const A = ef.plasticity.eligibility(E, ef.array([2, 3], 'mV'), ef.array([0.5, 0.25], 'nS'), { decay: ef.scalar(0.5) });
  // mV·nS = pS·V: entries 1·0.5 + 2·0.25 = 1, 2·0.5 + 0.5 = 1.5, 4·0.5 + 3·0.5 = 3.5
  expectDense(backend, A.data, { values: [1, 1.5, 3.5], shape: [3], dtype: 'float32' }, 'float pre');
  expectDense(backend, A.todense().data, { values: [0, 2.5, 3.5, 0], shape: [2, 2], dtype: 'float32' }, 'dense');
  const B = ef.plasticity.eligibility(E.tocsc(), ef.binary([0, 1]), ef.array([0.5, 0.25], 'nS*mV'), { decay: 0.5 });
  // only row 1 adds post: CSC order (1,0), (0,1), (0,1)
  expectDense(backend, B.data, { values: [2.5, 0.5, 1], shape: [3], dtype: 'float32' }, 'event pre on CSC');
});

// ------------------------------------------------------------------ 2: compiled runners

interface RunCase {
  readonly M: PlasticMatrix;
  readonly events: boolean;
  readonly k: number;
  readonly decay: number;
  readonly v: number[];
  readonly post: number[];
}

const runCase = (kind: Kind): fc.Arbitrary<RunCase> =>
  fc.tuple(matrixOf(kind, false), fc.boolean(), fc.integer({ min: 1, max: 4 })).chain(([M, events, k]) => {
    const [rows, cols] = M.shape;
    return fc.record({
      M: fc.constant(M),
      events: fc.constant(events),
      k: fc.constant(k),
      decay: fc.constantFrom(0.5, 0.9, 1),
      v: fc.array(weight, { minLength: k * rows, maxLength: k * rows }),
      post: fc.array(weight, { minLength: k * cols, maxLength: k * cols }),
    });
  });

async function checkRun(backend: string, r: RunCase): Promise<void> {
  const { M, k } = r;
  const [rows, cols] = M.shape;
  const e = entriesOf(M);
  const wShape = M instanceof ef.DenseMatrix ? [rows, cols] : [M.nnz];
  const step: StepFn = (s, i) => {
    const pre = r.events ? i.v!.greater(th) : i.v!.div(ef.scalar(1, 'mV'));
    const E = 'withData' in M && !(M instanceof ef.DenseMatrix) ? M.withData(s.e!) : ef.dense(s.e!);
    // a product of the old traces in the same step, ordered before the in-place update
    const g = s.g!.add(ef.matmul(ef.ones([rows]), E));
    return { e: ef.plasticity.eligibility(E, pre, i.y!, { decay: r.decay }).data, g };
  };
  const init = { e: ef.array(e.w, 'nS', { shape: wShape }), g: ef.zeros([cols], 'nS') };
  const inputs = { v: ef.array(r.v, 'mV', { shape: [k, rows] }), y: ef.array(r.post, 'nS', { shape: [k, cols] }) };
  const want = stepByHand(step, init, k, inputs);
  const runner = ef.compile(step);
  const got = await runner.run(init, { steps: k, inputs });
  const what = `[${backend}] ${String(M)} ${r.events ? 'event' : 'float'} pre, decay ${r.decay}, ${k} steps`;
  const tol = tolerance(backend, 'float32') * 8;
  const mag = 1 + 20 * k;
  assertAllClose(got.state.e!.dataSync(), want.state.e!, tol, `${what}: e`, tol * mag);
  assertAllClose(got.state.g!.dataSync(), want.state.g!, tol, `${what}: g`, tol * mag * (1 + e.w.length));
  assert.match(runner.explain(), /state updated in place \(one buffer, no copy\): [^\n]*\be\b/, `${what}: in place`);
}

for (const kind of KINDS) {
  forEachBackend(test, `${kind} (and its transpose) in a compiled step: eligibility over k steps equals stepping by hand, traces in place`, async (backend) => {
    await fc.assert(fc.asyncProperty(runCase(kind), (r) => checkRun(backend, r)), RUNNER_OPTS);
  });
}

forEachBackend(test, 'a compiled CSR step with event pre: only active rows add post, every entry decays', async (backend) => {
  const E = ef.csr({ indptr: [0, 2, 3], indices: [0, 2, 1], data: [1, 2, 4], shape: [2, 3] }, 'nS');
  const y = ef.array([1, 2, 3], 'nS');
  const runner = ef.compile((s) => ({ e: ef.plasticity.eligibility(E.withData(s.e!), s.v!.greater(th), y, { decay: 0.5 }).data, v: s.v! }));
  const init = { e: E.data, v: ef.array([1, -1], 'mV') };
  // [1, 2, 4] -> [1.5, 4, 2] -> [1.75, 5, 1]
  expectDense(backend, (await runner.run(init, { steps: 2 })).state.e!, { values: [1.75, 5, 1], shape: [3], dtype: 'float32' }, 'e');
});

test.run();
