/**
 * The random expression graphs of test/fusion/gen.ts build what they promise (shared nodes,
 * reductions, where, several outputs, broadcasting): a guard against a generator that silently
 * stopped producing the interesting cases of random-graphs.test.ts. Graphs are built, never
 * computed, so this runs once, in the cpu+reference process.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { topoSort, type Node } from '../../src/ir/node.js';
import { buildGraph, graphCase } from './gen.js';

test('the random graph generator builds what it promises (shared nodes, reductions, several outputs)', () => {
  // Guard against a generator that silently stopped producing the interesting cases.
  const stats = { shared: 0, reduce: 0, where: 0, multi: 0, broadcast: 0 };
  const cases = fc.sample(graphCase(), { numRuns: 200, seed: 42 });
  for (const c of cases) {
    const g = buildGraph(c);
    const nodes = topoSort(g.outputs.map((o) => o.node));
    const uses = new Map<Node, number>();
    for (const n of nodes) for (const s of new Set(n.src)) uses.set(s, (uses.get(s) ?? 0) + 1);
    if ([...uses].some(([n, k]) => k > 1 && n.src.length > 0)) stats.shared++;
    if (nodes.some((n) => n.op === 'sum' || n.op === 'max' || n.op === 'min')) stats.reduce++;
    if (nodes.some((n) => n.op === 'where')) stats.where++;
    if (g.outputs.length > 1) stats.multi++;
    if (nodes.some((n) => n.src.some((s) => s.shape.length && s.shape.join() !== n.shape.join()))) stats.broadcast++;
  }
  for (const [k, v] of Object.entries(stats)) assert.ok(v >= 20, `only ${v} of 200 cases have ${k}`);
});

test.run();
