/**
 * CPU lowering of bit-packed events: walk the words, skip zero words, and visit the set bits
 * of the others lowest first (x & -x, clz32), appending each position to the active list that
 * products read; the bool array is cleared and set only where something reads it.
 */
import type { Node } from '../../ir/node.js';
import type { StageOf } from '../lowering.js';
import type { EmitContext } from './emit.js';

export function emitUnpackEvents(ctx: EmitContext, stage: StageOf<'unpackEvents'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const { shape, wordsPerRow } = node.arg;
  const W = ctx.buf(node.src[0] as Node);
  const dense = stage.lists?.dense ?? true;
  const Y = dense ? ctx.buf(node) : '';
  const list = stage.lists ? ctx.buf(stage.lists.node) : '';
  const count = ctx.local('c');
  const n = shape[shape.length - 1]!;
  const rows = shape.length === 1 ? 1 : shape[0]!;
  return {
    main: [
      `// stage ${s}: unpack events from 32-bit words, zero words skipped${list ? ', listing the active positions' : ''}${dense ? '' : ' (no array stored)'}`,
      `const rows = ${ctx.dim(rows)}, n = ${ctx.dim(n)}, wpr = ${ctx.dim(wordsPerRow)};`,
      ...(dense ? [`${Y}.fill(0);`] : []),
      `let ${count} = 0;`,
      'for (let r = 0; r < rows; r++) {',
      '  for (let w = 0; w < wpr; w++) {',
      `    let bits = ${W}[r * wpr + w];`,
      '    if (bits === 0) continue;',
      '    const base = r * n + w * 32;',
      '    while (bits !== 0) {',
      '      const low = bits & -bits;',
      '      const i = base + 31 - Math.clz32(low);',
      ...(dense ? [`      ${Y}[i] = 1;`] : []),
      ...(list ? [`      ${list}[++${count}] = i;`] : []),
      '      bits ^= low;',
      '    }',
      '  }',
      '}',
      ...(list ? [`${ctx.carried(count)} = ${count};`] : []),
    ],
    post: list ? [`${list}[0] = ${ctx.carried(count)};`] : [],
  };
}
