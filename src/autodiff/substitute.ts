/**
 * Placeholders out, arguments in. ef.grad and ef.vjp call f on fresh input leaves (one per
 * differentiated array), so that nothing else in f's graph can be mistaken for an argument
 * (hash-consing makes equal constants one node); afterwards each placeholder is replaced by
 * the argument's own node, in the value and in the gradients alike.
 */
import { rescale } from '../ir/build.js';
import { freshInputUid, intern, topoSort, type Node } from '../ir/node.js';

/** A fresh input leaf with x's dtype, shape and unit. */
export const placeholder = (x: Node, name: string): Node =>
  intern('input', x.dtype, x.shape, x.unit, [], { kind: 'input', name, uid: freshInputUid() });

/** `roots` with every input leaf whose uid is in `by` replaced by its node (relabelled to the leaf's unit). */
export function substitute(roots: readonly Node[], by: ReadonlyMap<number, Node>): Node[] {
  const done = new Map<Node, Node>();
  for (const n of topoSort(roots)) {
    if (n.arg?.kind === 'input') {
      const v = by.get(n.arg.uid);
      if (v) done.set(n, rescale(v, 1, n.unit));
      continue;
    }
    const src = n.src.map((s) => done.get(s) ?? s);
    if (src.some((s, i) => s !== n.src[i])) done.set(n, intern(n.op, n.dtype, n.shape, n.unit, src, n.arg));
  }
  return roots.map((r) => done.get(r) ?? r);
}
