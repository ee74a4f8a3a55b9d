/**
 * CPU lowering of Poisson events: each block of sources is walked gap by gap (as a JIT line,
 * jitc.ts), so a step costs O(active sources); the stage appends the active positions to the
 * list products read and, only where something reads the array itself, sets its entries.
 * Must match forEachPoissonEvent (src/ir/primitives/poisson-events.ts) exactly.
 */
import type { Node } from '../../ir/node.js';
import { PURPOSE } from '../../rng/hash.js';
import type { StageOf } from '../lowering.js';
import { indent, scalarSource, type EmitContext } from './emit.js';
import { gapWalk } from './jitc.js';

export function emitPoissonEvents(ctx: EmitContext, stage: StageOf<'poissonEvents'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const { arg } = node;
  const [counter, tNode, gNode, aNode] = node.src as [Node, Node, Node, Node | undefined];
  ctx.helpers.add('rng');
  const dense = stage.lists?.dense ?? true;
  const [T, G] = [ctx.buf(tNode), ctx.buf(gNode)];
  const pre = [`const n = ${ctx.dim(arg.n)}, block = ${ctx.dim(arg.block)}, seed = ${ctx.dim(arg.seed)};`];
  const t = scalarSource(ctx, counter, pre);
  pre.push(`const key = ef_key(seed, ${PURPOSE.poissonEvents}, ${t});`);
  if (arg.thinned) pre.push(`const akey = ef_key(seed, ${PURPOSE.poissonAccept}, ${t});`);
  pre.push(`const L = ${T}.length, tl = ${T}[L - 1];`);
  const Y = dense ? ctx.buf(node) : '';
  const list = stage.lists ? ctx.buf(stage.lists.node) : '';
  const count = ctx.local('c');
  const visit = [
    'const i = base + pos;',
    ...(arg.thinned ? [`if (ef_draw(akey, i) >= ${ctx.buf(aNode!)}[i]) continue;`] : []),
    ...(dense ? [`${Y}[i] = 1;`] : []),
    ...(list ? [`${list}[++${count}] = i;`] : []),
  ];
  return {
    main: [
      `// stage ${s}: Poisson events by skip sampling, block by block${list ? ', listing the active sources' : ''}${dense ? '' : ' (no array stored)'}`,
      ...pre,
      ...(dense ? [`${Y}.fill(0);`] : []),
      `let ${count} = 0;`,
      'if (tl > 0) {',
      '  for (let base = 0, b = 0; base < n; base += block, b++) {',
      '    const len = n - base < block ? n - base : block;',
      ...indent(gapWalk(T, G, 'b * (block + 1)', visit), '    '),
      '  }',
      '}',
      ...(list ? [`${ctx.carried(count)} = ${count};`] : []),
    ],
    post: list ? [`${list}[0] = ${ctx.carried(count)};`] : [],
  };
}
