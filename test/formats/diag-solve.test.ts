/**
 * W.diagAdd(d) and ef.linalg.solve / cg on every backend: diagAdd against the float64 dense
 * oracle A + diag(d) for dense, COO, CSR and CSC (random square matrices with and without
 * diagonal entries, duplicates, shared and lazy data; d a number, a 0-d array in another unit
 * or a vector); solves of random SPD systems (B·Bᵀ + n·I as a CSR, built with diagAdd) and
 * random general systems (diagonally dominant, rows permuted so that pivoting is needed),
 * against a dense float64 Gaussian elimination written here. A's values are realized on the
 * backend (its data may be lazy); the solvers then run on the host in float64.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { FORMATS, buildMatrix, oracleAbs, oracleCount, oracleValues, sparseCase, type AnyMatrix, type SparseCase } from '../arbitraries/sparse.js';
import { RUN_OPTS, expectDenseWithin, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(40), includeErrorInReport: true };

/** A square case: rows forced equal to cols (entries outside dropped). */
const squareCase = sparseCase({ long: false }).map((c): SparseCase => {
  const n = Math.min(c.rows, c.cols);
  const keep = c.row.map((r, k) => r < n && c.col[k]! < n);
  const pick = <T>(a: readonly T[]): T[] => a.filter((_, k) => keep[k]);
  return { ...c, rows: n, cols: n, row: pick(c.row), col: pick(c.col), values: pick(c.values) };
});

type DCase = { kind: 'number'; v: number } | { kind: 'scalar-uS'; v: number } | { kind: 'vector'; v: number[] };

const dCase = (n: number): fc.Arbitrary<DCase> => fc.oneof(
  fc.integer({ min: -16, max: 16 }).map((k) => ({ kind: 'number' as const, v: k / 4 })),
  fc.integer({ min: -16, max: 16 }).map((k) => ({ kind: 'scalar-uS' as const, v: k / 4 })),
  fc.array(fc.integer({ min: -16, max: 16 }).map((k) => k / 4), { minLength: n, maxLength: n }).map((v) => ({ kind: 'vector' as const, v })),
);

const dValue = (d: DCase): number | LazyArray =>
  d.kind === 'number' ? d.v : d.kind === 'scalar-uS' ? ef.scalar(d.v / 1000, 'uS', 'float64') : ef.array(d.v, 'nS');
const dAt = (d: DCase, i: number): number => (d.kind === 'vector' ? d.v[i]! : d.v);

const diagCount = (c: SparseCase): number => new Set(c.row.filter((r, k) => r === c.col[k]).map(String)).size;

for (const fmt of FORMATS) {
  forEachBackend(test, `${fmt}: W.diagAdd(d) equals A + diag(d) (existing and missing diagonals; d a number, 0-d array in uS, vector)`, (backend) => {
    fc.assert(fc.property(squareCase.chain((c) => fc.record({ c: fc.constant(c), d: dCase(c.rows) })), ({ c, d }) => {
      const n = c.rows;
      const W = buildMatrix(c, fmt) as AnyMatrix & { diagAdd(d: number | LazyArray): AnyMatrix };
      const R = W.diagAdd(dValue(d));
      assert.is(R.format, W.format, 'same format');
      assert.equal([...R.shape], [n, n]);
      assert.is(R.dtype, c.dtype, 'dtype kept');
      assert.ok(R.unit.equals(ef.Unit.of('nS')), `unit ${R.unit}`);
      if (fmt !== 'dense') {
        const S = R as ef.CSR;
        const before = (W as ef.CSR).nnz;
        assert.is(S.nnz, before + n - diagCount(c), 'one entry inserted per missing diagonal');
      }
      const expected = oracleValues(c);
      const abs = oracleAbs(c);
      const count = oracleCount(c);
      const bound: number[] = [];
      for (let i = 0; i < n; i++) {
        expected[i * n + i]! += dAt(d, i);
        for (let j = 0; j < n; j++) {
          const m = abs[i * n + j]! + (i === j ? Math.abs(dAt(d, i)) : 0);
          // float32 storage rounds each entry, the merged duplicates and the added d once each
          bound.push(m * 2 ** -23 * (count[i * n + j]! + 2));
        }
      }
      expectDenseWithin(backend, R.todense().data, { values: expected, shape: [n, n], dtype: c.dtype }, `${fmt}.diagAdd`, bound, 'diagAdd');
    }), OPTS);
  });
}

forEachBackend(test, 'diagAdd inserts a missing diagonal entry in its sorted place and keeps the others in order', () => {
  const W = ef.csr({ indptr: [0, 2, 3, 3], indices: [1, 2, 2], data: [1, 2, 3], shape: [3, 3] }, 'nS');
  const R = W.diagAdd(ef.array([10, 20, 30], 'nS'));
  assert.equal(Array.from(R.indptr), [0, 3, 5, 6]);
  assert.equal(Array.from(R.indices), [0, 1, 2, 1, 2, 2]);
  assert.equal(Array.from(R.data.dataSync()), [10, 1, 2, 20, 3, 30]);
  // columns given out of order: the new entry goes before the first larger index
  const U = ef.csr({ indptr: [0, 2, 2], indices: [1, 0], data: [5, 6], shape: [2, 2] }, 'nS').diagAdd(1);
  assert.equal(Array.from(U.indices), [1, 0, 1]);
  assert.equal(Array.from(U.data.dataSync()), [5, 7, 1]);
});

forEachBackend(test, 'fixed-number diagAdd returns a CSR equal to A + diag(d)', (backend) => {
  const F = ef.fixedPostNum({ shape: [5, 5], num: 2, weight: 0.5, seed: 7 }, 'nS');
  const R = F.diagAdd(ef.array([1, 2, 3, 4, 5], 'nS'));
  assert.ok(R instanceof ef.CSR);
  const dense = Array.from(F.todense().data.dataSync());
  for (let i = 0; i < 5; i++) dense[i * 5 + i]! += i + 1;
  expectDenseWithin(backend, R.todense().data, { values: dense, shape: [5, 5], dtype: 'float32' }, 'fixed diagAdd', dense.map((v) => Math.abs(v) * 2 ** -22), 'fixed diagAdd');
});

// ------------------------------------------------------------------ solves

/** x with A x = b by dense Gaussian elimination with partial pivoting, float64 (the test's own). */
function gauss(a: readonly number[], b: readonly number[], n: number): number[] {
  const m = Array.from({ length: n }, (_, i) => [...a.slice(i * n, (i + 1) * n), b[i]!]);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i]![k]!) > Math.abs(m[p]![k]!)) p = i;
    [m[k], m[p]] = [m[p]!, m[k]!];
    for (let i = k + 1; i < n; i++) {
      const l = m[i]![k]! / m[k]![k]!;
      for (let j = k; j <= n; j++) m[i]![j]! -= l * m[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= m[i]![j]! * x[j]!;
    x[i] = s / m[i]![i]!;
  }
  return x;
}

function relResidual(a: ArrayLike<number>, x: ArrayLike<number>, b: readonly number[], n: number): number {
  let rr = 0, bb = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j]! * x[j]!;
    rr += (b[i]! - s) ** 2;
    bb += b[i]! ** 2;
  }
  return Math.sqrt(rr) / Math.sqrt(bb);
}

const small = fc.integer({ min: -8, max: 8 }).map((k) => k / 8);

/** B (n × k) with sparse entries, and b. */
const spdCase = fc.integer({ min: 1, max: 10 }).chain((n) => fc.record({
  n: fc.constant(n),
  B: fc.array(fc.option(small, { freq: 2 }), { minLength: n * 3, maxLength: n * 3 }),
  b: fc.array(fc.integer({ min: -20, max: 20 }), { minLength: n, maxLength: n }).filter((v) => v.some((x) => x !== 0)),
}));

/** B·Bᵀ (B is n × 3n) without its diagonal, as a CSR; the diagonal comes from diagAdd(diag(BBᵀ) + n). */
function spdMatrix(n: number, B: readonly (number | null)[]): { A: ef.CSR; dense: number[] } {
  const k = 3;
  const at = (i: number, t: number): number => B[i * k + t] ?? 0;
  const full: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let t = 0; t < k; t++) s += at(i, t) * at(j, t); full.push(s); }
  const indptr = [0], indices: number[] = [], data: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j && full[i * n + j] !== 0) { indices.push(j); data.push(full[i * n + j]!); }
    indptr.push(indices.length);
  }
  const diag = Array.from({ length: n }, (_, i) => full[i * n + i]! + n);
  const A = ef.csr({ indptr, indices, data, shape: [n, n], dtype: 'float64' }, 'nS').diagAdd(ef.array(diag, 'nS', { dtype: 'float64' }));
  return { A, dense: full.map((v, q) => (q % (n + 1) === 0 ? v + n : v)) };
}

forEachBackend(test, 'cg and solve: random SPD systems (B·Bᵀ + n·I as a CSR) reach the tolerance and match Gaussian elimination', () => {
  fc.assert(fc.property(spdCase, fc.constantFrom<'jacobi' | 'none'>('jacobi', 'none'), ({ n, B, b }, preconditioner) => {
    const { A } = spdMatrix(n, B);
    // the values as the backend realized them (a float32 device holds float64 data as float32)
    const held = Array.from(A.todense().data.dataSync());
    const rhs = ef.array(b, 'pA', { dtype: 'float64' });
    const ref = gauss(held, b, n);
    const scale = Math.max(...ref.map(Math.abs));
    const r = ef.linalg.cg(A, rhs, { tol: 1e-10, preconditioner });
    assert.ok(r.x.unit.equals(ef.Unit.of('pA/nS')), `unit ${r.x.unit}`);
    assert.ok(r.iterations <= 10 * n && r.residual <= 1e-10, `iterations ${r.iterations}, residual ${r.residual}`);
    const x = r.x.dataSync();
    assert.ok(relResidual(held, x, b, n) <= 1e-10 * 1.01, `residual ${relResidual(held, x, b, n)}`);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i]! - ref[i]!) <= 1e-8 * scale, `cg x[${i}] = ${x[i]}, elimination ${ref[i]}`);
    for (const method of ['lu', 'cg'] as const) {
      const y = ef.linalg.solve(A, rhs, { method }).dataSync();
      for (let i = 0; i < n; i++) assert.ok(Math.abs(y[i]! - ref[i]!) <= (method === 'lu' ? 1e-12 : 1e-6) * scale, `${method} x[${i}] = ${y[i]}, elimination ${ref[i]}`);
    }
  }), OPTS);
});

/** A diagonally dominant matrix with its rows permuted (zero or small diagonal: pivoting needed). */
const generalCase = fc.integer({ min: 1, max: 12 }).chain((n) => fc.record({
  n: fc.constant(n),
  off: fc.array(fc.option(small, { freq: 3 }), { minLength: n * n, maxLength: n * n }),
  perm: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
  b: fc.array(fc.integer({ min: -20, max: 20 }), { minLength: n, maxLength: n }).filter((v) => v.some((x) => x !== 0)),
  format: fc.constantFrom(...FORMATS),
}));

forEachBackend(test, 'solve (lu, the default here): random general systems needing pivoting match Gaussian elimination in every format', () => {
  fc.assert(fc.property(generalCase, ({ n, off, perm, b, format }) => {
    const rows: number[][] = [];
    for (let i = 0; i < n; i++) {
      const r = Array.from({ length: n }, (_, j) => (i === j ? 0 : off[i * n + j] ?? 0));
      r[i] = r.reduce((s, v) => s + Math.abs(v), 1);
      rows.push(r);
    }
    const permuted = perm.map((p) => rows[p]!);
    const c: SparseCase = {
      rows: n, cols: n, row: [], col: [], values: [], shared: undefined, dtype: 'float64', dataKind: 'numbers',
    };
    permuted.forEach((r, i) => r.forEach((v, j) => { if (v !== 0) { (c.row as number[]).push(i); (c.col as number[]).push(j); (c.values as number[]).push(v); } }));
    const A = buildMatrix(c, format, 'mS');
    const held = Array.from(A.todense().data.dataSync());
    const ref = gauss(held, b, n);
    const x = ef.linalg.solve(A, ef.array(b, 'uA', { dtype: 'float64' }));
    assert.ok(x.unit.equals(ef.Unit.of('uA/mS')), `unit ${x.unit}`);
    const v = x.dataSync();
    const scale = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < n; i++) assert.ok(Math.abs(v[i]! - ref[i]!) <= 1e-12 * scale, `x[${i}] = ${v[i]}, elimination ${ref[i]}`);
    assert.ok(relResidual(held, v, b, n) <= 1e-13, `residual ${relResidual(held, v, b, n)}`);
  }), OPTS);
});

forEachBackend(test, 'cg on a 2-D Laplacian (20 × 20 grid) with a lazily scaled CSR matches the LU solution', () => {
  const g = 20, n = g * g;
  const indptr = [0], indices: number[] = [], data: number[] = [];
  for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
    const k = i * g + j;
    for (const [di, dj] of [[-1, 0], [0, -1], [0, 0], [0, 1], [1, 0]] as const) {
      const [a, c] = [i + di, j + dj];
      if (a < 0 || a >= g || c < 0 || c >= g) continue;
      indices.push(a * g + c);
      data.push(di === 0 && dj === 0 ? 4 : -1);
    }
    indptr.push(indices.length);
  }
  const A = ef.csr({ indptr, indices, data, shape: [n, n] }, 'nS').mul(2);
  const b = ef.ones([n], 'pA');
  const r = ef.linalg.cg(A, b);
  // CG: 36 steps here (measured; theory bounds it by about √cond · ln(2/tol) / 2 ≈ 120); steepest descent needs thousands
  assert.ok(r.residual <= 1e-8 && r.iterations > 10 && r.iterations <= 100, `iterations ${r.iterations}, residual ${r.residual}`);
  const y = ef.linalg.solve(A, b, { method: 'lu' }).dataSync();
  const x = r.x.dataSync();
  for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= 1e-6 * Math.abs(y[i]!), `x[${i}] = ${x[i]} vs lu ${y[i]}`);
});

test.run();
