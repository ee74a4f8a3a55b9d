/**
 * CPU lowering of event-driven weight updates: walk the lines of active spikes (from the
 * loop-built list or a scan) and update their stored entries in place. The kernel copies
 * the old weights into the result first unless they are the same buffer: a compiled runner
 * aliases them, so a step costs O(active × fan-out), not O(nnz).
 */
import type { Node } from '../../ir/node.js';
import { eligibilityOperands, plasticityOperands } from '../../ir/plasticity.js';
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

/**
 * Eligibility traces e ← e·decay + x_i·y_j. Float x: one pass over every line of the
 * structure (compressed along its own axis, so the data is read in order). Bool x: the decay
 * is one contiguous pass over the data, then the lines of active rows (list or scan) add y_j.
 */
export function emitEligibility(ctx: EmitContext, stage: StageOf<'eligibilityUpdate'>, s: number): string[] {
  const node = stage.node;
  const { arg } = node;
  const [data, x, y, ptrNode, idxNode] = node.src as [Node, Node, Node, Node, Node];
  const { perm, decay } = eligibilityOperands(arg);
  const [OUT, DATA, X, Y, PTR, IDX] = [ctx.buf(node), ctx.buf(data), ctx.buf(x), ctx.buf(y), ctx.buf(ptrNode), ctx.buf(idxNode)];
  const pre: string[] = [`const lines = ${ctx.dim(arg.line === 'row' ? arg.rows : arg.cols)}, nnz = ${ctx.dim(data.size)};`];
  const d = scalarSource(ctx, node.src[decay]!, pre);
  const at = perm === undefined ? 'p' : `${ctx.buf(node.src[perm]!)}[p]`;
  let body: string[];
  if (arg.events) {
    const line = [`for (let p = ${PTR}[a], e = ${PTR}[a + 1]; p < e; p++) ${OUT}[${at}] += ${Y}[${IDX}[p]];`];
    const decayPass = [
      `if (${OUT} !== ${DATA}) { for (let q = 0; q < nnz; q++) ${OUT}[q] = ${DATA}[q] * ${d}; }`,
      `else { for (let q = 0; q < nnz; q++) ${OUT}[q] *= ${d}; }`,
    ];
    if (stage.events) {
      const L = ctx.buf(stage.events);
      body = [...decayPass, `for (let t = 1, cnt = ${L}[0]; t <= cnt; t++) {`, `  const a = ${L}[t];`, ...indent(line), '}'];
    } else {
      body = [...decayPass, 'for (let a = 0; a < lines; a++) {', `  if (${X}[a] === 0) continue;`, ...indent(line), '}'];
    }
  } else {
    const [xi, yj] = arg.line === 'row' ? ['xa', `${Y}[${IDX}[p]]`] : [`${X}[${IDX}[p]]`, 'xa'];
    const lineVec = arg.line === 'row' ? X : Y;
    body = [
      'for (let a = 0; a < lines; a++) {',
      `  const xa = ${lineVec}[a];`,
      `  for (let p = ${PTR}[a], e = ${PTR}[a + 1]; p < e; p++) {`,
      `    const q = ${at};`,
      `    ${OUT}[q] = ${DATA}[q] * ${d} + ${xi} * ${yj};`,
      '  }',
      '}',
    ];
  }
  return [
    `// stage ${s}: eligibility traces e·decay + pre·post on the stored entries${arg.events ? ` (decay pass, then active rows${stage.events ? ' from the list' : ''})` : ` (every ${arg.line})`}`,
    '{',
    ...indent(pre),
    ...indent(body),
    '}',
  ];
}
