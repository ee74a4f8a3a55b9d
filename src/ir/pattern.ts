/**
 * The other view of a sparse structure: a structure's (ptr, idx) compressed along the other
 * axis, with `perm` giving each entry's position in the first order. A format that makes the
 * structure declares how to get that view (it builds it once, lazily, and shares it with its
 * conversions); a lowering that walks the other axis asks for it here instead of sorting the
 * index constants again.
 */
import type { Node } from './node.js';

export interface OtherView {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly perm: Int32Array;
}

const views = new WeakMap<Node, WeakMap<Node, () => OtherView>>();

/** Declares how to get the other view of the structure whose index leaves are `ptr` and `idx`. */
export function declareOtherView(ptr: Node, idx: Node, other: () => OtherView): void {
  let byIdx = views.get(ptr);
  if (!byIdx) views.set(ptr, (byIdx = new WeakMap()));
  if (!byIdx.has(idx)) byIdx.set(idx, other);
}

/** The other view of (ptr, idx) if a format declared one. */
export const otherViewOf = (ptr: Node, idx: Node): OtherView | undefined => views.get(ptr)?.get(idx)?.();
