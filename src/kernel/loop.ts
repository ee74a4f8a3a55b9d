/**
 * The kernel IR of an elementwise loop stage: what a renderer needs and nothing of the graph.
 * Built once from a planned LoopStage: the index space with its dims merged, every buffer
 * access as a stride vector over that space, the fused values in SSA order (loop-invariant
 * ones marked, computed once before the loop), and the loop's effects: stores, accumulator
 * seeds, active-list appends and reductions. Renderers (JavaScript and WebAssembly) walk
 * this, so the broadcasting and reduction index arithmetic is worked out here once.
 */
import { isOp, type Node } from '../ir/node.js';
import type { DType } from '../ir/dtype.js';
import type { RandomArg } from '../ir/args.js';
import { storageOf } from '../ir/traits.js';
import { ARG_REDUCE_OPS, type ArgReduceOp, type ElementwiseOp, type ReduceOp } from '../ir/ops.js';
import { REDUCE_INIT } from '../ir/primitives/reduce.js';
import { broadcastStrides, collapseDims, type Shape } from '../ir/shape.js';
import type { LoopStage } from '../fusion/kernel.js';
import { loopReads } from '../fusion/reads.js';

/** A buffer the loop reads or writes (by its storage node), with its element type. */
export interface KBuffer {
  readonly node: Node;
  readonly dtype: DType;
}

/** Element `Σ index[d]·strides[d]` of buffer `buffer`. */
export interface KAccess {
  readonly buffer: number;
  readonly strides: readonly number[];
}

export type KValue =
  | { readonly kind: 'load'; readonly dtype: DType; readonly access: KAccess; readonly invariant: boolean }
  | { readonly kind: 'literal'; readonly dtype: DType; readonly value: number; readonly invariant: true }
  | { readonly kind: 'op'; readonly dtype: DType; readonly op: ElementwiseOp; readonly args: readonly number[]; readonly invariant: boolean }
  /**
   * Element `Σ index[d]·strides[d]` of a random array (src/ir/primitives/random.ts): drawn
   * from stream (seed, args[0]: the 0-d counter) with the distribution's parameters
   * args[1..]. Never invariant: each element is drawn at its own position.
   */
  | { readonly kind: 'random'; readonly dtype: DType; readonly dist: RandomArg['dist']; readonly seed: number; readonly args: readonly number[]; readonly strides: readonly number[]; readonly invariant: false };

/** Write value `value` (converted to the buffer's dtype) at the loop's own position. */
export interface KStore {
  readonly buffer: number;
  readonly value: number;
  /** An accumulator seed (a product stage adds into the buffer after the loop). */
  readonly accumulator?: true;
  /**
   * The load value this store overwrites in place (state updated in place, see buildLoop's
   * `updates`): where `value` equals it, nothing needs storing.
   */
  readonly updates?: number;
}

/** Append the flat position to list buffer `buffer` where `value` is nonzero; the count goes to element 0. */
export interface KAppend {
  readonly buffer: number;
  readonly value: number;
}

/**
 * Fold `value` into output `buffer` at position `strides` (all zero: one accumulator).
 * argmax/argmin keep the best value and write its position `Σ index[d]·position[d]`
 * (flat in the operand, or along the reduced axis).
 */
export interface KReduce {
  readonly op: 'sum' | 'max' | 'min' | ArgReduceOp;
  readonly buffer: number;
  readonly value: number;
  readonly strides: readonly number[];
  readonly init: number;
  /** Elements of the output. */
  readonly size: number;
  /** argmax/argmin only. */
  readonly position?: readonly number[];
}

export interface KernelLoop {
  /** Merged dims, row-major; [] is one element. */
  readonly extents: readonly number[];
  readonly buffers: readonly KBuffer[];
  readonly values: readonly KValue[];
  /** The loop's own contiguous position (stores, seeds and appends write there). */
  readonly flat: readonly number[];
  readonly stores: readonly KStore[];
  readonly appends: readonly KAppend[];
  readonly reductions: readonly KReduce[];
}

const isArg = (r: Node<ReduceOp>): r is Node<ArgReduceOp> => (ARG_REDUCE_OPS as readonly string[]).includes(r.op);


const contiguous = (shape: Shape): number[] => broadcastStrides(shape, shape);

function reductionStrides(r: Node<ReduceOp>): number[] {
  const inShape = r.src[0]!.shape;
  const { axis } = r.arg;
  if (axis === null) return inShape.map(() => 0);
  const kept = contiguous(inShape.filter((_, i) => i !== axis));
  return inShape.map((_, i) => (i === axis ? 0 : kept[i < axis ? i : i - 1]!));
}

/** Strides of an argmax/argmin position: along its axis, or flat in the operand. */
function positionStrides(r: Node<ArgReduceOp>): number[] {
  const inShape = r.src[0]!.shape;
  const { axis } = r.arg;
  return axis === null ? contiguous(inShape) : inShape.map((_, i) => (i === axis ? 1 : 0));
}

/**
 * The kernel IR of a loop stage. `storageDtype` says how a buffer holds its node (a renderer
 * may keep a float32 product's sums in float64). `updates` maps an output updated in place
 * to the input whose buffer it shares; a store of such an output names the input's load.
 */
export function buildLoop(stage: LoopStage, isLiteral: (n: Node) => boolean, storageDtype: (n: Node) => DType = (n) => n.dtype, updates?: ReadonlyMap<Node, Node>): KernelLoop {
  const reads = loopReads(stage);
  const argReductions = stage.reductions.filter(isArg);
  const randoms = stage.body.filter((n): n is Node<'random'> => isOp(n, 'random'));
  // Every stride vector takes part in merging dims; the extra ones are empty for wasm's loops.
  const vecs = [
    contiguous(stage.shape),
    ...reads.map((r) => broadcastStrides(r.shape, stage.shape)),
    ...stage.reductions.map(reductionStrides),
    ...argReductions.map(positionStrides),
    ...randoms.map((n) => broadcastStrides(n.shape, stage.shape)),
  ];
  const c = collapseDims(stage.shape, vecs);
  const at = (k: number): number[] => c.vecs[k]!;
  const buffers: KBuffer[] = [];
  const slot = (n: Node): number => {
    const s = storageOf(n);
    const i = buffers.findIndex((b) => b.node === s);
    return i >= 0 ? i : buffers.push({ node: s, dtype: storageDtype(s) }) - 1;
  };
  const values: KValue[] = [];
  const id = new Map<Node, number>();
  const literals = new Map<string, number>();
  const literal = (n: Node): number => {
    const key = `${n.dtype}:${Object.is(n.scalarValue, -0) ? '-0' : n.scalarValue}`;
    let v = literals.get(key);
    if (v === undefined) literals.set(key, (v = values.push({ kind: 'literal', dtype: n.dtype, value: n.scalarValue!, invariant: true }) - 1));
    return v;
  };
  const ref = (n: Node): number => (isLiteral(n) ? literal(n) : id.get(n)!);
  reads.forEach((r, k) => {
    const strides = at(1 + k);
    id.set(r, values.push({ kind: 'load', dtype: r.dtype, access: { buffer: slot(r), strides }, invariant: strides.every((x) => x === 0) }) - 1);
  });
  for (const n of stage.body) {
    if (isOp(n, 'random')) {
      const strides = at(1 + reads.length + stage.reductions.length + argReductions.length + randoms.indexOf(n));
      id.set(n, values.push({ kind: 'random', dtype: n.dtype, dist: n.arg.dist, seed: n.arg.seed, args: n.src.map(ref), strides, invariant: false }) - 1);
      continue;
    }
    // A surrogate spike is `v > 0` forward (its smooth derivative belongs to its VJP).
    const [op, args]: [ElementwiseOp, number[]] = isOp(n, 'surrogate')
      ? ['greater', [ref(n.src[0]!), values.push({ kind: 'literal', dtype: n.src[0]!.dtype, value: 0, invariant: true }) - 1]]
      : [n.op as ElementwiseOp, n.src.map(ref)];
    const invariant = args.every((a) => values[a]!.invariant);
    id.set(n, values.push({ kind: 'op', dtype: n.dtype, op, args, invariant }) - 1);
  }
  return {
    extents: c.shape,
    buffers,
    values,
    flat: at(0),
    stores: [
      ...stage.stores.map((n): KStore => {
        const store = { buffer: slot(n), value: ref(n) };
        const old = updates?.get(n);
        const load = old === undefined ? undefined : id.get(old);
        return load !== undefined && values[load]!.kind === 'load' ? { ...store, updates: load } : store;
      }),
      ...stage.seeds.map(({ into, value }): KStore => ({ buffer: slot(into), value: ref(value), accumulator: true })),
    ],
    appends: stage.compactions.map((list) => ({ buffer: slot(list), value: ref(list.src[0]!) })),
    reductions: stage.reductions.map((r, k) => ({
      op: r.op as KReduce['op'],
      buffer: slot(r),
      value: ref(r.src[0]!),
      strides: at(1 + reads.length + k),
      init: REDUCE_INIT[r.op],
      size: r.size,
      ...(isArg(r) ? { position: at(1 + reads.length + stage.reductions.length + argReductions.indexOf(r)) } : {}),
    })),
  };
}

/** A structural key: equal keys render to the same code (sizes and literals included). */
export function loopKey(k: KernelLoop): string {
  return JSON.stringify([k.extents, k.buffers.map((b) => b.dtype), k.values, k.flat, k.stores, k.appends, k.reductions], (_, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v);
}
