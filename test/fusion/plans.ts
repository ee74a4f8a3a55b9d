/** Helpers for the fusion plan tests: plan a graph as the cpu backend does, and check its kernel order. */
import * as assert from 'uvu/assert';
import type { LazyArray } from '../../src/index.js';
import { planGraph } from '../../src/fusion/plan.js';
import type { Plan, Stage } from '../../src/fusion/kernel.js';
import type { Node } from '../../src/ir/node.js';
import { LEAF_OPS } from '../../src/ir/ops.js';
import { withBackend } from '../helpers/backends.js';

export const isLeaf = (n: Node): boolean => (LEAF_OPS as readonly string[]).includes(n.op);
export const plan = (...xs: LazyArray[]): Plan => planGraph(xs.map((x) => x.node), isLeaf);
/** The index of the first kernel holding a stage that satisfies `pred` (-1 if none). */
export const kernelWith = (p: Plan, pred: (s: Stage) => boolean): number => p.kernels.findIndex((k) => k.stages.some(pred));
export const values = (x: LazyArray): number[] => withBackend('cpu', () => Array.from(x.dataSync(), Number));

/** Every kernel reads only leaves and values written by earlier kernels. */
export function assertDependencyOrder(p: Plan): void {
  const written = new Set<Node>();
  p.kernels.forEach((k, i) => {
    for (const r of k.reads) assert.ok(isLeaf(r) || written.has(r), `kernel ${i} reads %${r.id} (${r.op}) before any kernel writes it`);
    for (const w of k.writes) written.add(w);
  });
}
