/**
 * Event-driven weight updates as WebAssembly (src/backends/wasm/plasticity.ts) compute the cpu
 * backend's numbers bit for bit: every storing format (its compressed walk, direct or through
 * the other compression's permutation), onPre and onPost, no bounds, number bounds and 0-d
 * array bounds (crossed ones too), eagerly (the result a copy of the old weights, updated) and in a compiled
 * runner (the weights updated in place, spikes from the loop-built list); and eligibility
 * traces, float and event pre. explain must show the updates ran as WebAssembly.
 * wasm only: outside the shared suites (the cpu+reference process runs it once).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { PlasticMatrix, TypedArray } from '../../src/index.js';
import { KINDS, matrixOf } from '../helpers/plastic.js';
import { runs } from '../helpers/backends.js';
import '../helpers/seed.js';

const same = (a: TypedArray, b: TypedArray): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

function onBackend<T>(name: string, fn: () => T): T {
  ef.setBackend(name, name === 'wasm' ? { threads: 1 } : undefined);
  try {
    return fn();
  } finally {
    if (name === 'wasm') ef.setBackend('wasm', {});
    ef.setBackend('cpu');
  }
}

/** A matrix of every storing format, and the case's other values drawn for its shape. */
const withMatrix = <T extends object>(rest: (rows: number, cols: number) => fc.Arbitrary<T>): fc.Arbitrary<T & { M: PlasticMatrix }> =>
  fc.constantFrom(...KINDS).chain((kind) => matrixOf(kind, false).chain((M) => rest(M.shape[0], M.shape[1]).map((r) => ({ ...r, M }))));

/** 'crossed': 0-d array bounds with wMin > wMax (not checked when they are arrays): wMax wins, as `Math.min` applied last gives. */
type Bounds = 'none' | 'numbers' | 'arrays' | 'crossed';

/** One update of M: its new stored weights and how the backend ran it. */
function update(M: PlasticMatrix, pre: boolean, spikes: readonly boolean[], trace: readonly number[], bounds: Bounds): { w: TypedArray; explain: string } {
  const s = ef.binary(Uint8Array.from(spikes, Number));
  const tr = ef.array(Float32Array.from(trace), 'nS');
  const options = bounds === 'none' ? {} : bounds === 'numbers' ? { wMin: -0.5, wMax: 1.25 }
    : bounds === 'arrays' ? { wMin: ef.scalar(-0.25, 'nS'), wMax: ef.scalar(1, 'nS').mul(1.5) }
    : { wMin: ef.scalar(0.75, 'nS'), wMax: ef.scalar(0.5, 'nS') };
  const W = pre ? ef.plasticity.onPre(M, s, tr, options) : ef.plasticity.onPost(M, s, tr, options);
  return { w: W.data.dataSync(), explain: ef.explain(W.data) };
}

test('onPre and onPost on every storing format, with no bounds, number bounds and array bounds: wasm equals cpu bit for bit', () => {
  let native = 0;
  const cases = withMatrix((rows, cols) =>
    fc.record({
      pre: fc.boolean(),
      bounds: fc.constantFrom<Bounds>('none', 'numbers', 'arrays', 'crossed'),
      spikesRow: fc.array(fc.boolean(), { minLength: rows, maxLength: rows }),
      spikesCol: fc.array(fc.boolean(), { minLength: cols, maxLength: cols }),
      traceRow: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: rows, maxLength: rows }),
      traceCol: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: cols, maxLength: cols }),
    }),
  );
  fc.assert(
    fc.property(cases, (c) => {
      // onPre: the rows' spikes, the columns' trace; onPost the other way round
      const spikes = c.pre ? c.spikesRow : c.spikesCol;
      const trace = c.pre ? c.traceCol : c.traceRow;
      const cpu = onBackend('cpu', () => update(c.M, c.pre, spikes, trace, c.bounds));
      const wasm = onBackend('wasm', () => update(c.M, c.pre, spikes, trace, c.bounds));
      if (/plasticity on(Pre|Post) in WebAssembly/.test(wasm.explain)) native++;
      assert.ok(same(wasm.w, cpu.w), `${Array.from(wasm.w).slice(0, 8)} against ${Array.from(cpu.w).slice(0, 8)}`);
    }),
    { numRuns: runs(300) },
  );
  assert.ok(native > 0, `updates ran as WebAssembly (${native})`);
});

test('eligibility traces on every storing format, float and event pre, literal and array decay: wasm equals cpu bit for bit', () => {
  let native = 0;
  const cases = withMatrix((rows, cols) =>
    fc.record({
      events: fc.boolean(),
      decayArray: fc.boolean(),
      decay: fc.constantFrom(0, 0.5, 0.9375, 1),
      pre: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: rows, maxLength: rows }),
      bits: fc.array(fc.boolean(), { minLength: rows, maxLength: rows }),
      post: fc.array(fc.float({ min: -2, max: 2, noNaN: true }), { minLength: cols, maxLength: cols }),
    }),
  );
  const trace = (c: { M: PlasticMatrix; events: boolean; decayArray: boolean; decay: number; pre: number[]; bits: boolean[]; post: number[] }): { e: TypedArray; explain: string } => {
    const x = c.events ? ef.binary(Uint8Array.from(c.bits, Number)) : ef.array(Float32Array.from(c.pre));
    const y = ef.array(Float32Array.from(c.post), 'nS');
    const E = ef.plasticity.eligibility(c.M, x, y, { decay: c.decayArray ? ef.scalar(c.decay).mul(1) : c.decay });
    return { e: E.data.dataSync(), explain: ef.explain(E.data) };
  };
  fc.assert(
    fc.property(cases, (c) => {
      const cpu = onBackend('cpu', () => trace(c));
      const wasm = onBackend('wasm', () => trace(c));
      if (/eligibility traces in WebAssembly/.test(wasm.explain)) native++;
      assert.ok(same(wasm.e, cpu.e), `${Array.from(wasm.e).slice(0, 8)} against ${Array.from(cpu.e).slice(0, 8)}`);
    }),
    { numRuns: runs(300) },
  );
  assert.ok(native > 0, `traces ran as WebAssembly (${native})`);
});

test('in a compiled runner: the weights updated in place, spikes from the loop-built list, the cpu\'s bits after 30 steps', async () => {
  const n = 60;
  const indptr = Int32Array.from({ length: n + 1 }, (_, i) => i * 5);
  const indices = Int32Array.from({ length: 5 * n }, (_, p) => (p * 7 + Math.floor(p / 5)) % n);
  const data = Float32Array.from({ length: 5 * n }, (_, p) => 0.5 + ((p * 13) % 17) / 34);
  const run = async (name: string): Promise<{ w: string; explain: string }> => {
    ef.setBackend(name, name === 'wasm' ? { threads: 1 } : undefined);
    try {
      const W0 = ef.csr({ indptr, indices, data, shape: [n, n] }, 'nS');
      const runner = ef.compile((s) => {
        const W = ef.csr({ indptr, indices, data: s.w!, shape: [n, n] });
        const spikes = s.v!.greater(ef.scalar(0.6));
        const drive = ef.matmul(spikes, W);
        const next = ef.plasticity.onPre(W, spikes, s.x!.neg(), { wMin: 0, wMax: 2 });
        return { w: next.data, v: s.v!.mul(0.8).add(drive.div(ef.scalar(5, 'nS'))), x: s.x!.mul(0.9).add(ef.where(spikes, ef.scalar(0.05, 'nS'), ef.scalar(0, 'nS'))) };
      });
      const init = { w: W0.data, v: ef.array(Float32Array.from({ length: n }, (_, i) => (i % 7) / 6)), x: ef.zeros([n], 'nS') };
      const out = await runner.run(init, { steps: 30 });
      const w = out.state.w!.dataSync() as Float32Array;
      return { w: Buffer.from(w.buffer, w.byteOffset, w.byteLength).toString('base64'), explain: runner.explain() };
    } finally {
      if (name === 'wasm') ef.setBackend('wasm', {});
      ef.setBackend('cpu');
    }
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  assert.match(wasm.explain, /plasticity onPre in WebAssembly: the stored weights of the active rows \(active list\), in place/);
  assert.match(wasm.explain, /updated in place[^\n]*\bw\b/);
  assert.is(wasm.w, cpu.w);
  assert.is.not(cpu.w, Buffer.from(data.buffer).toString('base64'), 'the weights changed');
});

test.run();
