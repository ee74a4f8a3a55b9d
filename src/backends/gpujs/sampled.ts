/**
 * gpujs lowerings of the gradient transposes, scatter-free (gpu.js has no atomic adds):
 * - sampled product: one thread per stored entry (data position q); the entry's x line and
 *   g line are host arrays built once per structure (cached like the other view), and the
 *   thread sums x · g over the batch: O(nnz · batch) per call, events included (every entry
 *   tests its x; the event-driven walk is the cpu backend's);
 * - scatter-add with constant indices (every gather the formats and gradients build): the
 *   inverse index is built once on the host (a counting sort of idx: for each output the
 *   positions that land on it), and thread o sums its own list: O(values) in all;
 *   computed indices: thread o scans every index, O(outputs × values).
 */
import type { Node } from '../../ir/node.js';
import { compressOther, forEachEntry, productGeometry } from '../../ir/structured.js';
import type { StageOf } from '../lowering.js';
import { accumulate, KernelBuilder, type LowerContext } from './builder.js';
import { floatLiteral } from './source.js';
import { longestLine, operandAt, structure } from './walks.js';

export function lowerSampledProduct(ctx: LowerContext, stage: StageOf<'sampledProduct'>): void {
  const node = stage.node;
  const { arg } = node;
  const [x, g, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const key = `sampled:${ptrNode.id}:${idxNode.id}:${permNode ? permNode.id : '-'}:${arg.compressed}:${arg.side}`;
  // For each data position: the x line (i) and the g line (o) of its entry.
  let lines: { i: Float32Array; o: Float32Array } | undefined;
  const get = (): { i: Float32Array; o: Float32Array } => {
    if (lines) return lines;
    const dims = [arg.rows, arg.cols];
    const [ptr, idx] = [structure(ctx, ptrNode, 'indptr', dims), structure(ctx, idxNode, 'indices', dims)];
    const perm = permNode ? structure(ctx, permNode, 'permutation') : undefined;
    const [li, lo] = [new Float32Array(idx.length), new Float32Array(idx.length)];
    let p = 0;
    forEachEntry(arg, new Float64Array(1), true, Float64Array.from(ptr), Float64Array.from(idx), undefined, (r, c) => {
      const q = perm ? perm[p]! : p;
      [li[q], lo[q]] = left ? [r, c] : [c, r];
      p++;
    });
    return (lines = { i: li, o: lo });
  };
  const kb = new KernelBuilder(ctx, `sampled product %${node.id}: thread q sums x · g over the batch at its entry's (row, column)`);
  const I = kb.slotArg(ctx.derived(`${key}:in`, () => get().i).slot);
  const O = kb.slotArg(ctx.derived(`${key}:out`, () => get().o).slot);
  const [X, G] = [kb.arg(x), kb.arg(g)];
  const xAt = operandAt(vector, left, nIn, batch);
  const gAt = operandAt(vector, left, nOut, batch);
  const add = x.dtype === 'bool' ? `if (xv !== 0.0) { ${accumulate(ctx, 'gv')} }` : accumulate(ctx, 'xv * gv');
  kb.loop(batch);
  kb.finish(node, [
    `const i = ${I}[x];`,
    `const o = ${O}[x];`,
    'let acc = 0.0;',
    `for (let bb = 0.0; bb < ${floatLiteral(batch)}; bb += 1.0) {`,
    `  const xv = ${X}[${xAt('i')}];`,
    `  const gv = ${G}[${gAt('o')}];`,
    `  ${add}`,
    '}',
  ], 'acc');
}

export function lowerScatterAdd(ctx: LowerContext, stage: StageOf<'scatterAdd'>): void {
  const node = stage.node;
  const [v, idxNode] = node.src as [Node, Node];
  const host = ctx.hostValue(idxNode);
  const V = (kb: KernelBuilder): string => kb.arg(v);
  if (host) {
    const key = `scatter:${idxNode.id}:${node.size}`;
    let inverse: ReturnType<typeof compressOther> | undefined;
    // idx as one line of entries; its other view lists, per output, the positions landing there.
    const get = (): ReturnType<typeof compressOther> => (inverse ??= compressOther([0, host.length], structure(ctx, idxNode, 'indices', [node.size]), node.size));
    const kb = new KernelBuilder(ctx, `scatter-add %${node.id}: thread o sums the values of its inverse index (built on the host)`);
    const P = kb.slotArg(ctx.derived(`${key}:ptr`, () => Float32Array.from(get().ptr)).slot);
    const L = kb.slotArg(ctx.derived(`${key}:from`, () => Float32Array.from(get().perm)).slot);
    const Vs = V(kb);
    kb.loop(longestLine(get().ptr));
    kb.finish(node, [
      'let acc = 0.0;',
      `const e = ${P}[x + 1.0];`,
      `for (let p = ${P}[x]; p < e; p += 1.0) {`,
      `  const k = ${L}[p];`,
      `  const vk = ${Vs}[k];`,
      `  ${accumulate(ctx, 'vk')}`,
      '}',
    ], 'acc');
    return;
  }
  const kb = new KernelBuilder(ctx, `scatter-add %${node.id}: thread o scans every index (computed indices)`);
  const [Vs, I] = [V(kb), kb.arg(idxNode)];
  kb.loop(idxNode.size);
  kb.finish(node, [
    'let acc = 0.0;',
    `for (let k = 0.0; k < ${floatLiteral(idxNode.size)}; k += 1.0) {`,
    `  const ik = ${I}[k];`,
    `  const vk = ${Vs}[k];`,
    `  if (ik === x) { ${accumulate(ctx, 'vk')} }`,
    '}',
  ], 'acc');
}
