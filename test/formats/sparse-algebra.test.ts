/**
 * Arithmetic and selection on stored weights (docs/formats.md, "Arithmetic and selection on
 * stored weights"; docs/jitc.md for JITC rows/cols), on every backend, against dense float64
 * math written here:
 * - W.add/sub/mul/div with a scalar, a dense [rows, cols] array (sampled at the stored
 *   entries: the op on the dense matrix, restricted to the pattern), the same matrix in another
 *   compression, W.abs() and W.map(f), for dense, COO, CSR, CSC and fixed-number matrices;
 * - W.rows(idx) / W.cols(idx) with negative, repeated and empty index lists, their format, and
 *   products of the results (events and floats, both sides);
 * - JITC rows/cols along the generated lines against the rows/cols of J.todense(), with products.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { FORMATS, buildMatrix, storedValue, sparseCase, weight, type Format, type SparseCase } from '../arbitraries/sparse.js';
import { build as buildFixed, fixedCase, fromTable } from '../arbitraries/fixed.js';
import { GPUJS_MODE, deviceExact, runs } from '../helpers/backends.js';
import { matmul, type Dense } from '../helpers/oracle.js';
import { expectDense, forEachBackend } from '../helpers/suite.js';

// Every case builds several kernels; on webgl/webgpu each is a shader compile (the webgl
// process took 46 s for this file at runs(30) = 10 cases per property), so 5 cases there.
const OPTS = { numRuns: GPUJS_MODE === 'webgl' || GPUJS_MODE === 'webgpu' ? 5 : runs(30) };

type Dt = 'float32' | 'float64';
const store = (dtype: Dt, v: number): number => (dtype === 'float32' ? Math.fround(v) : v);

/** The case with each cell stored once (the first of repeated cells kept): the pattern is a set. */
function unique(c: SparseCase): SparseCase {
  const seen = new Set<number>();
  const keep = c.row.map((r, k) => {
    const cell = r * c.cols + c.col[k]!;
    if (seen.has(cell)) return false;
    seen.add(cell);
    return true;
  });
  const pick = <T>(a: readonly T[]): T[] => a.filter((_, k) => keep[k]);
  return { ...c, row: pick(c.row), col: pick(c.col), values: pick(c.values) };
}

/** The stored values as a dense grid and which cells are stored (every cell for the dense format). */
function grid(c: SparseCase, fmt: Format): { values: number[]; stored: boolean[] } {
  const values = new Array<number>(c.rows * c.cols).fill(0);
  const stored = new Array<boolean>(c.rows * c.cols).fill(fmt === 'dense');
  c.row.forEach((r, k) => {
    values[r * c.cols + c.col[k]!] = storedValue(c, k);
    stored[r * c.cols + c.col[k]!] = true;
  });
  return { values, stored };
}

const dense = (values: number[], shape: number[], dtype: Dt): Dense => ({ values: values.map((v) => store(dtype, v)), shape, dtype });

/** Row/column selections of an axis of length n: negative, repeated, empty. */
const picks = (n: number): fc.Arbitrary<number[]> =>
  n === 0 ? fc.constant<number[]>([]) : fc.oneof(fc.constant<number[]>([]), fc.array(fc.integer({ min: -n, max: n - 1 }), { maxLength: 6 }));

/** The rows (or columns) `idx` of a row-major [rows, cols] grid. */
function selectGrid(values: readonly number[], rows: number, cols: number, axis: 'row' | 'col', idx: readonly number[]): { values: number[]; shape: number[] } {
  const norm = (i: number, n: number): number => (i < 0 ? i + n : i);
  if (axis === 'row') return { values: idx.flatMap((i) => values.slice(norm(i, rows) * cols, norm(i, rows) * cols + cols)), shape: [idx.length, cols] };
  const out: number[] = [];
  for (let r = 0; r < rows; r++) for (const j of idx) out.push(values[r * cols + norm(j, cols)]!);
  return { values: out, shape: [rows, idx.length] };
}

const events = (bits: readonly number[]): LazyArray => ef.binary(bits);
const bitsOf = (n: number): fc.Arbitrary<number[]> => fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n });

// ------------------------------------------------------------------ elementwise

const elementwiseCase = fc.record({
  c: sparseCase({ long: false }).map(unique),
  fmt: fc.constantFrom(...FORMATS),
  op: fc.constantFrom('add', 'sub', 'mul', 'div') as fc.Arbitrary<'add' | 'sub' | 'mul' | 'div'>,
  s: fc.integer({ min: 1, max: 12 }).map((n) => n / 4),
}).chain((r) => fc.record({
  r: fc.constant(r),
  // divisors stay away from 0
  other: fc.array(r.op === 'div' ? fc.integer({ min: 1, max: 16 }).map((n) => (n % 2 ? n : -n) / 4) : weight, { minLength: r.c.rows * r.c.cols, maxLength: r.c.rows * r.c.cols }),
}));

const F: Record<'add' | 'sub' | 'mul' | 'div', (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
};

forEachBackend(test, 'W.op(dense array) is the dense op restricted to the stored entries; W.op(scalar) reaches stored entries only', () => {
  fc.assert(fc.property(elementwiseCase, ({ r: { c, fmt, op, s }, other }) => {
    const W = buildMatrix(c, fmt);
    const { values, stored } = grid(c, fmt);
    const shape = [c.rows, c.cols];
    // add/sub need the same dimension; mul/div combine units
    const unit = op === 'add' || op === 'sub' ? 'nS' : '1';
    const o = other.map((v) => store(c.dtype, deviceExact(v)));
    const D = ef.array(o, unit, { shape, dtype: c.dtype });
    const want = values.map((v, k) => (stored[k] ? F[op](v, o[k]!) : 0));
    const viaArray = W[op](D);
    assert.is(viaArray.format, W.format, 'the format is kept');
    expectDense(ef.getBackend(), viaArray.todense().data, dense(want, shape, c.dtype), `${fmt}.${op}(dense array)`);
    expectDense(ef.getBackend(), W[op](ef.dense(D)).todense().data, dense(want, shape, c.dtype), `${fmt}.${op}(DenseMatrix)`);
    const sc = ef.scalar(s, unit, c.dtype);
    const wantScalar = values.map((v, k) => (stored[k] ? F[op](v, store(c.dtype, s)) : 0));
    expectDense(ef.getBackend(), W[op](sc).todense().data, dense(wantScalar, shape, c.dtype), `${fmt}.${op}(scalar)`);
  }), OPTS);
});

forEachBackend(test, 'a matrix of the same pattern in any compression combines entry by entry; abs and map act on stored values', () => {
  const cases = fc.record({ c: sparseCase({ long: false }).map(unique), fmt: fc.constantFrom(...FORMATS), to: fc.constantFrom('tocsr', 'tocsc', 'tocoo') as fc.Arbitrary<'tocsr' | 'tocsc' | 'tocoo'> });
  fc.assert(fc.property(cases, ({ c, fmt, to }) => {
    const W = buildMatrix(c, fmt);
    const { values, stored } = grid(c, fmt);
    const shape = [c.rows, c.cols];
    // the same pattern, scaled, stored the other way (dense: any matrix of its shape)
    const other = fmt === 'dense' ? W.mul(3) : W[to]().mul(3);
    expectDense(ef.getBackend(), W.sub(other).todense().data, dense(values.map((v) => -2 * v), shape, c.dtype), `${fmt}.sub(${to} of the same pattern)`);
    // built on its own from the same entries (ef.coo sorts each row; CSR/CSC keep the given order)
    const thrice = { ...c, values: c.values.map((_, k) => 3 * storedValue(c, k)), shared: c.shared === undefined ? undefined : 3 * store(c.dtype, c.shared) };
    const fmt2: Format = to === 'tocsr' ? 'csr' : to === 'tocsc' ? 'csc' : 'coo';
    expectDense(ef.getBackend(), W.sub(buildMatrix(thrice, fmt2)).todense().data, dense(values.map((v) => -2 * v), shape, c.dtype), `${fmt}.sub(${fmt2} built from the same entries)`);
    expectDense(ef.getBackend(), W.neg().abs().todense().data, dense(values.map(Math.abs), shape, c.dtype), `${fmt}.abs()`);
    const sq = W.map((w) => w.mul(w).add(ef.scalar(1, 'nS^2', c.dtype)));
    assert.ok(sq.unit.equals(ef.scalar(1, 'nS^2').unit), `map: units follow f (${sq.unit})`);
    expectDense(ef.getBackend(), sq.todense().data, dense(values.map((v, k) => (stored[k] ? store(c.dtype, v * v) + 1 : 0)), shape, c.dtype), `${fmt}.map(w² + 1)`);
  }), OPTS);
});

// ------------------------------------------------------------------ selection

forEachBackend(test, 'W.rows / W.cols select lines (negative, repeated, empty) in the same format; products of the result', () => {
  const cases = fc.record({ c: sparseCase(), fmt: fc.constantFrom(...FORMATS), axis: fc.constantFrom('row', 'col') as fc.Arbitrary<'row' | 'col'> })
    .chain((r) => fc.record({ r: fc.constant(r), idx: picks(r.axis === 'row' ? r.c.rows : r.c.cols), typed: fc.boolean() }))
    .chain((x) => {
      const [n, m] = x.r.axis === 'row' ? [x.idx.length, x.r.c.cols] : [x.r.c.rows, x.idx.length];
      return fc.record({ x: fc.constant(x), pre: bitsOf(n), post: bitsOf(m) });
    });
  fc.assert(fc.property(cases, ({ x: { r: { c, fmt, axis }, idx, typed }, pre, post }) => {
    const W = buildMatrix(c, fmt);
    // duplicates add up: the dense matrix of the case, as every format means it
    const full = new Array<number>(c.rows * c.cols).fill(0);
    c.row.forEach((row, k) => { full[row * c.cols + c.col[k]!]! += storedValue(c, k); });
    const sel = selectGrid(full, c.rows, c.cols, axis, idx);
    const given = typed ? Int32Array.from(idx) : idx;
    const S = axis === 'row' ? W.rows(given) : W.cols(given);
    assert.is(S.format, W.format, `${fmt}.${axis}s keeps the format`);
    const want = dense(sel.values, sel.shape, c.dtype);
    expectDense(ef.getBackend(), S.todense().data, want, `${fmt}.${axis}s([${idx}])`, 4);
    expectDense(ef.getBackend(), ef.matmul(events(pre), S), matmul({ values: pre, shape: [pre.length], dtype: 'float32' }, want), `events @ ${fmt}.${axis}s`, 64);
    expectDense(ef.getBackend(), ef.matmul(S, events(post)), matmul(want, { values: post, shape: [post.length], dtype: 'float32' }), `${fmt}.${axis}s @ events`, 64);
  }), OPTS);
});

forEachBackend(test, 'fixed-number rows/cols: the line axis keeps the class and num, the other gives CSR/CSC; mul by a sampled mask', () => {
  const cases = fixedCase.chain((c) => fc.record({
    c: fc.constant(c), rows: picks(c.rows), cols: picks(c.cols),
    mask: fc.array(fc.constantFrom(0, 1, 2), { minLength: c.rows * c.cols, maxLength: c.rows * c.cols }),
  }));
  fc.assert(fc.property(cases, ({ c, rows, cols, mask }) => {
    const M = buildFixed(c);
    const { m } = fromTable(c.kind, c.rows, c.cols, c.num, M.table(), c.values, c.dtype);
    const R = M.rows(rows);
    const C = M.cols(cols);
    assert.is(R.format, c.kind === 'post' ? 'fixedPostNum' : 'csc');
    assert.is(C.format, c.kind === 'post' ? 'csr' : 'fixedPreNum');
    if (R.format === 'fixedPostNum') assert.is(R.num, c.num);
    if (C.format === 'fixedPreNum') assert.is(C.num, c.num);
    const r = selectGrid(m.values, c.rows, c.cols, 'row', rows);
    const k = selectGrid(m.values, c.rows, c.cols, 'col', cols);
    expectDense(ef.getBackend(), R.todense().data, dense(r.values, r.shape, c.dtype), `${c.kind}.rows`, 16);
    expectDense(ef.getBackend(), C.todense().data, dense(k.values, k.shape, c.dtype), `${c.kind}.cols`, 16);
    // a mask sampled at the entries: W·mask per entry (repeats add up: (a + b)·m)
    const masked = M.mul(ef.array(mask, '1', { shape: [c.rows, c.cols] }));
    assert.is(masked.format, M.format);
    expectDense(ef.getBackend(), masked.todense().data, dense(m.values.map((v, q) => v * mask[q]!), [c.rows, c.cols], c.dtype), `${c.kind}.mul(mask)`, 16);
  }), OPTS);
});

// ------------------------------------------------------------------ JITC

const jitcCase = fc.record({
  rows: fc.integer({ min: 0, max: 7 }),
  cols: fc.integer({ min: 0, max: 7 }),
  prob: fc.constantFrom(0, 0.3, 0.7, 1),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  dist: fc.constantFrom('scalar', 'uniform', 'normal'),
  orient: fc.constantFrom('row', 'col') as fc.Arbitrary<'row' | 'col'>,
}).chain((c) => {
  const [n, m] = c.orient === 'row' ? [c.rows, c.cols] : [c.cols, c.rows];
  return fc.record({ c: fc.constant(c), idx: picks(n), again: picks(n), bits: bitsOf(m) });
});

function jitc(c: { rows: number; cols: number; prob: number; seed: number; dist: string; orient: 'row' | 'col' }): ef.JITCMatrix {
  const common = { shape: [c.rows, c.cols], prob: c.prob, seed: c.seed, orient: c.orient };
  if (c.dist === 'scalar') return ef.jitc.scalar({ ...common, weight: 0.5 }, 'nS');
  if (c.dist === 'uniform') return ef.jitc.uniform({ ...common, low: -1, high: 2 }, 'nS');
  return ef.jitc.normal({ ...common, mean: 1, std: 0.5 }, 'nS');
}

forEachBackend(test, 'JITC rows/cols along the generated lines are the lines of J.todense(), regenerated (also picked twice, transposed, scaled, in products)', () => {
  fc.assert(fc.property(jitcCase, ({ c, idx, again, bits }) => {
    const J = jitc(c);
    const full = Array.from(J.todense().data.dataSync());
    const pick = (M: ef.JITCMatrix, i: number[]): ef.JITCMatrix => (c.orient === 'row' ? M.rows(i) : M.cols(i));
    const P = pick(J, idx);
    assert.is(P.format, 'jitc');
    const sel = selectGrid(full, c.rows, c.cols, c.orient, idx);
    const want = dense(sel.values, sel.shape, 'float32');
    expectDense(ef.getBackend(), P.todense().data, want, `jitc.${c.orient}s([${idx}])`);
    // picking from a picked matrix composes the maps; scaling keeps them
    const n = idx.length;
    const twice = n === 0 ? [] : again.map((i) => ((i % n) + n) % n);
    const sel2 = selectGrid(sel.values, sel.shape[0]!, sel.shape[1]!, c.orient, twice);
    expectDense(ef.getBackend(), pick(P, twice).mul(2).todense().data, dense(sel2.values.map((v) => 2 * v), sel2.shape, 'float32'), 'picked twice, doubled');
    // the transpose is the same lines read the other way
    const T = c.orient === 'row' ? J.transpose().cols(idx) : J.transpose().rows(idx);
    const tr = (d: Dense): Dense => ({ ...d, values: d.shape[0]! * d.shape[1]! === 0 ? [] : Array.from({ length: d.values.length }, (_, k) => d.values[(k % d.shape[0]!) * d.shape[1]! + Math.floor(k / d.shape[0]!)]!), shape: [d.shape[1]!, d.shape[0]!] });
    expectDense(ef.getBackend(), T.todense().data, tr(want), 'transpose then pick');
    // products: events along the picked lines (scatter) and along the other axis (gather)
    const pre = c.orient === 'row' ? idx.map((_, k) => k % 2) : bits;
    const post = c.orient === 'row' ? bits : idx.map((_, k) => k % 2);
    const f32 = (v: number[]): Dense => ({ values: v, shape: [v.length], dtype: 'float32' });
    expectDense(ef.getBackend(), ef.matmul(events(pre), P), matmul(f32(pre), want), 'events @ picked', 16);
    expectDense(ef.getBackend(), ef.matmul(P, events(post)), matmul(want, f32(post)), 'picked @ events', 16);
    expectDense(ef.getBackend(), ef.matmul(P.tocsr(), events(post)), matmul(want, f32(post)), 'picked.tocsr() @ events', 16);
  }), OPTS);
});

test.run();
