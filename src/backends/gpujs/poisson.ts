/**
 * gpujs lowering of Poisson events, one thread per source and no lists (no atomics): thread x
 * walks its own block (src/ir/primitives/poisson-events.ts) with the device RNG from the
 * block's start until it reaches or passes position x, so a thread costs O(block · p) draws.
 * The draws are the CPU's bits exactly (integer gap thresholds, float-exact RNG).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Node } from '../../ir/node.js';
import { gapTable, GUIDE_BITS } from '../../rng/gaps.js';
import { PURPOSE } from '../../rng/hash.js';
import type { StageOf } from '../lowering.js';
import { EXACT_INT, KernelBuilder, type LowerContext } from './builder.js';
import { guideSteps } from './jitc.js';
import { deviceRng, keyPrefix } from './rng.js';
import { exactQuotient, floatLiteral } from './source.js';

export function lowerPoissonEvents(ctx: LowerContext, stage: StageOf<'poissonEvents'>): void {
  const node = stage.node;
  const { arg } = node;
  const [counter, tNode, gNode, aNode] = node.src as [Node, Node, Node, Node | undefined];
  const blocks = Math.ceil(arg.n / arg.block);
  if (blocks * (arg.block + 1) > EXACT_INT) {
    throw new InvalidArgumentError(`gpujs: random.poissonEvents of ${arg.n} sources needs draw numbers beyond 2^24 (16777216), where float32 stops being exact; use the cpu backend`);
  }
  const kb = new KernelBuilder(ctx, `Poisson events %${node.id}: thread x walks its block of ${arg.block} sources by skip sampling up to x`);
  const { drawSource, lineKeySource } = deviceRng(ctx, kb);
  const table = gapTable(arg.prob, arg.block);
  const L = table.thresholds.length;
  const steps = guideSteps(table) + 1;
  kb.loop(arg.block + 1);
  kb.loop(steps);
  const [T, G] = [kb.arg(tNode), kb.arg(gNode)];
  const t = kb.scalar(counter);
  const [s1, s2] = keyPrefix(arg.seed, PURPOSE.poissonEvents).map(floatLiteral);
  const [a1, a2] = keyPrefix(arg.seed, PURPOSE.poissonAccept).map(floatLiteral);
  const B = floatLiteral(arg.block);
  const lines = [
    ...exactQuotient('blk', 'x', arg.block),
    `const base = blk * ${B};`,
    'const at = x - base;',
    `const len = ${floatLiteral(arg.n)} - base < ${B} ? ${floatLiteral(arg.n)} - base : ${B};`,
    `const k1 = ${lineKeySource(s1!, t)};`,
    `const k2 = ${lineKeySource(s2!, t)};`,
    `const c0 = blk * ${floatLiteral(arg.block + 1)};`,
    `const tl = ${T}[${floatLiteral(L - 1)}];`,
    'let hit = 0.0;',
    'let pos = -1.0;',
    `for (let c = 0.0; c < ${floatLiteral(arg.block + 1)}; c += 1.0) {`,
    '  if (tl <= 0.0) { break; }',
    `  const d = ${drawSource('k1', 'k2', 'c0 + c')};`,
    '  if (d >= tl) {',
    `    pos = pos + ${floatLiteral(L)};`,
    '    if (pos >= at) { break; }',
    '  } else {',
    `    let g = ${G}[Math.floor(d / ${floatLiteral(2 ** GUIDE_BITS)})];`,
    `    for (let s = 0.0; s < ${floatLiteral(steps)}; s += 1.0) {`,
    `      if (${T}[g - 1.0] > d) { break; }`,
    '      g = g + 1.0;',
    '    }',
    '    pos = pos + g;',
    '    if (pos >= len) { break; }',
    '    if (pos === at) { hit = 1.0; break; }',
    '    if (pos > at) { break; }',
    '  }',
    '}',
  ];
  if (arg.thinned) {
    lines.push(
      'if (hit > 0.0) {',
      `  const ad = ${drawSource(lineKeySource(a1!, t), lineKeySource(a2!, t), 'x')};`,
      `  if (ad >= ${kb.arg(aNode!)}[x]) { hit = 0.0; }`,
      '}',
    );
  }
  kb.finish(node, lines, 'hit');
}
