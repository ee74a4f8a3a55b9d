/**
 * The kernel IR of an event-driven weight update (`plasticityUpdate`, docs/plasticity.md): the
 * stored entries of each active line (a row for onPre, a column for onPost) take the trace of
 * their other end, clipped to optional bounds, in place. Which lines are active (the loop-built
 * list or a scan of the spikes), where the entries sit (directly, or through the permutation of
 * the other compression) and where the bounds come from are spelled out, so a renderer only
 * renders.
 */
import type { Node } from '../ir/node.js';
import type { DType } from '../ir/dtype.js';
import { plasticityOperands } from '../ir/plasticity.js';
import type { ProductStage } from '../fusion/kernel.js';
import type { KParam } from './jit-walk.js';

export interface KernelPlasticity {
  /** The active lines: the index list [count, line...] the loop built, or a scan of the spikes. */
  readonly over: 'list' | 'scan';
  readonly lines: number;
  /** Stored entries (the result takes the old weights first unless it is their buffer). */
  readonly nnz: number;
  readonly out: { readonly node: Node; readonly dtype: DType };
  readonly data: Node;
  readonly trace: { readonly node: Node; readonly dtype: DType };
  /** The list, or the spikes scanned. */
  readonly spikes: { readonly node: Node; readonly dtype: DType };
  readonly ptr: Node;
  readonly idx: Node;
  /** Entry p of a line is stored at perm[p] (a column walk over a row-compressed matrix). */
  readonly perm?: Node;
  readonly wMin?: KParam;
  readonly wMax?: KParam;
}

export function buildPlasticity(stage: ProductStage, isLiteral: (n: Node) => boolean): KernelPlasticity {
  const node = stage.node as Node<'plasticityUpdate'>;
  const [data, spikes, trace, ptr, idx] = node.src as [Node, Node, Node, Node, Node];
  const { perm, wMin, wMax } = plasticityOperands(node.arg);
  const param = (i: number | undefined): KParam | undefined => {
    if (i === undefined) return undefined;
    const n = node.src[i]!;
    return isLiteral(n) ? { kind: 'literal', value: n.scalarValue! } : { kind: 'buffer', node: n };
  };
  const listed = stage.events;
  return {
    over: listed ? 'list' : 'scan',
    lines: spikes.size,
    nnz: data.size,
    out: { node, dtype: node.dtype },
    data,
    trace: { node: trace, dtype: trace.dtype },
    spikes: listed ? { node: listed, dtype: listed.dtype } : { node: spikes, dtype: spikes.dtype },
    ptr,
    idx,
    ...(perm === undefined ? {} : { perm: node.src[perm]! }),
    ...(wMin === undefined ? {} : { wMin: param(wMin)! }),
    ...(wMax === undefined ? {} : { wMax: param(wMax)! }),
  };
}

/** A structural key: equal keys render to the same code (sizes and literal bounds included). */
export function plasticityKey(k: KernelPlasticity): string {
  const p = (q: KParam | undefined): unknown => (q === undefined ? null : q.kind === 'literal' ? q.value : 'buffer');
  return JSON.stringify([k.over, k.lines, k.nnz, k.out.dtype, k.data.dtype, k.trace.dtype, k.spikes.dtype, k.perm !== undefined, p(k.wMin), p(k.wMax)],
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
}
