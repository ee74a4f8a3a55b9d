/**
 * IR nodes: frozen and structurally deduplicated (hash-consed), so building the same
 * expression twice yields the very same node, and the fusion pass can key on identity.
 */
import type { Unit } from '../units/unit.js';
import type { DType, TypedArray } from './dtype.js';
import type { OpName } from './ops.js';
import type { Shape } from './shape.js';

export interface ConstArg { readonly kind: 'const'; readonly data: TypedArray }
export interface ScalarArg { readonly kind: 'scalar'; readonly value: number; readonly weak: boolean }
export interface InputArg { readonly kind: 'input'; readonly name: string; readonly uid: number }
export interface CastArg { readonly kind: 'cast'; readonly dtype: DType }
export interface ReduceArg { readonly kind: 'reduce'; readonly axis: number | null; readonly keepdims: boolean }
/**
 * A sparse structure's geometry (its index arrays are operand nodes): an M of rows × cols whose
 * `ptr` runs over the `compressed` axis; `permuted` entries read data[perm[p]]; `side` says
 * whether a product is x @ M ('left') or M @ x ('right'), 'none' for densify.
 */
export interface SparseArg {
  readonly kind: 'sparse';
  readonly rows: number;
  readonly cols: number;
  readonly compressed: 'row' | 'col';
  readonly permuted: boolean;
  readonly side: 'left' | 'right' | 'none';
}
/**
 * A just-in-time random matrix of rows × cols: lines along `line` ('row': each row is one
 * line of cols positions) are regenerated from `seed`; weights are a, a + b·uniform or
 * a + b·normal by `dist`. `side` as for SparseArg.
 */
export interface JitcArg {
  readonly kind: 'jitc';
  readonly rows: number;
  readonly cols: number;
  readonly line: 'row' | 'col';
  readonly seed: number;
  readonly prob: number;
  readonly dist: 'scalar' | 'uniform' | 'normal';
  readonly side: 'left' | 'right' | 'none';
}
/**
 * An event-driven weight update: the spikes run along `spikes` ('row': onPre, one spike per
 * row; 'col': onPost); the structure (ptr, idx[, perm]) is compressed along that axis.
 */
export interface PlasticityArg {
  readonly kind: 'plasticity';
  readonly rows: number;
  readonly cols: number;
  readonly spikes: 'row' | 'col';
  readonly permuted: boolean;
  readonly clipMin: boolean;
  readonly clipMax: boolean;
}
export type NodeArg = ConstArg | ScalarArg | InputArg | CastArg | ReduceArg | SparseArg | JitcArg | PlasticityArg | null;

export class Node {
  constructor(
    readonly id: number,
    readonly op: OpName,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly unit: Unit,
    readonly src: readonly Node[],
    readonly arg: NodeArg,
  ) {
    Object.freeze(this);
  }

  /** The value of a scalar leaf, else undefined. */
  get scalarValue(): number | undefined {
    return this.arg?.kind === 'scalar' ? this.arg.value : undefined;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

const bufferIds = new WeakMap<TypedArray, number>();
let nextBufferId = 0;
/** Constants are keyed by buffer identity: arrays are immutable, so one buffer is one value. */
function bufferId(data: TypedArray): number {
  let id = bufferIds.get(data);
  if (id === undefined) bufferIds.set(data, (id = nextBufferId++));
  return id;
}

function argKey(arg: NodeArg): string {
  if (arg === null) return '';
  switch (arg.kind) {
    case 'const':
      return `buf${bufferId(arg.data)}`;
    case 'scalar':
      // Object.is keeps -0 apart from 0 and NaN equal to itself.
      return `${Object.is(arg.value, -0) ? '-0' : String(arg.value)}${arg.weak ? 'w' : ''}`;
    case 'input':
      return `in${arg.uid}`;
    case 'cast':
      return arg.dtype;
    case 'reduce':
      return `${arg.axis}${arg.keepdims ? 'k' : ''}`;
    case 'sparse':
      return `${arg.rows}x${arg.cols}${arg.compressed}${arg.permuted ? 'p' : ''}${arg.side}`;
    case 'plasticity':
      return `${arg.rows}x${arg.cols}${arg.spikes}${arg.permuted ? 'p' : ''}${arg.clipMin ? 'l' : ''}${arg.clipMax ? 'h' : ''}`;
    case 'jitc':
      return `${arg.rows}x${arg.cols}${arg.line}:${arg.seed}:${arg.prob}:${arg.dist}:${arg.side}`;
  }
}

const table = new Map<string, WeakRef<Node>>();
const registry = new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref && ref.deref() === undefined) table.delete(key);
});
let nextId = 0;

/** The one node for this structure: returns an existing equal node when there is one. */
export function intern(
  op: OpName,
  dtype: DType,
  shape: Shape,
  unit: Unit,
  src: readonly Node[],
  arg: NodeArg,
): Node {
  const key = `${op}|${dtype}|${shape.join(',')}|${unit.key}|${src.map((s) => s.id).join(',')}|${argKey(arg)}`;
  const hit = table.get(key)?.deref();
  if (hit) return hit;
  const node = new Node(nextId++, op, dtype, Object.freeze([...shape]), unit, Object.freeze([...src]), arg && Object.freeze(arg));
  table.set(key, new WeakRef(node));
  registry.register(node, key);
  return node;
}

let nextInputUid = 0;
export const freshInputUid = (): number => nextInputUid++;

/** All nodes reachable from `roots`, producers before consumers; `stop` nodes are kept but not entered. */
export function topoSort(roots: readonly Node[], stop: (n: Node) => boolean = () => false): Node[] {
  const seen = new Set<Node>();
  const order: Node[] = [];
  const stack: [Node, number][] = roots.map((r) => [r, 0]);
  stack.reverse();
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [n, i] = top;
    if (seen.has(n)) {
      stack.pop();
      continue;
    }
    if (i < n.src.length && !stop(n)) {
      top[1] = i + 1;
      const s = n.src[i]!;
      if (!seen.has(s)) stack.push([s, 0]);
    } else {
      stack.pop();
      seen.add(n);
      order.push(n);
    }
  }
  return order;
}
