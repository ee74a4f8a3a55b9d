/**
 * CPU lowering of just-in-time connectivity: the kernel regenerates each line it needs
 * with the counter-based RNG (its fast source, RNG_SOURCE, is inlined once per kernel)
 * and skip sampling against the gap table; nothing of the matrix is stored.
 * Event products regenerate only the lines of active events when lines run along the
 * contracted axis (cost ∝ active × fan-out); otherwise every line is generated once.
 */
import type { JitcArg, Node } from '../../ir/node.js';
import type { StageOf } from '../lowering.js';
import { walkOf } from '../../ir/traits.js';
import { productGeometry } from '../../ir/structured.js';
import { GUIDE_BITS } from '../../rng/gaps.js';
import { indent, scalarSource, type EmitContext } from './emit.js';

/**
 * The loop over one line's connections: `body(pos, w)` runs for each with its weight.
 * Must match forEachJitcEntry (src/ir/jitc.ts) exactly.
 */
function lineLoop(arg: JitcArg, line: string, T: string, G: string, a: string, b: string, body: string[], M?: string): string[] {
  // A line map (J.rows / J.cols) names the line whose streams generate this one.
  const from = M ? `${M}[${line}]` : line;
  const weight = arg.dist === 'scalar' ? a
    : arg.dist === 'uniform' ? `${a} + ${b} * (ef_draw(wkey, k) / 16777216)`
    : `${a} + ${b} * (Math.sqrt(-2 * Math.log(1 - ef_draw(wkey, 2 * k) / 16777216)) * Math.cos(2 * Math.PI * (ef_draw(wkey, 2 * k + 1) / 16777216)))`;
  return [
    `const key = ef_key(seed, 0, ${from});`,
    ...(arg.dist === 'scalar' ? [] : [`const wkey = ef_key(seed, 1, ${from});`]),
    ...gapWalk(T, G, '0, k = 0', [`const w = ${weight};`, ...body, 'k++;']),
  ];
}

/**
 * Skip sampling over one line of `len` positions (src/rng/gaps.ts walkLine): draws c = `start`,
 * start + 1, ... of the stream `key`, inverted against the gap table (T, G; `L`, `tl` its length
 * and last threshold); `body` runs at each connection `pos`. Shared by JIT lines and Poisson blocks.
 */
export function gapWalk(T: string, G: string, start: string, body: readonly string[]): string[] {
  return [
    `for (let pos = -1, c = ${start}; ; ) {`,
    '  const d = ef_draw(key, c++);',
    '  if (d >= tl) { pos += L; if (pos >= len - 1) break; continue; }',
    `  let g = ${G}[d >>> ${GUIDE_BITS}];`,
    `  while (${T}[g - 1] <= d) g++;`,
    '  pos += g;',
    '  if (pos >= len) break;',
    ...indent(body),
    '}',
  ];
}

export function emitJitcProduct(ctx: EmitContext, stage: StageOf<'jitcProduct'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const { arg } = node;
  const [x, aNode, bNode, tNode, gNode] = node.src as [Node, Node, Node, Node, Node];
  const M = arg.source === undefined ? undefined : ctx.buf(node.src[5]!);
  ctx.helpers.add('rng');
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const events = x.dtype === 'bool';
  const into = stage.into;
  const [Y, T, G] = [ctx.buf(into?.node ?? node), ctx.buf(tNode), ctx.buf(gNode)];
  const plusEq = into?.negate ? '-=' : '+=';
  const lineLen = arg.line === 'row' ? arg.cols : arg.rows;
  const pre = [
    `const nIn = ${ctx.dim(nIn)}, nOut = ${ctx.dim(nOut)}, nb = ${ctx.dim(batch)}, seed = ${ctx.dim(arg.seed)}, len = ${ctx.dim(lineLen)};`,
    `const L = ${T}.length, tl = ${T}[L - 1];`,
  ];
  const a = scalarSource(ctx, aNode, pre);
  const b = arg.dist === 'scalar' ? '0' : scalarSource(ctx, bNode, pre);
  const xAt = (i: string, bb: string): string => (vector ? i : left ? `${bb} * nIn + ${i}` : `${i} * nb + ${bb}`);
  const yAt = (o: string, bb: string): string => (vector ? o : left ? `${bb} * nOut + ${o}` : `${o} * nb + ${bb}`);
  // Gathers sum each output in a float64 accumulator first, also when adding into a seeded output.
  const scatter = walkOf(node) === 'scatter';
  const direct = into ? scatter : ctx.inWorkspace(node);
  const acc = direct ? Y : ctx.workspace(nOut * batch);
  const X = stage.events ? '' : ctx.buf(x);
  // Lines along the contracted axis: each (active) x entry adds its line (scatter).
  let walk: string[];
  let how: string;
  if (scatter) {
    const decode = vector ? ['const i = f, bb = 0;'] : left
      ? ['const bb = (f / nIn) | 0, i = f - bb * nIn;']
      : ['const i = (f / nb) | 0, bb = f - i * nb;'];
    const add = lineLoop(arg, 'i', T, G, a, b, [`acc[${yAt('pos', 'bb')}] ${plusEq} ${events ? 'w' : 'w * xv'};`], M);
    if (events && stage.events) {
      const Lst = ctx.buf(stage.events);
      how = 'scatter over the active index list';
      walk = [`for (let q = 1, cnt = ${Lst}[0]; q <= cnt; q++) {`, `  const f = ${Lst}[q];`, ...indent([...decode, ...add]), '}'];
    } else {
      how = events ? 'scatter over active entries' : 'scatter over every entry of x';
      walk = ['for (let f = 0, nx = nIn * nb; f < nx; f++) {',
        events ? `  if (${X}[f] === 0) continue;` : `  const xv = ${X}[f];`,
        ...indent([...decode, ...add]), '}'];
    }
  } else {
    // Lines along the output axis: generate each output's line once, gather x at its positions.
    how = 'gather per output line';
    const use = events
      ? [`for (let bb = 0; bb < nb; bb++) if (${X}[${xAt('pos', 'bb')}] !== 0) acc[${yAt('o', 'bb')}] += w;`]
      : [`for (let bb = 0; bb < nb; bb++) acc[${yAt('o', 'bb')}] += w * ${X}[${xAt('pos', 'bb')}];`];
    walk = ['for (let o = 0; o < nOut; o++) {', ...indent(lineLoop(arg, 'o', T, G, a, b, use, M)), '}'];
  }
  const settle = into ? `${Y}[k] ${plusEq} ${acc}[k]` : `${Y}[k] = ${acc}[k]`;
  return {
    main: [
      `// stage ${s}: ${events ? 'event' : 'float'} product ${left ? 'x @ J' : 'J @ x'} (just-in-time ${arg.dist} connectivity, ${how}${into ? `, ${into.negate ? 'subtracted from' : 'added into'} the seeded output` : ''})`,
      '{', ...indent(pre),
      `  const acc = ${acc};`, ...(into && scatter ? [] : ['  acc.fill(0);']),
      '  if (tl > 0) {',
      ...indent(walk, '    '),
      '  }',
      '}',
    ],
    post: direct ? [] : [`for (let k = 0, ny = ${ctx.dim(nOut * batch)}; k < ny; k++) ${settle};`],
  };
}

export function emitJitcDensify(ctx: EmitContext, stage: StageOf<'jitcDensify'>, s: number): string[] {
  const node = stage.node;
  const { arg } = node;
  const [aNode, bNode, tNode, gNode] = node.src as [Node, Node, Node, Node];
  const M = arg.source === undefined ? undefined : ctx.buf(node.src[4]!);
  ctx.helpers.add('rng');
  const [Y, T, G] = [ctx.buf(node), ctx.buf(tNode), ctx.buf(gNode)];
  const byRow = arg.line === 'row';
  const pre = [
    `const lines = ${ctx.dim(byRow ? arg.rows : arg.cols)}, cols = ${ctx.dim(arg.cols)}, seed = ${ctx.dim(arg.seed)}, len = ${ctx.dim(byRow ? arg.cols : arg.rows)};`,
    `const L = ${T}.length, tl = ${T}[L - 1];`,
  ];
  const a = scalarSource(ctx, aNode, pre);
  const b = arg.dist === 'scalar' ? '0' : scalarSource(ctx, bNode, pre);
  const at = byRow ? 'l * cols + pos' : 'pos * cols + l';
  return [
    `// stage ${s}: densify just-in-time ${arg.dist} connectivity`,
    '{', ...indent(pre),
    `  ${Y}.fill(0);`,
    '  if (tl > 0) {',
    '    for (let l = 0; l < lines; l++) {',
    ...indent(lineLoop(arg, 'l', T, G, a, b, [`${Y}[${at}] = w;`], M), '      '),
    '    }',
    '  }',
    '}',
  ];
}
