/**
 * CPU lowering of event-driven weight updates: walk the lines of active spikes (from the
 * loop-built list or a scan) and update their stored entries in place. The kernel copies
 * the old weights into the result first unless they are the same buffer: a compiled runner
 * aliases them, so a step costs O(active × fan-out), not O(nnz).
 */
import type { Node } from '../../ir/node.js';
import { plasticityOperands } from '../../ir/plasticity.js';
import type { StageOf } from '../lowering.js';
import { indent, scalarSource, type EmitContext } from './emit.js';

export function emitPlasticity(ctx: EmitContext, stage: StageOf<'plasticityUpdate'>, s: number): string[] {
  const node = stage.node;
  const { arg } = node;
  const [data, spikes, trace, ptrNode, idxNode] = node.src as [Node, Node, Node, Node, Node];
  const { perm, wMin, wMax } = plasticityOperands(arg);
  const [OUT, DATA, TR, PTR, IDX] = [ctx.buf(node), ctx.buf(data), ctx.buf(trace), ctx.buf(ptrNode), ctx.buf(idxNode)];
  const pre: string[] = [`const lines = ${ctx.dim(spikes.size)};`];
  const bound = (i: number | undefined): string | undefined => (i === undefined ? undefined : scalarSource(ctx, node.src[i]!, pre));
  const lo = bound(wMin);
  const hi = bound(wMax);
  const at = perm === undefined ? 'p' : `${ctx.buf(node.src[perm]!)}[p]`;
  let value = `${OUT}[q] + ${TR}[${IDX}[p]]`;
  if (lo !== undefined) value = `Math.max(${value}, ${lo})`;
  if (hi !== undefined) value = `Math.min(${value}, ${hi})`;
  const line = [
    `for (let p = ${PTR}[a], e = ${PTR}[a + 1]; p < e; p++) {`,
    `  const q = ${at};`,
    `  ${OUT}[q] = ${value};`,
    '}',
  ];
  let walk: string[];
  if (stage.events) {
    const L = ctx.buf(stage.events);
    walk = [`for (let t = 1, cnt = ${L}[0]; t <= cnt; t++) {`, `  const a = ${L}[t];`, ...indent(line), '}'];
  } else {
    const S = ctx.buf(spikes);
    walk = ['for (let a = 0; a < lines; a++) {', `  if (${S}[a] === 0) continue;`, ...indent(line), '}'];
  }
  const who = arg.spikes === 'row' ? 'onPre' : 'onPost';
  return [
    `// stage ${s}: plasticity ${who}: update the stored weights of active ${arg.spikes === 'row' ? 'rows' : 'columns'}${stage.events ? ' (active list)' : ''}`,
    '{',
    ...indent(pre),
    `  if (${OUT} !== ${DATA}) ${OUT}.set(${DATA});`,
    ...indent(walk),
    '}',
  ];
}
