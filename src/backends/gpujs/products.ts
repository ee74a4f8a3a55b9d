/**
 * gpujs lowering of product stages, all scatter-free: one thread per output element sums
 * what lands on it (gather), because gpu.js kernels have no atomic adds.
 * - dense matmul: thread (i, j) walks the contracted axis (events: adds where active);
 * - sparse products whose compressed axis is the output axis (x @ CSC, M @ x for CSR): thread
 *   o walks its own line (ptr[o]..ptr[o+1]);
 * - the other case (x @ CSR, events @ CSR included): the structure's other view is built once
 *   on the host (a counting sort of the indices, with a map into the data) and thread o walks
 *   that line. An event product then costs O(nnz) per call, not O(active × fan-out): every
 *   output checks each of its inputs' spikes (see docs/backends.md);
 * - densify: thread (r, c) walks line r (or c) and adds the entries at its position;
 * - gather, concat: one read per thread.
 */
import type { Node } from '../../ir/node.js';
import { otherViewOf } from '../../ir/pattern.js';
import { concatGeometry } from '../../ir/primitives/concat.js';
import { matmulGeometry } from '../../ir/primitives/matmul.js';
import { walkOf } from '../../ir/traits.js';
import { compressOther, productGeometry } from '../../ir/structured.js';
import type { StageOf } from '../lowering.js';
import { accumulate, KernelBuilder, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';
import { longestLine, operandAt, outputPosition, structure } from './walks.js';

export function lowerMatmul(ctx: LowerContext, stage: StageOf<'matmul'>): void {
  const node = stage.node;
  const [a, b] = node.src as [Node, Node];
  const { k, n } = matmulGeometry(a.shape, b.shape);
  const kb = new KernelBuilder(ctx, `${a.dtype === 'bool' || b.dtype === 'bool' ? 'event' : 'dense'} matmul %${node.id}: thread (i, j) walks k`);
  const [A, B] = [kb.arg(a), kb.arg(b)];
  // Operands are read into variables before any test: gpu.js's GLSL output mistypes conditions
  // that read arrays inside them (see sparse products below).
  const term = a.dtype === 'bool' ? `if (av !== 0.0) { ${accumulate(ctx, 'bv')} }`
    : b.dtype === 'bool' ? `if (bv !== 0.0) { ${accumulate(ctx, 'av')} }`
    : accumulate(ctx, 'av * bv');
  kb.loop(k);
  kb.finish(node, [
    ...exactQuotient('i', 'x', n),
    `const j = x - i * ${floatLiteral(n)};`,
    `const ak = i * ${floatLiteral(k)};`,
    'let acc = 0.0;',
    `for (let q = 0.0; q < ${floatLiteral(k)}; q += 1.0) {`,
    `  const av = ${A}[ak + q];`,
    `  const bv = ${B}[q * ${floatLiteral(n)} + j];`,
    `  ${term}`,
    '}',
  ], 'acc');
}

export function lowerSparseProduct(ctx: LowerContext, stage: StageOf<'sparseProduct'>): void {
  const node = stage.node;
  const { arg } = node;
  const [x, data, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const ptr = structure(ctx, ptrNode, 'indptr', [arg.rows, arg.cols]);
  const idx = structure(ctx, idxNode, 'indices', [arg.rows, arg.cols]);
  const gather = walkOf(node) === 'gather';
  const kb = new KernelBuilder(ctx, `${x.dtype === 'bool' ? 'event' : 'float'} sparse product %${node.id}: thread o walks ${gather ? 'its stored line' : 'its line of the other view (built on the host)'}`);
  // Line o of the view the kernel walks, and the data index of its entry p.
  let P: string, I: string, dataAt: (p: string) => string, longest: number;
  const permuted = permNode ? kb.arg(permNode) : undefined;
  if (gather) {
    [P, I] = [kb.arg(ptrNode), kb.arg(idxNode)];
    dataAt = (p) => (permuted ? `${permuted}[${p}]` : p);
    longest = longestLine(ptr);
  } else {
    // Node ids are unique and nodes immutable: the key names this structure for good.
    const key = `other:${ptrNode.id}:${idxNode.id}:${permNode ? permNode.id : '-'}`;
    // The format's own other view when it made this structure (sorted once, shared with the
    // cpu backend and conversions); a structure from elsewhere is sorted here.
    let cached: ReturnType<typeof compressOther> | undefined;
    const get = (): ReturnType<typeof compressOther> => (cached ??= otherViewOf(ptrNode, idxNode) ?? compressOther(ptr, idx, nOut));
    const optr = ctx.derived(`${key}:ptr`, () => Float32Array.from(get().ptr));
    P = kb.slotArg(optr.slot);
    I = kb.slotArg(ctx.derived(`${key}:idx`, () => Float32Array.from(get().idx)).slot);
    const perm = permNode ? structure(ctx, permNode, 'permutation') : undefined;
    // the data index of each entry of the other view: through the node's own permutation if it has one
    const E = kb.slotArg(ctx.derived(`${key}:data`, () => Float32Array.from(get().perm, (p) => (perm ? perm[p]! : p))).slot);
    dataAt = (p) => `${E}[${p}]`;
    longest = longestLine(optr.data);
  }
  const weight = data.shape.length === 0 ? kb.scalar(data) : `${kb.arg(data)}[${dataAt('p')}]`;
  const X = kb.arg(x);
  const at = operandAt(vector, left, nIn, batch);
  // The operand is read into a variable first: gpu.js's GLSL output declares a condition that
  // reads an array at an index read from another array as a float and fails to compile.
  const add = x.dtype === 'bool' ? `if (xv !== 0.0) { ${accumulate(ctx, weight)} }` : accumulate(ctx, `${weight} * xv`);
  kb.loop(longest);
  kb.finish(node, [
    ...outputPosition(vector, left, nOut, batch),
    'let acc = 0.0;',
    `const e = ${P}[o + 1.0];`,
    `for (let p = ${P}[o]; p < e; p += 1.0) {`,
    `  const i = ${I}[p];`,
    `  const xv = ${X}[${at('i')}];`,
    `  ${add}`,
    '}',
  ], 'acc');
}

export function lowerDensify(ctx: LowerContext, stage: StageOf<'densify'>): void {
  const node = stage.node;
  const { arg } = node;
  const [data, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node?];
  const kb = new KernelBuilder(ctx, `densify %${node.id}: thread (r, c) adds the entries of its line at its position`);
  const [P, I] = [kb.arg(ptrNode), kb.arg(idxNode)];
  const dataAt = permNode ? `${kb.arg(permNode)}[p]` : 'p';
  const weight = data.shape.length === 0 ? kb.scalar(data) : `${kb.arg(data)}[${dataAt}]`;
  const byRow = arg.compressed === 'row';
  kb.loop(longestLine(structure(ctx, ptrNode, 'indptr', [arg.rows, arg.cols])));
  kb.finish(node, [
    ...exactQuotient('r', 'x', arg.cols),
    `const c = x - r * ${floatLiteral(arg.cols)};`,
    `const major = ${byRow ? 'r' : 'c'};`,
    `const minor = ${byRow ? 'c' : 'r'};`,
    'let acc = 0.0;',
    `const e = ${P}[major + 1.0];`,
    `for (let p = ${P}[major]; p < e; p += 1.0) {`,
    `  const at = ${I}[p];`,
    `  if (at === minor) { ${accumulate(ctx, weight)} }`,
    '}',
  ], 'acc');
}

export function lowerGather(ctx: LowerContext, stage: StageOf<'gather'>): void {
  const [x, idx] = stage.node.src as [Node, Node];
  const kb = new KernelBuilder(ctx, `gather %${stage.node.id}`);
  kb.finish(stage.node, [], `${kb.arg(x)}[${kb.arg(idx)}[x]]`);
}

/** Concat: thread x finds its outer index and the operand whose block holds it (no empty operand is read). */
export function lowerConcat(ctx: LowerContext, stage: StageOf<'concat'>): void {
  const node = stage.node;
  const { inner, lengths } = concatGeometry(node.src, node.arg.axis);
  const row = lengths.reduce((a, b) => a + b, 0) * inner;
  const kb = new KernelBuilder(ctx, `concat %${node.id} of ${node.src.length} operands: one read per thread`);
  const lines = [...exactQuotient('o', 'x', row), `const r = x - o * ${floatLiteral(row)};`, 'let v = 0.0;'];
  let start = 0;
  let branch = 'if';
  node.src.forEach((src, i) => {
    const block = lengths[i]! * inner;
    if (block === 0) return;
    const end = start + block;
    lines.push(`${branch} (r < ${floatLiteral(end)}) {`, `  v = ${kb.arg(src)}[o * ${floatLiteral(block)} + r - ${floatLiteral(start)}];`, '}');
    branch = 'else if';
    start = end;
  });
  kb.finish(node, lines, 'v');
}
