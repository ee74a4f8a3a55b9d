/**
 * Event-driven weight updates (ef.plasticity) in fusion plans and compiled runners, as
 * docs/fusion.md and docs/plasticity.md describe them: every other reader of the old weights
 * runs before the update (so a runner may update the weights in place); a product that reads
 * the old weights joins no kernel that runs after the update; a reader of both old and new
 * weights runs after it; an accumulating product that reads the new weights keeps a kernel of
 * its own, after its seed loop; and which state slots share one buffer. Values are computed on
 * the cpu backend and compared with a float64 reference written here; inputs are small
 * multiples of powers of two, so the float32 results are exact and compared exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, LazyArray } from '../../src/index.js';
import { inPlaceSlots } from '../../src/fusion/inplace.js';
import type { Plan, ProductStage, Stage } from '../../src/fusion/kernel.js';
import type { Node } from '../../src/ir/node.js';
import { planGraph } from '../../src/fusion/plan.js';
import { assertDependencyOrder, isLeaf, kernelWith, plan, values } from './plans.js';
import { onBackend } from '../compile/models.js';

const kernelOf = (p: Plan, n: Node): number => p.kernels.findIndex((k) => k.stages.some((s) => s.kind === 'product' && s.node === n));

// A 4 × 4 CSR: entry q is at (ROW[q], COL[q]) with weight DATA[q].
const ROW = [0, 0, 1, 2];
const COL = [0, 2, 1, 3];
const DATA = [0.5, 1, 2, 0.25];
const W = ef.csr({ indptr: [0, 2, 3, 4, 4], indices: COL, data: DATA, shape: [4, 4] });
const TRACE = [0.25, -0.5, 0.125, 1];
const TH = 0.375;
const V = [0.125, 0.875, 0.5, 2];
const G = [1, 2, 3, 4];

/** float64 references: events @ W(data), and onPre(W(data), events, trace). */
const scatter = (data: readonly number[], on: readonly boolean[]): number[] =>
  [0, 1, 2, 3].map((j) => data.reduce((a, w, q) => a + (on[ROW[q]!] && COL[q] === j ? w : 0), 0));
const onPre = (data: readonly number[], on: readonly boolean[], trace: readonly number[]): number[] =>
  data.map((w, q) => (on[ROW[q]!] ? w + trace[COL[q]!]! : w));

const spikesOf = (v: LazyArray): LazyArray => v.greater(TH);
const update = (w: LazyArray, spikes: LazyArray): LazyArray => ef.plasticity.onPre(W.withData(w), spikes, ef.array(TRACE)).data;
const ON = V.map((x) => x > TH);
/** Given pre spikes of the updates that do not use the loop's spikes. */
const PRE = [true, true, false, true];

test('a product reading the old weights runs before their update, in its seed loop\'s kernel; then the update', () => {
  // the update's spikes are given; the product's come from a loop
  const w = W.data;
  const spikes = spikesOf(ef.array(V));
  const g = ef.array(G);
  const next = update(w, ef.binary(PRE));
  const gNext = g.mul(0.5).add(ef.matmul(spikes, W.withData(w)));
  for (const roots of [[next, gNext], [gNext, next]]) {
    const p = plan(...roots);
    const prod = p.kernels.flatMap((k) => k.stages).find((s): s is ProductStage => s.kind === 'product' && s.into?.node === gNext.node);
    assert.ok(prod, 'the product adds into g\'');
    const k = kernelOf(p, prod!.node);
    assert.is(k, kernelWith(p, (s) => s.kind === 'loop' && s.seeds.some((x) => x.into === gNext.node)), 'with its seed loop');
    assert.ok(k < kernelOf(p, next.node), 'before the update of the weights it reads');
    assertDependencyOrder(p);
  }
  assert.equal(values(gNext), G.map((x, j) => x * 0.5 + scatter(DATA, ON)[j]!));
  assert.equal(values(next), onPre(DATA, PRE, TRACE));
});

test('an update read by one loop runs in that loop\'s kernel; a product reading old weights joins no loop after the update', () => {
  const w = W.data;
  const spikes = spikesOf(ef.array(V));
  const next = update(w, spikes);
  const doubled = next.mul(2);
  let p = plan(doubled);
  const k = kernelOf(p, next.node);
  assert.is(k, kernelWith(p, (s) => s.kind === 'loop' && s.stores.includes(doubled.node)), 'the update is the loop\'s product stage');
  assert.is(p.buffers.get(next.node)?.kind, 'scratch');
  assert.equal(values(doubled), onPre(DATA, ON, TRACE).map((x) => 2 * x));

  // m reads no weights: it joins the loop that also reads the new weights' sum
  const total = next.sum();
  const M = ef.array([1, 0.5, 0, 2, 1, 1, 0, 0, 4, 0.25, 0.5, 1], '1', { shape: [3, 4] });
  const m = ef.matmul(M, ef.array(V));
  const scaled = m.mul(total);
  p = plan(scaled);
  assert.is(kernelOf(p, m.node), kernelWith(p, (s) => s.kind === 'loop' && s.stores.includes(scaled.node)), 'm joins its reader');
  // old @ spikes is read by a loop that also reads the new weights: not in that loop's kernel, and before the update
  const old = ef.matmul(spikes, W.withData(w));
  const mixed = old.mul(total);
  p = plan(mixed);
  const reader = kernelWith(p, (s) => s.kind === 'loop' && s.stores.includes(mixed.node));
  assert.is.not(kernelOf(p, old.node), reader, 'not in the kernel of a loop after the update');
  assert.ok(kernelOf(p, old.node) < kernelOf(p, next.node), 'before the update');
  assertDependencyOrder(p);
  const sum = onPre(DATA, ON, TRACE).reduce((a, b) => a + b, 0);
  assert.equal(values(mixed), scatter(DATA, ON).map((x) => x * sum));
});

test('a value reading both the old and the new weights runs after the update', () => {
  const w = W.data;
  const next = update(w, spikesOf(ef.array(V)));
  const dw = next.sub(w).sum();
  for (const roots of [[next, dw], [dw, next]]) {
    const p = plan(...roots);
    assert.ok(kernelOf(p, next.node) < kernelWith(p, (s) => s.kind === 'loop' && s.reductions.includes(dw.node as never)), 'update first');
    assertDependencyOrder(p);
  }
  const want = onPre(DATA, ON, TRACE).reduce((a, x, q) => a + x - DATA[q]!, 0);
  assert.equal(values(dw), [want]);
});

test('an accumulating product that reads the new weights runs after the update and after its seed loop', () => {
  const w = W.data;
  const pre = ef.binary(PRE);
  const next = update(w, pre);
  const WN = onPre(DATA, PRE, TRACE);
  const y = ef.array(G).mul(0.5).add(ef.matmul(pre, W.withData(next)));
  for (const roots of [[y], [y, next]]) {
    const p = plan(...roots);
    const seed = kernelWith(p, (s) => s.kind === 'loop' && s.seeds.some((x) => x.into === y.node));
    const prod = kernelWith(p, (s) => s.kind === 'product' && s.into?.node === y.node);
    assert.ok(seed >= 0, 'a kernel runs the seed loop');
    assert.ok(seed < prod, 'the product runs after its seed loop');
    assert.ok(kernelOf(p, next.node) < prod, 'and after the update');
    assertDependencyOrder(p);
  }
  assert.equal(values(y), G.map((x, j) => x * 0.5 + scatter(WN, PRE)[j]!));
});

test('an accumulating product reading a value completed after its seed loop does not join that loop', () => {
  // y = g·s + spikes @ W(old) and z = h·s + y @ W2, s = sum(new weights): both seeded by one loop,
  // which waits for the update; y's product reads the old weights, so it runs in a kernel of its own
  const w = W.data;
  const pre = ef.binary(PRE);
  const next = update(w, pre);
  const s = next.sum();
  const y = ef.array(G).mul(s).add(ef.matmul(pre, W.withData(w)));
  const W2 = ef.csr({ indptr: [0, 1, 2, 3, 4], indices: [1, 2, 3, 0], data: [1, 0.5, 2, 0.25], shape: [4, 4] });
  const H = [4, 3, 2, 1];
  const z = ef.array(H).mul(s).add(ef.matmul(y, W2));
  const S = onPre(DATA, PRE, TRACE).reduce((a, b) => a + b, 0);
  const yRef = G.map((x, j) => x * S + scatter(DATA, PRE)[j]!);
  const zRef = H.map((x, j) => x * S + [0.25 * yRef[3]!, yRef[0]!, 0.5 * yRef[1]!, 2 * yRef[2]!][j]!);
  const p = plan(z);
  const seed = kernelWith(p, (st) => st.kind === 'loop' && st.seeds.some((x) => x.into === z.node));
  assert.is(seed, kernelWith(p, (st) => st.kind === 'loop' && st.seeds.some((x) => x.into === y.node)), 'one loop seeds both');
  const yProd = kernelWith(p, (st) => st.kind === 'product' && st.into?.node === y.node);
  assert.ok(seed < yProd && yProd < kernelWith(p, (st) => st.kind === 'product' && st.into?.node === z.node), 'seeds, then y, then z');
  assertDependencyOrder(p);
  assert.equal(values(z), zRef);
});

// ---------------------------------------------------------------- compiled runners

/** Reference steps of: spikes = v > TH; g' = g/2 + spikes @ W(w); W' = onPre(W(w), PRE, TRACE); v' = v + 1/4. */
function referenceSteps(steps: number): { W: number[]; g: number[]; v: number[] } {
  let [w, g, v] = [DATA, G, V];
  for (let t = 0; t < steps; t++) {
    const on = v.map((x) => x > TH);
    [w, g, v] = [onPre(w, PRE, TRACE), g.map((x, j) => x / 2 + scatter(w, on)[j]!), v.map((x) => x + 0.25)];
  }
  return { W: w, g, v };
}

test('compiled: the weights and the conductance are updated in place, the product reading the old weights first', async () => {
  await onBackend('cpu', async () => {
    // 'W' sorts before 'g': the update is the first output the plan orders
    const runner = ef.compile((s: ArrayRecord) => {
      const spikes = spikesOf(s.v!);
      return { W: update(s.W!, ef.binary(PRE)), g: s.g!.mul(0.5).add(ef.matmul(spikes, W.withData(s.W!))), v: s.v!.add(0.25) };
    });
    const init = { W: W.data, g: ef.array(G), v: ef.array(V) };
    assert.match(runner.prepare(init).explain(), /^state updated in place \(one buffer, no copy\): W, g, v$/m);
    const p = runner.plan()!;
    const upd = p.kernels.findIndex((k) => k.stages.some((s) => s.kind === 'product' && s.node.op === 'plasticityUpdate'));
    const prod = p.kernels.findIndex((k) => k.stages.some((s) => s.kind === 'product' && s.node.op === 'sparseProduct'));
    assert.ok(prod >= 0 && prod < upd, 'the product reads the weights before they are overwritten');
    for (const steps of [1, 3]) {
      const { state } = await runner.run(init, { steps });
      const want = referenceSteps(steps);
      assert.equal(Array.from(state.W!.dataSync(), Number), want.W, `W after ${steps}`);
      assert.equal(Array.from(state.g!.dataSync(), Number), want.g, `g after ${steps}`);
    }
  });
});

test('compiled: a state read at its own index by the loop that writes it, after another loop seeds a conductance, is in place', async () => {
  await onBackend('cpu', async () => {
    // a' = a + sum(g'): the loop writing a' comes after the loop seeding g' (which also reads a)
    const runner = ef.compile((s: ArrayRecord) => {
      const gNext = s.g!.mul(0.5).add(ef.matmul(s.a!.greater(TH), W));
      return { a: s.a!.add(gNext.sum()), g: gNext };
    });
    const init = { a: ef.array(V), g: ef.array(G) };
    assert.match(runner.prepare(init).explain(), /^state updated in place \(one buffer, no copy\): a, g$/m);
    let [a, g] = [V, G];
    for (let t = 0; t < 2; t++) {
      g = g.map((x, j) => x / 2 + scatter(DATA, a.map((y) => y > TH))[j]!);
      const sum = g.reduce((x, y) => x + y, 0);
      a = a.map((x) => x + sum);
    }
    const { state } = await runner.run(init, { steps: 2 });
    assert.equal(Array.from(state.a!.dataSync(), Number), a);
    assert.equal(Array.from(state.g!.dataSync(), Number), g);
  });
});

test('inPlaceSlots: a writer loop that reads the old value broadcast (not at its own index) does not share its buffer', () => {
  const old = ef.array([1]);
  const next = old.add(ef.array([1, 2, 3]));
  const p = planGraph([next.node], isLeaf);
  assert.equal([...inPlaceSlots(p, [old.node], [next.node], 1)], [], 'element 0 is read after it was overwritten');
  const same = ef.array([1, 2, 3]);
  const sameNext = same.add(ef.array([1, 2, 3]));
  assert.equal([...inPlaceSlots(planGraph([sameNext.node], isLeaf), [same.node], [sameNext.node], 1)], [0], 'at its own index: shared');
});

test.run();
