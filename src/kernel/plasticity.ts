/**
 * The kernel IR of event-driven updates of stored entries: weights (`plasticityUpdate`,
 * docs/plasticity.md), where the entries of each active line (a row for onPre, a column for
 * onPost) take the trace of their other end, clipped to optional bounds; and eligibility
 * traces (`eligibilityUpdate`, below). Which lines are active (the loop-built list or a scan of
 * the spikes), where the entries sit (directly, or through the permutation of the other
 * compression) and where the bounds or the decay come from are spelled out, so a renderer only
 * renders.
 */
import type { Node } from '../ir/node.js';
import type { DType } from '../ir/dtype.js';
import { eligibilityOperands, plasticityOperands } from '../ir/plasticity.js';
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

/**
 * The kernel IR of an eligibility-trace update (`eligibilityUpdate`): every stored entry
 * becomes e·decay + x_i·y_j. With events for x (`events`), the decay is one pass over the
 * entries and the active lines (list or scan) then add y_j; with a float x, one pass over every
 * line computes the whole update.
 */
export interface KernelEligibility {
  readonly events: boolean;
  /** Active lines of event x: the index list the loop built, or a scan of x. */
  readonly over: 'list' | 'scan';
  /** The structure's lines (rows for line 'row'), and whether x runs along them. */
  readonly lines: number;
  readonly line: 'row' | 'col';
  readonly nnz: number;
  readonly out: { readonly node: Node; readonly dtype: DType };
  readonly data: Node;
  readonly x: { readonly node: Node; readonly dtype: DType };
  readonly y: { readonly node: Node; readonly dtype: DType };
  readonly ptr: Node;
  readonly idx: Node;
  readonly perm?: Node;
  readonly decay: KParam;
}

export function buildEligibility(stage: ProductStage, isLiteral: (n: Node) => boolean): KernelEligibility {
  const node = stage.node as Node<'eligibilityUpdate'>;
  const { arg } = node;
  const [data, x, y, ptr, idx] = node.src as [Node, Node, Node, Node, Node];
  const { perm, decay } = eligibilityOperands(arg);
  const d = node.src[decay]!;
  const listed = arg.events ? stage.events : undefined;
  return {
    events: arg.events,
    over: listed ? 'list' : 'scan',
    lines: arg.line === 'row' ? arg.rows : arg.cols,
    line: arg.line,
    nnz: data.size,
    out: { node, dtype: node.dtype },
    data,
    x: listed ? { node: listed, dtype: listed.dtype } : { node: x, dtype: x.dtype },
    y: { node: y, dtype: y.dtype },
    ptr,
    idx,
    ...(perm === undefined ? {} : { perm: node.src[perm]! }),
    decay: isLiteral(d) ? { kind: 'literal', value: d.scalarValue! } : { kind: 'buffer', node: d },
  };
}

export function eligibilityKey(k: KernelEligibility): string {
  return JSON.stringify([k.events, k.over, k.lines, k.line, k.nnz, k.out.dtype, k.data.dtype, k.x.dtype, k.y.dtype, k.perm !== undefined, k.decay.kind === 'literal' ? k.decay.value : 'buffer'],
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
}
