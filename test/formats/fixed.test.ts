/**
 * Fixed-number connectivity (ef.fixedPostNum / ef.fixedPreNum), on every backend: products
 * (floats and events, vectors and batches, both sides, the transpose too) against dense math
 * on the materialized todense() matrix, which itself must equal the matrix built here from
 * the table and the values; exactly `num` entries per row (column); distinct, sorted targets
 * without duplicates; determinism and stream independence of the sampling; uniformity
 * (chi-square); user-given tables; inherited conversions and scaling; every error.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { FixedPostNum, FixedPreNum, LazyArray } from '../../src/index.js';
import { scale48, below } from '../../src/formats/fixed/sample.js';
import { operand as anyOperand, transposeDense, type OperandCase } from '../arbitraries/sparse.js';
import type { Dense } from '../helpers/oracle.js';
import { checkProduct, withOperands } from '../helpers/products.js';
import { RUN_OPTS, expectDense, expectError, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(40), includeErrorInReport: true };
const nS = ef.Unit.of('nS');

type Kind = 'post' | 'pre';
type Fixed = FixedPostNum | FixedPreNum;

interface FixedCase {
  readonly kind: Kind;
  readonly rows: number;
  readonly cols: number;
  readonly num: number;
  readonly seed: number;
  readonly allowDuplicates: boolean;
  readonly dtype: 'float32' | 'float64';
  /** How values are given: a shared number, a shared 0-d array, per-entry numbers, a per-entry lazy array. */
  readonly dataKind: 'weight' | 'weightArray' | 'numbers' | 'lazy';
  /** Per-entry values in table order as stored (rounded to dtype; all the shared weight for the shared kinds). */
  readonly values: number[];
}

const lines = (c: { kind: Kind; rows: number; cols: number }): number => (c.kind === 'post' ? c.rows : c.cols);
const others = (c: { kind: Kind; rows: number; cols: number }): number => (c.kind === 'post' ? c.cols : c.rows);
const construct = (kind: Kind) => (kind === 'post' ? ef.fixedPostNum : ef.fixedPreNum);

/** Values in [-4, 4]: quarter steps (0 included), float32 and float64 numbers (stored rounded to the dtype). */
const value: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -16, max: 16 }).map((n) => n / 4),
  fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -4, max: 4, noNaN: true }),
).map((v) => (Object.is(v, -0) ? 0 : v));

/** Product operands; float operands are float32 arrays, so the oracle sees their float32 values. */
const operand = (n: number, side: 'left' | 'right'): fc.Arbitrary<OperandCase> =>
  anyOperand(n, side).map((x) => (x.kind === 'float' ? { ...x, values: x.values.map(Math.fround) } : x));

const dim = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 8 }) });
const seedArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 32 - 1) });

/** A shape, a num from 0 to its maximum (edges favoured), a seed and the values. */
const fixedCase: fc.Arbitrary<FixedCase> = fc
  .record({ kind: fc.constantFrom<Kind>('post', 'pre'), rows: dim, cols: dim, allowDuplicates: fc.boolean(), seed: seedArb })
  .chain((s) => {
    const m = others(s);
    const max = s.allowDuplicates ? (m === 0 ? 0 : 10) : m;
    const num = fc.oneof(fc.constant(0), fc.constant(max), fc.integer({ min: 0, max }));
    return fc.record({ s: fc.constant(s), num });
  })
  .chain(({ s, num }) => {
    const nnz = lines(s) * num;
    return fc
      .record({
        dtype: fc.oneof({ weight: 4, arbitrary: fc.constant('float32' as const) }, { weight: 1, arbitrary: fc.constant('float64' as const) }),
        dataKind: fc.constantFrom('weight', 'weightArray', 'numbers', 'lazy') as fc.Arbitrary<FixedCase['dataKind']>,
        w: value,
        values: fc.array(value, { minLength: nnz, maxLength: nnz }),
      })
      .map(({ dtype, dataKind, w, values }) => {
        const store = dtype === 'float32' ? Math.fround : (v: number) => v;
        return { ...s, num, dtype, dataKind, values: (dataKind === 'weight' || dataKind === 'weightArray' ? values.map(() => w) : values).map(store) };
      });
  });

/** The matrix of a case, values in nS. */
function build(c: FixedCase): Fixed {
  const base = { shape: [c.rows, c.cols], num: c.num, seed: c.seed, allowDuplicates: c.allowDuplicates, dtype: c.dtype };
  const w = c.values[0] ?? 1;
  switch (c.dataKind) {
    case 'weight':
      return construct(c.kind)({ ...base, weight: w }, 'nS');
    case 'weightArray':
      return construct(c.kind)({ ...base, weight: ef.scalar(w, 'nS', c.dtype) });
    case 'numbers':
      return construct(c.kind)({ ...base, data: c.values }, 'nS');
    case 'lazy':
      // a computed (non-constant) array: conversions take their lazy paths
      return construct(c.kind)({ ...base, data: ef.array(c.values, 'nS', { dtype: c.dtype }).neg().neg() });
  }
}

/** The dense matrix from a table and values (float64, duplicates add), and Σ|value| per cell. */
function fromTable(kind: Kind, rows: number, cols: number, num: number, table: Int32Array, values: readonly number[], dtype: Dense['dtype']): { m: Dense; abs: number[] } {
  const out = new Array<number>(rows * cols).fill(0);
  const abs = new Array<number>(rows * cols).fill(0);
  table.forEach((t, p) => {
    const a = Math.floor(p / num);
    const cell = kind === 'post' ? a * cols + t : t * cols + a;
    out[cell]! += values[p]!;
    abs[cell]! += Math.abs(values[p]!);
  });
  return { m: { values: out, shape: [rows, cols], dtype }, abs };
}


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

/** Every line holds `num` in-range targets; without duplicates they are distinct; sampled lines are sorted. */
function checkTable(M: Fixed, c: { kind: Kind; rows: number; cols: number; num: number; allowDuplicates: boolean }, sorted: boolean): void {
  const t = M.table();
  const n = lines(c);
  assert.is(t.length, n * c.num, 'table length');
  assert.is(M.nnz, n * c.num, 'nnz');
  const ptr = c.kind === 'post' ? M.tocsr().indptr : M.tocsc().indptr;
  for (let a = 0; a < n; a++) {
    assert.is(ptr[a + 1]! - ptr[a]!, c.num, `line ${a}: entries`);
    const line = Array.from(t.subarray(a * c.num, (a + 1) * c.num));
    for (const v of line) assert.ok(v >= 0 && v < others(c), `line ${a}: ${v} in range`);
    if (sorted) assert.ok(line.every((v, k) => k === 0 || line[k - 1]! <= v), `line ${a} sorted: ${line}`);
    if (!c.allowDuplicates) assert.is(new Set(line).size, c.num, `line ${a} has no duplicates: ${line}`);
  }
}

forEachBackend(test, 'every row (column) holds exactly num entries; distinct without allowDuplicates; sorted', () => {
  fc.assert(fc.property(fixedCase, (c) => checkTable(build(c), c, true)), { ...RUN_OPTS, numRuns: runs(100) });
});

/** log of the number of possible tables, to ask for different tables only when collisions are negligible. */
function logRoom(m: number, num: number, n: number, dup: boolean): number {
  if (dup) return n * num * Math.log(m);
  let l = 0;
  for (let k = 0; k < num; k++) l += Math.log(m - k) - Math.log(k + 1);
  return n * l;
}

test('sampling: same seed gives the same table; different seeds different tables (with room); lines do not depend on each other', () => {
  const cases = fc.record({
    kind: fc.constantFrom<Kind>('post', 'pre'), rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 12 }),
    allowDuplicates: fc.boolean(), seed: seedArb, other: seedArb, extra: fc.integer({ min: 0, max: 4 }),
  }).chain((s) => fc.record({ s: fc.constant(s), num: fc.integer({ min: 0, max: s.allowDuplicates ? 10 : others(s) }) }));
  fc.assert(fc.property(cases, ({ s, num }) => {
    const make = (seed: number, rows = s.rows, cols = s.cols) =>
      construct(s.kind)({ shape: [rows, cols], num, seed, allowDuplicates: s.allowDuplicates, weight: 1 }).table();
    const a = make(s.seed);
    assert.equal(Array.from(make(s.seed)), Array.from(a), 'same seed, same table');
    if (s.other !== s.seed && logRoom(others(s), num, lines(s), s.allowDuplicates) > Math.log(1e9)) {
      assert.not.equal(Array.from(make(s.other)), Array.from(a), `seeds ${s.seed} and ${s.other} gave the same table`);
    }
    // more lines: the first ones are unchanged (line a is stream a, whatever the number of lines)
    const more = s.kind === 'post' ? make(s.seed, s.rows + s.extra) : make(s.seed, s.rows, s.cols + s.extra);
    assert.equal(Array.from(more.subarray(0, a.length)), Array.from(a), 'a prefix of lines is independent of the line count');
  }), { ...RUN_OPTS, numRuns: runs(100) });
});

test('transpose: FixedPostNum [m, n] ⟷ FixedPreNum [n, m] on the same arrays; fixedPreNum samples like a transposed fixedPostNum', () => {
  fc.assert(fc.property(fixedCase, (c) => {
    const M = build(c);
    const T = M.transpose();
    assert.ok(T instanceof (c.kind === 'post' ? ef.FixedPreNum : ef.FixedPostNum), `transpose class ${T.constructor.name}`);
    assert.is(T.num, M.num);
    assert.equal(Array.from(T.table()), Array.from(M.table()), 'same table');
    assert.ok(T.structure.idx === M.structure.idx && T.structure.ptr === M.structure.ptr && T.data === M.data, 'same arrays (O(1))');
    const back = T.transpose();
    assert.ok(back instanceof M.constructor && back.shape[0] === c.rows && back.shape[1] === c.cols, 'transpose twice');
    const swapped = construct(c.kind === 'post' ? 'pre' : 'post')({ shape: [c.cols, c.rows], num: c.num, seed: c.seed, allowDuplicates: c.allowDuplicates, weight: 1 });
    assert.equal(Array.from(swapped.table()), Array.from(M.table()), 'the other class with the swapped shape samples the same table');
  }), { ...RUN_OPTS, numRuns: runs(100) });
});

/** Pearson's statistic Σ (O - E)² / V over the cells. */
const chiSquare = (counts: readonly number[], expected: number, variance: number): number =>
  counts.reduce((s, o) => s + (o - expected) ** 2 / variance, 0);

// Bounds for χ² with 49 degrees of freedom (50 columns, the total fixed): the 0.1% and 99.9%
// quantiles, 23.98 and 85.35 (Wilson–Hilferty). The seeds are fixed, so this is deterministic.
const CHI49 = [23.98, 85.35] as const;

test('statistics: 2000 rows of num = 10 from 50 columns spread uniformly over the columns (χ², 49 dof, p in [0.001, 0.999])', () => {
  for (const kind of ['post', 'pre'] as const) {
    for (const allowDuplicates of [false, true]) {
      const shape = kind === 'post' ? [2000, 50] : [50, 2000];
      const t = construct(kind)({ shape, num: 10, seed: 12345, allowDuplicates, weight: 1 }).table();
      const counts = new Array<number>(50).fill(0);
      for (const v of t) counts[v]!++;
      // Without duplicates a column is a sum of 2000 independent Bernoulli(1/5): variance 2000·0.2·0.8;
      // with them, multinomial counts of 20000 draws: Pearson's variance is the mean, 400.
      const x2 = chiSquare(counts, 400, allowDuplicates ? 400 : 2000 * 0.2 * 0.8);
      assert.ok(x2 > CHI49[0] && x2 < CHI49[1], `${kind} allowDuplicates=${allowDuplicates}: χ² = ${x2.toFixed(2)}, expected in (${CHI49.join(', ')})`);
    }
  }
});

test('statistics: each of the 10 subsets of 2 out of 5 is equally likely (χ², 9 dof, below the 99.9% quantile 27.88)', () => {
  const rows = 5000;
  const t = ef.fixedPostNum({ shape: [rows, 5], num: 2, seed: 7, weight: 1 }).table();
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) counts.set(`${t[2 * i]},${t[2 * i + 1]}`, (counts.get(`${t[2 * i]},${t[2 * i + 1]}`) ?? 0) + 1);
  assert.is(counts.size, 10, 'every subset occurs');
  const x2 = chiSquare([...counts.values()], rows / 10, rows / 10);
  assert.ok(x2 < 27.88, `χ² = ${x2.toFixed(2)}`);
});

test('more than 2^24 columns: two draws per target, exact 48-bit scaling; targets distinct, sorted and spread over the range', () => {
  const m = 2 ** 25 + 3;
  const t = ef.fixedPostNum({ shape: [500, m], num: 4, seed: 99, weight: 1 }).table();
  checkTable(ef.fixedPostNum({ shape: [500, m], num: 4, seed: 99, weight: 1 }), { kind: 'post', rows: 500, cols: m, num: 4, allowDuplicates: false }, true);
  const high = Array.from(t).filter((v) => v >= m / 2).length / t.length;
  assert.ok(Math.abs(high - 0.5) < 0.035, `share in the upper half: ${high}`);
  // scale48 is floor((hi·2^24 + lo)·r / 2^48) exactly
  fc.assert(fc.property(fc.nat(2 ** 24 - 1), fc.nat(2 ** 24 - 1), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (hi, lo, r) => {
    const exact = Number(((BigInt(hi) * 2n ** 24n + BigInt(lo)) * BigInt(r)) >> 48n);
    assert.is(scale48(hi, lo, r), exact);
  }), { numRuns: runs(500) });
  assert.is(scale48(2 ** 24 - 1, 2 ** 24 - 1, 2 ** 31 - 1), 2 ** 31 - 2, 'the largest draw maps below r');
  for (const r of [1, 2, 1000, 2 ** 24]) for (let k = 0; k < 50; k++) assert.ok(below(12345, k, r, false) < r && below(12345, k, r, true) < r);
});

// ------------------------------------------------------------------ user-given tables

test('user tables: nested and flat forms round trip (order kept, data in table order); duplicates add up with allowDuplicates', () => {
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

test('user tables: a sampled table given back as indices builds the same matrix', () => {
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

// ------------------------------------------------------------------ errors

test('errors: num, seed, weight / data, shape and options', () => {
  const ok = { shape: [4, 5], num: 2, seed: 1, weight: 1 };
  const IA = ef.InvalidArgumentError;
  expectError(() => ef.fixedPostNum({ ...ok, num: 6 }), IA, 'fixedPostNum: num is 6', 'more than the 5 columns', 'allowDuplicates');
  expectError(() => ef.fixedPreNum({ ...ok, num: 5 }), IA, 'fixedPreNum: num is 5', 'more than the 4 rows');
  ef.fixedPostNum({ ...ok, num: 6, allowDuplicates: true }); // fine with duplicates
  expectError(() => ef.fixedPostNum({ ...ok, shape: [4, 0], num: 1, allowDuplicates: true }), IA, 'no columns to draw from');
  for (const num of [-1, 1.5, NaN, Infinity, '2', 2 ** 31]) {
    expectError(() => ef.fixedPostNum({ ...ok, num: num as number }), IA, `num is ${typeof num === 'string' ? `"${num}"` : String(num)}`, 'expected an integer');
  }
  expectError(() => ef.fixedPostNum({ shape: [4, 5], seed: 1, weight: 1 }), IA, 'num is not given');
  expectError(() => ef.fixedPostNum({ shape: [2 ** 20, 2 ** 20], num: 2 ** 12, seed: 1, weight: 1 }), ef.ResourceError, 'index table of 1048576 rows · num 4096', '2^31 − 1');
  for (const seed of [-1, 0.5, NaN, 2 ** 32, Infinity, '3']) {
    expectError(() => ef.fixedPostNum({ ...ok, seed: seed as number }), IA, `seed is ${typeof seed === 'string' ? `"${seed}"` : String(seed)}`, '[0, 4294967295]');
  }
  expectError(() => ef.fixedPreNum({ shape: [4, 5], num: 2, weight: 1 }), IA, 'fixedPreNum: seed is not given');
  ef.fixedPostNum({ ...ok, seed: 2 ** 32 - 1 }); // the largest seed is fine
  expectError(() => ef.fixedPostNum({ ...ok, data: [1, 2, 3, 4, 5, 6, 7, 8] }), IA, 'both weight and data');
  expectError(() => ef.fixedPostNum({ shape: [4, 5], num: 2, seed: 1 }), IA, 'neither weight nor data');
  expectError(() => ef.fixedPostNum({ ...ok, weight: [1, 2] as unknown as number }), IA, 'weight is an array', 'data');
  expectError(() => ef.fixedPostNum({ ...ok, weight: NaN }), ef.InvalidFormatError, 'weight is NaN', 'finite');
  expectError(() => ef.fixedPostNum({ ...ok, weight: ef.array([1, 2], 'nS') }), ef.ShapeMismatchError, 'weight has shape [2]');
  expectError(() => ef.fixedPostNum({ shape: [4, 5], num: 2, seed: 1, data: [1, 2, 3] }), ef.InvalidFormatError, 'fixedPostNum: data has length 3; expected 8');
  expectError(() => ef.fixedPostNum({ shape: [4, 5], num: 2, seed: 1, data: ef.array([1, 2, 3], 'nS') }), ef.ShapeMismatchError, 'expected [8]');
  expectError(() => ef.fixedPostNum({ ...ok, weight: ef.scalar(1, 'mV') }, 'nS'), ef.UnitMismatchError);
  expectError(() => ef.fixedPostNum({ ...ok, shape: [4] }), ef.InvalidFormatError, 'shape must be [rows, cols]');
  expectError(() => ef.fixedPostNum({ ...ok, shape: [4, -1] }), ef.InvalidFormatError, 'shape cols is -1');
  expectError(() => ef.fixedPostNum({ ...ok, allowDuplicates: 'yes' as unknown as boolean }), IA, 'allowDuplicates is yes');
  expectError(() => ef.fixedPostNum({ ...ok, dtype: 'int32' as 'float32' }), IA, "dtype is int32");
  expectError(() => ef.fixedPostNum(null as never), IA, 'expected an object');
});

test('errors: user tables name the first bad position', () => {
  const IF = ef.InvalidFormatError;
  const base = { shape: [3, 4], weight: 1 };
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [2, 3]] }), IF, 'indices has 2 arrays; expected 3 (one per pre neuron)');
  expectError(() => ef.fixedPreNum({ ...base, indices: [[0, 1], [2, 0]] }), IF, 'fixedPreNum: indices has 2 arrays; expected 4 (one per post neuron)');
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [2], [0, 3]] }), IF, 'indices[1] has length 1; expected 2 (the length of indices[0])');
  expectError(() => ef.fixedPostNum({ ...base, num: 3, indices: [[0, 1], [2, 3], [0, 3]] }), IF, 'indices[0] has length 2; expected 3 (num)');
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [2, 4], [0, 3]] }), IF, 'indices[1][1] is 4; expected an integer in [0, 4) (the number of columns)');
  expectError(() => ef.fixedPreNum({ ...base, indices: [[0], [1], [3], [2]] }), IF, 'indices[2][0] is 3; expected an integer in [0, 3) (the number of rows)');
  for (const bad of [-1, 0.5, NaN, '1', null]) {
    expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [2, bad as number], [0, 3]] }), IF, `indices[1][1] is ${typeof bad === 'string' ? `"${bad}"` : String(bad)}`);
  }
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], 2 as unknown as number[], [0, 3]] }), IF, 'indices[1] is 2; expected an array');
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [2, 3], [3, 1, 3]], num: 3 }), IF, 'indices[0] has length 2');
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0, 1], [3, 2, 3].slice(0, 2), [1, 1]] }), IF, 'indices[2][1] is 1, which row 2 already holds at indices[2][0]', 'allowDuplicates');
  expectError(() => ef.fixedPreNum({ ...base, indices: [[0, 2], [1, 0], [2, 2], [0, 1]] }), IF, 'fixedPreNum: indices[2][1] is 2, which column 2 already holds at indices[2][0]');
  ef.fixedPreNum({ ...base, indices: [[0, 2], [1, 0], [2, 2], [0, 1]], allowDuplicates: true }); // fine with duplicates
  // flat tables
  expectError(() => ef.fixedPostNum({ ...base, indices: [0, 1, 2, 3, 0, 3] }), ef.InvalidArgumentError, 'indices is a flat array but num is not given');
  expectError(() => ef.fixedPostNum({ ...base, indices: [0, 1, 2, 3, 0], num: 2 }), IF, 'indices has length 5; expected 6 (3 rows · num 2)');
  expectError(() => ef.fixedPostNum({ ...base, indices: [0, 1, 2, 9, 0, 3], num: 2 }), IF, 'indices[3] is 9; expected an integer in [0, 4)');
  expectError(() => ef.fixedPostNum({ ...base, indices: [0, 1, 2, 3, 3, 3], num: 2 }), IF, 'indices[5] is 3, which row 2 already holds at indices[4]');
  expectError(() => ef.fixedPostNum({ ...base, indices: [0, 1, 2, 3, 0, 3], num: -2 }), ef.InvalidArgumentError, 'num is -2');
  expectError(() => ef.fixedPostNum({ ...base, indices: 'abc' as unknown as number[] }), IF, 'indices must be an array');
  // seed belongs to sampling
  expectError(() => ef.fixedPostNum({ ...base, indices: [[0], [1], [2]], seed: 3 }), ef.InvalidArgumentError, 'seed is given with indices');
  expectError(() => ef.fixedPostNum({ shape: [3, 4], indices: [[0], [1], [2]], data: [1, 2] }), IF, 'data has length 2; expected 3');
});

test('safe forms: Right for valid input, Left with the same error otherwise', () => {
  const good = ef.safe.fixedPostNum({ shape: [3, 4], num: 2, seed: 5, weight: 1 }, 'nS');
  assert.ok(E.isRight(good) && good.right instanceof ef.FixedPostNum);
  const goodPre = ef.safe.fixedPreNum({ shape: [3, 4], indices: [[0], [1], [2], [0]], weight: 1 });
  assert.ok(E.isRight(goodPre) && goodPre.right instanceof ef.FixedPreNum);
  const bad = ef.safe.fixedPreNum({ shape: [3, 4], num: 4, seed: 5, weight: 1 });
  assert.ok(E.isLeft(bad) && bad.left instanceof ef.InvalidArgumentError && bad.left.message.includes('num is 4'));
  const badPost = ef.safe.fixedPostNum({ shape: [3, 4], indices: [[0], [1], [7]], weight: 1 });
  assert.ok(E.isLeft(badPost) && badPost.left instanceof ef.InvalidFormatError && badPost.left.message.includes('indices[2][0] is 7'));
});

test.run();
