/**
 * Backpropagation through time on every backend: runner.valueAndGrad over T steps of a small
 * LIF-like network (surrogate spikes, CSR recurrent weights, a dense input matrix, a scalar
 * decay) equals ef.grad of the same T steps unrolled as one graph (the state passed on in a
 * plain JS loop), for checkpoint intervals k = 1, 7 and T, with a loss over the records and the
 * final state; and, on the reference backend in float64, equals central finite differences
 * of the loss for a few scalar parameters (a smooth variant of the network: finite
 * differences cannot see a surrogate derivative, which is not the derivative of the step).
 *
 * T = 50, and 12 on gpujs with k = 1, 4 and 12 (the unrolled comparison graph is slow to build
 * and compile there; BPTT's step VJP is one small program whatever T). From 8 steps the
 * unrolled gradient reads more buffers than a WebGPU kernel may bind: the gpujs lowering splits
 * such chains (gpujs/loops.ts, splitCone), which this test exercises on webgpu.
 * Tolerance, BPTT against unrolled: |a − b| ≤ tol · max|b| per parameter, tol = 1e-9 where the
 * backend computes float64 (cpu, reference: the two sum the same terms in another order, so
 * they differ by rounding, ~1e-15 relative per term), 1e-4 on gpujs (float32: per-step
 * rounding of ~1e-7 compounded over 6 steps of a contracting recurrence, and the per-step
 * accumulation against the unrolled graph's sum tree). Finite differences: h = 1e-6 and
 * |fd − g| ≤ 1e-6 · (1 + |g|) (the quotient errs by ~eps·|L|/h ≈ 1e-9 plus h²·|L'''|).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, LazyArray } from '../../src/index.js';
import { capabilities } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';
import { stream } from '../helpers/stream.js';

const N = 5, X = 3;

interface Params {
  readonly win: LazyArray; // [X, N] dense input weights
  readonly wrec: ef.CSR; // [N, N] recurrent weights
  readonly decay: LazyArray; // 0-d
}

type DT = 'float32' | 'float64';


function setup(dt: DT, T: number, smooth: boolean) {
  const r = stream(7);
  const F = (n: number, f: () => number): Float64Array | Float32Array => {
    const out = dt === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = f();
    return out;
  };
  // a ring with one chord per neuron: row i has (i + 1) % N and (i + 2) % N
  const indptr = Int32Array.from({ length: N + 1 }, (_, i) => 2 * i);
  const indices = Int32Array.from({ length: 2 * N }, (_, j) => (Math.floor(j / 2) + 1 + (j % 2)) % N);
  for (let i = 0; i < N; i++) {
    const a = indices[2 * i]!, b = indices[2 * i + 1]!;
    if (a > b) indices[2 * i] = b, indices[2 * i + 1] = a;
  }
  const params: Params = {
    win: ef.array(F(X * N, () => 0.2 + 0.6 * r()), '1', { dtype: dt, shape: [X, N] }),
    wrec: ef.csr({ indptr, indices, data: F(2 * N, () => r() - 0.3), shape: [N, N], dtype: dt }),
    decay: ef.scalar(0.8, '1', dt),
  };
  const x = ef.array(F(T * X, () => r() * 0.9), '1', { dtype: dt, shape: [T, X] });
  const init: ArrayRecord = {
    v: ef.array(F(N, () => r() * 0.5), '1', { dtype: dt }),
    s: smooth ? ef.zeros([N], '1', dt) : ef.zeros([N], '1', dt).greater(0),
  };
  const spike = smooth ? (u: LazyArray) => u.mul(4).tanh().add(1).mul(0.5) : (u: LazyArray) => ef.surrogate.fastSigmoid(u, { alpha: 2 });
  const step = (st: ArrayRecord, inp: ArrayRecord, _t: LazyArray, p: Params) => {
    const I = ef.matmul(inp.x!, p.win).add(ef.matmul(st.s!, p.wrec));
    const v = st.v!.mul(p.decay).add(I);
    const s = spike(v.sub(1));
    const vNext = v.mul(ef.scalar(1, '1', dt).sub(s.astype(dt)).mul(0.7).add(0.3));
    return { state: { v: vNext, s }, record: { v: vNext, s } };
  };
  const loss = (rec: Record<string, LazyArray>, fin: Record<string, LazyArray>) =>
    rec.v!.mul(rec.v!).mean().add(rec.s!.astype(dt).sum().mul(0.01)).add(fin.v!.sum().mul(0.5));
  const unrolled = (p: Params): LazyArray => {
    let st = init;
    const vs: LazyArray[] = [], ss: LazyArray[] = [];
    for (let t = 0; t < T; t++) {
      const o = step(st, { x: x.slice(t) }, ef.scalar(t, '1', 'int32'), p);
      st = o.state;
      // cast before stacking: concat passes no cotangent to bool operands (docs/gradients.md)
      vs.push(o.record.v), ss.push(o.record.s.astype(dt));
    }
    return loss({ v: ef.stack(vs), s: ef.stack(ss) }, st);
  };
  return { params, x, init, step, loss, unrolled };
}

const leaves = (p: Params): Record<string, Float64Array> => ({
  win: Float64Array.from(p.win.dataSync()),
  wrec: Float64Array.from(p.wrec.data.dataSync()),
  decay: Float64Array.from(p.decay.dataSync()),
});

function close(got: Record<string, Float64Array>, want: Record<string, Float64Array>, tol: number, what: string): void {
  for (const key of Object.keys(want)) {
    const a = got[key]!, b = want[key]!;
    const scale = Math.max(...Array.from(b, Math.abs), 1e-30);
    assert.ok(scale > 1e-6, `${what} ${key}: the gradient is (nearly) zero, nothing is tested`);
    for (let i = 0; i < b.length; i++) {
      if (!(Math.abs(a[i]! - b[i]!) <= tol * scale)) assert.unreachable(`${what} ${key}[${i}]: ${a[i]} vs ${b[i]} (tol ${tol} · ${scale})`);
    }
  }
}

forEachBackend(test, 'BPTT over T steps equals ef.grad of the unrolled steps, for k = 1, 7, T (loss over records and final state)', async (backend) => {
  const dt: DT = capabilities(backend).dtypes.includes('float64') ? 'float64' : 'float32';
  const T = backend === 'gpujs' ? 12 : 50;
  const tol = dt === 'float64' ? 1e-9 : 1e-4;
  const { params, x, init, step, loss, unrolled } = setup(dt, T, false);
  const want = ef.valueAndGrad(unrolled)(params);
  const wantGrad = leaves(want.grad);
  const runner = ef.compile(step);
  let spikes = -1;
  for (const k of [1, backend === 'gpujs' ? 4 : 7, T]) {
    const got = await runner.valueAndGrad(loss, init, { steps: T, params, inputs: { x }, checkpointEvery: k });
    assert.ok(Math.abs(got.value.item() - want.value.item()) <= tol * Math.abs(want.value.item()), `value k=${k}: ${got.value.item()} vs ${want.value.item()}`);
    close(leaves(got.grad), wantGrad, tol, `k=${k}`);
    assert.ok(got.grad.wrec instanceof ef.CSR, 'the gradient of a CSR param is a CSR');
    assert.is(got.stats.checkpoints, Math.ceil(T / k));
    assert.is(got.stats.recomputedSteps, T - Math.ceil(T / k));
    spikes = Array.from(got.records.s!.dataSync()).reduce((a, b) => a + b, 0);
  }
  // the surrogate path matters: the network spikes, but not always
  assert.ok(spikes > 0 && spikes < T * N, `spikes: ${spikes} of ${T * N}`);
});

forEachBackend(test, 'BPTT equals central finite differences in float64 (smooth spikes)', async () => {
  const T = 50;
  const { params, x, init, step, loss } = setup('float64', T, true);
  const runner = ef.compile(step);
  const got = await runner.valueAndGrad(loss, init, { steps: T, params, inputs: { x }, checkpointEvery: 7 });
  const g = leaves(got.grad);
  const L = async (p: Params): Promise<number> => {
    const out = await runner.run(init, { steps: T, params: p, inputs: { x } });
    return loss(out.records, out.state).item();
  };
  const h = 1e-6;
  const nudge = (a: LazyArray, i: number, d: number): LazyArray => {
    const v = Float64Array.from(a.dataSync());
    v[i] = v[i]! + d;
    return ef.array(v, a.unit, { dtype: 'float64', shape: a.shape });
  };
  const cases: [string, number, (d: number) => Params][] = [
    ['decay', 0, (d) => ({ ...params, decay: nudge(params.decay, 0, d) })],
    ['win', 4, (d) => ({ ...params, win: nudge(params.win, 4, d) })],
    ['wrec', 3, (d) => ({ ...params, wrec: params.wrec.withData(nudge(params.wrec.data, 3, d)) })],
  ];
  for (const [key, i, at] of cases) {
    const fd = ((await L(at(h))) - (await L(at(-h)))) / (2 * h);
    const an = g[key]![i]!;
    assert.ok(Math.abs(fd - an) <= 1e-6 * (1 + Math.abs(an)), `${key}[${i}]: finite differences ${fd}, BPTT ${an}`);
    assert.ok(Math.abs(an) > 1e-4, `${key}[${i}]: the gradient ${an} is too small to test anything`);
  }
}, { skip: (b) => (b === 'reference' ? undefined : 'finite differences in float64 run on the reference backend') });

test.run();
