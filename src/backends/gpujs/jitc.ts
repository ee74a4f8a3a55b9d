/**
 * gpujs lowering of just-in-time connectivity. Each thread regenerates the lines it needs with
 * the RNG's float-exact form (docs/rng.md: every intermediate an integer ≤ 2^24, XOR bit by
 * bit), so a float32 device finds exactly the connections the CPU finds; weights agree to
 * float32 rounding. Nothing of the matrix is stored: the device holds only the gap tables.
 * - lines along the output axis (events @ J for orient 'col', J @ x for 'row'): thread o
 *   walks its own line once (cost ∝ its connections);
 * - lines along the contracted axis: no scatter without atomics; a table of each line's
 *   positions is built first and each output binary-searches it (scatterAsSearch).
 */
import type { JitcArg, Node } from '../../ir/node.js';
import type { StageOf } from '../lowering.js';
import { walkOf } from '../../ir/traits.js';
import { productGeometry } from '../../ir/structured.js';
import { InvalidArgumentError } from '../../errors.js';
import { gapTable, GUIDE_BITS, walkLine, type GapTable } from '../../rng/gaps.js';
import { PURPOSE, draw, streamKey } from '../../rng/hash.js';
import { deviceRng, keyPrefix } from './rng.js';
import { accumulate, EXACT_INT, KernelBuilder, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';
import { operandAt, outputPosition } from './walks.js';

/** The most draws and the most connections of any line (exact: every line is walked once on the host), cached. */
const lineCache = new Map<string, { draws: number; connections: number }>();
function lineStats(arg: JitcArg, table: GapTable): { draws: number; connections: number } {
  // With a line map, every line of the source matrix bounds the picked ones.
  const lines = arg.source ?? (arg.line === 'row' ? arg.rows : arg.cols);
  const len = arg.line === 'row' ? arg.cols : arg.rows;
  const key = `${arg.seed}|${arg.prob}|${lines}|${len}`;
  const hit = lineCache.get(key);
  if (hit !== undefined) return hit;
  let draws = 0;
  let connections = 0;
  for (let l = 0; l < lines; l++) {
    const k = streamKey(arg.seed, PURPOSE.structure, l);
    let c = 0;
    let n = 0;
    walkLine(table, len, () => draw(k, c++), () => n++);
    draws = Math.max(draws, c);
    connections = Math.max(connections, n);
  }
  if (lineCache.size > 64) lineCache.delete(lineCache.keys().next().value!);
  const stats = { draws, connections };
  lineCache.set(key, stats);
  return stats;
}

/** The most entries of one guide bucket the gap search steps over. */
export function guideSteps(table: GapTable): number {
  const t = table.thresholds;
  let most = 0;
  for (let b = 0; b < table.guide.length; b++) {
    let g = table.guide[b]!;
    const top = ((b + 1) << GUIDE_BITS) - 1;
    let steps = 0;
    while (g <= t.length && t[g - 1]! <= top) { g++; steps++; }
    most = Math.max(most, steps);
  }
  return most;
}

interface Walk {
  /** The most connections of any line. */
  readonly connections: number;
  /** Lines computing the line's keys (once per line walked). */
  readonly keys: (line: string) => string[];
  /** The loop over one line's connections: `body` sees `pos` and `w`; stops after `stop` when given. */
  readonly loop: (body: readonly string[], stop?: string, done?: string) => string[];
}

/** The walk over one line's connections; must match forEachJitcEntry (src/ir/jitc.ts). */
function lineWalk(ctx: LowerContext, kb: KernelBuilder, arg: JitcArg, aNode: Node, bNode: Node, tNode: Node, gNode: Node, map?: Node): Walk {
  const lines = Math.max(arg.source ?? 0, arg.line === 'row' ? arg.rows : arg.cols);
  const len = arg.line === 'row' ? arg.cols : arg.rows;
  if (lines > EXACT_INT || len > EXACT_INT) {
    throw new InvalidArgumentError(`gpujs: a just-in-time matrix of ${arg.rows} × ${arg.cols} has dimensions beyond 2^24 (16777216), where float32 stream and position numbers stop being exact; use the cpu backend`);
  }
  const table = gapTable(arg.prob, len);
  const stats = lineStats(arg, table);
  const draws = stats.draws + 1;
  if (draws * 2 >= EXACT_INT) throw new InvalidArgumentError(`gpujs: a just-in-time line needs ${draws} draws, beyond what float32 counters hold exactly (2^23); use the cpu backend`);
  const steps = guideSteps(table) + 1;
  kb.loop(draws);
  kb.loop(steps);
  const { drawSource, lineKeySource } = deviceRng(ctx, kb);
  const [T, G] = [kb.arg(tNode), kb.arg(gNode)];
  const L = table.thresholds.length;
  const [s1, s2] = keyPrefix(arg.seed, PURPOSE.structure).map(floatLiteral);
  const [w1, w2] = keyPrefix(arg.seed, PURPOSE.weight).map(floatLiteral);
  const a = kb.scalar(aNode);
  const b = arg.dist === 'scalar' ? '0.0' : kb.scalar(bNode);
  const weight = arg.dist === 'scalar' ? a
    : arg.dist === 'uniform' ? `${a} + ${b} * (${drawSource('wk1', 'wk2', 'kc')} / 16777216.0)`
    : `${a} + ${b} * (Math.sqrt(-2.0 * Math.log(1.0 - ${drawSource('wk1', 'wk2', '2.0 * kc')} / 16777216.0)) * Math.cos(6.283185307179586 * (${drawSource('wk1', 'wk2', '2.0 * kc + 1.0')} / 16777216.0)))`;
  return {
    connections: stats.connections,
    keys: (l) => {
      // A line map (J.rows / J.cols) names the line whose streams generate line l.
      const line = map ? `${kb.arg(map)}[${l}]` : l;
      return [
      `const k1 = ${lineKeySource(s1!, line)};`,
      `const k2 = ${lineKeySource(s2!, line)};`,
      ...(arg.dist === 'scalar' ? [] : [`const wk1 = ${lineKeySource(w1!, line)};`, `const wk2 = ${lineKeySource(w2!, line)};`]),
      ];
    },
    loop: (body, stop, done) => [
      'let pos = -1.0;',
      'let kc = 0.0;',
      `const tl = ${T}[${floatLiteral(L - 1)}];`,
      `for (let c = 0.0; c < ${floatLiteral(draws)}; c += 1.0) {`,
      `  const d = ${drawSource('k1', 'k2', 'c')};`,
      '  if (d >= tl) {',
      `    pos = pos + ${floatLiteral(L)};`,
      `    if (pos >= ${floatLiteral(len - 1)}) { break; }`,
      '  } else {',
      `    let g = ${G}[Math.floor(d / ${floatLiteral(2 ** GUIDE_BITS)})];`,
      `    for (let s = 0.0; s < ${floatLiteral(steps)}; s += 1.0) {`,
      `      if (${T}[g - 1.0] > d) { break; }`,
      '      g = g + 1.0;',
      '    }',
      '    pos = pos + g;',
      `    if (pos >= ${floatLiteral(len)}) { break; }`,
      ...(stop ? [`    if (pos > ${stop}) { break; }`] : []),
      `    const w = ${weight};`,
      ...body.map((l) => `    ${l}`),
      ...(done ? [`    if (${done}) { break; }`] : []),
      '    kc = kc + 1.0;',
      '  }',
      '}',
    ],
  };
}

export function lowerJitcProduct(ctx: LowerContext, stage: StageOf<'jitcProduct'>): void {
  const node = stage.node;
  const { arg } = node;
  const [x, aNode, bNode, tNode, gNode] = node.src as [Node, Node, Node, Node, Node];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const events = x.dtype === 'bool';
  const own = walkOf(node) === 'gather';
  const kb = new KernelBuilder(ctx, `${events ? 'event' : 'float'} JIT product %${node.id}: ${own ? 'thread o regenerates its own line' : 'thread o binary-searches the line tables of the active inputs'}`);
  const X = kb.arg(x);
  const at = operandAt(vector, left, nIn, batch);
  const lines = [...outputPosition(vector, left, nOut, batch), 'let acc = 0.0;'];
  if (arg.prob > 0 && nIn > 0) {
    const walk = lineWalk(ctx, kb, arg, aNode, bNode, tNode, gNode, arg.source === undefined ? undefined : node.src[5]);
    if (own) {
      // Lines along the output axis: gather x at the connections of line o.
      const add = events ? `if (${X}[${at('pos')}] !== 0.0) { ${accumulate(ctx, 'w')} }` : accumulate(ctx, `w * ${X}[${at('pos')}]`);
      lines.push(...walk.keys('o'), ...walk.loop([add]));
    } else {
      scatterAsSearch(ctx, kb, node, walk, lines, { X, at, nIn, vector, events });
    }
  }
  kb.finish(node, lines, 'acc');
}

/**
 * Tables of every line's connections, for random access into lines: thread (l, k) walks line
 * l to its k-th connection and writes its position (-1 past the line's end), and, where
 * weights are random, a second table its weight. `active` (an event or float vector read at
 * l) lets inactive lines be skipped. Cost: lines × C²/2 draws, C = the most connections of a line.
 */
function lineTables(ctx: LowerContext, node: Node<'jitcProduct' | 'jitcDensify'>, srcAt: number, C: number, lines: number, active?: Node): { pos: number; w?: number } {
  const { arg } = node;
  const [aNode, bNode, tNode, gNode] = node.src.slice(srcAt) as [Node, Node, Node, Node];
  const size = lines * C;
  const table = (what: 'pos' | 'w'): number => {
    const t = ctx.scratch(size);
    const tb = new KernelBuilder(ctx, `JIT line table (${what === 'pos' ? 'positions' : 'weights'}) for %${node.id}: thread (l, k) walks line l to its k-th connection`);
    const tw = lineWalk(ctx, tb, arg, aNode, bNode, tNode, gNode, arg.source === undefined ? undefined : node.src[srcAt + 4]);
    const skip = active ? [`if (${tb.arg(active)}[l] === 0.0) { return -1.0; }`] : [];
    tb.finishInto(t, size, 'just-in-time line table', [
      ...exactQuotient('l', 'x', C),
      `const want = x - l * ${floatLiteral(C)};`,
      ...skip,
      'let found = -1.0;',
      ...tw.keys('l'),
      ...tw.loop([`if (kc === want) { found = ${what}; }`], undefined, 'kc >= want'),
    ], 'found');
    return t;
  };
  return { pos: table('pos'), ...(arg.dist === 'scalar' ? {} : { w: table('w') }) };
}

/**
 * Lines setting `hit` to the table index of position `target` in line `line` (-1 when absent),
 * by binary search of the line's increasing positions.
 */
function searchLine(kb: KernelBuilder, P: string, C: number, line: string, target: string): string[] {
  const steps = Math.ceil(Math.log2(C)) + 2;
  kb.loop(steps);
  return [
    `const row = ${line} * ${floatLiteral(C)};`,
    'let lo = 0.0;',
    `let hi = ${floatLiteral(C)};`,
    `for (let s = 0.0; s < ${floatLiteral(steps)}; s += 1.0) {`,
    '  if (lo < hi) {',
    '    const mid = Math.floor((lo + hi) * 0.5);',
    `    const p = ${P}[row + mid];`,
    `    if (p >= 0.0 && p < ${target}) { lo = mid + 1.0; } else { hi = mid; }`,
    '  }',
    '}',
    'let hit = -1.0;',
    `if (lo < ${floatLiteral(C)}) { if (${P}[row + lo] === ${target}) { hit = row + lo; } }`,
  ];
}

/**
 * Lines along the contracted axis, without atomics: build the line tables (skipping inactive
 * lines of a vector operand), then thread o binary-searches position o in the table row of
 * every active input: outputs × inputs × log2(C) reads after the tables.
 */
function scatterAsSearch(ctx: LowerContext, kb: KernelBuilder, node: Node<'jitcProduct'>, walk: Walk, lines: string[],
  o: { X: string; at: (i: string) => string; nIn: number; vector: boolean; events: boolean }): void {
  const x = node.src[0]!;
  const C = Math.max(1, walk.connections);
  const t = lineTables(ctx, node, 1, C, o.nIn, o.vector ? x : undefined);
  const P = kb.slotArg(t.pos);
  const weight = t.w === undefined ? kb.scalar(node.src[1]!) : `${kb.slotArg(t.w)}[hit]`;
  kb.loop(o.nIn);
  lines.push(`for (let i = 0.0; i < ${floatLiteral(o.nIn)}; i += 1.0) {`,
    `  const xv = ${o.X}[${o.at('i')}];`,
    '  if (xv !== 0.0) {',
    ...searchLine(kb, P, C, 'i', 'o').map((l) => `    ${l}`),
    `    if (hit >= 0.0) { ${accumulate(ctx, o.events ? weight : `${weight} * xv`)} }`,
    '  }',
    '}');
}

export function lowerJitcDensify(ctx: LowerContext, stage: StageOf<'jitcDensify'>): void {
  const node = stage.node;
  const { arg } = node;
  const aNode = node.src[0]!;
  const kb = new KernelBuilder(ctx, `JIT todense %${node.id}: thread (r, c) binary-searches its line table`);
  const lines = [
    ...exactQuotient('r', 'x', arg.cols),
    `const col = x - r * ${floatLiteral(arg.cols)};`,
    'let acc = 0.0;',
  ];
  if (arg.prob > 0 && arg.rows > 0 && arg.cols > 0) {
    // Thread (r, c) finds its position in its line's table.
    const len = arg.line === 'row' ? arg.cols : arg.rows;
    const C = Math.max(1, lineStats(arg, gapTable(arg.prob, len)).connections);
    const t = lineTables(ctx, node, 0, C, arg.line === 'row' ? arg.rows : arg.cols);
    const [line, at] = arg.line === 'row' ? ['r', 'col'] : ['col', 'r'];
    const weight = t.w === undefined ? kb.scalar(aNode) : `${kb.slotArg(t.w)}[hit]`;
    lines.push(...searchLine(kb, kb.slotArg(t.pos), C, line, at), `if (hit >= 0.0) { acc = ${weight}; }`);
  }
  kb.finish(node, lines, 'acc');
}
