/**
 * Lowering of planned kernels to JavaScript source. One kernel becomes one function
 * `(B, D, W) => void`: B holds its buffers, D its sizes and strides, W its float64
 * workspaces. Sizes are parameters and local names are numbered per kernel, so the source
 * depends only on the kernel's structure (ops, dtypes, constants, shape class) and is the
 * cache key. Values are computed in float64 inside a loop and rounded only when stored.
 */
import type { Node, ReduceArg } from '../../ir/node.js';
import type { ElementwiseOp } from '../../ir/ops.js';
import { REDUCE_INIT } from '../../ir/primitive.js';
import { broadcastStrides, collapseDims as collapse, sizeOf, type Shape } from '../../ir/shape.js';
import { isFloat } from '../../ir/dtype.js';
import type { Kernel, LoopStage } from '../../fusion/kernel.js';
import { elementwiseSource, literal } from './expr.js';
import { emitProduct } from './products.js';
import type { EmitContext } from './emit.js';
import { RNG_SOURCE } from '../../rng/hash.js';

export interface KernelProgram {
  /** The kernel as `(B, D, W) => void` source: the cache key, and what explain prints. */
  readonly source: string;
  /** The declarations that read B, D and W (buffers, sizes, workspaces, helpers). */
  readonly header: string;
  /** The statements of the kernel, reading only what the header declares. */
  readonly body: string;
  /** B[i] is the buffer of buffers[i]. */
  readonly buffers: readonly Node[];
  readonly dims: readonly number[];
  /** Sizes of the Float64Array workspaces W[i]. */
  readonly workspace: readonly number[];
}

const contiguous = (shape: Shape): number[] => broadcastStrides(shape, shape);

/** Strides, in the loop's index space, of a reduction's output position. */
function reductionStrides(r: Node): number[] {
  const inShape = r.src[0]!.shape;
  const { axis } = r.arg as ReduceArg;
  if (axis === null) return inShape.map(() => 0);
  const kept = contiguous(inShape.filter((_, i) => i !== axis));
  return inShape.map((_, i) => (i === axis ? 0 : kept[i < axis ? i : i - 1]!));
}

export function generateKernel(kernel: Kernel, isLiteral: (n: Node) => boolean): KernelProgram {
  const buffers: Node[] = [];
  const dims: number[] = [];
  const workspace: number[] = [];
  const lines: string[] = [];
  // A float product read only inside this kernel lives in a float64 workspace: its
  // epilogue reads the unrounded sums and no buffer is written or copied.
  const scratch = new Set(kernel.stages.flatMap((st) =>
    st.kind === 'product' && !st.into && isFloat(st.node.dtype) && !kernel.writes.includes(st.node) ? [st.node] : []));
  const scratchName = new Map<Node, string>();
  const scratchDecl: string[] = [];
  const buf = (n: Node): string => {
    if (scratch.has(n)) {
      let name = scratchName.get(n);
      if (!name) {
        name = `s${scratchName.size}`;
        scratchName.set(n, name);
        scratchDecl.push(`const ${name} = W[${workspace.push(n.size) - 1}];`);
      }
      return name;
    }
    let i = buffers.indexOf(n);
    if (i < 0) i = buffers.push(n) - 1;
    return `b${i}`;
  };
  const dim = (v: number): string => `d${dims.push(v) - 1}`;
  let localCount = 0;
  const local = (prefix: string): string => `${prefix}${localCount++}`;

  const emitLoop = (stage: LoopStage, s: number): void => {
    const inBody = new Set(stage.body);
    const reads: Node[] = [];
    for (const n of [...stage.body, ...stage.reductions]) {
      for (const src of n.src) if (!inBody.has(src) && !isLiteral(src) && !reads.includes(src)) reads.push(src);
    }
    for (const { value } of stage.seeds) if (!inBody.has(value) && !isLiteral(value) && !reads.includes(value)) reads.push(value);
    for (const list of stage.compactions) {
      const x = list.src[0]!;
      if (!inBody.has(x) && !isLiteral(x) && !reads.includes(x)) reads.push(x);
    }
    const vecs = [
      contiguous(stage.shape),
      ...reads.map((r) => broadcastStrides(r.shape, stage.shape)),
      ...stage.reductions.map(reductionStrides),
    ];
    const c = collapse(stage.shape, vecs);
    const rank = c.shape.length;
    const idx = c.shape.map((_, d) => `i${s}_${d}`);
    const ext = c.shape.map((n) => dim(n));
    const offset = (v: number[]): string => {
      const terms = v.flatMap((st, d) => (st === 0 ? [] : [st === 1 ? idx[d]! : `${idx[d]} * ${dim(st)}`]));
      return terms.length ? terms.join(' + ') : '0';
    };
    const invariant = (v: number[]): boolean => v.every((x) => x === 0);

    const pre: string[] = [];
    const body: string[] = [];
    const post: string[] = [];
    const name = new Map<Node, string>();
    const hoisted = new Set<Node>();
    const val = (n: Node): string => (isLiteral(n) ? literal(n.scalarValue!) : name.get(n)!);

    reads.forEach((r, k) => {
      const v = local('v');
      name.set(r, v);
      const strides = c.vecs[1 + k]!;
      // Bool buffers hold 0/1 bytes; inside the loop they are booleans (see expr.ts).
      const load = (at: string): string => (r.dtype === 'bool' ? `${buf(r)}[${at}] !== 0` : `${buf(r)}[${at}]`);
      if (invariant(strides)) {
        hoisted.add(r);
        pre.push(`const ${v} = ${load('0')};`);
      } else body.push(`const ${v} = ${load(offset(strides))};`);
    });
    for (const n of stage.body) {
      const t = local('t');
      name.set(n, t);
      const [a, b, cc] = n.src.map(val);
      const line = `const ${t} = ${elementwiseSource(n.op as ElementwiseOp, n.dtype, a!, b, cc, n.src.map((x) => x.dtype === 'bool'))};`;
      if (n.src.every((x) => isLiteral(x) || hoisted.has(x))) {
        hoisted.add(n);
        pre.push(line);
      } else body.push(line);
    }
    const flat = offset(c.vecs[0]!);
    // A bool local is a boolean: buffers and sums take it as 0/1.
    const numeric = (n: Node): string => (n.dtype === 'bool' && !isLiteral(n) ? `(${val(n)} ? 1 : 0)` : val(n));
    for (const n of stage.stores) body.push(`${buf(n)}[${flat}] = ${numeric(n)};`);
    // Seeds of accumulated outputs: a product stage after this loop adds into these buffers.
    for (const { into, value } of stage.seeds) body.push(`${buf(into)}[${flat}] = ${numeric(value)};`);
    // Compaction: append the flat position of each active event; the count goes to list[0].
    for (const list of stage.compactions) {
      const count = local('c');
      pre.push(`let ${count} = 0;`);
      const x = list.src[0]!;
      body.push(`if (${x.dtype === 'bool' ? val(x) : `${val(x)} !== 0`}) ${buf(list)}[++${count}] = ${flat};`);
      post.push(`${buf(list)}[0] = ${count};`);
    }
    stage.reductions.forEach((r, k) => {
      const strides = c.vecs[1 + reads.length + k]!;
      const x = numeric(r.src[0]!);
      const init = literal(REDUCE_INIT[r.op as 'sum']);
      const combine = (acc: string): string =>
        r.op === 'sum' ? `${acc} += ${x};` : `${acc} = Math.${r.op}(${acc}, ${x});`;
      if (invariant(strides)) {
        const acc = local('r');
        pre.push(`let ${acc} = ${init};`);
        body.push(combine(acc));
        post.push(`${buf(r)}[0] = ${acc};`);
      } else {
        const acc = local('a');
        const size = dim(sizeOf(r.shape));
        pre.push(`const ${acc} = W[${workspace.push(sizeOf(r.shape)) - 1}]; ${acc}.fill(${init});`);
        body.push(combine(`${acc}[${offset(strides)}]`));
        post.push(`for (let k = 0; k < ${size}; k++) ${buf(r)}[k] = ${acc}[k];`);
      }
    });

    // Comments name no sizes: the source is the cache key, and sizes are parameters.
    lines.push(`// stage ${s}: elementwise loop (${rank === 0 ? 'one element' : `${rank} loop${rank > 1 ? 's' : ''} after merging dims`})`);
    lines.push('{');
    lines.push(...pre.map((l) => `  ${l}`));
    let indent = '  ';
    idx.forEach((i, d) => {
      lines.push(`${indent}for (let ${i} = 0, n = ${ext[d]}; ${i} < n; ${i}++) {`);
      indent += '  ';
    });
    lines.push(...body.map((l) => `${indent}${l}`));
    idx.forEach(() => {
      indent = indent.slice(2);
      lines.push(`${indent}}`);
    });
    lines.push(...post.map((l) => `  ${l}`));
    lines.push('}');
  };

  const helpers = new Set<'rng'>();
  const ctx: EmitContext = {
    buf, dim, local, isLiteral, lines,
    workspace: (size) => `W[${workspace.push(size) - 1}]`,
    inWorkspace: (n) => scratch.has(n),
    helpers,
  };
  kernel.stages.forEach((stage, s) => (stage.kind === 'loop' ? emitLoop(stage, s) : emitProduct(ctx, stage, s)));
  // The buffer dtypes are part of the source, so the cache never mixes typed-array types in one function.
  const head = [
    ...(buffers.length ? [`// buffers: ${buffers.map((n, i) => `b${i} ${n.dtype}`).join(', ')}`] : []),
    ...(buffers.length ? [`const ${buffers.map((_, i) => `b${i} = B[${i}]`).join(', ')};`] : []),
    ...(dims.length ? [`const ${dims.map((_, i) => `d${i} = D[${i}]`).join(', ')};`] : []),
    ...scratchDecl,
    ...(helpers.has('rng') ? [RNG_SOURCE] : []),
  ];
  return { source: [...head, ...lines].join('\n'), header: head.join('\n'), body: lines.join('\n'), buffers, dims, workspace };
}
