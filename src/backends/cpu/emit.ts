/** What every CPU product emitter gets, and the small source helpers they share. */
import type { Node } from '../../ir/node.js';
import { literal } from './expr.js';

export interface EmitContext {
  /** The buffer variable of a node (assigns a slot on first use). */
  readonly buf: (n: Node) => string;
  /** A size parameter (sizes are not part of the source). */
  readonly dim: (v: number) => string;
  /** A fresh local name. */
  readonly local: (prefix: string) => string;
  readonly isLiteral: (n: Node) => boolean;
  /** A float64 workspace of `size` elements, allocated once per compiled kernel. */
  readonly workspace: (size: number) => string;
  /** Is this node's "buffer" a float64 workspace (a product read only in its own kernel)? */
  readonly inWorkspace: (n: Node) => boolean;
  /** Shared source the kernel needs once (e.g. 'rng': the counter-based generator). */
  readonly helpers: Set<'rng'>;
  readonly lines: string[];
}

/** A 0-d operand as source: a literal, or its buffer's value read once before the stage's loops. */
export function scalarSource(ctx: EmitContext, n: Node, pre: string[]): string {
  if (ctx.isLiteral(n)) return literal(n.scalarValue!);
  const v = ctx.local('p');
  pre.push(`const ${v} = ${ctx.buf(n)}[0];`);
  return v;
}

/** Indent generated lines. */
export const indent = (body: readonly string[], by = '  '): string[] => body.map((l) => by + l);
