/**
 * gpujs lowering of cumsum, scan-free: thread x finds its line and its position k along the
 * axis and sums the prefix 0..k itself, in float32 (O(len) per output; int32 results are
 * exact while the partial sums stay below 2^24).
 */
import type { Node } from '../../ir/node.js';
import { reduceGeometry } from '../../ir/primitives/reduce.js';
import type { StageOf } from '../lowering.js';
import { accumulate, KernelBuilder, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';

export function lowerCumsum(ctx: LowerContext, stage: StageOf<'cumsum'>): void {
  const node = stage.node;
  const x = node.src[0] as Node;
  const { len, inner } = reduceGeometry(x.shape, node.arg.axis);
  const kb = new KernelBuilder(ctx, `cumsum %${node.id}: each output sums its prefix of up to ${len} elements along the axis (float32)`);
  const X = kb.arg(x);
  kb.loop(len);
  // Flat position x = (o·len + k)·inner + i.
  kb.finish(node, [
    ...exactQuotient('line', 'x', inner),
    `const i = x - line * ${floatLiteral(inner)};`,
    ...exactQuotient('o', 'line', len),
    `const k = line - o * ${floatLiteral(len)};`,
    `const start = o * ${floatLiteral(len * inner)} + i;`,
    'let acc = 0.0;',
    'for (let q = 0.0; q <= k; q += 1.0) {',
    `  const v = ${X}[start + q * ${floatLiteral(inner)}];`,
    `  ${accumulate(ctx, 'v')}`,
    '}',
  ], 'acc');
}
