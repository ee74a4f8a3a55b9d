/**
 * examples/stdp.ts: pair-based STDP in a compiled runner. Timing gives the sign, one isolated
 * pairing changes a weight by the closed form A+·exp(−Δ/τ+) or −A−·exp(−Δ/τ−), pairings add
 * up, weights stay within [wMin, wMax], and every matrix format follows a plain JS model of
 * the same rule. Run on every backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { DEFAULTS, runStdp, simulate, type StdpParams } from '../../examples/stdp.js';
import { forEachBackend } from '../helpers/suite.js';
import { capabilities } from '../helpers/backends.js';
import { stream as rng } from '../helpers/stream.js';

/** |got − want| ≤ atol, with a message naming both. */
function near(got: number, want: number, atol: number, what: string): void {
  assert.ok(Math.abs(got - want) <= atol, `${what}: got ${got}, expected ${want} (±${atol})`);
}

// dt 0.5 ms and 500 ms between pairings: the other spikes' traces have decayed by e^-24 or
// more, so each pairing acts alone (1 part in 1e10 of its own effect).
const SEPARATED = { pairs: 10, period: 500, w0: 0.5 } as const;
const P: Partial<StdpParams> = { dt: 0.5, tauPlus: 16.8, tauMinus: 33.7, aPlus: 0.01, aMinus: 0.005 };

forEachBackend(test, 'pre 5 ms before post strengthens, post 5 ms before pre weakens', async () => {
  const r = await runStdp({ ...SEPARATED, delays: [5, -5], params: { dt: 0.5 } });
  // defaults: τ± = 20 ms, A+ = 0.01 nS, A− = 0.0105 nS; 10 pairings
  near(r.w[0]!, 0.5 + 10 * 0.01 * Math.exp(-5 / 20), 1e-6, 'pre before post');
  near(r.w[0]!, 0.5778800783, 1e-6, 'pre before post (number)');
  near(r.w[1]!, 0.5 - 10 * 0.0105 * Math.exp(-5 / 20), 1e-6, 'post before pre');
  near(r.w[1]!, 0.4182259178, 1e-6, 'post before pre (number)');
  assert.ok(r.w[0]! > 0.5 && r.w[1]! < 0.5);
});

forEachBackend(test, 'one isolated pairing changes w by A+·exp(−Δ/τ+) or −A−·exp(−Δ/τ−) (asymmetric windows)', async () => {
  const delays = [0.5, 2, 5, 10, 20, 40, -0.5, -2, -5, -10, -20, -40];
  const r = await runStdp({ ...SEPARATED, delays, params: P });
  delays.forEach((d, i) => {
    const one = d > 0 ? 0.01 * Math.exp(-d / 16.8) : -0.005 * Math.exp(d / 33.7);
    near(r.perPairing[i]!, one, 1e-15, `example's closed form at Δt = ${d}`);
    near((r.w[i]! - 0.5) / 10, one, 1e-7, `per pairing at Δt = ${d} ms`);
  });
  // spot numbers: +5 ms → +0.0074258 nS per pairing; −5 ms → −0.0043106 nS
  near((r.w[2]! - 0.5) / 10, 0.00742584, 1e-7, '+5 ms');
  near((r.w[8]! - 0.5) / 10, -0.00431057, 1e-7, '−5 ms');
});

forEachBackend(test, 'spikes in the same step change nothing; a lone pre or post spike changes nothing', async (backend) => {
  const r = await runStdp({ ...SEPARATED, delays: [0], params: P });
  assert.is(r.w[0], 0.5);
  const weights = ef.csr({ indptr: [0, 1], indices: [0], data: [0.5], shape: [1, 1] }, 'nS');
  const pre = new Uint8Array(100);
  pre[10] = 1;
  const res = await simulate({ weights, steps: 100, pre, post: new Uint8Array(100), params: P });
  assert.is(res.w[0], 0.5);
  // 89 float32 decay steps; a float32 device's exp is a few ulp off, so allow it 10x more
  const atol = capabilities(backend).dtypes.includes('float64') ? 1e-9 : 1e-8;
  near(res.xPre[0]!, 0.01 * Math.exp((-89 * 0.5) / 16.8), atol, 'the pre trace decays from A+');
});

forEachBackend(test, 'pairings close together add up (all-to-all): the sum of exp terms over every pair', async () => {
  // post every 30 ms, pre 6 ms before each: each post spike also sees the earlier pre spikes
  // (36, 66, ... ms back), and each pre spike the post spikes 24, 54, ... ms before it.
  const pairs = 8;
  const r = await runStdp({ pairs, period: 30, w0: 0.5, delays: [6], params: P });
  let sum = 0;
  for (let a = 0; a < pairs; a++) {
    for (let b = 0; b < pairs; b++) {
      const dt = (b - a) * 30 + 6; // t_post(b) − t_pre(a)
      sum += dt > 0 ? 0.01 * Math.exp(-dt / 16.8) : -0.005 * Math.exp(dt / 33.7);
    }
  }
  near(r.w[0]! - 0.5, sum, 1e-6, 'all-to-all sum');
  near(r.w[0]! - 0.5, 0.0393192, 1e-6, 'all-to-all sum (number)');
});

forEachBackend(test, 'large steps saturate exactly at wMax and wMin = 0', async () => {
  const r = await runStdp({ pairs: 10, period: 100, w0: 0.5, delays: [1, -1], params: { dt: 0.5, aPlus: 0.2, aMinus: 0.2, wMax: 1 } });
  assert.is(r.w[0], 1);
  assert.is(r.w[1], 0);
});

// ---------------------------------------------------------------- random networks, every format


/**
 * The rule in plain JS, entry by entry (each stored entry evolves on its own given the
 * traces): decay, depress if its pre neuron spiked, potentiate if its post neuron spiked,
 * clip each time, then add the step's spikes to the traces.
 */
function jsStdp(rows: Int32Array, cols: Int32Array, w0: ArrayLike<number>, pre: Uint8Array, post: Uint8Array, nPre: number, nPost: number, steps: number, p: StdpParams): Float64Array {
  const w = Float64Array.from(w0);
  const xPre = new Float64Array(nPre), xPost = new Float64Array(nPost);
  const dPre = Math.exp(-p.dt / p.tauPlus), dPost = Math.exp(-p.dt / p.tauMinus);
  const clip = (v: number): number => Math.min(Math.max(v, p.wMin), p.wMax);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < nPre; i++) xPre[i]! *= dPre;
    for (let j = 0; j < nPost; j++) xPost[j]! *= dPost;
    for (let e = 0; e < w.length; e++) {
      if (pre[t * nPre + rows[e]!]) w[e] = clip(w[e]! - xPost[cols[e]!]!);
      if (post[t * nPost + cols[e]!]) w[e] = clip(w[e]! + xPre[rows[e]!]!);
    }
    for (let i = 0; i < nPre; i++) if (pre[t * nPre + i]) xPre[i]! += p.aPlus;
    for (let j = 0; j < nPost; j++) if (post[t * nPost + j]) xPost[j]! += p.aMinus;
  }
  return w;
}

const N_PRE = 12, N_POST = 9, STEPS = 600;
const RANDOM_P: StdpParams = { ...DEFAULTS, dt: 0.5, tauPlus: 16.8, tauMinus: 33.7, aPlus: 0.06, aMinus: 0.03, wMin: 0, wMax: 0.8 };

function rasters(): { pre: Uint8Array; post: Uint8Array } {
  const r = rng(7);
  const pre = Uint8Array.from({ length: STEPS * N_PRE }, () => (r() < 0.02 ? 1 : 0)); // 40 Hz at dt 0.5 ms
  const post = Uint8Array.from({ length: STEPS * N_POST }, () => (r() < 0.02 ? 1 : 0));
  return { pre, post };
}

/** The same random connectivity in every format; rows/cols/w0 list the stored entries in entry order. */
function networks(): { name: string; W: ef.PlasticMatrix; rows: Int32Array; cols: Int32Array; w0: Float32Array }[] {
  const r = rng(11);
  const entries: [number, number][] = [];
  for (let i = 0; i < N_PRE; i++) for (let j = 0; j < N_POST; j++) if (r() < 0.4) entries.push([i, j]);
  entries.push([3, 4], [3, 4]); // a repeated (row, col) pair: two entries, each updated
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const w0 = Float32Array.from(entries, () => 0.1 + 0.6 * r());
  const indptr = new Int32Array(N_PRE + 1);
  for (const [i] of entries) indptr[i + 1]!++;
  for (let i = 0; i < N_PRE; i++) indptr[i + 1]! += indptr[i]!;
  const csr = ef.csr({ indptr, indices: Int32Array.from(entries, (e) => e[1]), data: w0, shape: [N_PRE, N_POST] }, 'nS');
  const fixed = ef.fixedPostNum({ shape: [N_PRE, N_POST], num: 4, weight: 0.4, seed: 5 }, 'nS');
  const out: { name: string; W: ef.PlasticMatrix; rows: Int32Array; cols: Int32Array; w0: Float32Array }[] = [];
  for (const W of [csr, csr.tocsc(), csr.tocoo(), fixed, fixed.transpose().transpose()] as ef.PlasticMatrix[]) {
    const m = W as ef.SparseMatrix;
    const coo = m.tocoo(); // same entry order as m
    const data = m.data.ndim === 0 ? new Float32Array(m.nnz).fill(m.data.dataSync()[0]!) : Float32Array.from(m.data.dataSync());
    out.push({ name: String(W), W, rows: coo.row, cols: coo.col, w0: data });
  }
  const dense = ef.dense(Array.from({ length: N_PRE }, (_, i) => Array.from({ length: N_POST }, (_, j) => ((i * 7 + j * 3) % 10) / 10)), 'nS');
  out.push({
    name: String(dense), W: dense,
    rows: Int32Array.from({ length: N_PRE * N_POST }, (_, e) => Math.floor(e / N_POST)),
    cols: Int32Array.from({ length: N_PRE * N_POST }, (_, e) => e % N_POST),
    w0: Float32Array.from(dense.data.dataSync()),
  });
  return out;
}

forEachBackend(test, 'random spikes on dense, CSR, CSC, COO and fixed-number weights: the JS model, within [0, wMax]', async () => {
  const { pre, post } = rasters();
  let atMax = 0, atMin = 0;
  for (const net of networks()) {
    const res = await simulate({ weights: net.W, steps: STEPS, pre, post, params: RANDOM_P });
    const want = jsStdp(net.rows, net.cols, net.w0, pre, post, N_PRE, N_POST, STEPS, RANDOM_P);
    assert.is(res.w.length, want.length, `${net.name}: entries`);
    let moved = 0;
    for (let e = 0; e < want.length; e++) {
      near(res.w[e]!, want[e]!, 2e-6, `${net.name} entry ${e} (${net.rows[e]}, ${net.cols[e]})`);
      assert.ok(res.w[e]! >= 0 && res.w[e]! <= Math.fround(0.8), `${net.name} entry ${e} = ${res.w[e]} is outside [0, 0.8]`);
      if (res.w[e] === Math.fround(0.8)) atMax++;
      if (res.w[e] === 0) atMin++;
      if (Math.abs(res.w[e]! - net.w0[e]!) > 1e-3) moved++;
    }
    assert.ok(moved > want.length / 2, `${net.name}: only ${moved} of ${want.length} weights changed`);
    assert.equal([...res.matrix.shape], [N_PRE, N_POST]);
    assert.is(res.matrix.format, net.W.format);
  }
  assert.ok(atMax > 0 && atMin > 0, `the bounds were reached (${atMax} at wMax, ${atMin} at 0)`);
});

test.run();
