/**
 * Fixed-number connectivity (ef.fixedPostNum / ef.fixedPreNum) without a backend: the sampled
 * tables (determinism and stream independence, the transpose's shared arrays, uniformity by
 * chi-square, more than 2^24 columns with exact 48-bit scaling), and every error, thrown while
 * the matrix is built. These run once, in the cpu+reference process; the matrices' values and
 * products on every backend are in test/formats/fixed.test.ts.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { scale48, below } from '../../src/formats/fixed/sample.js';
import { RUN_OPTS, expectError } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';
import { build, checkTable, construct, fixedCase, lines, others, seedArb, type Kind } from '../arbitraries/fixed.js';

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

// ------------------------------------------------------------------ errors

test('errors: num, seed, weight / data, shape and options', () => {
  const ok = { shape: [4, 5], num: 2, seed: 1, weight: 1 };
  const IA = ef.InvalidArgumentError;
  expectError(() => ef.fixedPostNum({ ...ok, num: 6 }), IA, 'fixedPostNum: num is 6', 'more than the 5 columns', 'allowDuplicates');
  expectError(() => ef.fixedPreNum({ ...ok, num: 5 }), IA, 'fixedPreNum: num is 5', 'more than the 4 rows');
  // fine with duplicates: 6 targets per row, drawn from the 5 columns (the dense matrix: test/formats/fixed.test.ts)
  const dup = ef.fixedPostNum({ ...ok, num: 6, allowDuplicates: true });
  assert.is(dup.num, 6);
  checkTable(dup, { kind: 'post', rows: 4, cols: 5, num: 6, allowDuplicates: true }, true);
  assert.ok(new Set(dup.table()).size > 1, 'not one column drawn for everything');
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
  // the largest seed is fine: a table like any other, the same for the same seed
  const top = ef.fixedPostNum({ ...ok, seed: 2 ** 32 - 1 });
  checkTable(top, { kind: 'post', rows: 4, cols: 5, num: 2, allowDuplicates: false }, true);
  assert.equal(Array.from(ef.fixedPostNum({ ...ok, seed: 2 ** 32 - 1 }).table()), Array.from(top.table()));
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
  // fine with duplicates: the table is kept as given, column by column (the dense matrix: test/formats/fixed.test.ts)
  const dupTable = ef.fixedPreNum({ ...base, indices: [[0, 2], [1, 0], [2, 2], [0, 1]], allowDuplicates: true });
  assert.equal(Array.from(dupTable.table()), [0, 2, 1, 0, 2, 2, 0, 1]);
  assert.is(dupTable.num, 2);
  assert.is(dupTable.nnz, 8);
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
