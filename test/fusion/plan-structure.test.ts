/**
 * Fusion plans (src/fusion/plan.ts) beyond the basic rules of plan.test.ts, as docs/fusion.md
 * describes them: barrier depths in the decisions, the `explain` text of a loop, cheap values
 * over a product recomputed, when a sparse product accumulates into `seed + product` (and when
 * not), which event products read an active list, which values an active list spares a
 * buffer, and what a product stage reads. Values are computed on the cpu backend (the plan
 * that runs) and compared with a float64 reference written here; the inputs are small
 * multiples of powers of two, so every float32 result is exact and compared exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { explainPlan } from '../../src/fusion/explain.js';
import type { LoopStage, Plan, ProductStage, Stage } from '../../src/fusion/kernel.js';
import { assertDependencyOrder, kernelWith, plan, values } from './plans.js';
import { withBackend } from '../helpers/backends.js';

const stages = (p: Plan): Stage[] => p.kernels.flatMap((k) => k.stages);
const productOf = (p: Plan, x: LazyArray): ProductStage => stages(p).find((s): s is ProductStage => s.kind === 'product' && s.node === x.node)!;
const reasonsFor = (p: Plan, x: LazyArray): string[] => p.decisions.filter((d) => d.node === x.node).map((d) => d.reason);

// A 4 × 4 CSR with its dense form for the reference: row i of W is what an event at i adds.
const DENSE = [[0.5, 0, 1, 0], [0, 2, 0, 0], [0, 0, 0, 0.25], [0, 0, 0, 0]];
const W = ef.csr({ indptr: [0, 2, 3, 4, 4], indices: [0, 2, 1, 3], data: [0.5, 1, 2, 0.25], shape: [4, 4] });
const V = [0.125, 0.875, 0.5, 2];
const G = [1, 2, 3, 4];
const TH = 0.375;
const v = (): LazyArray => ef.array(V);
const g = (): LazyArray => ef.array(G);
const SPIKES = V.map((x) => x > TH);
/** events @ DENSE in float64. */
const scatter = (events: readonly boolean[]): number[] => DENSE[0]!.map((_, j) => events.reduce((a, on, i) => a + (on ? DENSE[i]![j]! : 0), 0));

test('decisions name the loop of a value by its shape and barrier depth: 0 over the leaves, 1 after a reduction', () => {
  const x = ef.array([1, 2, 3, 4]);
  const e = x.exp();
  const centred = x.sub(e.sum()).mul(2);
  const p = plan(centred);
  assert.equal(reasonsFor(p, e), [`%${e.node.id} = exp(%${x.node.id}) [4] float32: fused into its only loop [4]@0`]);
  const sub = centred.node.src[0]!;
  assert.ok(p.decisions.some((d) => d.node === sub && d.reason.endsWith('fused into its only loop [4]@1')), 'x - sum(exp x) is one barrier deep');
});

test('explain counts the fused ops of a loop: "1 fused op", "2 fused ops"', () => {
  const x = ef.array([1, 2, 3]);
  assert.match(explainPlan(plan(x.exp())), /stage 0: loop over \[3\]; 1 fused op \(exp\); stores %\d+\n/);
  assert.match(explainPlan(plan(x.exp().add(1))), /stage 0: loop over \[3\]; 2 fused ops \(exp, add\); stores %\d+\n/);
});

test('one cheap op on a product or a reduction, used by two loops, is recomputed in each (its operand is read from a buffer)', () => {
  const M = ef.array([1, 2, 3, 4, 5, 6], '1', { shape: [3, 2] });
  const m = ef.matmul(M, ef.array([1, 0.5]));
  const y = ef.array([1, 2, 3, 4, 5, 6], '1', { shape: [2, 3] });
  const z = ef.array([2, 4, 8], '1', { shape: [1, 3] });
  for (const barrier of [m, ef.array([1, 2, 3]).sum()]) {
    const c = barrier.mul(2);
    const p = plan(c.add(y), c.mul(z).sum());
    assert.equal(p.decisions.filter((d) => d.node === c.node).map((d) => d.action), ['recompute'], `${barrier.node.op}: recomputed`);
    assert.not.ok(p.buffers.has(c.node), 'no buffer');
  }
});

test('a sparse product accumulates into seed + product only when the output reads it once, alone, at its own shape', () => {
  const spikes = (): LazyArray => v().greater(TH);
  const ref = scatter(SPIKES);
  // the product twice: P + P
  const P = ef.matmul(spikes(), W);
  const twice = P.add(P);
  let p = plan(twice);
  assert.not.ok(stages(p).some((s) => s.kind === 'product' && s.into), 'P + P: no accumulation');
  assert.equal(values(twice), ref.map((r) => r + r));
  // read by the output and by another output (either listed first)
  const seed = g().mul(0.5);
  const shared = ef.matmul(spikes(), W);
  const y = seed.add(shared);
  const other = shared.mul(2);
  for (const roots of [[y, other], [other, y]]) {
    p = plan(...roots);
    assert.not.ok(stages(p).some((s) => s.kind === 'product' && s.into), 'product read twice: no accumulation');
    assert.ok(p.buffers.has(shared.node), 'the product has a buffer of its own');
  }
  assert.equal(values(y), G.map((x, j) => x * 0.5 + ref[j]!));
  // broadcast: the output is bigger than the product
  const G2 = [1, 2, 3, 4, 5, 6, 7, 8];
  const wide = ef.array(G2, '1', { shape: [2, 4] }).add(ef.matmul(spikes(), W));
  p = plan(wide);
  assert.not.ok(stages(p).some((s) => s.kind === 'product' && s.into), 'broadcast: no accumulation');
  assert.equal(values(wide), G2.map((x, k) => x + ref[k % 4]!));
});

test('an accumulating product joins its seed loop even when its events come from another loop', () => {
  // spikes from a loop over [3] (another index space), then from a loop with a dense product as epilogue
  const D = [[1, 0, -1, 2], [0.5, 0.5, 0, 0], [0, 0, 0, 1]];
  const dm = ef.array(D.flat(), '1', { shape: [3, 4] });
  const W3 = ef.csr({ indptr: [0, 1, 3, 4], indices: [3, 0, 1, 2], data: [0.5, 1, 2, 4], shape: [3, 4] });
  const DENSE3 = [[0, 0, 0, 0.5], [1, 2, 0, 0], [0, 0, 4, 0]];
  const u = [0.5, -1, 2];
  const cases: [string, LazyArray, boolean[]][] = [
    ['a loop over [3]', ef.array(u).greater(0), u.map((x) => x > 0)],
    ['a loop after a dense product', ef.matmul(dm, v()).greater(0.5), D.map((row) => row.reduce((a, w, j) => a + w * V[j]!, 0) > 0.5)],
  ];
  for (const [what, events, on] of cases) {
    const y = g().mul(0.5).add(ef.matmul(events, W3));
    const p = plan(y);
    const seedLoop = (s: Stage): boolean => s.kind === 'loop' && s.seeds.some((x) => x.into === y.node);
    const prod = stages(p).find((s): s is ProductStage => s.kind === 'product' && s.into?.node === y.node);
    assert.ok(prod, `${what}: the product adds into y`);
    const k = kernelWith(p, seedLoop);
    assert.ok(k >= 0, `${what}: a loop seeds y`);
    assert.is(kernelWith(p, (s) => s === prod), k, `${what}: the product runs in its seed loop's kernel`);
    assert.is(p.kernels[k]!.stages.indexOf(prod!), p.kernels[k]!.stages.findIndex(seedLoop) + 1, `${what}: right after the seed loop`);
    assertDependencyOrder(p);
    assert.equal(values(y), G.map((x, j) => x * 0.5 + on.reduce((a, b, i) => a + (b ? DENSE3[i]![j]! : 0), 0)), what);
  }
});

test('only scatter products read an active list; events from a reduction are scanned', () => {
  const J = ef.jitc.scalar({ shape: [4, 4], prob: 0.5, weight: 1, seed: 1 });
  const spikes = v().greater(TH);
  const gather = ef.matmul(J, spikes); // J @ events with orient 'row': regenerates every output line
  let p = plan(gather);
  assert.is(productOf(p, gather).events, undefined, 'a gather has no list');
  assert.not.ok(stages(p).some((s) => s.kind === 'loop' && s.compactions.length > 0), 'and no loop builds one');
  const sc = ef.matmul(spikes, W);
  p = plan(gather, sc);
  assert.ok(productOf(p, sc).events, 'the scatter beside it reads the list');
  assert.is(productOf(p, gather).events, undefined, 'the gather still reads the spikes');
  assert.ok(p.buffers.has(spikes.node), 'so the spikes keep a buffer');
  const dense = withBackend('cpu', () => J.todense().data.dataSync());
  const jref = [0, 1, 2, 3].map((i) => SPIKES.reduce((a, on, j) => a + (on ? dense[i * 4 + j]! : 0), 0));
  assert.equal(values(gather), jref);

  // events computed by a reduction (max over rows of a bool matrix) are no loop's value
  const B = [0.125, 0.875, 0.25, 2, 1, 0, 0, 0.5];
  const any = ef.max(ef.array(B, '1', { shape: [2, 4] }).greater(TH), { axis: 0 });
  const fromMax = ef.matmul(any, W);
  p = plan(fromMax);
  assert.is(productOf(p, fromMax).events, undefined, 'a reduction result is scanned');
  assert.not.ok(stages(p).some((s) => s.kind === 'loop' && s.compactions.length > 0));
  assert.equal(values(fromMax), scatter([0, 1, 2, 3].map((j) => B[j]! > TH || B[4 + j]! > TH)));
});

test('events keep their buffer when another loop or a non-event operand reads them', () => {
  const spikes = v().greater(TH);
  const sc = ef.matmul(spikes, W);
  // a loop over [2, 4] reads the spikes too
  const wide = ef.where(spikes, ef.array([1, 2, 3, 4, 5, 6, 7, 8], '1', { shape: [2, 4] }), 0);
  let p = plan(sc, wide);
  assert.ok(p.buffers.has(spikes.node), 'read by another loop: stored');
  assert.ok(stages(p).some((s) => s.kind === 'loop' && s.stores.includes(spikes.node)));
  assert.equal(values(wide), [1, 2, 3, 4, 5, 6, 7, 8].map((x, k) => (SPIKES[k % 4] ? x : 0)));
  // an update whose events are other spikes and whose trace is these spikes (1 where they fired)
  const pre = ef.array([1, 0, 0.5, 0]).greater(0.25);
  const U = ef.plasticity.onPre(W, pre, spikes).data;
  p = plan(sc, U);
  assert.ok(p.buffers.has(spikes.node), 'read as a trace: stored');
  assert.ok(productOf(p, sc).events, 'the product still reads the list');
  const data = [0.5, 1, 2, 0.25];
  const cols = [0, 2, 1, 3];
  const rowOf = [0, 0, 1, 2];
  const PRE = [true, false, true, false];
  // both in one plan (nnz = 4 = N): the update reads the stored spikes, the product their list
  const both = U.add(sc);
  assert.ok(plan(both).buffers.has(spikes.node), 'stored');
  const want = data.map((w, q) => (PRE[rowOf[q]!] ? w + (SPIKES[cols[q]!] ? 1 : 0) : w));
  assert.equal(values(both), want.map((x, k) => x + scatter(SPIKES)[k]!));
});

test('a product stage with an active list reads the list and the matrix, not the events; the events get no buffer', () => {
  const [vv, gg] = [v(), g()];
  const spikes = vv.greater(TH);
  const y = gg.mul(0.5).add(ef.matmul(spikes, W));
  const p = plan(y);
  assert.is(p.kernels.length, 1, 'one kernel: the seed loop, then the product adding into y');
  const prod = stages(p).find((s): s is ProductStage => s.kind === 'product')!;
  assert.ok(prod.events && prod.into, 'reads the list, adds into y');
  const matrix = prod.node.src.slice(1);
  assert.ok(matrix.length >= 3, 'data, pointers and indices');
  assert.equal(new Set(p.kernels[0]!.reads), new Set([...matrix, gg.node, vv.node].filter((n) => n.op !== 'scalar')));
  assert.not.ok(p.buffers.has(spikes.node), 'the spikes live only in the list');
  assert.ok((stages(p)[0] as LoopStage).compactions.length === 1);
  assert.equal(values(y), G.map((x, j) => x * 0.5 + scatter(SPIKES)[j]!));
});

test.run();
