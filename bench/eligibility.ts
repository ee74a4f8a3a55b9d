/**
 * Eligibility traces (`ef.plasticity.eligibility`) and bit-packed event operands.
 *
 * 1. N = 10,000 × 10,000 CSR, p = 0.02 (about 2 million synapses, float32), compiled runners
 *    with the traces as in-place state (checked in runner.explain()):
 *    - events: pre is bool with 1% active (100 rows): one decay pass over all nnz, then the
 *      active rows add post;
 *    - full pass: pre is float (every row): e·decay + pre_i·post_j on every entry;
 *    - beside them, hand-written JS loops of both (the same arrays, in place).
 *    Time per step: 2k steps with progressEvery k, the clock read between the callbacks after
 *    step k and 2k (as bench/plasticity.ts), so run()'s copy in and out is not counted.
 * 2. Packed vs unpacked event products, eagerly: x @ W for the same 1% spikes arriving as
 *    packed words (ef.matmul(packed, W): the words are copied into a constant, n/32 words) and
 *    as a Uint8Array (ef.matmul(ef.binary(u8), W): n bytes copied). Each call builds a new
 *    node, so nothing is memoized; the generated kernel is cached by its source, so each call
 *    plans, binds and runs. On the 10,000 × 10,000 CSR and on a
 *    1,000,000 × 1,000 CSR (p = 1e-4, 100,000 synapses) where scanning the events dominates.
 */
import { performance } from 'node:perf_hooks';
import * as ef from '../src/index.js';
import { activeBits, randomCsr } from './data.js';
import { fmt, measure, ratio, rng, summarize, table, timingTable, type Report, type RunConfig } from './harness.js';

function runnerTimer(runner: ef.Runner, init: ef.ArrayRecord): (k: number) => Promise<number> {
  return async (k) => {
    let t0 = NaN, t1 = NaN;
    await runner.run(init, {
      steps: 2 * k, progressEvery: k,
      onProgress: (done) => {
        if (done === k) t0 = performance.now();
        else if (done === 2 * k) t1 = performance.now();
      },
    });
    return (t1 - t0) / k;
  };
}

const inPlace = (runner: ef.Runner): boolean => /^state updated in place \(one buffer, no copy\): .*\be\b/m.test(runner.explain());

export async function run(cfg: RunConfig): Promise<Report[]> {
  const n = cfg.quick ? 1000 : 10_000;
  const p = 0.02;
  const reps = cfg.quick ? 3 : 9;
  const k = cfg.quick ? 5 : 40;
  const decay = 0.99;
  cfg.log(`eligibility: building a ${n} × ${n} CSR, p ${p}`);
  const m = randomCsr(n, n, p, 7, { weights: [0, 1] });
  const nnz = m.indptr[n]!;
  const E = ef.csr({ indptr: m.indptr, indices: m.indices, data: new Float32Array(nnz), shape: [n, n] }, 'nS');
  const r = rng(3);
  const post = Float32Array.from({ length: n }, () => r() * 0.1);
  const preF = Float32Array.from({ length: n }, () => r());
  const bits = activeBits(n, Math.round(n / 100), 11);
  const y = ef.array(post, 'nS');

  const events = ef.compile((s) => ({ e: ef.plasticity.eligibility(E.withData(s.e!), s.x!, y, { decay }).data, x: s.x! }));
  const full = ef.compile((s) => ({ e: ef.plasticity.eligibility(E.withData(s.e!), s.x!, y, { decay }).data, x: s.x! }));
  const initEv = { e: ef.array(new Float32Array(nnz), 'nS'), x: ef.binary(bits) };
  const initF = { e: ef.array(new Float32Array(nnz), 'nS'), x: ef.array(preF) };
  // correctness: one step against a hand loop (same float32 arithmetic up to rounding order)
  const handEvents = (w: Float32Array): void => {
    for (let q = 0; q < nnz; q++) w[q] *= decay;
    for (let i = 0; i < n; i++) if (bits[i]) for (let q = m.indptr[i]!; q < m.indptr[i + 1]!; q++) w[q] += post[m.indices[q]!]!;
  };
  const handFull = (w: Float32Array): void => {
    for (let i = 0; i < n; i++) {
      const xi = preF[i]!;
      for (let q = m.indptr[i]!; q < m.indptr[i + 1]!; q++) w[q] = w[q]! * decay + xi * post[m.indices[q]!]!;
    }
  };
  for (const [runner, init, hand, name] of [[events, initEv, handEvents, 'events'], [full, initF, handFull, 'full']] as const) {
    const got = (await runner.run(init, { steps: 2 })).state.e!.dataSync();
    const want = new Float32Array(nnz);
    hand(want); hand(want);
    let d = 0;
    for (let q = 0; q < nnz; q++) d = Math.max(d, Math.abs(got[q]! - want[q]!));
    if (d > 1e-5) throw new Error(`bench/eligibility: ${name} differs from the hand loop by ${d}`);
    if (!inPlace(runner)) throw new Error(`bench/eligibility: ${name}: traces not updated in place`);
  }
  const wHand = new Float32Array(nnz);
  const handTimer = (f: (w: Float32Array) => void) => async (kk: number): Promise<number> => {
    const t0 = performance.now();
    for (let s = 0; s < kk; s++) f(wHand);
    return (performance.now() - t0) / kk;
  };
  const cases = [
    { name: 'eligibility, 1% event pre (decay pass + active rows), compiled', time: runnerTimer(events, initEv) },
    { name: 'eligibility, float pre (full pass), compiled', time: runnerTimer(full, initF) },
    { name: 'hand JS: decay pass + active rows', time: handTimer(handEvents) },
    { name: 'hand JS: full pass', time: handTimer(handFull) },
  ];
  for (const c of cases) await c.time(2); // warm-up
  const samples = cases.map(() => [] as number[]);
  for (let rep = 0; rep < reps; rep++) for (let i = 0; i < cases.length; i++) samples[i]!.push(await cases[i]!.time(k));
  const ms = cases.map((c, i) => summarize(c.name, samples[i]!.map((x) => x * 1e3)));
  cfg.log(`eligibility: ${ms.map((x) => `${x.name}: ${fmt(x.median)} µs`).join('; ')}`);

  // ------------------------------------------------------------ packed vs unpacked products
  const productRows: string[][] = [];
  const productMs = [];
  const shapes: [number, number, number][] = cfg.quick ? [[1000, 1000, 0.02]] : [[n, n, p], [1_000_000, 1_000, 1e-4]];
  for (const [rows, cols, q] of shapes) {
    const mm = rows === n && cols === n ? m : randomCsr(rows, cols, q, 5, { weights: [0, 1] });
    const W = ef.csr({ indptr: mm.indptr, indices: mm.indices, data: mm.data!, shape: [rows, cols] }, 'nS');
    const s = activeBits(rows, Math.round(rows / 100), 13);
    const packed = ef.events.pack(s);
    const spikes = ef.binary(s);
    const a = ef.matmul(packed, W).dataSync(), b = ef.matmul(spikes, W).dataSync();
    if (!a.every((v, i) => Object.is(v, b[i]))) throw new Error('bench/eligibility: packed and unpacked products differ');
    const label = `${rows.toLocaleString('en-US')} × ${cols.toLocaleString('en-US')}`;
    const got = await measure([
      { name: `x @ W, packed (${label})`, fn: () => ef.matmul(packed, W).dataSync() },
      { name: `x @ W, ef.binary (${label})`, fn: () => ef.matmul(ef.binary(s), W).dataSync() },
    ], { reps: cfg.quick ? 3 : 15, warmup: 3 });
    productMs.push(...got);
    productRows.push([label, ratio(got[1]!.median / got[0]!.median)]);
  }
  const markdown = [
    `N = ${n.toLocaleString('en-US')} × ${n.toLocaleString('en-US')} CSR, p = ${p}, nnz = ${nnz.toLocaleString('en-US')}, decay ${decay}, ${Math.round(n / 100)} active pre (1%); ${reps} reps of ${k} steps, medians.`,
    '',
    timingTable(ms, 'µs/step'),
    '',
    table(['comparison (medians)', 'ratio'], [
      ['full pass / event pre (compiled)', ratio(ms[1]!.median / ms[0]!.median)],
      ['compiled / hand JS, event pre', ratio(ms[0]!.median / ms[2]!.median)],
      ['compiled / hand JS, full pass', ratio(ms[1]!.median / ms[3]!.median)],
    ]),
    '',
    'Packed vs unpacked event operands (eager x @ W with dataSync, 1% active):',
    '',
    timingTable(productMs.map((x) => ({ ...x, median: x.median * 1e3, min: x.min * 1e3, max: x.max * 1e3 })), 'µs'),
    '',
    table(['matrix', 'ef.binary / packed'], productRows),
  ].join('\n');
  return [{ title: 'Eligibility traces (event vs float pre) and packed event operands', markdown }];
}
