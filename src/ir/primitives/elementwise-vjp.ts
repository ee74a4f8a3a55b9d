/**
 * VJP rules of the elementwise family, one per op (elementwise.ts attaches each to its
 * primitive). Every cotangent is summed back over the axes its operand was broadcast along
 * (`sumTo`). Conventions at the points where a derivative is not defined:
 * - maximum / minimum: a tie sends half the cotangent to each operand (as JAX);
 * - abs: sign(x), so 0 at x = 0; floor, ceil, round, sign, mod's floor: derivative 0 (no cotangent);
 * - pow: d/db uses log(a) with a = 0 read as 1 (0^b's b-derivative is 0 there, not NaN);
 * - comparisons, logical ops and `not`: no cotangent (bool results);
 * - where: none to the condition; the branches get the cotangent where chosen, 0 elsewhere;
 * - cast: float -> float and bool/int -> float pass the cotangent through (the latter only
 *   matters behind a surrogate spike, whose own rule turns it into a derivative); -> int or bool: none.
 */
import { Unit } from '../../units/unit.js';
import { isFloat } from '../dtype.js';
import { scalarNode } from '../leaves.js';
import type { Node } from '../node.js';
import type { ElementwiseOp } from '../ops.js';
import type { VjpRule, VjpTools } from '../primitive.js';

type Rule = VjpRule<ElementwiseOp>;

const num = (v: number): Node => scalarNode(v, Unit.dimensionless, 'float32', true);
const none: Rule = (node) => node.src.map(() => null);

/** A rule for a unary op: the cotangent times the local derivative (built only when wanted). */
const unary = (local: (x: Node, out: Node, t: VjpTools) => Node): Rule => (node, ct, t) =>
  [t.wants[0] ? t.build('mul', [ct, local(node.src[0]!, node, t)]) : null];

/** For binary ops: each wanted operand's cotangent, reduced to its shape. */
const binary = (a: (ct: Node, node: Node, t: VjpTools) => Node | null, b: (ct: Node, node: Node, t: VjpTools) => Node | null): Rule => (node, ct, t) => {
  const ga = t.wants[0] ? a(ct, node, t) : null;
  const gb = t.wants[1] ? b(ct, node, t) : null;
  return [ga && t.sumTo(ga, node.src[0]!.shape), gb && t.sumTo(gb, node.src[1]!.shape)];
};

/** The cotangent where `pick` holds, half of it where the operands tie, 0 elsewhere. */
const chooser = (pick: 'greater' | 'less', first: boolean) => (ct: Node, node: Node, t: VjpTools): Node => {
  const [a, b] = node.src as [Node, Node];
  const [x, y] = first ? [a, b] : [b, a];
  const tie = t.build('where', [t.build('equal', [x, y]), t.build('mul', [ct, num(0.5)]), t.zero(ct)]);
  return t.build('where', [t.build(pick, [x, y]), ct, tie]);
};

/** log(a), with a = 0 read as 1 (JAX's convention for pow's exponent derivative). */
const safeLog = (a: Node, t: VjpTools): Node => t.build('log', [t.build('where', [t.build('equal', [a, num(0)]), num(1), a])]);

/** pow's base derivative b·a^(b-1): a constant exponent stays a constant (a dimensioned base needs one). */
function powBase(ct: Node, node: Node, t: VjpTools): Node {
  const [a, b] = node.src as [Node, Node];
  const v = b.scalarValue;
  const lower = v === undefined ? t.build('sub', [b, num(1)]) : scalarNode(v - 1, Unit.dimensionless, b.dtype, b.arg?.kind === 'scalar' && b.arg.weak);
  return t.build('mul', [t.build('mul', [ct, b]), t.build('pow', [a, lower])]);
}

const castRule: VjpRule<'cast'> = (node, ct, t) => {
  const from = node.src[0]!;
  if (!isFloat(node.dtype) || !t.wants[0]) return [null];
  return [isFloat(from.dtype) && from.dtype !== ct.dtype ? t.build('cast', [ct], { kind: 'cast', dtype: from.dtype }) : ct];
};

export const ELEMENTWISE_VJP: { readonly [O in ElementwiseOp]: VjpRule<O> } = {
  neg: (_node, ct, t) => [t.wants[0] ? t.build('neg', [ct]) : null],
  abs: unary((x, _o, t) => t.build('sign', [x])),
  exp: unary((_x, out) => out),
  log: (node, ct, t) => [t.wants[0] ? t.build('div', [ct, node.src[0]!]) : null],
  sqrt: (node, ct, t) => [t.wants[0] ? t.build('div', [ct, t.build('mul', [node, num(2)])]) : null],
  sin: unary((x, _o, t) => t.build('cos', [x])),
  cos: unary((x, _o, t) => t.build('neg', [t.build('sin', [x])])),
  tanh: unary((_x, out, t) => t.build('sub', [num(1), t.build('mul', [out, out])])),
  not: none,
  cast: castRule,
  floor: none,
  ceil: none,
  round: none,
  sign: none,
  add: binary((ct) => ct, (ct) => ct),
  sub: binary((ct) => ct, (ct, _n, t) => t.build('neg', [ct])),
  mul: binary((ct, n, t) => t.build('mul', [ct, n.src[1]!]), (ct, n, t) => t.build('mul', [ct, n.src[0]!])),
  // d(a/b)/db = -a/b² = -out/b
  div: binary((ct, n, t) => t.build('div', [ct, n.src[1]!]), (ct, n, t) => t.build('neg', [t.build('div', [t.build('mul', [ct, n]), n.src[1]!])])),
  pow: binary(powBase, (ct, n, t) => t.build('mul', [t.build('mul', [ct, n]), safeLog(n.src[0]!, t)])),
  maximum: binary(chooser('greater', true), chooser('greater', false)),
  minimum: binary(chooser('less', true), chooser('less', false)),
  // a mod b = a - floor(a/b)·b
  mod: binary((ct) => ct, (ct, n, t) => t.build('neg', [t.build('mul', [ct, t.build('floor', [t.build('div', [n.src[0]!, n.src[1]!])])])])),
  greater: none,
  greaterEqual: none,
  less: none,
  lessEqual: none,
  equal: none,
  notEqual: none,
  logicalAnd: none,
  logicalOr: none,
  logicalXor: none,
  where: (node, ct, t) => {
    const [c, a, b] = node.src as [Node, Node, Node];
    return [
      null,
      t.wants[1] ? t.sumTo(t.build('where', [c, ct, t.zero(ct)]), a.shape) : null,
      t.wants[2] ? t.sumTo(t.build('where', [c, t.zero(ct), ct]), b.shape) : null,
    ];
  },
};
