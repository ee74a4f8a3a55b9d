/**
 * gpujs lowering of fused elementwise loops: one device kernel per stored value (its whole
 * elementwise cone computed inline per thread, so intermediates never touch memory) and
 * one per reduction (each output element loops over the reduced elements: a gather, no
 * atomics). Sums run in float32 in the order of the reduced axis; argmax/argmin keep the
 * best value and its position.
 */
import { isOp, type Node } from '../../ir/node.js';
import { isIndexed } from '../../ir/traits.js';
import { randomGpu } from './random.js';
import type { ElementwiseOp, ReduceOp } from '../../ir/ops.js';
import { broadcastStrides, collapseDims, sizeOf, type Shape } from '../../ir/shape.js';
import type { LoopStage } from '../../fusion/kernel.js';
import { unsupportedError, type Unsupported } from '../lowering.js';
import { KernelBuilder, type LowerContext } from './builder.js';
import { elementwiseGpu, exactQuotient, floatLiteral, MOD_FN, POW_FN, ROUND_FN, TANH_FN, TRUNC_FN } from './source.js';

/** The body nodes `target` depends on, producers first; `stored` values (split off, see splitCone) are read, not recomputed. */
function cone(stage: LoopStage, target: Node, stored: ReadonlySet<Node> = new Set()): Node[] {
  const inBody = new Set(stage.body);
  const need = new Set<Node>();
  const visit = (n: Node): void => {
    if (!inBody.has(n) || need.has(n) || (n !== target && stored.has(n))) return;
    need.add(n);
    n.src.forEach(visit);
  };
  visit(target);
  return stage.body.filter((n) => need.has(n));
}

/** How many buffers computing `target` inline reads. */
function coneReads(ctx: LowerContext, stage: LoopStage, target: Node, stored: ReadonlySet<Node>): number {
  const nodes = cone(stage, target, stored);
  const inCone = new Set(nodes);
  const reads = new Set<Node>();
  for (const s of nodes.length ? nodes.flatMap((n) => n.src) : [target]) if (!inCone.has(s) && ctx.literal(s) === undefined) reads.add(s);
  return reads.size;
}

/**
 * WebGPU binds at most 16 storage buffers per kernel: a value whose inline chain reads more
 * (a sum of many arrays, such as a gradient accumulated over unrolled steps) is split. The
 * largest sub-chain of the loop's shape that fits is computed by a kernel of its own into a
 * buffer, which the rest reads, until the value fits. Other targets have no limit.
 */
function splitCone(ctx: LowerContext, stage: LoopStage, target: Node, stored: Set<Node>): void {
  const limit = ctx.maxReads;
  if (limit === undefined) return;
  const size = sizeOf(stage.shape);
  while (coneReads(ctx, stage, target, stored) > limit) {
    let pick: Node | undefined;
    let most = 1;
    for (const m of cone(stage, target, stored)) {
      if (m === target || m.size !== size || stored.has(m)) continue;
      const r = coneReads(ctx, stage, m, stored);
      if (r <= limit && r > most) { pick = m; most = r; }
    }
    if (!pick) return; // nothing of the loop's shape to split off: lowered as it is
    const b = new KernelBuilder(ctx, `elementwise ${pick.op} chain of %${pick.id}, split off %${target.id} (too many buffers for one kernel)`);
    const p = pointSource(b, ctx, stage, pick, 'x', '', stored);
    b.finish(pick, p.lines, p.value);
    stored.add(pick);
  }
}

/**
 * Lines computing `target` at flat position `flat` of the loop's index space; returns the
 * result expression. Reads outside the body are broadcast: each gets its offset from the
 * position's digits (dims merged where every access is contiguous).
 */
function pointSource(b: KernelBuilder, ctx: LowerContext, stage: LoopStage, target: Node, flat: string, tag: string, stored: ReadonlySet<Node> = new Set()): { lines: string[]; value: string } {
  const nodes = cone(stage, target, stored);
  const inBody = new Set(nodes);
  const reads: Node[] = [];
  // Values read from memory: the cone's operands from outside it, or the target itself when it
  // is not computed here (a reduction of a stored value).
  const operands = nodes.length ? nodes.flatMap((n) => n.src) : [target];
  for (const s of operands) if (!inBody.has(s) && ctx.literal(s) === undefined && !reads.includes(s)) reads.push(s);
  const shape: Shape = stage.shape;
  // Random arrays are drawn at their own position: each needs an offset, like a read.
  const indexed = nodes.filter(isIndexed);
  const c = collapseDims(shape, [broadcastStrides(shape, shape), ...[...reads, ...indexed].map((r) => broadcastStrides(r.shape, shape))]);
  const lines: string[] = [];
  // Digits of the flat position, outermost first (only when some read is not contiguous).
  const plain = c.vecs.every((v) => v.length === c.vecs[0]!.length && v.every((s, d) => s === c.vecs[0]![d]));
  const digits: string[] = [];
  if (!plain) {
    const contiguous = c.shape.map((_, d) => c.shape.slice(d + 1).reduce((p, q) => p * q, 1));
    let rest = flat;
    c.shape.forEach((_, d) => {
      const q = `${tag}d${d}`;
      lines.push(...exactQuotient(q, rest, contiguous[d]!));
      digits.push(q);
      if (d < c.shape.length - 1) {
        const r = `${tag}r${d}`;
        lines.push(`const ${r} = ${rest} - ${q} * ${floatLiteral(contiguous[d]!)};`);
        rest = r;
      }
    });
  }
  const name = new Map<Node, string>();
  const offsetOf = (r: Node, k: number): string => {
    const terms = c.vecs[1 + k]!.flatMap((s, d) => (s === 0 ? [] : [s === 1 ? digits[d]! : `${digits[d]} * ${floatLiteral(s)}`]));
    return plain ? (r.size === 1 ? '0' : flat) : terms.length ? terms.join(' + ') : '0';
  };
  reads.forEach((r, k) => {
    const offset = offsetOf(r, k);
    const v = `${tag}v${k}`;
    lines.push(`const ${v} = ${b.arg(r)}[${offset}];`);
    name.set(r, v);
  });
  // Literals become float variables: gpu.js types an integer-valued literal (1.0 parses as 1)
  // as an integer, which WGSL then refuses to mix with floats.
  const val = (n: Node): string => {
    const lit = ctx.literal(n);
    if (lit === undefined) return name.get(n)!;
    let v = name.get(n);
    if (!v) {
      v = `${tag}k${name.size}`;
      lines.push(`const ${v} = ${lit};`);
      name.set(n, v);
    }
    return v;
  };
  nodes.forEach((n, k) => {
    const t = `${tag}t${k}`;
    if (isOp(n, 'random')) {
      const at = offsetOf(n, reads.length + indexed.indexOf(n));
      const r = randomGpu(ctx, b, n, at === '0' ? '0.0' : `(${at})`, val(n.src[0]!), n.src.slice(1).map(val), `${t}_`);
      lines.push(...r.lines, `const ${t} = ${ctx.roundToFloat32 ? `Math.fround(${r.value})` : r.value};`);
      name.set(n, t);
      return;
    }
    const [a, bb, cc] = n.src.map(val);
    // A surrogate spike is the comparison v > 0 forward (its smooth derivative is its VJP's).
    const surrogate = isOp(n, 'surrogate');
    const op = surrogate ? 'greater' : (n.op as ElementwiseOp);
    if (n.dtype === 'int32') b.use(TRUNC_FN);
    if (n.op === 'pow') b.use(POW_FN);
    if (n.op === 'tanh') b.use(TANH_FN);
    if (n.op === 'round') b.use(ROUND_FN);
    if (n.op === 'mod') b.use(MOD_FN);
    // NaN and ±Infinity where JavaScript gives them (sqrt, log of a negative; pow of a negative
    // base to a fraction; division by zero): GPU builtins leave these undefined, and NaN or
    // Infinity literals are WGSL compile errors, so they are read from a slot [NaN, Infinity].
    const special = ['sqrt', 'log', 'pow', 'div', 'mod'].includes(n.op) ? b.slotArg(ctx.derived('special', () => new Float32Array([NaN, Infinity])).slot) : '';
    const e = elementwiseGpu(op, n.dtype, a!, surrogate ? '0.0' : bb, cc, special);
    lines.push(`const ${t} = ${ctx.roundToFloat32 ? `Math.fround(${e})` : e};`);
    name.set(n, t);
  });
  return { lines, value: val(target) };
}

/** gpu.js kernels have no atomic appends, so this backend's plans ask for no active lists. */
export const ACTIVE_LISTS_UNSUPPORTED: Unsupported = {
  unsupported: 'gpu.js kernels cannot append to an active index list (no atomics); bool records are kept dense',
};

export function lowerLoop(ctx: LowerContext, stage: LoopStage): void {
  const list = stage.compactions[0];
  if (list) throw unsupportedError('gpujs', list.op, ACTIVE_LISTS_UNSUPPORTED);
  const stored = new Set<Node>();
  for (const n of stage.stores) {
    splitCone(ctx, stage, n, stored);
    const b = new KernelBuilder(ctx, `elementwise ${n.op} chain of %${n.id}, inline per thread`);
    const p = pointSource(b, ctx, stage, n, 'x', '', stored);
    b.finish(n, p.lines, p.value);
  }
  for (const r of stage.reductions) lowerReduction(ctx, stage, r, stored);
}

function lowerReduction(ctx: LowerContext, stage: LoopStage, r: Node<ReduceOp>, stored: Set<Node>): void {
  splitCone(ctx, stage, r.src[0]!, stored);
  const inShape = stage.shape;
  const { axis } = r.arg;
  const length = axis === null ? sizeOf(inShape) : inShape[axis]!;
  const b = new KernelBuilder(ctx, `${r.op} %${r.id}: each output loops over ${length} reduced elements`);
  const inner = axis === null ? 1 : sizeOf(inShape.slice(axis + 1));
  const lines: string[] = [];
  // Output position x = (outer, innerIdx); input position = outer·length·inner + k·inner + innerIdx.
  if (axis === null) lines.push('const base = 0.0;');
  else {
    lines.push(...exactQuotient('outer', 'x', inner));
    lines.push(`const base = outer * ${floatLiteral(length * inner)} + (x - outer * ${floatLiteral(inner)});`);
  }
  const init = r.op === 'sum' ? '0.0' : undefined;
  const p = pointSource(b, ctx, stage, r.src[0]!, 'f', 'e', stored);
  // argmax/argmin: `acc` is the position k of the best value so far: the first, then each
  // strictly better one (ties keep the first) or the first NaN (NumPy's rule).
  const arg = r.op === 'argmax' || r.op === 'argmin';
  const beats = `e ${r.op === 'argmax' ? '>' : '<'} best || (e !== e && best === best)`;
  const combine = r.op === 'sum' ? (ctx.roundToFloat32 ? 'acc = Math.fround(acc + e);' : 'acc = acc + e;')
    : arg ? `if (k === 0.0 || ${beats}) { best = e; acc = k; }`
    : `acc = k === 0.0 ? e : Math.${r.op}(acc, e);`;
  lines.push(`let acc = ${init ?? '0.0'};`);
  if (arg) lines.push('let best = 0.0;');
  if (length > 0) {
    b.loop(length);
    lines.push(`for (let k = 0.0; k < ${floatLiteral(length)}; k += 1.0) {`,
      `  const f = base + k * ${floatLiteral(inner)};`,
      ...p.lines.map((l) => `  ${l}`),
      `  const e = ${p.value};`,
      `  ${combine}`,
      '}');
  } else if (r.op === 'max' || r.op === 'min') {
    // max/min of nothing is -Infinity/+Infinity: read from a slot holding that constant.
    const inf = ctx.derived(`inf:${r.op}`, () => new Float32Array([r.op === 'max' ? -Infinity : Infinity])).slot;
    lines.push(`acc = ${b.slotArg(inf)}[0];`);
  }
  b.finish(r, lines, 'acc');
}
