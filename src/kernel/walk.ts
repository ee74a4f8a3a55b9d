/**
 * The kernel IR of a sparse product stage (`sparseProduct` of a vector): a walk over the
 * compressed lines of a structure. 'scatter' visits the lines of the (active) inputs and adds
 * each line into the outputs it names; 'gather' sums each output's own line. Where the sums
 * go ('into' a seeded output, a float64 workspace, or the result buffer after a float64
 * accumulator) and where the weights come from are spelled out, so a renderer only renders.
 */
import type { Node } from '../ir/node.js';
import type { DType } from '../ir/dtype.js';
import { walkOf } from '../ir/traits.js';
import { productGeometry } from '../ir/structured.js';
import type { ProductStage } from '../fusion/kernel.js';

export type KWeight =
  | { readonly kind: 'literal'; readonly value: number }
  | { readonly kind: 'scalar' }      // a 0-d buffer, read once
  | { readonly kind: 'data' }        // data[p]
  | { readonly kind: 'permuted' };   // data[perm[p]] (the other compression of a stored matrix)

export interface KernelWalk {
  readonly walk: 'scatter' | 'gather';
  /** Events (bool x): entries are added, never multiplied. */
  readonly events: boolean;
  /** Scatter sources: the active index list [count, i...], a scan of x, or every x entry (float). */
  readonly over: 'list' | 'scan' | 'all';
  readonly nIn: number;
  readonly nOut: number;
  readonly weight: KWeight;
  /** Where the sums go: added (or subtracted) into a seeded output, or written as the result. */
  readonly into: false | { readonly negate: boolean };
  /** The buffers, by role: y (result or seeded output), ptr, idx, x or the list, data, perm. */
  readonly y: { readonly node: Node; readonly dtype: DType };
  readonly ptr: Node;
  readonly idx: Node;
  readonly x: { readonly node: Node; readonly dtype: DType };
  readonly data?: Node;
  readonly perm?: Node;
}

/** Why this product stage has no walk form yet, or undefined. */
export function walkUnsupported(stage: ProductStage): string | undefined {
  if (stage.node.op !== 'sparseProduct') return `'${stage.node.op}' stages`;
  if (stage.node.src[0]!.shape.length !== 1) return 'batched (matrix) operands';
  return undefined;
}

/** The walk of a vector sparse product; `storageDtype` as in buildLoop (float64 workspaces). */
export function buildWalk(stage: ProductStage, isLiteral: (n: Node) => boolean, storageDtype: (n: Node) => DType): KernelWalk {
  const node = stage.node as Node<'sparseProduct'>;
  const [x, data, ptr, idx, perm] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut } = productGeometry(node.arg, x.shape);
  const events = x.dtype === 'bool';
  const walk = walkOf(node) === 'scatter' ? 'scatter' : 'gather';
  const over = walk === 'gather' || !events ? 'all' : stage.events ? 'list' : 'scan';
  const weight: KWeight = data.shape.length === 0 ? (isLiteral(data) ? { kind: 'literal', value: data.scalarValue! } : { kind: 'scalar' }) : perm ? { kind: 'permuted' } : { kind: 'data' };
  const y = stage.into?.node ?? node;
  const xs = over === 'list' ? stage.events! : x;
  return {
    walk, events, over, nIn, nOut, weight,
    into: stage.into ? { negate: stage.into.negate } : false,
    y: { node: y, dtype: storageDtype(y) },
    ptr, idx,
    x: { node: xs, dtype: xs.dtype },
    ...(weight.kind === 'literal' ? {} : { data }),
    ...(perm ? { perm } : {}),
  };
}

/** A structural key (sizes and literals included). */
export function walkKey(w: KernelWalk): string {
  return JSON.stringify([w.walk, w.events, w.over, w.nIn, w.nOut, w.weight, w.into, w.y.dtype, w.x.dtype, w.data?.dtype, w.perm !== undefined, w.ptr.dtype, w.idx.dtype],
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
}
