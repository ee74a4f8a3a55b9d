/**
 * Constant hoisting for traced steps: a subgraph that reads no step input (say a weight
 * matrix scaled by a constant, `W.mul(2)`) gives the same values every step, so it is
 * computed once when the step is compiled and enters the program as a constant leaf.
 * Without this a compiled runner would redo O(nnz) work on every step.
 */
import { roundTo, type TypedArray } from './dtype.js';
import { constNode, scalarNode } from './leaves.js';
import { intern, topoSort, type Node } from './node.js';
import { primitiveOf } from './primitives/index.js';
import { isLeafNode as isLeaf, isProgramInput } from './traits.js';

/** The float64 value of a graph of 0-d nodes (the reference semantics, rounded only for integer dtypes). */
function evaluateScalar(root: Node): number {
  const values = new Map<Node, Float64Array>();
  for (const n of topoSort([root])) values.set(n, primitiveOf(n).reference(n, n.src.map((s) => values.get(s)!)));
  const v = values.get(root)![0]!;
  return root.dtype === 'float32' || root.dtype === 'float64' ? v : roundTo(root.dtype, v);
}

/** `outputs` with every maximal input-free, non-leaf subgraph replaced by its computed value. */
export function hoistConstants(outputs: readonly Node[], realize: (nodes: readonly Node[]) => TypedArray[]): Node[] {
  const order = topoSort(outputs);
  const variable = new Set<Node>();
  for (const n of order) if (isProgramInput(n) || n.src.some((s) => variable.has(s))) variable.add(n);
  // Constants at the border: read by a step-dependent node, or returned as they are.
  const border = new Set(outputs);
  for (const n of variable) for (const s of n.src) border.add(s);
  const hoisted = order.filter((n) => border.has(n) && !variable.has(n) && !isLeaf(n));
  if (hoisted.length === 0) return [...outputs];

  const replaced = new Map<Node, Node>();
  // Scalar arithmetic (dt / tau) folds exactly, in float64, into one literal; arrays are computed on the backend.
  const scalars = hoisted.filter((n) => topoSort([n]).every((m) => m.shape.length === 0));
  for (const n of scalars) replaced.set(n, scalarNode(evaluateScalar(n), n.unit, n.dtype));
  const arrays = hoisted.filter((n) => !replaced.has(n));
  const values = arrays.length ? realize(arrays) : [];
  arrays.forEach((n, i) => replaced.set(n, constNode(values[i]!.slice(), n.shape, n.unit)));
  for (const n of order) {
    if (!variable.has(n) || isLeaf(n)) continue;
    const src = n.src.map((s) => replaced.get(s) ?? s);
    if (src.some((s, i) => s !== n.src[i])) replaced.set(n, intern(n.op, n.dtype, n.shape, n.unit, src, n.arg));
  }
  return outputs.map((o) => replaced.get(o) ?? o);
}
