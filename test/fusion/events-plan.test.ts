/**
 * Event products in fusion plans: a two-population COBA-style step compiles to one kernel
 * (neuron update + threshold + spike list + the decayed conductances as seeds; then both
 * event products add into those seeds), the products read the active list built by the
 * threshold loop, and the runner gives the same spike trains on every backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, StepFn } from '../../src/index.js';
import { planGraph } from '../../src/fusion/plan.js';
import type { ProductStage } from '../../src/fusion/kernel.js';
import type { Node } from '../../src/ir/node.js';
import { LEAF_OPS } from '../../src/ir/ops.js';
import { availableBackends, withBackend } from '../helpers/backends.js';

const isLeaf = (n: Node): boolean => (LEAF_OPS as readonly string[]).includes(n.op);

/** A seeded generator (LCG) so the network is fixed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** n × n CSR with rows only for `rows(i)`, each entry present with probability p, one shared weight. */
function connect(n: number, rows: (i: number) => boolean, p: number, weight: number, rand: () => number): ef.CSR {
  const indptr = [0];
  const indices: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rows(i)) for (let j = 0; j < n; j++) if (rand() < p) indices.push(j);
    indptr.push(indices.length);
  }
  return ef.csr({ indptr, indices, data: weight, shape: [n, n] });
}

const N = 300;
const NE = 240;
const rand = rng(7);
const WE = connect(N, (i) => i < NE, 0.05, 0.6, rand);
const WI = connect(N, (i) => i >= NE, 0.05, 6.7, rand);
const dt = ef.scalar(0.1, 'ms');
const taum = ef.scalar(20, 'ms');
const [El, Ee, Ei, vth] = [-60, 0, -80, -50].map((v) => ef.scalar(v, 'mV')) as [LazyArray, LazyArray, LazyArray, LazyArray];

const coba: StepFn = (s) => {
  const { v, ge, gi, ref } = s as Record<'v' | 'ge' | 'gi' | 'ref', LazyArray>;
  const free = ref.lessEqual(0);
  const dv = ge.mul(Ee.sub(v)).add(gi.mul(Ei.sub(v))).sub(v.sub(El)).mul(dt.div(taum));
  const vInt = ef.where(free, v.add(dv), v);
  const spike = vInt.greater(vth);
  return {
    state: {
      v: ef.where(spike, El, vInt),
      ref: ef.where(spike, ef.scalar(50, '', 'int32'), ref.sub(1)),
      ge: ge.mul(Math.exp(-0.1 / 5)).add(ef.matmul(spike, WE)),
      gi: gi.mul(Math.exp(-0.1 / 10)).add(ef.matmul(spike, WI)),
    },
    record: { spike },
  };
};

const init = (): Record<string, LazyArray> => {
  const r = rng(3);
  return {
    v: ef.array(Array.from({ length: N }, () => -60 + 12 * r() - 2), 'mV'),
    ge: ef.array(Array.from({ length: N }, () => 2 + 8 * r())),
    gi: ef.array(Array.from({ length: N }, () => 4 + 8 * r())),
    ref: ef.zeros([N], '', 'int32'),
  };
};

test('[cpu] a COBA-style step is one kernel: one pass over the neurons, then both scatters add into ge and gi', () => {
  withBackend('cpu', () => {
    const runner = ef.compile(coba).prepare(init());
    const plan = runner.plan()!;
    assert.is(plan.kernels.length, 1, 'one kernel');
    const [loop, ...products] = plan.kernels[0]!.stages;
    assert.is(loop!.kind, 'loop');
    if (loop!.kind !== 'loop') return;
    assert.equal(loop.shape, [N], 'the only loop walks the neurons once');
    assert.is(loop.compactions.length, 1, 'the loop lists the active neurons');
    // v and ref are stored, ge·de and gi·di seed the conductances; the spikes are not stored
    assert.is(loop.stores.length, 2);
    assert.is(loop.seeds.length, 2);
    assert.ok(loop.stores.every((n) => n.dtype !== 'bool'), 'the spikes live only in the list');
    assert.is(products.length, 2);
    for (const p of products) {
      assert.is(p!.kind, 'product');
      if (p!.kind !== 'product') continue;
      assert.is(p.events, loop.compactions[0], 'each product walks the list the loop built');
      assert.ok(p.into, 'each product adds into its seeded conductance');
      assert.ok(loop.seeds.some((x) => x.into === p.into!.node));
      assert.is(p.into!.negate, false);
    }
    // no float64 workspace, no fill, no second pass over the neurons
    const text = runner.explain();
    assert.not.match(text, /W\[\d+\]|\.fill\(/);
    assert.match(text, /state updated in place \(one buffer, no copy\): ge, gi, ref, v/);
    assert.match(text, /recorded as event lists \(O\(events\) per step\): spike/);
  });
});

test('planGraph: the list is built only for scatter event products whose events come from a loop', () => {
  const v = ef.array([0.1, 0.9, 0.5, 2]);
  const W = connect(4, () => true, 0.6, 1, rng(1));
  const listed = (x: LazyArray, compactEvents = true): ProductStage[] =>
    planGraph([x.node], isLeaf, { compactEvents }).kernels.flatMap((k) => k.stages)
      .filter((s): s is ProductStage => s.kind === 'product' && s.events !== undefined);
  assert.is(listed(ef.matmul(v.greater(0.4), W)).length, 1, 'threshold in a loop: listed');
  assert.is(listed(ef.matmul(v.greater(0.4), W), false).length, 0, 'option off');
  assert.is(listed(ef.matmul(ef.binary([1, 0, 1, 1]), W)).length, 0, 'constant events: scanned by the product');
  assert.is(listed(ef.matmul(v, W)).length, 0, 'float operand');
  assert.is(listed(ef.matmul(W, v.greater(0.4))).length, 1, 'CSR @ events uses the column view: still a scatter');
  assert.is(listed(ef.matmul(v.greater(0.4), W.tocsc())).length, 1, 'events @ CSC uses the row view: still a scatter');
});

const BACKENDS = availableBackends();
test('a compiled COBA-style runner gives the same spike trains on every backend (and spikes at all)', async () => {
  const steps = 200;
  const trains = new Map<string, Uint8Array>();
  for (const b of BACKENDS) {
    const out = await withBackend(b, () => ef.compile(coba).run(init(), { steps }));
    trains.set(b, out.records.spike!.dataSync() as Uint8Array);
  }
  const [first, ...rest] = [...trains];
  const total = first![1].reduce((a, x) => a + x, 0);
  assert.ok(total > 20, `the network is active: ${total} spikes`);
  for (const [b, train] of rest) {
    const diff = train.findIndex((x, i) => x !== first![1][i]);
    assert.is(diff, -1, `${b} vs ${first![0]}: first difference at step ${Math.floor(diff / N)}, neuron ${diff % N}`);
  }
});

test.run();
