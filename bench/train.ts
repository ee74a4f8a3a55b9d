/**
 * Training cost (cpu backend), side by side in one process; notes in bench/TRAIN-NOTES.md.
 *
 * 1. One training step of examples/train-snn.ts (200 LIF neurons, CSR W_rec p = 0.1, 32 input
 *    lines, a batch of 32 trials × 60 steps of 1 ms): `trainStep` (trace the loss, ef.valueAndGrad
 *    over the 60 unrolled steps, an Adam update, the new weights and moments realized in one
 *    computation) against the forward pass alone (the same loss graph built and realized).
 *    Each call starts from the same weight values in fresh buffers (nodes are hash-consed and
 *    results remembered per node: the same buffers would make every call after the first a
 *    lookup). Beside them, the time to build each graph without computing it.
 * 2. The weight gradient of an event product y = x @ W (W a CSR n × n, p = 0.05) for a
 *    cotangent g of y: ∂L/∂data = for each stored (i, j), Σ_b x[b, i]·g[b, j]. Pre spikes x at
 *    1 % activity (bool), three ways:
 *    - events: ef.vjp of the product with bool x: the sampled product walks only the active rows;
 *    - float pre: the same with x as float32 0/1 values: the sampled product walks every entry;
 *    - dense: the outer product xᵀ @ g as a dense n × n matmul, then gathered at the stored
 *      entries (flat index i·n + j): what a dense framework without a sampled product does.
 *    Each call builds the gradient graph for a fresh cotangent buffer and realizes it (dataSync);
 *    the three agree (checked). Events and float pre run interleaved; dense on its own after
 *    them (its 64 MB temporaries would put garbage collection into the others' timings).
 */
import * as ef from '../src/index.js';
import { batchLoss, DEFAULTS, realizeAll, snnNetwork, trainStep, trials, type SnnWeights, type TrainState } from '../examples/train-snn.js';
import { activeBits, randomCsr } from './data.js';
import { fmt, measure, ratio, rng, table, timingTable, type Measurement, type Report, type RunConfig } from './harness.js';

/** A copy of the weights in fresh buffers: new leaves, so nothing built from them is memoized. */
function fresh(w: SnnWeights): SnnWeights {
  const copy = (x: ef.LazyArray): ef.LazyArray => ef.array(Float32Array.from(x.dataSync()), x.unit, { shape: [...x.shape] });
  return { win: copy(w.win), wrec: copy(w.wrec), wout: copy(w.wout) };
}

function trainingStep(cfg: RunConfig): Promise<Report> {
  const p = cfg.quick ? { ...DEFAULTS, neurons: 50, steps: 20, burstEnd: 10, readFrom: 10, batch: 8, trainTrials: 8, testTrials: 8 } : DEFAULTS;
  const net = snnNetwork(p);
  const [batch] = trials(net.params, 'train');
  const opt = ef.optim.adam({ lr: p.lr });
  // Every call starts from the same weight values, in fresh buffers (setup, untimed): the same
  // work each time, and none of it memoized (nodes are hash-consed, results remembered per node).
  const state = (): TrainState => {
    const w = fresh(net.init);
    return { weights: w, opt: opt.init(w) };
  };
  const step = (s: TrainState): number => trainStep(net, opt, s, batch!).loss;
  const fwd = (s: TrainState): number => realizeAll([batchLoss(net, batch!)(s.weights).reshape([1])])[0]!.item();
  const buildStep = (s: TrainState): unknown => {
    const { grad } = ef.valueAndGrad(batchLoss(net, batch!))(s.weights);
    return opt.update(grad, s.opt, s.weights);
  };
  const buildFwd = (s: TrainState): unknown => batchLoss(net, batch!)(s.weights);
  const l0 = fwd(state());
  if (Math.abs(step(state()) - l0) > 1e-6 * Math.abs(l0)) throw new Error('bench/train: the training step and the forward pass disagree on the loss');
  cfg.log(`train: ${p.neurons} neurons, ${net.structure.nnz} recurrent synapses, batch ${p.batch} × ${p.steps} steps`);
  return measure([
    { name: 'forward + backward + Adam (trainStep), realized', setup: state, fn: step },
    { name: 'forward alone (the loss), realized', setup: state, fn: fwd },
    { name: 'building the training step\'s graph only (trace, backward, Adam; nothing computed)', setup: state, fn: buildStep },
    { name: 'building the forward graph only', setup: state, fn: buildFwd },
  ], { warmup: 2, reps: cfg.quick ? 3 : 11 }).then((ms) => {
    const [train, forward, bTrain, bFwd] = ms as [Measurement, Measurement, Measurement, Measurement];
    return {
      title: 'One training step of examples/train-snn.ts against its forward pass',
      markdown: [
        `${p.neurons} LIF neurons, CSR W_rec p = ${p.connectionProb} (${net.structure.nnz} synapses), ${p.channels * p.perChannel} input lines, ` +
          `batch ${p.batch} × ${p.steps} steps (one graph, BPTT); each call builds its graph from fresh weight buffers, plans and runs; medians of ${train.reps}.`,
        '',
        timingTable(ms, 'ms'),
        '',
        table(['comparison (medians)', 'ratio'], [
          ['training step / forward alone (realized)', ratio(train.median / forward.median)],
          ['graph building / realized, training step', ratio(bTrain.median / train.median)],
          ['graph building / realized, forward', ratio(bFwd.median / forward.median)],
        ]),
      ].join('\n'),
    };
  });
}

async function weightGradient(cfg: RunConfig): Promise<Report> {
  const n = cfg.quick ? 500 : 4000;
  const q = 0.05;
  const m = randomCsr(n, n, q, 17, { weights: [-1, 1] });
  const nnz = m.indptr[n]!;
  const S = ef.csr({ indptr: m.indptr, indices: m.indices, data: m.data!, shape: [n, n] }, 'mV');
  const w0 = ef.array(m.data!, 'mV');
  // flat dense index i·n + j of each stored entry, for the dense variant's gather
  const flat = new Int32Array(nnz);
  for (let i = 0; i < n; i++) for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) flat[k] = i * n + m.indices[k]!;
  const rows: string[][] = [];
  const all = [];
  for (const batch of [1, 32]) {
    const bits = new Uint8Array(batch * n);
    for (let b = 0; b < batch; b++) bits.set(activeBits(n, Math.round(n / 100), 23 + b), b * n);
    const r = rng(5 + batch);
    const gData = Float32Array.from({ length: batch * n }, () => r() - 0.5);
    // a fresh cotangent per call (setup, untimed): a new leaf, so the gradient is computed each time
    const freshG = (): ef.LazyArray => ef.array(gData, '', { shape: [batch, n] });
    const xBool = ef.binary(bits, [batch, n]);
    const xFloat = ef.array(Float32Array.from(bits), '', { shape: [batch, n] });
    const sampled = (x: ef.LazyArray) => (g: ef.LazyArray): Float32Array => {
      const [gw] = ef.vjp((w: ef.LazyArray) => ef.matmul(x, S.withData(w)), w0).vjp(g) as [ef.LazyArray];
      return gw.dataSync() as Float32Array;
    };
    const dense = (g: ef.LazyArray): Float32Array => ef.matmul(xFloat.transpose(), g).reshape([-1]).take(flat).dataSync() as Float32Array;
    const ev = sampled(xBool)(freshG()), fl = sampled(xFloat)(freshG()), de = dense(freshG());
    for (const [what, got] of [['float pre', fl], ['dense', de]] as const) {
      let d = 0;
      for (let k = 0; k < nnz; k++) d = Math.max(d, Math.abs(got[k]! - ev[k]!));
      if (d > 1e-4) throw new Error(`bench/train: the ${what} weight gradient differs from the event one by ${d}`);
    }
    // The dense variant allocates an n × n array per call (64 MB at n = 4000): timed on its own,
    // after the two sparse ones, so that collecting its garbage does not land in their timings.
    const ms = [
      ...await measure([
        { name: `events: sampled product, bool pre (batch ${batch})`, setup: freshG, fn: sampled(xBool) },
        { name: `float pre: sampled product over every entry (batch ${batch})`, setup: freshG, fn: sampled(xFloat) },
      ], { warmup: 3, reps: cfg.quick ? 3 : 21 }),
      ...await measure([
        { name: `dense: xᵀ @ g (${n} × ${n}), gathered at the entries (batch ${batch})`, setup: freshG, fn: dense },
      ], { warmup: 1, reps: cfg.quick ? 3 : 7 }),
    ];
    all.push(...ms);
    rows.push([`batch ${batch}`, ratio(ms[1]!.median / ms[0]!.median), ratio(ms[2]!.median / ms[0]!.median)]);
    cfg.log(`train: weight gradient, batch ${batch}: ${ms.map((x) => `${fmt(x.median)} ms`).join(', ')}`);
  }
  return {
    title: 'Event-driven weight gradient (sampled product) against float and dense ones, 1 % activity',
    markdown: [
      `W: ${n} × ${n} CSR, p = ${q}, nnz = ${nnz.toLocaleString('en-US')}; ${Math.round(n / 100)} active pre neurons per batch row (1 %); ` +
        'each call builds the gradient graph and realizes it; medians.',
      '',
      timingTable(all, 'ms'),
      '',
      table(['(medians)', 'float pre / events', 'dense / events'], rows),
    ].join('\n'),
  };
}

export async function run(cfg: RunConfig): Promise<Report[]> {
  ef.setBackend('cpu');
  return [await trainingStep(cfg), await weightGradient(cfg)];
}
