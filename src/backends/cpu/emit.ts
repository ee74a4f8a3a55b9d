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
  /** Outputs updated in place, with the input whose buffer they share. */
  readonly updates: ReadonlyMap<Node, Node>;
  /** A float64 workspace of `size` elements, allocated once per compiled kernel. */
  readonly workspace: (size: number) => string;
  /** Is this node's "buffer" a float64 workspace (a product read only in its own kernel)? */
  readonly inWorkspace: (n: Node) => boolean;
  /** Shared source the kernel needs once ('rng': the counter-based generator; 'random': its distributions). */
  readonly helpers: Set<'rng' | 'random'>;
  /** A closure variable that carries a loop's local (a count, a sum) to code after the loop. */
  readonly carried: (localName: string) => string;
  /** The name under which the source calls `fn` (a backend's own lowering of a stage). */
  readonly extern: (fn: (...args: number[]) => unknown) => string;
}

/**
 * One stage's source. `main` runs in a function of its own and must end with its loops
 * (nothing after them but stores to carried closure variables); `post`, what must run after
 * the loops, runs in a second function. Why: V8 compiles a hot loop while it runs (on-stack
 * replacement) before the code after it has ever run; such code has no type feedback, so the
 * compiled loop would deoptimize at its exit on every call (seen on the COBA step with
 * `--trace-deopt`: one compiled loop deoptimized 182 times).
 */
export interface StageSource {
  /** What the stage computes, for the comment above it ('' when `main` has its own; no sizes: the source is a cache key). */
  readonly title: string;
  readonly main: readonly string[];
  readonly post: readonly string[];
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
