/**
 * `build` for the modules that build.ts itself imports: primitives' VJP rules build their
 * cotangents with it, and a static import of build.ts from a primitive would close a cycle
 * (build.ts → primitives/index.ts → the primitive → build.ts). build.ts registers itself here
 * when it loads, which it has by the time any rule runs (rules run on built nodes).
 */
import type { ArgOf } from './args.js';
import type { Node } from './node.js';
import type { LeafOp, OpName } from './ops.js';

type BuildFn = <O extends Exclude<OpName, LeafOp>>(op: O, src: readonly Node[], arg?: ArgOf<O>) => Node<O>;

let registered: BuildFn | undefined;

/** Called once, by build.ts. */
export function registerBuild(fn: BuildFn): void {
  registered = fn;
}

/** build(op, src, arg): the unit rule, the shape/dtype rule, then intern (see build.ts). */
export const buildLate: BuildFn = (op, src, arg) => {
  if (registered === undefined) throw new Error('eventfuse: ir/build.ts has not been loaded; import it before running a VJP rule');
  return registered(op, src, arg);
};
