/**
 * The explicit rules for where a value gets a buffer. A value used by more than one loop
 * is recomputed in each when it is cheap (one arithmetic op on loaded values), and
 * otherwise computed once into a buffer.
 */
import type { Node } from '../ir/node.js';
import { isExpensive, isInline, isLeafNode } from '../ir/traits.js';

/** A value read from a buffer (a leaf, a reduction or a product), not computed inline. */
const isBoundary = (n: Node, isLeaf: (n: Node) => boolean): boolean => isLeaf(n) || !isInline(n);

export function isCheapToRecompute(n: Node, isLeaf: (n: Node) => boolean): boolean {
  return isInline(n) && !isExpensive(n) && n.src.every((s) => isBoundary(s, isLeaf));
}

export const describe = (n: Node): string =>
  `%${n.id} = ${n.op}(${n.src.map((s) => `%${s.id}`).join(', ')}) [${n.shape.join('×')}] ${n.dtype}${isLeafNode(n) ? ' leaf' : ''}`;
