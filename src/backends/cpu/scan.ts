/**
 * CPU emitter of cumsum: for each line along the axis, a float64 running sum stored at every
 * step (the buffer's store rounds it to the dtype; int32 stores wrap as int32 sums do). A
 * float32 result kept in a float64 workspace is rounded by hand, so a fused reader sees the
 * float32 values the reference gives.
 */
import type { Node } from '../../ir/node.js';
import { reduceGeometry } from '../../ir/primitives/reduce.js';
import type { StageOf } from '../lowering.js';
import type { EmitContext } from './emit.js';

export function emitCumsum(ctx: EmitContext, stage: StageOf<'cumsum'>, s: number): string[] {
  const node = stage.node;
  const x = node.src[0] as Node;
  const { outer, len, inner } = reduceGeometry(x.shape, node.arg.axis);
  const [Y, X] = [ctx.buf(node), ctx.buf(x)];
  const value = ctx.inWorkspace(node) && node.dtype === 'float32' ? 'Math.fround(acc)' : 'acc';
  return [`// stage ${s}: cumsum, a float64 running sum along the axis`, '{',
    `  const outer = ${ctx.dim(outer)}, len = ${ctx.dim(len)}, inner = ${ctx.dim(inner)};`,
    '  for (let o = 0; o < outer; o++) {',
    '    for (let i = 0; i < inner; i++) {',
    '      let acc = 0;',
    `      for (let k = 0, at = o * len * inner + i; k < len; k++, at += inner) { acc += ${X}[at]; ${Y}[at] = ${value}; }`,
    '    }',
    '  }', '}'];
}
