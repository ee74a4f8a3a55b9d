/**
 * The structure of fusion plans (src/fusion/plan.ts): how many kernels, which stages, what
 * each loop stores and reduces, and the decision recorded for every value. Plans are made
 * with `planGraph` over leaf ops, as the cpu backend plans a fresh graph.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { planGraph } from '../../src/fusion/plan.js';
import type { FusionDecision, LoopStage, Plan } from '../../src/fusion/kernel.js';
import { topoSort, type Node } from '../../src/ir/node.js';
import { isLeaf, plan } from './plans.js';
import { shape as shapeArb, broadcastableTo } from '../arbitraries/shape.js';
import { withBackend } from '../helpers/backends.js';
import { buildGraph, graphCase, seededValues } from './gen.js';

const loops = (p: Plan): LoopStage[] => p.kernels.flatMap((k) => k.stages.filter((s): s is LoopStage => s.kind === 'loop'));
const decisionsFor = (p: Plan, x: LazyArray): FusionDecision[] => p.decisions.filter((d) => d.node === x.node);
const arr = (shape: readonly number[], seed = 1): LazyArray =>
  ef.array(seededValues(seed, shape.reduce((a, b) => a * b, 1)), '1', { shape });

/** One-node elementwise steps over a running value `v` and the chain's array `x`. */
const STEPS: readonly ((v: LazyArray, x: LazyArray) => LazyArray)[] = [
  (v) => v.neg(),
  (v) => v.abs(),
  (v) => v.tanh(),
  (v) => v.sin(),
  (v) => v.exp(),
  (v) => v.add(0.5),
  (v) => v.mul(1.25),
  (v) => v.sub(3),
  (v) => v.maximum(-1),
  (v, x) => v.add(x),
  (v, x) => v.mul(x),
  (v, x) => v.div(x.abs().abs()), // two ops: |x| then ||x||, still one loop
  (v, x) => ef.where(x.greater(0), v, x), // a comparison and a where
];

test('an elementwise chain of length k over one array is one kernel with one loop stage', () => {
  fc.assert(
    fc.property(shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 5 }), fc.array(fc.nat(STEPS.length - 1), { minLength: 1, maxLength: 30 }), (s, picks) => {
      const x = arr(s);
      let v = x;
      for (const i of picks) v = STEPS[i]!(v, x);
      const p = plan(v);
      const ops = topoSort([v.node]).filter((n) => !isLeaf(n)).length;
      assert.is(p.kernels.length, 1, 'kernels');
      const k = p.kernels[0]!;
      assert.is(k.stages.length, 1, 'stages');
      const stage = k.stages[0]!;
      assert.is(stage.kind, 'loop');
      const loop = stage as LoopStage;
      assert.equal([...loop.shape], s, 'loop shape');
      assert.is(loop.body.length, ops, 'every op of the chain is in the one loop body');
      assert.ok(ops >= picks.length, 'the chain has at least k ops');
      assert.equal(loop.stores, [v.node], 'only the result is stored');
      assert.equal(loop.reductions, []);
      assert.equal(k.writes, [v.node]);
      assert.equal(k.reads, [x.node], 'reads only the one array');
      const actions = p.decisions.map((d) => d.action).sort();
      assert.equal(actions, [...new Array<string>(ops - 1).fill('inline'), 'materialize'].sort(), 'all inline but the output');
    }),
    { numRuns: 80 },
  );
});

test('an elementwise chain that broadcasts into bigger shapes is still one loop, over the final shape', () => {
  fc.assert(
    fc.property(
      shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 4 }).chain((out) =>
        fc.tuple(fc.constant(out), fc.array(broadcastableTo(out), { minLength: 1, maxLength: 6 }))),
      ([out, shapes]) => {
        // start from the smallest operand, fold in the others (the last one has the full shape)
        let v = arr(shapes[0]!, 1).exp();
        shapes.slice(1).forEach((s, i) => (v = v.mul(arr(s, i + 2)).add(1)));
        v = v.sub(arr(out, 99));
        const p = plan(v);
        assert.is(p.kernels.length, 1);
        assert.is(p.kernels[0]!.stages.length, 1);
        assert.equal([...(p.kernels[0]!.stages[0] as LoopStage).shape], out);
      },
    ),
    { numRuns: 60 },
  );
});

test('a reduction absorbs its elementwise producer: one kernel, the reduction accumulated in the loop', () => {
  for (const op of ['sum', 'max', 'min'] as const) {
    for (const axis of [undefined, 0, 1]) {
      const x = arr([3, 4]);
      const e = x.exp().mul(2).add(x);
      const r = ef[op](e, { axis });
      const p = plan(r);
      const what = `${op} axis ${axis}`;
      assert.is(p.kernels.length, 1, `${what}: kernels`);
      assert.is(p.kernels[0]!.stages.length, 1, `${what}: stages`);
      const loop = p.kernels[0]!.stages[0] as LoopStage;
      assert.is(loop.kind, 'loop');
      assert.equal([...loop.shape], [3, 4], `${what}: the loop walks the operand's index space`);
      assert.equal(loop.reductions, [r.node], `${what}: reductions`);
      assert.equal(loop.stores, [], `${what}: the producer is never stored`);
      assert.equal(loop.body.map((n) => n.op), ['exp', 'mul', 'add'], `${what}: body`);
      assert.equal(p.kernels[0]!.reads, [x.node]);
      assert.is(decisionsFor(p, e)[0]!.action, 'inline', `${what}: producer inlined`);
    }
  }
});

test('x - mean(x) needs two kernels: the mean first, then the loop that reads it', () => {
  const x = arr([5]);
  const y = x.sub(x.mean());
  const p = plan(y);
  assert.is(p.kernels.length, 2);
  const sum = topoSort([y.node]).find((n) => n.op === 'sum')!;
  assert.ok(sum, 'mean is built from a sum');
  assert.equal(p.kernels[0]!.writes, [sum], 'kernel 0 computes the sum');
  assert.ok(p.kernels[1]!.reads.includes(sum), 'kernel 1 reads it');
  assert.equal(p.kernels[1]!.writes, [y.node]);
  // two loops over the same shape, at different barrier depths
  assert.equal(loops(p).map((l) => [...l.shape]), [[5], [5]]);
  assert.is(p.buffers.get(sum)!.kind, 'temp');
  assert.is(p.buffers.get(y.node)!.kind, 'output');
  assert.is(p.buffers.get(x.node)!.kind, 'leaf');
});

test('several outputs of one shape sharing inputs come from one kernel (multi-output), with a reduction too', () => {
  const x = arr([4, 3], 1);
  const y = arr([3], 2);
  const a = x.mul(y).add(1);
  const b = x.exp().sub(y);
  const c = x.maximum(y);
  const s = x.mul(y).sum(); // the shared product x*y also feeds a reduction of the same loop
  const p = plan(a, b, c, s);
  assert.is(p.kernels.length, 1);
  const k = p.kernels[0]!;
  assert.is(k.stages.length, 1);
  const loop = k.stages[0] as LoopStage;
  assert.equal(new Set(loop.stores), new Set([a.node, b.node, c.node]));
  assert.equal(loop.reductions, [s.node]);
  assert.equal(new Set(k.reads), new Set([x.node, y.node]), 'each input read by the one kernel');
  assert.equal(new Set(k.writes), new Set([a.node, b.node, c.node, s.node]));
  assert.is(loop.body.filter((n) => n.op === 'mul').length, 1, 'x*y computed once for both users');
});

test('a non-cheap value used by two loops is materialized once; a cheap one is recomputed in each', () => {
  const x = arr([3], 1);
  const y = arr([2, 3], 2);
  const z = arr([4, 3], 3);
  // exp(x): one op, but expensive
  const e = x.exp();
  let p = plan(e.add(y), e.mul(z));
  let d = decisionsFor(p, e);
  assert.is(d.length, 1);
  assert.is(d[0]!.action, 'materialize');
  assert.match(d[0]!.reason, /2 loops/);
  assert.is(p.buffers.get(e.node)!.kind, 'temp');
  assert.is(p.kernels.length, 3, 'exp(x) in its own loop, then the two users');
  assert.is(loops(p).filter((l) => l.body.includes(e.node)).length, 1, 'computed in one loop only');
  assert.ok(loops(p).some((l) => l.stores.includes(e.node)), 'stored by that loop');

  // x * 2: one cheap op on a loaded value
  const c = x.mul(2);
  p = plan(c.add(y), c.mul(z));
  d = decisionsFor(p, c);
  assert.is(d.length, 1);
  assert.is(d[0]!.action, 'recompute');
  assert.is(p.buffers.has(c.node), false, 'no buffer for a recomputed value');
  assert.is(p.kernels.length, 2, 'no kernel of its own');
  assert.is(loops(p).filter((l) => l.body.includes(c.node)).length, 2, 'computed in both loops');

  // a chain (x * 2 + 1) is not cheap even though each op is
  const chain = x.mul(2).add(1);
  p = plan(chain.add(y), chain.mul(z));
  assert.is(decisionsFor(p, chain)[0]!.action, 'materialize');

  // a cheap value used by a loop and by a reduction over another loop's index space
  const q = x.add(1);
  p = plan(q.add(y), q.sum());
  assert.is(decisionsFor(p, q)[0]!.action, 'recompute');
});

test('a dense matmul whose only reader is one loop joins that kernel as a product stage', () => {
  const W = arr([3, 4], 1);
  const v = arr([4], 2);
  const m = ef.matmul(W, v);
  const out = m.add(1).exp();
  const p = plan(out);
  assert.is(p.kernels.length, 1);
  const k = p.kernels[0]!;
  assert.is(k.stages.length, 2);
  assert.is(k.stages[0]!.kind, 'product');
  assert.is(k.stages[1]!.kind, 'loop');
  assert.is(p.buffers.get(m.node)!.kind, 'scratch');
  assert.equal(k.writes, [out.node], 'the scratch product is not a kernel output');
  assert.equal(new Set(k.reads), new Set([W.node, v.node]));
  assert.ok(p.decisions.some((d) => d.node === m.node && /only reader is one loop/.test(d.reason)));

  // requested itself, or read by two loops: a kernel of its own
  const asked = plan(m, m.add(1));
  assert.is(asked.kernels.length, 2);
  assert.is(asked.buffers.get(m.node)!.kind, 'output');
  const twoLoops = plan(m.add(arr([2, 3], 3)), m.sum());
  assert.ok(twoLoops.kernels.every((kk) => kk.stages[0]!.kind !== 'product' || kk.stages.length === 1), 'not joined to either loop');
  assert.is(twoLoops.buffers.get(m.node)!.kind, 'temp');

  // an elementwise operand of the product is materialized (read many times)
  const op = W.mul(2);
  const withOperand = plan(ef.matmul(op, v).add(1));
  assert.is(decisionsFor(withOperand, op)[0]!.action, 'materialize');
  assert.match(decisionsFor(withOperand, op)[0]!.reason, /product/);
  assert.is(withOperand.kernels.length, 2);
});

test('random graphs: every value has a decision with a reason, and kernels come in dependency order', () => {
  fc.assert(
    fc.property(graphCase(), (c) => {
      const g = buildGraph(c);
      const roots = g.outputs.map((o) => o.node);
      const p = planGraph(roots, isLeaf);
      for (const d of p.decisions) {
        const reason = d.reason.split(': ').slice(1).join(': ').trim();
        assert.ok(reason.length > 0, `decision for %${d.node.id} has no reason: ${JSON.stringify(d.reason)}`);
        assert.ok(d.reason.startsWith(`%${d.node.id} = ${d.node.op}(`), `reason names its node: ${d.reason}`);
      }
      const inner = topoSort(roots).filter((n) => !isLeaf(n));
      for (const n of inner) assert.ok(p.decisions.some((d) => d.node === n), `no decision for %${n.id} (${n.op})`);

      const written = new Map<Node, number>();
      p.kernels.forEach((k, i) => {
        assert.is(k.id, i, 'kernel ids are their positions');
        for (const r of k.reads) {
          assert.ok(isLeaf(r) || (written.has(r) && written.get(r)! < i), `kernel ${i} reads %${r.id} (${r.op}) before it is written`);
        }
        for (const w of k.writes) {
          assert.not.ok(written.has(w), `%${w.id} written by two kernels`);
          written.set(w, i);
        }
        for (const s of k.stages) {
          if (s.kind === 'loop') for (const n of s.stores) assert.ok(s.body.includes(n), 'a stored value is computed in its loop');
        }
      });
      for (const r of roots) {
        if (isLeaf(r)) assert.is(p.buffers.get(r)?.kind, 'leaf');
        else {
          assert.ok(written.has(r), `output %${r.id} (${r.op}) is written by a kernel`);
          assert.is(p.buffers.get(r)?.kind, 'output');
        }
      }
      assert.equal(p.roots, roots);
    }),
    { numRuns: 150 },
  );
});

test('ef.explain shows the kernel count, stages, decisions and the generated source', () => {
  withBackend('cpu', () => {
    const x = arr([6]);
    const text = ef.explain(x.sub(x.mean()));
    assert.match(text, /^backend 'cpu'/);
    assert.match(text, /2 kernels for 1 output/);
    assert.match(text, /kernel 0: reads %\d+; writes %\d+/);
    assert.match(text, /reduces %\d+=sum/);
    assert.match(text, /fusion decisions:\n {2}materialize: %\d+ = sub/);
    assert.match(text, /--- kernel 0 source ---/);
    assert.match(text, /--- kernel 1 source ---/);
    assert.match(text, /for \(let i\d+_0 = 0/);
    assert.not.match(text, /--- kernel 2 source ---/);

    const one = ef.explain([x.mul(2), x.exp()]);
    assert.match(one, /1 kernel for 2 outputs/);
    assert.match(one, /Math\.exp\(/);
    assert.is(ef.backend().explain([x.mul(2).node]).split('\n')[0], '1 kernel for 1 output (%' + x.mul(2).node.id + ')');
  });
  withBackend('reference', () => {
    assert.match(ef.explain(x()), /reference backend: interprets \d+ nodes one by one \(no fusion\)/);
  });
  function x(): LazyArray {
    return arr([2]).add(1);
  }
});

test.run();
