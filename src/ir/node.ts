/**
 * IR nodes: frozen and structurally deduplicated (hash-consed), so building the same
 * expression twice yields the very same node, and the fusion pass can key on identity.
 */
import type { Unit } from '../units/unit.js';
import type { ArgOf, NodeArg } from './args.js';
import type { DType, TypedArray } from './dtype.js';
import type { OpName } from './ops.js';
import type { Shape } from './shape.js';

export type * from './args.js';

/** An IR node; `Node<'sparseProduct'>` has a typed `arg` (see `isOp`). */
export class Node<O extends OpName = OpName> {
  constructor(
    readonly id: number,
    readonly op: O,
    readonly dtype: DType,
    readonly shape: Shape,
    readonly unit: Unit,
    readonly src: readonly Node[],
    readonly arg: ArgOf<O>,
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

/** A field of an argument in a key: -0 kept apart from 0 (NaN prints as itself, so it equals itself). */
const field = (v: unknown): string => (typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v));

/**
 * The part of a node's key that its argument contributes. Constants are keyed by buffer
 * identity; every other argument is plain data (numbers, strings, booleans, null), keyed by
 * its fields, so a new kind of argument needs nothing here.
 */
function argKey(arg: NodeArg): string {
  if (arg === null) return '';
  if (arg.kind === 'const') return `buf${bufferId(arg.data)}`;
  return Object.entries(arg).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${field(v)}`).join(',');
}

const table = new Map<string, WeakRef<Node>>();
const registry = new FinalizationRegistry<string>((key) => {
  const ref = table.get(key);
  if (ref && ref.deref() === undefined) table.delete(key);
});
let nextId = 0;

/** The one node for this structure: returns an existing equal node when there is one. */
export function intern<O extends OpName>(
  op: O,
  dtype: DType,
  shape: Shape,
  unit: Unit,
  src: readonly Node[],
  arg: ArgOf<O>,
): Node<O> {
  const key = `${op}|${dtype}|${shape.join(',')}|${unit.key}|${src.map((s) => s.id).join(',')}|${argKey(arg)}`;
  const hit = table.get(key)?.deref();
  if (hit) return hit as Node<O>; // the key holds op and arg, so the node is a Node<O>
  const node = new Node(nextId++, op, dtype, Object.freeze([...shape]), unit, Object.freeze([...src]), (arg && Object.freeze(arg)) as ArgOf<O>);
  table.set(key, new WeakRef(node));
  registry.register(node, key);
  return node;
}

/** Narrows a node to one op, so its `arg` has that op's type. */
export const isOp = <O extends OpName>(n: Node, op: O): n is Node<O> => n.op === op;

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
