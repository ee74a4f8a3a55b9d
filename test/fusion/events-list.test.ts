/**
 * Which event products get an active list in a fusion plan (planGraph, src/fusion/plan.ts):
 * only scatter products whose events come from a loop of the same plan, and only with the
 * compactEvents option. Plans are made over leaf ops without a backend, so this runs once, in
 * the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { planGraph } from '../../src/fusion/plan.js';
import type { ProductStage } from '../../src/fusion/kernel.js';
import type { Node } from '../../src/ir/node.js';
import { LEAF_OPS } from '../../src/ir/ops.js';
import { connect, rng } from './coba.js';

const isLeaf = (n: Node): boolean => (LEAF_OPS as readonly string[]).includes(n.op);

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

test.run();
