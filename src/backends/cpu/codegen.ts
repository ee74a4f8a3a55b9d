/**
 * Lowering of planned kernels to JavaScript source. One kernel becomes one function
 * `(B, D, W) => void`: B holds its buffers, D its sizes and strides, W its float64
 * workspaces; each stage is a function inside it (emit.ts says why). Sizes are parameters
 * and local names are numbered per kernel, so the source depends only on the kernel's
 * structure (ops, dtypes, constants, shape class) and is the cache key. A compiled runner
 * binds the same source to its buffers once (index.ts).
 */
import type { Node } from '../../ir/node.js';
import { isFloat } from '../../ir/dtype.js';
import { storageOf } from '../../ir/traits.js';
import type { Kernel, Stage } from '../../fusion/kernel.js';
import { emitLoop } from './loop.js';
import { emitProduct } from './stages.js';
import { indent, type EmitContext, type StageSource } from './emit.js';
import { DISTRIBUTION_SOURCE } from '../../rng/distributions.js';
import { RNG_SOURCE } from '../../rng/hash.js';

/** A function a kernel calls that is not JavaScript source (a WebAssembly export). */
export type Extern = (...args: number[]) => unknown;

/**
 * A backend built on this renderer that lowers some stages itself: for such a stage it
 * returns the source that calls its own code (through `ctx.extern`), else undefined.
 */
export type NativeStage = (ctx: EmitContext, stage: Stage, s: number) => StageSource | undefined;

export interface KernelProgram {
  /** The kernel as `(B, D, W) => void` source: the cache key, and what explain prints. */
  readonly source: string;
  /** Everything declared once: buffers, sizes and workspaces read from B, D and W, helpers, stage functions. */
  readonly header: string;
  /** The kernel's statements: the calls of the stage functions, in order. */
  readonly run: string;
  /** B[i] is the buffer of buffers[i]. */
  readonly buffers: readonly Node[];
  readonly dims: readonly number[];
  /** Sizes of the Float64Array workspaces W[i]. */
  readonly workspace: readonly number[];
  /** X[i]: the functions the source calls as x0, x1, ... (NativeStage). */
  readonly externs: readonly Extern[];
}

/**
 * `updates` maps an output to the input whose buffer it shares (state updated in place): a
 * store of a value that equals that input on some `where` sides is skipped on those sides.
 */
export function generateKernel(kernel: Kernel, isLiteral: (n: Node) => boolean, updates: ReadonlyMap<Node, Node> = new Map(), native?: NativeStage): KernelProgram {
  const buffers: Node[] = [];
  const dims: number[] = [];
  const workspace: number[] = [];
  // A float product read only inside this kernel lives in a float64 workspace: its
  // epilogue reads the unrounded sums and no buffer is written or copied.
  const scratch = new Set(kernel.stages.flatMap((st) =>
    st.kind === 'product' && !st.into && isFloat(st.node.dtype) && !kernel.writes.includes(st.node) ? [st.node] : []));
  const scratchName = new Map<Node, string>();
  const scratchDecl: string[] = [];
  // A view (reshape) is its operand's buffer; callers index it with the view's own shape.
  const buf = (view: Node): string => {
    const n = storageOf(view);
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

  const externs: Extern[] = [];
  const helpers = new Set<'rng' | 'random'>();
  const carried: string[] = [];
  const ctx: EmitContext = {
    buf, dim, local, isLiteral, updates,
    workspace: (size) => `W[${workspace.push(size) - 1}]`,
    inWorkspace: (n) => scratch.has(storageOf(n)),
    helpers,
    carried: (name) => {
      if (!carried.includes(name)) carried.push(name);
      return `k_${name}`;
    },
    extern: (fn) => `x${externs.push(fn) - 1}`,
  };
  // Each stage is a function (and the code after its loops a second one, see StageSource);
  // the kernel calls them in order.
  const functions: string[] = [];
  const calls: string[] = [];
  kernel.stages.forEach((stage, s) => {
    const src = native?.(ctx, stage, s) ?? (stage.kind === 'loop' ? emitLoop(ctx, stage, s) : emitProduct(ctx, stage, s));
    functions.push(...(src.title ? [`// stage ${s}: ${src.title}`] : []), `function stage${s}() {`, ...indent(src.main), '}');
    calls.push(`stage${s}();`);
    if (src.post.length) {
      functions.push(`function stage${s}Post() {`, ...indent(src.post), '}');
      calls.push(`stage${s}Post();`);
    }
  });
  // The buffer dtypes are part of the source, so the cache never mixes typed-array types in one function.
  const head = [
    ...(buffers.length ? [`// buffers: ${buffers.map((n, i) => `b${i} ${n.dtype}`).join(', ')}`] : []),
    ...(buffers.length ? [`const ${buffers.map((_, i) => `b${i} = B[${i}]`).join(', ')};`] : []),
    ...(dims.length ? [`const ${dims.map((_, i) => `d${i} = D[${i}]`).join(', ')};`] : []),
    ...scratchDecl,
    ...(carried.length ? [`let ${carried.map((c) => `k_${c} = 0`).join(', ')};`] : []),
    ...(externs.length ? [`const ${externs.map((_, i) => `x${i} = X[${i}]`).join(', ')};`] : []),
    ...(helpers.has('rng') || helpers.has('random') ? [RNG_SOURCE] : []),
    ...(helpers.has('random') ? [DISTRIBUTION_SOURCE] : []),
    ...functions,
  ];
  const header = head.join('\n');
  const run = calls.join(' ');
  return { source: `${header}\n${run}`, header, run, buffers, dims, workspace, externs };
}
