/**
 * CPU emitters of the gradient transposes: the sampled product (a sparse product's weight
 * cotangent) and the scatter-add (gather's). Sums run in float64 workspaces and are rounded
 * once when stored.
 * - sampled product, scatter (structure compressed along x's axis): each x line (only the
 *   active ones for events: from the loop-built list, else a scan) adds x · g[out] into its
 *   entries: cost O(active × fan-out) per batch row for events;
 * - sampled product, gather (compressed along g's axis): each entry sums x · g over the batch;
 * - scatter-add: one pass over the values.
 */
import type { Node } from '../../ir/node.js';
import { walkOf } from '../../ir/traits.js';
import { productGeometry } from '../../ir/structured.js';
import type { StageOf } from '../lowering.js';
import { indent, type EmitContext } from './emit.js';

export function emitSampledProduct(ctx: EmitContext, stage: StageOf<'sampledProduct'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const { arg } = node;
  const [x, g, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const events = x.dtype === 'bool';
  const [Y, G, PTR, IDX] = [ctx.buf(node), ctx.buf(g), ctx.buf(ptrNode), ctx.buf(idxNode)];
  const X = stage.events ? '' : ctx.buf(x);
  const at = permNode ? (p: string) => `${ctx.buf(permNode)}[${p}]` : (p: string) => p;
  const direct = ctx.inWorkspace(node);
  const acc = direct ? Y : ctx.workspace(idxNode.size);
  const pre = [`const nIn = ${ctx.dim(nIn)}, nOut = ${ctx.dim(nOut)}, nb = ${ctx.dim(batch)};`, `const acc = ${acc};`, 'acc.fill(0);'];
  const xAt = (i: string, b: string): string => (vector ? i : left ? `${b} * nIn + ${i}` : `${i} * nb + ${b}`);
  const gAt = (o: string, b: string): string => (vector ? o : left ? `${b} * nOut + ${o}` : `${o} * nb + ${b}`);
  const post = direct ? [] : [`for (let k = 0, n = ${ctx.dim(idxNode.size)}; k < n; k++) ${Y}[k] = ${acc}[k];`];
  if (walkOf(node) !== 'scatter') {
    // Lines along g's axis: entry p of line o sums x[idx[p]] · g[o] over the batch.
    const term = events ? `if (${X}[${xAt(`${IDX}[p]`, 'b')}] !== 0) acc[q] += gv;` : `acc[q] += ${X}[${xAt(`${IDX}[p]`, 'b')}] * gv;`;
    return {
      main: [`// stage ${s}: sampled product (${events ? 'events' : 'floats'}), each entry sums over the batch`, '{', ...indent(pre),
        '  for (let b = 0; b < nb; b++) {',
        '    for (let o = 0; o < nOut; o++) {',
        `      const gv = ${G}[${gAt('o', 'b')}];`,
        `      for (let p = ${PTR}[o], e = ${PTR}[o + 1]; p < e; p++) { const q = ${at('p')}; ${term} }`,
        '    }', '  }', '}'],
      post,
    };
  }
  // Lines along x's axis: x entry f = (b, i) adds x · g[b, idx[p]] into the entries of line i.
  const decode = vector ? ['const i = f, b = 0;'] : left
    ? ['const b = (f / nIn) | 0, i = f - b * nIn;']
    : ['const i = (f / nb) | 0, b = f - i * nb;'];
  const addLine = (xv: string): string[] => [...decode,
    `for (let p = ${PTR}[i], e = ${PTR}[i + 1]; p < e; p++) acc[${at('p')}] += ${xv}${G}[${gAt(`${IDX}[p]`, 'b')}];`];
  let walk: string[];
  let how: string;
  if (events && stage.events) {
    const L = ctx.buf(stage.events);
    how = 'the lines of the active index list';
    walk = ['for (let q = 1, cnt = ' + `${L}[0]; q <= cnt; q++) {`, `  const f = ${L}[q];`, ...indent(addLine('')), '}'];
  } else if (events) {
    how = 'the lines of active entries';
    walk = ['for (let f = 0, nx = nIn * nb; f < nx; f++) {', `  if (${X}[f] === 0) continue;`, ...indent(addLine('')), '}'];
  } else {
    how = 'every line of x';
    walk = ['for (let f = 0, nx = nIn * nb; f < nx; f++) {', `  const xv = ${X}[f];`, ...indent(addLine('xv * ')), '}'];
  }
  return { main: [`// stage ${s}: sampled product, scatter over ${how}`, '{', ...indent(pre), ...indent(walk), '}'], post };
}

export function emitScatterAdd(ctx: EmitContext, stage: StageOf<'scatterAdd'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const [v, idx] = node.src as [Node, Node];
  const [Y, V, I] = [ctx.buf(node), ctx.buf(v), ctx.buf(idx)];
  const direct = ctx.inWorkspace(node);
  const acc = direct ? Y : ctx.workspace(node.size);
  return {
    main: [`// stage ${s}: scatter-add (repeated indices add up)`, '{', `  const acc = ${acc};`, '  acc.fill(0);',
      `  for (let k = 0, n = ${ctx.dim(idx.size)}; k < n; k++) acc[${I}[k]] += ${V}[k];`, '}'],
    post: direct ? [] : [`for (let k = 0, n = ${ctx.dim(node.size)}; k < n; k++) ${Y}[k] = ${acc}[k];`],
  };
}
