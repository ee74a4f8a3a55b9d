/**
 * Fixed-number connectivity (ef.fixedPostNum / ef.fixedPreNum), on every backend: products
 * (floats and events, vectors and batches, both sides, the transpose too) against dense math
 * on the materialized todense() matrix, which itself must equal the matrix built here from
 * the table and the values; exactly `num` entries per row (column); user-given tables;
 * inherited conversions and scaling; the matrices of the edge cases the argument checks
 * accept. Sampling (determinism, stream independence, uniformity) and every error, which need
 * no backend: test/api/fixed.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { operand as anyOperand, transposeDense, type OperandCase } from '../arbitraries/sparse.js';
import type { Dense } from '../helpers/oracle.js';
import { checkProduct, withOperands } from '../helpers/products.js';
import { RUN_OPTS, expectDense, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';
import { build, checkTable, construct, fixedCase, fromTable, lines, type Fixed } from '../arbitraries/fixed.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(40), includeErrorInReport: true };
const nS = ef.Unit.of('nS');

/** Product operands; float operands are float32 arrays, so the oracle sees their float32 values. */
const operand = (n: number, side: 'left' | 'right'): fc.Arbitrary<OperandCase> =>
  anyOperand(n, side).map((x) => (x.kind === 'float' ? { ...x, values: x.values.map(Math.fround) } : x));

/** The materialized todense() as a Dense record. */
const materialized = (M: Fixed): Dense => ({ values: Array.from(M.todense().data.dataSync()), shape: [...M.shape], dtype: M.dtype as Dense['dtype'] });

// ------------------------------------------------------------------ products

forEachBackend(test, 'todense() is the matrix of the table and values; x @ M and M @ x (floats, events; vectors, batches) match dense math on it', (backend) => {
  fc.assert(fc.property(fixedCase.chain((c) => withOperands(c, operand)), ({ c, left, right }) => {
    const M = build(c);
    assert.is(M.format, c.kind === 'post' ? 'fixedPostNum' : 'fixedPreNum');
    assert.is(M.num, c.num);
    const { m, abs } = fromTable(c.kind, c.rows, c.cols, c.num, M.table(), c.values, c.dtype);
    expectDense(backend, M.todense().data, m, `todense of ${M}`, Math.max(1, ...abs));
    assert.ok(M.todense().unit.equals(nS), 'todense unit');
    const dense = materialized(M);
    checkProduct(backend, M, dense, abs, left, 'left', String(M));
    checkProduct(backend, M, dense, abs, right, 'right', String(M));
  }), OPTS);
});

forEachBackend(test, 'products with M.transpose() match dense math on the transposed matrix', (backend) => {
  fc.assert(fc.property(fixedCase.chain((c) => withOperands(c, operand)), ({ c, tLeft, tRight }) => {
    const M = build(c);
    const T = M.transpose();
    assert.equal([...T.shape], [c.cols, c.rows], 'transpose shape');
    const dense = transposeDense(materialized(M));
    const { m, abs: mAbs } = fromTable(c.kind, c.rows, c.cols, c.num, M.table(), c.values, c.dtype);
    const abs = transposeDense({ ...m, values: mAbs }).values;
    expectDense(backend, T.todense().data, dense, `todense of ${T}`);
    checkProduct(backend, T, dense, abs, tLeft, 'left', `${M}ᵀ`);
    checkProduct(backend, T, dense, abs, tRight, 'right', `${M}ᵀ`);
  }), OPTS);
});

forEachBackend(test, 'conversions, withData, mul / div / neg keep the matrix (and the class where the structure is kept)', (backend) => {
  fc.assert(fc.property(fixedCase, fc.integer({ min: 1, max: 8 }).map((k) => k / 4), (c, s) => {
    const M = build(c);
    const dense = materialized(M);
    const cls = c.kind === 'post' ? ef.FixedPostNum : ef.FixedPreNum;
    for (const [name, X] of [['tocsr', M.tocsr()], ['tocsc', M.tocsc()], ['tocoo', M.tocoo()]] as const) {
      assert.is(X.nnz, M.nnz, `${name}: nnz`);
      expectDense(backend, X.todense().data, dense, `${M}.${name}()`);
    }
    for (const [name, X, f] of [['mul', M.mul(s), s], ['div', M.div(s), 1 / s], ['neg', M.neg(), -1]] as const) {
      assert.ok(X instanceof cls, `${name}: class ${X.constructor.name}`);
      assert.is(X.num, c.num, `${name}: num`);
      assert.equal(Array.from(X.table()), Array.from(M.table()), `${name}: table`);
      expectDense(backend, X.todense().data, { ...dense, values: dense.values.map((v) => v * f) }, `${M}.${name}`);
    }
    const ones = new Array<number>(M.nnz).fill(1);
    const W = M.withData(ones, 'uS');
    assert.ok(W instanceof cls && W.num === c.num, 'withData: class and num');
    assert.ok(W.unit.equals(ef.Unit.of('uS')), 'withData: unit');
    const counts = fromTable(c.kind, c.rows, c.cols, c.num, M.table(), ones, c.dtype).m;
    expectDense(backend, W.todense().data, counts, 'withData(ones): entry counts');
    const shared = M.withData(2);
    assert.ok(shared instanceof cls && shared.data.ndim === 0, 'withData(number): shared weight');
  }), { ...OPTS, numRuns: runs(25) });
});

forEachBackend(test, 'a FixedPostNum works inside a compiled step (event product accumulated over steps)', async () => {
  const W = ef.fixedPostNum({ shape: [3, 5], num: 2, indices: [[0, 4], [1, 4], [2, 3]], data: [1, 2, 3, 4, 5, 6] }, 'nS');
  const th = ef.scalar(-50, 'mV');
  const runner = ef.compile((s) => ({ v: s.v!, g: s.g!.add(ef.matmul(s.v!.greater(th), W)) }));
  const { state } = await runner.run({ v: ef.array([-40, -70, -45], 'mV'), g: ef.zeros([5], 'nS') }, { steps: 2 });
  assert.equal(Array.from(state.g.dataSync()), [2, 0, 10, 12, 4]);
});

// ------------------------------------------------------------------ structure and sampling

forEachBackend(test, 'every row (column) holds exactly num entries; distinct without allowDuplicates; sorted', () => {
  fc.assert(fc.property(fixedCase, (c) => checkTable(build(c), c, true)), { ...RUN_OPTS, numRuns: runs(100) });
});

// ------------------------------------------------------------------ user-given tables

forEachBackend(test, 'user tables: nested and flat forms round trip (order kept, data in table order); duplicates add up with allowDuplicates', () => {
  const nested = [[3, 0], [1, 2], [4, 4]];
  const flat = nested.flat();
  const post = ef.fixedPostNum({ shape: [3, 5], indices: nested, data: [1, 2, 3, 4, 5, 6], allowDuplicates: true }, 'nS');
  assert.equal(Array.from(post.table()), flat);
  assert.is(post.num, 2);
  assert.equal(Array.from(post.todense().data.dataSync()), [2, 0, 0, 1, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0, 11]);
  const viaFlat = ef.fixedPostNum({ shape: [3, 5], indices: Int32Array.from(flat), num: 2, data: [1, 2, 3, 4, 5, 6], allowDuplicates: true }, 'nS');
  assert.equal(Array.from(viaFlat.table()), flat);
  const pre = ef.fixedPreNum({ shape: [5, 3], indices: nested, weight: 0.5, allowDuplicates: true }, 'nS');
  assert.equal(Array.from(pre.table()), flat);
  assert.equal(Array.from(pre.todense().data.dataSync()), Array.from(post.withData(0.5).transpose().todense().data.dataSync()));
  // empty tables
  assert.is(ef.fixedPostNum({ shape: [0, 4], indices: [], weight: 1 }).num, 0);
  assert.is(ef.fixedPostNum({ shape: [0, 4], indices: [], num: 3, weight: 1 }).num, 3);
  assert.is(ef.fixedPreNum({ shape: [4, 2], indices: [[], []], weight: 1 }).nnz, 0);
  assert.is(ef.fixedPostNum({ shape: [2, 4], indices: [], num: 0, weight: 1 }).nnz, 0);
});

forEachBackend(test, 'user tables: a sampled table given back as indices builds the same matrix', () => {
  fc.assert(fc.property(fixedCase, (c) => {
    const M = build(c);
    const n = lines(c);
    const t = M.table();
    const rowsOf = Array.from({ length: n }, (_, a) => Array.from(t.subarray(a * c.num, (a + 1) * c.num)));
    const again = construct(c.kind)({ shape: [c.rows, c.cols], indices: rowsOf, num: n === 0 ? c.num : undefined, data: M.data, allowDuplicates: c.allowDuplicates });
    assert.equal(Array.from(again.table()), Array.from(t));
    assert.is(again.num, c.num);
    assert.equal(Array.from(again.todense().data.dataSync()), Array.from(M.todense().data.dataSync()));
  }), { ...RUN_OPTS, numRuns: runs(60) });
});

// ------------------------------------------------------------------ edge cases the argument checks accept (test/api/fixed.test.ts)

forEachBackend(test, 'what the argument checks accept builds the matrix its table describes: num past the columns with duplicates, the largest seed, a user table with duplicates', (backend) => {
  const ok = { shape: [4, 5], num: 2, seed: 1, weight: 1 };
  const ones = (n: number): number[] => new Array<number>(n).fill(1);
  // num 6 from 5 columns: duplicates add up, so every row of todense() sums to 6
  const dup = ef.fixedPostNum({ ...ok, num: 6, allowDuplicates: true });
  const dupDense = fromTable('post', 4, 5, 6, dup.table(), ones(24), 'float32').m;
  expectDense(backend, dup.todense().data, dupDense, 'num 6 of 5 columns with duplicates');
  assert.equal(Array.from(dup.todense().data.sum(1).dataSync()), [6, 6, 6, 6], 'row sums');
  // the largest seed samples a table like any other: its dense matrix has two ones per row
  const top = ef.fixedPostNum({ ...ok, seed: 2 ** 32 - 1 });
  expectDense(backend, top.todense().data, fromTable('post', 4, 5, 2, top.table(), ones(8), 'float32').m, 'seed 2^32 - 1');
  assert.equal(Array.from(top.todense().data.sum(1).dataSync()), [2, 2, 2, 2], 'row sums');
  // a user table with a row drawn twice (column 2 holds row 2 twice): that entry is 2
  const pre = ef.fixedPreNum({ shape: [3, 4], weight: 1, indices: [[0, 2], [1, 0], [2, 2], [0, 1]], allowDuplicates: true });
  expectDense(backend, pre.todense().data, { values: [1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 2, 0], shape: [3, 4], dtype: 'float32' }, 'user table with duplicates');
});

test.run();
