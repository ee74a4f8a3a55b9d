/**
 * The questions passes ask of a node, answered by its primitive's traits (primitive.ts):
 * fusion, tracing, in-place rules and explain use these and never test op names.
 */
import type { Node } from './node.js';
import type { ReduceOp } from './ops.js';
import type { StageKind, Walk } from './primitive.js';
import { primitiveOf } from './primitives/index.js';

const stageKind = (n: Node): StageKind => primitiveOf(n).traits.stage;
export const isLeafNode = (n: Node): boolean => stageKind(n) === 'leaf';
export const isInline = (n: Node): boolean => stageKind(n) === 'inline';
/** A reduction (the 'reduce' stage kind is declared by the ReduceOp primitives only). */
export const isReduction = (n: Node): n is Node<ReduceOp> => stageKind(n) === 'reduce';
export const isEventList = (n: Node): boolean => stageKind(n) === 'list';
/** A view (reshape): its values are its operand's buffer, read with the view's shape. */
export const isView = (n: Node): boolean => stageKind(n) === 'view';
/** The node whose buffer holds `n`'s values: `n` itself, or the operand a chain of views reads. */
export function storageOf(n: Node): Node {
  let s = n;
  while (isView(s)) s = s.src[0]!;
  return s;
}
/** A scalar leaf: folded into generated code as a literal, never read from a buffer. */
export const isLiteral = (n: Node): boolean => primitiveOf(n).traits.leaf === 'literal';
/** A program input: bound anew for every call. */
export const isProgramInput = (n: Node): boolean => primitiveOf(n).traits.leaf === 'input';
/** A barrier that writes the active list of the events it computes (see Traits.listsEvents). */
export const listsEvents = (n: Node): boolean => primitiveOf(n).traits.listsEvents === true;
/** An inline node whose value depends on its own position (see Traits.indexed). */
export const isIndexed = (n: Node): boolean => primitiveOf(n).traits.indexed === true;
export const isExpensive = (n: Node): boolean => primitiveOf(n).traits.expensive === true;
export const accumulatorOf = (n: Node): 'add' | 'subtract' | undefined => primitiveOf(n).traits.accumulator;
export const canAccumulate = (n: Node): boolean => primitiveOf(n).traits.accumulates === true;

/** The operand that holds the events of an event-driven node, if it is one. */
export function eventOperand(n: Node): Node | undefined {
  const k = primitiveOf(n).traits.eventOperand?.(n);
  return k === undefined ? undefined : n.src[k];
}

export const walkOf = (n: Node): Walk | undefined => primitiveOf(n).traits.walk?.(n);

/** An event-driven node that walks the lines of its active events (so it can read their list). */
export const isScatterEventNode = (n: Node): boolean => eventOperand(n) !== undefined && walkOf(n) === 'scatter';

/** The operand whose buffer the node's result may reuse (an update of some of its entries). */
export function updatedOperand(n: Node): Node | undefined {
  const k = primitiveOf(n).traits.updates;
  return k === undefined ? undefined : n.src[k];
}

/** One line describing a barrier for `explain`. */
export function describeNode(n: Node, events?: Node): string {
  return primitiveOf(n).traits.describe?.(n, events) ?? `${n.op} %${n.id}`;
}
