/**
 * The kernel IR of a just-in-time connectivity product (`jitcProduct` of a vector): lines
 * regenerated from (seed, line) by the counter-based generator and skip sampling against the
 * gap table (docs/rng.md, docs/jitc.md), walked as a scatter (lines along the contracted
 * axis: the active inputs' lines) or a gather (each output's own line). What the walk needs
 * is spelled out so that a renderer only renders.
 */
import type { Node } from '../ir/node.js';
import type { DType } from '../ir/dtype.js';
import type { JitcArg } from '../ir/args.js';
import { walkOf } from '../ir/traits.js';
import { productGeometry } from '../ir/structured.js';
import type { ProductStage } from '../fusion/kernel.js';

/** A weight parameter: a literal folded into the code, or a 0-d buffer read once. */
export type KParam = { readonly kind: 'literal'; readonly value: number } | { readonly kind: 'buffer'; readonly node: Node };

export interface KernelJitWalk {
  readonly walk: 'scatter' | 'gather';
  readonly events: boolean;
  /** Scatter sources: the active index list, a scan of x, or every x entry (float x). */
  readonly over: 'list' | 'scan' | 'all';
  readonly dist: JitcArg['dist'];
  readonly seed: number;
  /** Positions per line (its length), lines of output, inputs. */
  readonly len: number;
  readonly nIn: number;
  readonly nOut: number;
  readonly a: KParam;
  readonly b: KParam;
  /** Sums go into a seeded output (scatter: each addition rounds there, as on the cpu), or are the result. */
  readonly into: false | { readonly negate: boolean };
  readonly y: { readonly node: Node; readonly dtype: DType };
  readonly x: { readonly node: Node; readonly dtype: DType };
  /** The gap table (int32 thresholds) and its guide. */
  readonly table: Node;
  readonly guide: Node;
  /** The line map (J.rows / J.cols): the line whose streams generate each line. */
  readonly lineMap?: Node;
}

export function jitWalkUnsupported(stage: ProductStage): string | undefined {
  if (stage.node.op !== 'jitcProduct') return `'${stage.node.op}' stages`;
  if (stage.node.src[0]!.shape.length !== 1) return 'batched (matrix) operands';
  return undefined;
}

export function buildJitWalk(stage: ProductStage, isLiteral: (n: Node) => boolean, storageDtype: (n: Node) => DType): KernelJitWalk {
  const node = stage.node as Node<'jitcProduct'>;
  const { arg } = node;
  const [x, aNode, bNode, table, guide] = node.src as [Node, Node, Node, Node, Node];
  const { nIn, nOut } = productGeometry(arg, x.shape);
  const events = x.dtype === 'bool';
  const walk = walkOf(node) === 'scatter' ? 'scatter' : 'gather';
  const over = walk === 'gather' || !events ? 'all' : stage.events ? 'list' : 'scan';
  const param = (n: Node): KParam => (isLiteral(n) ? { kind: 'literal', value: n.scalarValue! } : { kind: 'buffer', node: n });
  const y = stage.into?.node ?? node;
  const xs = over === 'list' ? stage.events! : x;
  return {
    walk, events, over, dist: arg.dist, seed: arg.seed,
    len: arg.line === 'row' ? arg.cols : arg.rows,
    nIn, nOut,
    a: param(aNode),
    b: arg.dist === 'scalar' ? { kind: 'literal', value: 0 } : param(bNode),
    into: stage.into ? { negate: stage.into.negate } : false,
    y: { node: y, dtype: storageDtype(y) },
    x: { node: xs, dtype: xs.dtype },
    table, guide,
    ...(arg.source === undefined ? {} : { lineMap: node.src[5]! }),
  };
}

export function jitWalkKey(w: KernelJitWalk): string {
  const p = (q: KParam): unknown => (q.kind === 'literal' ? q.value : 'buffer');
  return JSON.stringify([w.walk, w.events, w.over, w.dist, w.seed, w.len, w.nIn, w.nOut, p(w.a), p(w.b), w.into, w.y.dtype, w.x.dtype, w.lineMap !== undefined],
    (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v));
}
