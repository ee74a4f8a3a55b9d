/**
 * gpujs lowering of bit-packed events: one thread per event reads its word on the device.
 * Float32 kernels hold integers exactly only below 2^24, so each 32-bit word is uploaded as
 * two 16-bit halves (split once per constant on the host); a thread takes its half and
 * extracts the bit with float arithmetic. The words must be a constant (as ef.events.fromPacked makes them).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Node } from '../../ir/node.js';
import type { StageOf } from '../lowering.js';
import { KernelBuilder, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';

export function lowerUnpackEvents(ctx: LowerContext, stage: StageOf<'unpackEvents'>): void {
  const node = stage.node;
  const words = node.src[0] as Node;
  const { shape, wordsPerRow } = node.arg;
  const n = shape[shape.length - 1]!;
  const halves = ctx.derived(`unpack:${words.id}`, () => {
    const v = ctx.hostValue(words);
    if (!v) throw new InvalidArgumentError(`gpujs: packed events must be a constant array of words; got a computed ${words.op} value`);
    const out = new Float32Array(2 * v.length);
    for (let k = 0; k < v.length; k++) {
      const w = v[k]! >>> 0;
      out[2 * k] = w & 0xffff;
      out[2 * k + 1] = w >>> 16;
    }
    return out;
  });
  const kb = new KernelBuilder(ctx, `unpack events %${node.id}: one thread per event reads its 16-bit half word`);
  const H = kb.slotArg(halves.slot);
  kb.finish(node, [
    ...exactQuotient('r', 'x', n),
    `const i = x - r * ${floatLiteral(n)};`,
    ...exactQuotient('w', 'i', 32),
    'const b = i - w * 32.0;',
    'let hi = 0.0;',
    'if (b >= 16.0) { hi = 1.0; }',
    `const h = ${H}[(r * ${floatLiteral(wordsPerRow)} + w) * 2.0 + hi];`,
    'const p = Math.pow(2.0, b - hi * 16.0);',
    'const q = Math.floor(h / p);',
    'const bit = q - Math.floor(q / 2.0) * 2.0;',
  ], 'bit');
}
