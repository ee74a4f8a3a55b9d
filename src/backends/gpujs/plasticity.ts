/**
 * gpujs lowering of event-driven weight updates: one thread per stored weight. The host
 * derives, once per structure, each weight's spike line and trace index (inverting the
 * permutation into the data), so a thread reads its line's spike and adds its trace when
 * active. Cost O(nnz) per step, where the CPU walks only active lines (docs/backends.md).
 */
import type { Node } from '../../ir/node.js';
import { eligibilityOperands, plasticityOperands } from '../../ir/plasticity.js';
import type { StageOf } from '../lowering.js';
import { KernelBuilder, type LowerContext } from './builder.js';
import { structure } from './walks.js';

/** For each data position: its line (-1 when no entry stores it) and its entry's index. */
function entryMaps(ptr: ArrayLike<number>, idx: ArrayLike<number>, perm: ArrayLike<number> | undefined, size: number): { line: Float32Array; index: Float32Array } {
  const line = new Float32Array(size).fill(-1);
  const index = new Float32Array(size);
  for (let a = 0; a + 1 < ptr.length; a++) {
    for (let p = ptr[a]!; p < ptr[a + 1]!; p++) {
      const q = perm ? perm[p]! : p;
      line[q] = a;
      index[q] = idx[p]!;
    }
  }
  return { line, index };
}

export function lowerPlasticity(ctx: LowerContext, stage: StageOf<'plasticityUpdate'>): void {
  const node = stage.node;
  const { arg } = node;
  const [data, spikes, trace, ptrNode, idxNode] = node.src as [Node, Node, Node, Node, Node];
  const { perm, wMin, wMax } = plasticityOperands(arg);
  const permNode = perm === undefined ? undefined : node.src[perm]!;
  const kb = new KernelBuilder(ctx, `plasticity %${node.id} (${arg.spikes === 'row' ? 'onPre' : 'onPost'}): one thread per stored weight, adds its trace where its line spiked`);
  const { LINE, INDEX } = entrySlots(ctx, kb, arg, data, ptrNode, idxNode, permNode);
  const [W, S, TR] = [kb.arg(data), kb.arg(spikes), kb.arg(trace)];
  let value = `${W}[x] + ${TR}[${INDEX}[x]]`;
  if (wMin !== undefined) value = `Math.max(${value}, ${kb.scalar(node.src[wMin]!)})`;
  if (wMax !== undefined) value = `Math.min(${value}, ${kb.scalar(node.src[wMax]!)})`;
  kb.finish(node, [
    `const a = ${LINE}[x];`,
    `let out = ${W}[x];`,
    // (values are read into variables before they are tested: see sparse products)
    'let active = 0.0;',
    `if (a >= 0.0) { active = ${S}[a]; }`,
    `if (active !== 0.0) { out = ${value}; }`,
  ], 'out');
}

/**
 * Eligibility traces e ← e·decay + x_i·y_j: one thread per stored entry, its row and column
 * from the same host-built maps as plasticity (bool x reads as 0 or 1). O(nnz) per step for
 * float and event x alike.
 */
export function lowerEligibility(ctx: LowerContext, stage: StageOf<'eligibilityUpdate'>): void {
  const node = stage.node;
  const { arg } = node;
  const [data, x, y, ptrNode, idxNode] = node.src as [Node, Node, Node, Node, Node];
  const { perm, decay } = eligibilityOperands(arg);
  const permNode = perm === undefined ? undefined : node.src[perm]!;
  const kb = new KernelBuilder(ctx, `eligibility %${node.id}: one thread per stored entry, e·decay + pre·post`);
  const { LINE, INDEX } = entrySlots(ctx, kb, arg, data, ptrNode, idxNode, permNode);
  const [W, X, Y] = [kb.arg(data), kb.arg(x), kb.arg(y)];
  const d = kb.scalar(node.src[decay]!);
  const [i, j] = arg.line === 'row' ? ['a', 'b'] : ['b', 'a'];
  kb.finish(node, [
    `const a = ${LINE}[x];`,
    `const b = ${INDEX}[x];`,
    `let out = ${W}[x];`,
    // (values are read into variables before they are tested: see sparse products)
    'if (a >= 0.0) {',
    `  const xi = ${X}[${i}];`,
    `  const yj = ${Y}[${j}];`,
    `  out = out * ${d} + xi * yj;`,
    '}',
  ], 'out');
}

/**
 * The per-entry line and index maps of a structure, derived once on the host and shared by
 * plasticity and eligibility kernels over it: their slot arguments in `kb`.
 */
function entrySlots(ctx: LowerContext, kb: KernelBuilder, arg: { readonly rows: number; readonly cols: number }, data: Node, ptrNode: Node, idxNode: Node, permNode: Node | undefined): { LINE: string; INDEX: string } {
  const key = `plastic:${ptrNode.id}:${idxNode.id}:${permNode ? permNode.id : '-'}:${data.size}`;
  let maps: ReturnType<typeof entryMaps> | undefined;
  const get = (): ReturnType<typeof entryMaps> => (maps ??= entryMaps(
    structure(ctx, ptrNode, 'indptr', [arg.rows, arg.cols]), structure(ctx, idxNode, 'indices', [arg.rows, arg.cols]),
    permNode ? structure(ctx, permNode, 'permutation') : undefined, data.size));
  return {
    LINE: kb.slotArg(ctx.derived(`${key}:line`, () => get().line).slot),
    INDEX: kb.slotArg(ctx.derived(`${key}:index`, () => get().index).slot),
  };
}
