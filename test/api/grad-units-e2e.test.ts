/**
 * Units of gradients end to end through ef.grad (no backend in question: the default cpu
 * computes the few values read; the numbers on every backend are test/autodiff/grad-e2e.test.ts's):
 * through the products of every format on both sides (dL/dW for L in pA and W in nS is in
 * pA/nS; with L in nA the numbers scale by 1e-3), with float and event operands; a matrix
 * argument's gradient is a matrix of the same format in unit(L)/unit(W); JITC parameters
 * (pA/nS); random-array parameters; surrogates with v in mV (1/mV, α in 1/mV or converted).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';

const U = (s: string): ef.Unit => ef.Unit.of(s);
const values = (x: LazyArray): number[] => Array.from(x.dataSync());
const unitIs = (x: { unit: ef.Unit }, want: string, what: string): void =>
  assert.ok(x.unit.equals(U(want)), `${what}: unit ${x.unit.toString()}, expected ${want}`);

// A 3 × 4 matrix in nS with 6 stored entries (row, col, value), in every storing format.
const ROW = [0, 0, 1, 2, 2, 2], COL = [1, 3, 0, 0, 2, 3], VAL = [0.5, -1, 2, 0.25, 1.5, -0.75];
const DENSE = [[0, 0.5, 0, -1], [2, 0, 0, 0], [0.25, 0, 1.5, -0.75]];
type Format = 'dense' | 'coo' | 'csr' | 'csc' | 'fixedPostNum' | 'fixedPreNum';
const FORMATS: readonly Format[] = ['dense', 'coo', 'csr', 'csc', 'fixedPostNum', 'fixedPreNum'];
type M = ef.DenseMatrix | ef.COO | ef.CSR | ef.CSC | ef.FixedPostNum | ef.FixedPreNum;

function matrix(format: Format): M {
  const shape = [3, 4];
  switch (format) {
    case 'dense': return ef.dense(DENSE, 'nS', { dtype: 'float64' });
    case 'coo': return ef.coo({ row: ROW, col: COL, data: VAL, shape, dtype: 'float64' }, 'nS');
    case 'csr': return ef.csr({ indptr: [0, 2, 3, 6], indices: [1, 3, 0, 0, 2, 3], data: VAL, shape, dtype: 'float64' }, 'nS');
    case 'csc': return ef.coo({ row: ROW, col: COL, data: VAL, shape, dtype: 'float64' }, 'nS').tocsc();
    case 'fixedPostNum': return ef.fixedPostNum({ shape, num: 2, seed: 7, data: [0.5, -1, 2, 0.25, 1.5, -0.75], dtype: 'float64' }, 'nS');
    case 'fixedPreNum': return ef.fixedPreNum({ shape, num: 2, seed: 7, data: [0.5, -1, 2, 0.25, 1.5, -0.75, 1, 3], dtype: 'float64' }, 'nS');
  }
}

/** The stored entries (row, col) in data order, read from the densified indicator of each entry. */
function entries(W: M): [number, number][] {
  const n = W.data.size;
  return Array.from({ length: n }, (_, k) => {
    const d = values(W.withData(ef.array(Array.from({ length: n }, (_, j) => (j === k ? 1 : 0)), 'nS', { dtype: 'float64' }).reshape(W.data.shape) as never).todense().data);
    const at = d.findIndex((v) => v !== 0);
    return [Math.floor(at / 4), at % 4];
  });
}

test('products of every format, both sides, floats and events: dL/dW in pA/nS (nA/nS scales by 1e-3), dL/dx in pA/mV; the gradient is a matrix of the same format', () => {
  const xl = ef.array([1.5, -2, 0.5], 'mV', { dtype: 'float64' });   // x @ W: x over rows
  const xr = ef.array([0.5, 1, -1, 2], 'mV', { dtype: 'float64' });  // W @ x: x over columns
  // events from a comparison inside f: the product is event-driven, x gets no gradient through it
  const xe = ef.array([1, -1, 1], 'mV', { dtype: 'float64' });
  const gl = [1, -1, 2, 0.5], gr = [2, -1, 0.5];
  for (const format of FORMATS) {
    const W = matrix(format);
    const at = entries(W);
    for (const [name, x, side, g] of [['x @ W', xl, 'left', gl], ['W @ x', xr, 'right', gr], ['events @ W', xe, 'events', gl]] as const) {
      const gArr = ef.array(g as number[], '1', { dtype: 'float64' });
      const I = (W: M, x: LazyArray): LazyArray =>
        (side === 'left' ? ef.matmul(x, W as never) : side === 'right' ? ef.matmul(W as never, x) : ef.matmul(x.greater(ef.scalar(0, 'mV')), W as never).mul(ef.scalar(1, 'mV')));
      const what = `${format} ${name}`;
      const L = (W: M, x: LazyArray): LazyArray => I(W, x).mul(gArr).sum().to('pA');
      const [gW, gx] = ef.grad(L, { argnums: [0, 1] })(W, x) as [M, LazyArray];
      assert.is(gW.constructor, W.constructor, `${what}: the gradient of a ${W.constructor.name} is one`);
      assert.equal([...gW.shape], [3, 4], `${what}: shape`);
      unitIs(gW, 'pA/nS', `${what}: dL/dW`);
      unitIs(gW.data, 'pA/nS', `${what}: dL/dW data`);
      // closed form: for each stored (i, j), x_i · g_j (x @ W; events as 0/1) or g_i · x_j (W @ x)
      const xv = side === 'events' ? values(x).map((v) => (v > 0 ? 1 : 0)) : values(x);
      const entry = (i: number, j: number): number => (side === 'right' ? g[i]! * xv[j]! : xv[i]! * g[j]!);
      const want = format === 'dense' ? DENSE.flatMap((row, i) => row.map((_, j) => entry(i, j))) : at.map(([i, j]) => entry(i, j));
      assertAllClose(values(gW.data), want, 1e-12, `${what}: dL/dW values`);
      unitIs(gx, 'pA/mV', `${what}: dL/dx`);
      if (side === 'events') assert.equal(values(gx), [0, 0, 0], `${what}: no gradient through the comparison`);
      // the same loss in nA: the same gradient scaled by 1e-3, in nA/nS
      const gW2 = ef.grad((W: M) => I(W, x).mul(gArr).sum().to('nA'))(W) as M;
      unitIs(gW2, 'nA/nS', `${what}: dL/dW with L in nA`);
      assertAllClose(values(gW2.data), want.map((v) => v * 1e-3), 1e-12, `${what}: dL/dW in nA/nS`);
    }
  }
});

test('a transposed view and a format conversion inside f: the gradient is still of the argument\'s format, in unit(L)/unit(W)', () => {
  const W = matrix('coo') as ef.COO;
  const x = ef.array([1, 2, 3, 4], 'mV', { dtype: 'float64' });
  const gW = ef.grad((W: ef.COO) => ef.matmul(x, W.tocsr().transpose()).sum().to('pA'))(W);
  assert.instance(gW, ef.COO);
  unitIs(gW, 'pA/nS', 'coo → csr → transposed');
  assertAllClose(values(gW.data), entries(W).map(([, j]) => [1, 2, 3, 4][j]!), 1e-12, 'x_j at each stored (i, j)');
});

test('JITC parameters: dL/dweight, dL/dlow, dL/dhigh, dL/dmean, dL/dstd in pA/nS', () => {
  const x = ef.array([1, -0.5, 2, 0.25, 1], 'mV', { dtype: 'float64' });
  const common = { shape: [5, 6], prob: 0.5, seed: 11, dtype: 'float64' as const };
  const w = ef.scalar(0.5, 'nS', 'float64');
  const gw = ef.grad((w: LazyArray) => ef.matmul(x, ef.jitc.scalar({ ...common, weight: w })).sum().to('pA'))(w);
  unitIs(gw, 'pA/nS', 'dL/dweight');
  // L is linear in w: dL/dw = L / w
  const L = ef.matmul(x, ef.jitc.scalar({ ...common, weight: w })).sum().to('pA').item();
  assertAllClose(values(gw), [L / 0.5], 1e-12, 'dL/dweight = L/w');
  const p = { low: ef.scalar(0.1, 'nS', 'float64'), high: ef.scalar(400, 'pS', 'float64') };
  const x6 = ef.array([1, 2, 3, 4, 5, 6], 'mV', { dtype: 'float64' });
  const gu = ef.grad((p: { low: LazyArray; high: LazyArray }) => ef.matmul(ef.jitc.uniform({ ...common, ...p }), x6).sum().to('pA'))(p);
  unitIs(gu.low, 'pA/nS', 'dL/dlow');
  unitIs(gu.high, 'pA/pS', 'dL/dhigh (high given in pS)');
  const q = { mean: ef.scalar(0.5, 'nS', 'float64'), std: ef.scalar(0.1, 'nS', 'float64') };
  const gn = ef.grad((q: { mean: LazyArray; std: LazyArray }) => ef.matmul(x, ef.jitc.normal({ ...common, ...q })).sum().to('pA'))(q);
  unitIs(gn.mean, 'pA/nS', 'dL/dmean');
  unitIs(gn.std, 'pA/nS', 'dL/dstd');
  // dL/dmean = Σ over connections x_i = the scalar matrix's L / w
  assertAllClose(values(gn.mean), [L / 0.5], 1e-12, 'dL/dmean');
});

test('random-array parameters: uniform low/high and normal mean/std in mV, L in pA through a product: pA/mV', () => {
  const W = matrix('csr');
  const low = ef.array([-1, 0, 0.5], 'mV', { dtype: 'float64' }), high = ef.scalar(2, 'mV', 'float64');
  const [gl, gh] = ef.grad((low: LazyArray, high: LazyArray) => ef.matmul(ef.random.uniform([3], { seed: 3, counter: 1, low, high, dtype: 'float64' }), W).sum().to('pA'), { argnums: [0, 1] })(low, high) as LazyArray[];
  unitIs(gl!, 'pA/mV', 'dL/dlow');
  unitIs(gh!, 'pA/mV', 'dL/dhigh');
  assert.equal(gh!.shape, []);
  const [gm, gs] = ef.grad((mean: LazyArray, std: LazyArray) => ef.random.normal([2, 3], { seed: 4, counter: 0, mean, std, dtype: 'float64' }).sum().to('V'), { argnums: [0, 1] })(low, ef.scalar(0.5, 'mV', 'float64')) as LazyArray[];
  unitIs(gm!, 'V/mV', 'dL/dmean');
  assertAllClose(values(gm!), [2e-3, 2e-3, 2e-3], 1e-12, 'dL/dmean: 2 draws each, 1e-3 V/mV');
  unitIs(gs!, 'V/mV', 'dL/dstd');
});

test("surrogates with v in mV: dL/dv in 1/mV, values w · f'(v) (α in 1/mV, or given in 1/V and converted); through a product in pA: pA/mV", () => {
  const vs = [-1.5, -0.2, 0.3, 2];
  const v = ef.array(vs, 'mV', { dtype: 'float64' });
  const w = ef.array([1, -2, 0.5, 3], '1', { dtype: 'float64' });
  const fprime = (x: number, a: number): number => a / 2 / (1 + a * Math.abs(x)) ** 2; // fastSigmoid
  const g = ef.grad((v: LazyArray) => ef.surrogate.fastSigmoid(v, { alpha: 2 }).astype('float64').mul(w).sum())(v);
  unitIs(g, '1/mV', 'dL/dv');
  assertAllClose(values(g), vs.map((x, i) => [1, -2, 0.5, 3][i]! * fprime(x, 2)), 1e-12, "w · f'(v)");
  const g2 = ef.grad((v: LazyArray) => ef.surrogate.fastSigmoid(v, { alpha: ef.scalar(2000, '1/V') }).astype('float64').mul(w).sum())(v);
  assertAllClose(values(g2), values(g), 1e-12, 'α = 2000 /V is 2 /mV');
  // spikes into a CSR product, L in pA: dL/dv = f'(v) · (W @ 1) in pA/mV
  const W = matrix('csr');
  const v3 = v.slice({ start: 0, stop: 3 });
  const g3 = ef.grad((v: LazyArray) => ef.matmul(ef.surrogate.fastSigmoid(v, { alpha: 2 }), W).mul(ef.scalar(1, 'mV')).sum().to('pA'))(v3);
  unitIs(g3, 'pA/mV', 'dL/dv through a product');
  const rowSums = DENSE.map((r) => r.reduce((a, b) => a + b, 0));
  // L = Σ_j (s @ W)_j · 1 mV in pA (nS·mV): dL/ds_i = Σ_j W_ij
  assertAllClose(values(g3), vs.slice(0, 3).map((x, i) => rowSums[i]! * fprime(x, 2)), 1e-12, "f'(v) · W·1");
});

test.run();
