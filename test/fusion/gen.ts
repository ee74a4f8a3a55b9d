/**
 * Random expression graphs for the fusion tests (not a test file).
 *
 * A case is a recipe: a base dtype, an output shape, a pool of leaf shapes that broadcast to
 * it, and several output expressions (trees from `fc.letrec`). Building a recipe turns it
 * into lazy arrays; every array built is pushed to a pool that `ref` leaves index into, so
 * later expressions (and later outputs) reuse earlier nodes: the graph is a DAG with shared
 * subexpressions, not a tree.
 *
 * Values stay finite and moderate by construction: exp only of tanh, log/sqrt of |x|+1,
 * division by |y|+1, products by tanh(y), powers of tanh(x)+1.5, dense products with a
 * square constant whose entries are at most 2/n.
 *
 * Comparisons feeding `where` and counts: with float64 leaves they may compare any two
 * subexpressions (the cpu backend computes the same float64 operations as the reference, so
 * no comparison can flip); with float32 leaves they compare leaves only, since a float32
 * buffer between two loops may round a value that sits exactly at a tie in float64
 * (e.g. `abs(a) > a`), which is rounding, not a bug.
 */
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import type { LazyArray, Operand } from '../../src/index.js';
import { broadcastableTo } from '../arbitraries/shape.js';
import { deviceExact } from '../helpers/backends.js';

export type BaseDType = 'float32' | 'float64';

export const UNARY_KINDS = ['neg', 'abs', 'tanh', 'sin', 'cos', 'expTanh', 'logAbs1', 'sqrtAbs1', 'clip'] as const;
export const BINARY_KINDS = ['add', 'sub', 'mulTanh', 'divAbs1', 'maximum', 'minimum', 'powTanh'] as const;
export const COMPARE_KINDS = ['greater', 'greaterEqual', 'less', 'lessEqual'] as const;
export const REDUCE_KINDS = ['sum', 'max', 'min', 'mean'] as const;

export type UnaryKind = (typeof UNARY_KINDS)[number];
export type BinaryKind = (typeof BINARY_KINDS)[number];
export type CompareKind = (typeof COMPARE_KINDS)[number];
export type ReduceKind = (typeof REDUCE_KINDS)[number];

export type Expr =
  | { readonly kind: 'const'; readonly shape: number; readonly seed: number }
  | { readonly kind: 'weak'; readonly value: number }
  | { readonly kind: 'strong'; readonly value: number }
  | { readonly kind: 'ref'; readonly index: number }
  | { readonly kind: 'unary'; readonly op: UnaryKind; readonly a: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryKind; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'where'; readonly cmp: CompareKind; readonly l: Expr; readonly r: Expr; readonly a: Expr; readonly b: Expr }
  | { readonly kind: 'reduce'; readonly op: ReduceKind; readonly axis: number | null; readonly keepdims: boolean; readonly a: Expr }
  /** A dense product with a square constant that keeps the shape: a @ W (or W @ a for a matrix when `left`). */
  | { readonly kind: 'matmul'; readonly left: boolean; readonly seed: number; readonly a: Expr };

/** An int32 output: how many elements satisfy a comparison. */
export interface CountExpr {
  readonly cmp: CompareKind;
  readonly l: Expr;
  readonly r: Expr;
}

export interface GraphCase {
  readonly dtype: BaseDType;
  readonly outShape: number[];
  /** Shapes const leaves pick from (index modulo length); each broadcasts to outShape. */
  readonly leafShapes: number[][];
  readonly outputs: Expr[];
  readonly counts: CountExpr[];
}

export interface BuiltGraph {
  /** The float outputs, then the counts. */
  readonly outputs: LazyArray[];
  /** Every array built on the way (for plan invariants and magnitude estimates). */
  readonly pool: LazyArray[];
}

// ------------------------------------------------------------------ arbitraries

const small = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min: min * 8, max: max * 8 }).map((n) => n / 8);

export interface ExprOptions {
  /** Deepest nesting of ops (default 5). */
  readonly maxDepth?: number;
}

/** Expression trees; `leaf` is the first branch so deep levels end in leaves. */
export function exprArb(opts: ExprOptions = {}): fc.Arbitrary<Expr> {
  const { expr } = fc.letrec<{ expr: Expr; leaf: Expr; node: Expr }>((tie) => ({
    leaf: fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('const' as const), shape: fc.nat(5), seed: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('weak' as const), value: small(-2, 2) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('strong' as const), value: fc.double({ min: -2, max: 2, noNaN: true }).map(deviceExact) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('ref' as const), index: fc.nat() }) },
    ),
    node: fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('unary' as const), op: fc.constantFrom(...UNARY_KINDS), a: tie('expr') }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom(...BINARY_KINDS), a: tie('expr'), b: tie('expr') }) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('where' as const),
          cmp: fc.constantFrom(...COMPARE_KINDS),
          l: tie('expr'),
          r: tie('expr'),
          a: tie('expr'),
          b: tie('expr'),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('reduce' as const),
          op: fc.constantFrom(...REDUCE_KINDS),
          axis: fc.option(fc.nat(3), { nil: null }),
          keepdims: fc.boolean(),
          a: tie('expr'),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant('matmul' as const), left: fc.boolean(), seed: fc.nat(), a: tie('expr') }),
      },
    ),
    expr: fc.oneof({ maxDepth: opts.maxDepth ?? 5, depthSize: 'medium', depthIdentifier: 'expr' }, tie('leaf'), tie('node')),
  }));
  return expr;
}

export interface GraphOptions extends ExprOptions {
  readonly minOutputs?: number;
  readonly maxOutputs?: number;
  /** Also draw 0..maxCounts int32 count outputs (default 1). */
  readonly maxCounts?: number;
  readonly dtypes?: readonly BaseDType[];
}

export function graphCase(opts: GraphOptions = {}): fc.Arbitrary<GraphCase> {
  const outShape = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
  return outShape.chain((s) =>
    fc.record({
      dtype: fc.constantFrom(...(opts.dtypes ?? (['float32', 'float64'] as const))),
      outShape: fc.constant(s),
      leafShapes: fc.array(broadcastableTo(s), { minLength: 1, maxLength: 3 }).map((extra) => [s, ...extra]),
      outputs: fc.array(exprArb(opts), { minLength: opts.minOutputs ?? 1, maxLength: opts.maxOutputs ?? 4 }),
      counts: fc.array(fc.record({ cmp: fc.constantFrom(...COMPARE_KINDS), l: exprArb(opts), r: exprArb(opts) }), {
        minLength: 0,
        maxLength: opts.maxCounts ?? 1,
      }),
    }),
  );
}

// ------------------------------------------------------------------ building

/** Deterministic values in [-2, 2] from a seed (mulberry32). */
export function seededValues(seed: number, n: number): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4 - 2);
  }
  return out;
}

const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** With float32 leaves, comparisons see leaves only: the leftmost leaf of the subtree. */
function leafOf(e: Expr): Expr {
  switch (e.kind) {
    case 'const': case 'weak': case 'strong':
      return e;
    case 'ref':
      return { kind: 'weak', value: 0.5 };
    case 'unary': case 'reduce': case 'matmul': case 'binary': case 'where':
      return leafOf(e.a);
  }
}

function unaryOf(op: UnaryKind, a: LazyArray): LazyArray {
  switch (op) {
    case 'neg': return ef.neg(a);
    case 'abs': return ef.abs(a);
    case 'tanh': return ef.tanh(a);
    case 'sin': return ef.sin(a);
    case 'cos': return ef.cos(a);
    case 'expTanh': return ef.exp(ef.tanh(a));
    case 'logAbs1': return ef.log(ef.abs(a).add(1));
    case 'sqrtAbs1': return ef.sqrt(ef.abs(a).add(1));
    case 'clip': return ef.clip(a, -1.5, 1.25);
  }
}

function binaryOf(op: BinaryKind, a: Operand, b: Operand, arr: (x: Operand) => LazyArray): LazyArray {
  switch (op) {
    case 'add': return ef.add(a, b);
    case 'sub': return ef.sub(a, b);
    case 'mulTanh': return ef.mul(a, ef.tanh(arr(b)));
    case 'divAbs1': return ef.div(a, ef.abs(arr(b)).add(1));
    case 'maximum': return ef.maximum(a, b);
    case 'minimum': return ef.minimum(a, b);
    // exponent: a plain number as is, an array squashed into (-2, 2)
    case 'powTanh': return ef.pow(ef.tanh(arr(a)).add(1.5), typeof b === 'number' ? b : ef.tanh(b).mul(2));
  }
}

/** Build a recipe into lazy arrays. Fresh const buffers each call: a new graph every time. */
export function buildGraph(c: GraphCase): BuiltGraph {
  const pool: LazyArray[] = [];
  const D = c.dtype;
  const keep = (x: LazyArray): LazyArray => {
    pool.push(x);
    return x;
  };
  const strong = (v: number): LazyArray => ef.scalar(v, '1', D);
  /** An operand that is an array (numbers become strong scalars of the base dtype). */
  const arr = (x: Operand): LazyArray => (typeof x === 'number' ? strong(x) : x);
  /** If every operand is a plain number, make the first one strong, so results keep dtype D. */
  const lift = (xs: Operand[]): Operand[] => (xs.every((x) => typeof x === 'number') ? [arr(xs[0]!), ...xs.slice(1)] : xs);

  const compareOperand = (e: Expr): Operand => build(D === 'float32' ? leafOf(e) : e);
  const compare = (cmp: CompareKind, l: Expr, r: Expr): LazyArray => {
    const [a, b] = lift([compareOperand(l), compareOperand(r)]);
    return ef[cmp](a!, b!);
  };

  const build = (e: Expr): Operand => {
    switch (e.kind) {
      case 'const': {
        const shape = c.leafShapes[e.shape % c.leafShapes.length]!;
        return keep(ef.array(seededValues(e.seed, sizeOf(shape)), '1', { dtype: D, shape }));
      }
      case 'weak':
        return e.value;
      case 'strong':
        return keep(strong(e.value));
      case 'ref':
        return pool.length ? pool[e.index % pool.length]! : 0.25;
      case 'unary':
        return keep(unaryOf(e.op, arr(build(e.a))));
      case 'binary': {
        const [a, b] = lift([build(e.a), build(e.b)]) as [Operand, Operand];
        return keep(binaryOf(e.op, a, b, arr));
      }
      case 'where': {
        const cond = compare(e.cmp, e.l, e.r);
        const [a, b] = lift([build(e.a), build(e.b)]) as [Operand, Operand];
        return keep(ef.where(cond, a, b));
      }
      case 'reduce': {
        const a = arr(build(e.a));
        const rank = a.ndim;
        // An axis only where the array has one; keepdims off only when the result still
        // broadcasts to the output shape (all axes, or the leading one).
        const axis = e.axis === null || rank === 0 ? undefined : e.axis % rank;
        const keepdims = axis === undefined || axis === 0 ? e.keepdims : true;
        return keep(ef[e.op](a, { axis, keepdims }));
      }
      case 'matmul': {
        const a = arr(build(e.a));
        // Only vectors and matrices; the square constant keeps the shape (so it still broadcasts).
        if (a.ndim !== 1 && a.ndim !== 2) return a;
        const n = e.left && a.ndim === 2 ? a.shape[0]! : a.shape[a.ndim - 1]!;
        // (not in the pool: its shape need not broadcast to the output shape)
        const W = ef.array(seededValues(e.seed, n * n).map((v) => v / n), '1', { dtype: D, shape: [n, n] });
        return keep(e.left && a.ndim === 2 ? ef.matmul(W, a) : ef.matmul(a, W));
      }
    }
  };

  const outputs = c.outputs.map((e) => arr(build(e)));
  const counts = c.counts.map((k) => ef.sum(compare(k.cmp, k.l, k.r)));
  return { outputs: [...outputs, ...counts], pool };
}

/** A short text of a recipe, for failure messages. */
export function showExpr(e: Expr): string {
  switch (e.kind) {
    case 'const': return `c${e.shape}#${e.seed}`;
    case 'weak': return String(e.value);
    case 'strong': return `S(${e.value})`;
    case 'ref': return `@${e.index}`;
    case 'unary': return `${e.op}(${showExpr(e.a)})`;
    case 'binary': return `${e.op}(${showExpr(e.a)}, ${showExpr(e.b)})`;
    case 'where': return `where(${e.cmp}(${showExpr(e.l)}, ${showExpr(e.r)}), ${showExpr(e.a)}, ${showExpr(e.b)})`;
    case 'reduce': return `${e.op}(${showExpr(e.a)}, axis ${e.axis}${e.keepdims ? ', keepdims' : ''})`;
    case 'matmul': return e.left ? `W#${e.seed} @ ${showExpr(e.a)}` : `${showExpr(e.a)} @ W#${e.seed}`;
  }
}
