/**
 * The kernel IR of loop stages (src/kernel/loop.ts) for what only the cpu renderer draws from
 * it: random arrays (each drawn at its own broadcast position, with its seed and counter),
 * argmax/argmin (the output position and the position written), accumulator seeds and stores
 * that update a loaded buffer in place. Expected strides are worked out by hand here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import type { LoopStage, Plan } from '../../src/fusion/kernel.js';
import { isLiteral } from '../../src/ir/traits.js';
import { buildLoop, loopKey, type KernelLoop, type KValue } from '../../src/kernel/loop.js';
import { plan } from '../fusion/plans.js';

const loops = (p: Plan): LoopStage[] => p.kernels.flatMap((k) => k.stages.filter((s): s is LoopStage => s.kind === 'loop'));
/** The kernel IR of the only loop stage planned for `xs`. */
function onlyLoop(...xs: LazyArray[]): { stage: LoopStage; k: KernelLoop } {
  const found = loops(plan(...xs));
  assert.is(found.length, 1, 'one loop stage');
  return { stage: found[0]!, k: buildLoop(found[0]!, isLiteral) };
}
type RandomValue = Extract<KValue, { kind: 'random' }>;
const randoms = (k: KernelLoop): RandomValue[] => k.values.filter((v): v is RandomValue => v.kind === 'random');

test('a row of random numbers broadcast down a [2, 3] loop: drawn at column j, not at the flat position', () => {
  const x = ef.array([[1, 2, 3], [4, 5, 6]]);
  const r = ef.random.uniform([3], { seed: 7, counter: 5, low: -1, high: 2 });
  const { stage, k } = onlyLoop(x.add(r));
  assert.equal(k.extents, [2, 3], 'the broadcast keeps two dims');
  assert.equal(k.flat, [3, 1]);
  const [v, ...more] = randoms(k);
  assert.is(more.length, 0);
  assert.equal(v!.strides, [0, 1]);
  assert.is(v!.dist, 'uniform');
  assert.is(v!.seed, 7);
  assert.is(v!.invariant, false);
  // the counter, then low and high (literals here)
  assert.equal(v!.args.map((a) => k.values[a]), [
    { kind: 'literal', dtype: 'int32', value: 5, invariant: true },
    { kind: 'literal', dtype: 'float32', value: -1, invariant: true },
    { kind: 'literal', dtype: 'float32', value: 2, invariant: true },
  ]);
});

test('a column of random numbers across a [2, 3] loop: drawn at row i; a [2, 3] one merges to one flat loop', () => {
  const x = ef.array([[1, 2, 3], [4, 5, 6]]);
  const col = ef.random.normal([2, 1], { seed: 3 });
  assert.equal(randoms(onlyLoop(x.mul(col)).k)[0]!.strides, [1, 0]);
  const full = onlyLoop(x.mul(ef.random.normal([2, 3], { seed: 3 }))).k;
  assert.equal(full.extents, [6]);
  assert.equal(randoms(full)[0]!.strides, [1]);
  // the seed is part of the structure: another seed, another key
  assert.is.not(loopKey(onlyLoop(x.mul(ef.random.normal([2, 3], { seed: 4 }))).k), loopKey(full));
});

test('argmax along the middle axis of [2, 3, 4]: output at 4·i + k, position j; nothing merges', () => {
  const x = ef.array(Array.from({ length: 24 }, (_, i) => (i * 7) % 5), '1', { shape: [2, 3, 4] });
  const { stage, k } = onlyLoop(x.mul(2).argmax(1));
  assert.equal(k.extents, [2, 3, 4]);
  const [r] = k.reductions;
  assert.is(r!.op, 'argmax');
  assert.equal(r!.strides, [4, 0, 1]);
  assert.equal(r!.position, [0, 1, 0]);
  assert.is(r!.init, -Infinity);
  assert.is(r!.size, 8);
  assert.is.not(loopKey(onlyLoop(x.mul(2).argmin(1)).k), loopKey(k), 'argmin is another structure');
});

test('argmin over all of [3, 4]: one accumulator, the flat position, one merged loop; sums have no position', () => {
  const x = ef.array(Array.from({ length: 12 }, (_, i) => i), '1', { shape: [3, 4] });
  const { k } = onlyLoop(x.sub(1).argmin());
  assert.equal(k.extents, [12]);
  assert.equal(k.reductions.map((r) => [r.op, r.strides, r.position, r.init]), [['argmin', [0], [1], Infinity]]);
  const axis0 = onlyLoop(x.sub(1).argmax(0)).k.reductions[0]!;
  assert.equal([axis0.strides, axis0.position], [[0, 1], [1, 0]]);
  assert.is(onlyLoop(x.sub(1).sum(0)).k.reductions[0]!.position, undefined);
});

test('a store of a where that keeps the old state names the load it overwrites; seeds are marked', () => {
  const v = ef.array([-70, -55, -40, -65]);
  const next = ef.where(v.greater(-50), -60, v.add(1));
  const stage = loops(plan(next))[0]!;
  const k = buildLoop(stage, isLiteral, undefined, new Map([[next.node, v.node]]));
  const load = k.values.findIndex((x) => x.kind === 'load' && k.buffers[x.access.buffer]!.node === v.node);
  assert.ok(load >= 0, 'v is loaded');
  assert.equal(k.stores.map((s) => [s.value, s.updates, s.accumulator]), [[k.stores[0]!.value, load, undefined]]);
  assert.is(buildLoop(stage, isLiteral).stores[0]!.updates, undefined, 'without the map: no in-place store');
  // an output not computed from what it overwrites names nothing
  assert.is(buildLoop(stage, isLiteral, undefined, new Map([[next.node, ef.array([1, 2, 3, 4]).node]])).stores[0]!.updates, undefined);

  const W = ef.csr({ indptr: [0, 1, 2, 2], indices: [1, 0], data: [0.5, 2], shape: [3, 2] });
  const g = ef.array([1, 2]);
  const y = g.mul(0.5).add(ef.matmul(ef.array([1, -1, 2]).greater(0), W));
  const seeded = loops(plan(y)).map((s) => buildLoop(s, isLiteral)).find((x) => x.stores.some((s) => s.accumulator));
  assert.ok(seeded, 'a loop seeds y');
  const seed = seeded!.stores.find((s) => s.accumulator)!;
  assert.is(seeded!.buffers[seed.buffer]!.node, y.node, 'the seed goes into the buffer of y');
  assert.equal(seeded!.values[seed.value], { kind: 'op', dtype: 'float32', op: 'mul', args: [0, 1], invariant: false });
});

test.run();
