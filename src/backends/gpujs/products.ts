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
 * - gather: one read per thread.
 */
import type { Node, SparseArg } from '../../ir/node.js';
import { matmulGeometry } from '../../ir/primitives/matmul.js';
import { compressOther, productGeometry } from '../../ir/structured.js';
import { InvalidArgumentError } from '../../errors.js';
import type { ProductStage } from '../../fusion/kernel.js';
import { EXACT_INT, KernelBuilder, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';
import { lowerJitcDensify, lowerJitcProduct } from './jitc.js';
import { lowerPlasticity } from './plasticity.js';

/**
 * A structure array's host values; structures must be constants (they are in every format).
 * Formats validate them (indices in range, ptr monotone up to nnz), so every value is at most
 * max(rows, cols, nnz): checking the array's length, its last value (a ptr's nnz) and the
 * matrix shape keeps them exact without a scan.
 */
export function structure(ctx: LowerContext, n: Node, what: string, dims: readonly number[] = []): ArrayLike<number> {
  const v = ctx.hostValue(n);
  if (!v) throw new InvalidArgumentError(`gpujs: the ${what} of a sparse structure must be a constant array; got a computed ${n.op} value`);
  const largest = Math.max(v.length, v.length ? v[v.length - 1]! : 0, ...dims);
  if (largest > EXACT_INT) {
    throw new InvalidArgumentError(`gpujs: a sparse structure with ${what} reaching ${largest} is beyond 2^24 (16777216), where float32 integers stop being exact; use the cpu backend for structures this large`);
  }
  return v;
}

/** The longest line of a compressed structure. */
export function longestLine(ptr: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i + 1 < ptr.length; i++) m = Math.max(m, ptr[i + 1]! - ptr[i]!);
  return m;
}

/** Decode flat output position x into (o, bb) for y of shape [nOut], [nb, nOut] (left) or [nOut, nb] (right). */
export function outputPosition(vector: boolean, left: boolean, nOut: number, nb: number): string[] {
  if (vector) return ['const o = x;', 'const bb = 0.0;'];
  if (left) return [...exactQuotient('bb', 'x', nOut), `const o = x - bb * ${floatLiteral(nOut)};`];
  return [...exactQuotient('o', 'x', nb), `const bb = x - o * ${floatLiteral(nb)};`];
}

/** Position of x[i, bb] in the operand: [nIn], [nb, nIn] (left) or [nIn, nb] (right). */
export function operandAt(vector: boolean, left: boolean, nIn: number, nb: number): (i: string) => string {
  if (vector) return (i) => i;
  return left ? (i) => `bb * ${floatLiteral(nIn)} + ${i}` : (i) => `${i} * ${floatLiteral(nb)} + bb`;
}

function lowerMatmul(ctx: LowerContext, stage: ProductStage): void {
  const node = stage.node;
  const [a, b] = node.src as [Node, Node];
  const { k, n } = matmulGeometry(a.shape, b.shape);
  const kb = new KernelBuilder(ctx, `${a.dtype === 'bool' || b.dtype === 'bool' ? 'event' : 'dense'} matmul %${node.id}: thread (i, j) walks k`);
  const [A, B] = [kb.arg(a), kb.arg(b)];
  // Operands are read into variables before any test: gpu.js's GLSL output mistypes conditions
  // that read arrays inside them (see sparse products below).
  const term = a.dtype === 'bool' ? 'if (av !== 0.0) { acc = acc + bv; }'
    : b.dtype === 'bool' ? 'if (bv !== 0.0) { acc = acc + av; }'
    : 'acc = acc + av * bv;';
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

function lowerSparseProduct(ctx: LowerContext, stage: ProductStage): void {
  const node = stage.node;
  const arg = node.arg as SparseArg;
  const [x, data, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const ptr = structure(ctx, ptrNode, 'indptr', [arg.rows, arg.cols]);
  const idx = structure(ctx, idxNode, 'indices', [arg.rows, arg.cols]);
  const gather = left === (arg.compressed === 'col');
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
    let cached: ReturnType<typeof compressOther> | undefined;
    const get = (): ReturnType<typeof compressOther> => (cached ??= compressOther(ptr, idx, nOut));
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
  const add = x.dtype === 'bool' ? `if (xv !== 0.0) { acc = acc + ${weight}; }` : `acc = acc + ${weight} * xv;`;
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

function lowerDensify(ctx: LowerContext, stage: ProductStage): void {
  const node = stage.node;
  const arg = node.arg as SparseArg;
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
    `  if (at === minor) { acc = acc + ${weight}; }`,
    '}',
  ], 'acc');
}

function lowerGather(ctx: LowerContext, stage: ProductStage): void {
  const [x, idx] = stage.node.src as [Node, Node];
  const kb = new KernelBuilder(ctx, `gather %${stage.node.id}`);
  kb.finish(stage.node, [], `${kb.arg(x)}[${kb.arg(idx)}[x]]`);
}

type Lowering = (ctx: LowerContext, stage: ProductStage) => void;

/** How this backend lowers each product kind. */
const LOWERINGS: Readonly<Record<string, Lowering>> = {
  matmul: lowerMatmul,
  sparseProduct: lowerSparseProduct,
  densify: lowerDensify,
  gather: lowerGather,
  jitcProduct: lowerJitcProduct,
  jitcDensify: lowerJitcDensify,
  plasticityUpdate: lowerPlasticity,
};

export function lowerProduct(ctx: LowerContext, stage: ProductStage): void {
  const lower = LOWERINGS[stage.node.op];
  if (!lower) throw new Error(`gpujs backend: no lowering for product op '${stage.node.op}'`);
  lower(ctx, stage);
}
