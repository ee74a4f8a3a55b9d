/**
 * The reverse-mode engine: from output nodes and their cotangents back to the cotangents of
 * requested input leaves. Nodes are visited in reverse topological order; each asks its
 * primitive's `vjp` rule for its operands' cotangents, and several cotangents of one node are
 * added with `add` nodes. Nothing is computed: the result is a lazy graph that fuses like any other.
 *
 * Units: the engine works on the numbers. With K = unit(cotangent) · unit(output) (the loss
 * unit: unit(L) for ef.grad, whose seed is a plain 1), the cotangent of every node n is dK/dn
 * in the unit K / unit(n); each rule's result is labelled so. A rule's numbers are the chain
 * rule's, whatever unit `build` gave them (a unit conversion node relabels while it scales).
 *
 * Where the walk stops: at leaves; at operands a rule gives no cotangent (null: comparisons,
 * argmax, rounding, a where's condition); at nodes that lead to no requested input. A node that
 * receives a cotangent and leads to a requested input, but whose primitive has no rule, is a
 * NotDifferentiableError naming it (a node behind a comparison gets no cotangent, so is never asked).
 */
import { NotDifferentiableError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { build, rescale } from '../ir/build.js';
import { isFloat } from '../ir/dtype.js';
import { scalarNode } from '../ir/leaves.js';
import { topoSort, type Node } from '../ir/node.js';
import { primitiveOf } from '../ir/primitives/index.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { floatDType, sameShape, vjpTools, zeros } from './tools.js';

/** The uid of an input leaf (placeholders of differentiated arguments are input leaves). */
const uidOf = (n: Node): number | undefined => (n.arg?.kind === 'input' ? n.arg.uid : undefined);

/** The cotangent `g` as the cotangent of `of`: its dtype (floats), labelled K / unit(of). */
function asCotangentOf(g: Node, of: Node, K: Unit): Node {
  let c = g;
  const want = floatDType(of.dtype);
  if (c.dtype !== want && (isFloat(of.dtype) || !isFloat(c.dtype))) c = build('cast', [c], { kind: 'cast', dtype: want });
  return rescale(c, 1, K.div(of.unit));
}

/** The seeds as cotangents in one loss unit (that of the first output). */
function seedsIn(outputs: readonly Node[], seeds: readonly Node[]): { K: Unit; cts: Node[] } {
  const K = seeds[0]!.unit.mul(outputs[0]!.unit);
  const cts = outputs.map((y, i) => {
    const s = seeds[i]!;
    if (!sameShape(s.shape, y.shape)) throw new ShapeMismatchError(`vjp: the cotangent of output ${i} has shape ${showShape(s.shape)}; expected the output's shape ${showShape(y.shape)}`);
    const Ki = s.unit.mul(y.unit);
    if (!Ki.sameDimension(K)) throw new UnitMismatchError(`vjp: cotangent × output of output ${i} is in ${Ki.toString()}, of output 0 in ${K.toString()}; expected one loss unit`);
    const f = Ki.factorTo(K);
    const scaled = f === 1 ? s : build('mul', [s, scalarNode(f, Unit.dimensionless, 'float32', true)]);
    return asCotangentOf(scaled, y, K);
  });
  return { K, cts };
}

/**
 * Cotangents of the input leaves `wrt` (by uid: a unit relabelling of a leaf counts as the
 * leaf), given `outputs` and their cotangents `seeds`. A leaf the outputs do not depend on gets zeros.
 */
export function backward(outputs: readonly Node[], seeds: readonly Node[], wrt: readonly Node[]): Node[] {
  const { K, cts } = seedsIn(outputs, seeds);
  const uids = new Set(wrt.map(uidOf));
  const order = topoSort(outputs);
  const leads = new Set<Node>();
  for (const n of order) {
    const u = uidOf(n);
    if ((u !== undefined && uids.has(u)) || n.src.some((s) => leads.has(s))) leads.add(n);
  }
  const ct = new Map<Node, Node>();
  const accumulate = (n: Node, g: Node): void => {
    const prev = ct.get(n);
    ct.set(n, prev ? build('add', [prev, g]) : g);
  };
  outputs.forEach((y, i) => accumulate(y, cts[i]!));
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    const g = ct.get(n);
    if (!g || !leads.has(n) || n.src.length === 0) continue;
    const prim = primitiveOf(n);
    if (!prim.vjp) {
      const name = prim.traits.publicName ?? n.op;
      throw new NotDifferentiableError(`grad: '${name}' (node %${n.id}, op ${n.op}, shape ${showShape(n.shape)}) has no VJP rule, and it lies between a differentiated argument and the output; expected only primitives with rules on that path (see docs/gradients.md)`);
    }
    const wants = n.src.map((s) => leads.has(s));
    const got = prim.vjp(n, g, vjpTools(wants));
    n.src.forEach((s, i) => {
      const r = got[i];
      if (!r || !wants[i]) return;
      if (!sameShape(r.shape, s.shape)) {
        throw new ShapeMismatchError(`grad: the VJP rule of '${n.op}' gave operand ${i} a cotangent of shape ${showShape(r.shape)}; expected ${showShape(s.shape)} (a bug in the rule)`);
      }
      accumulate(s, asCotangentOf(r, s, K));
    });
  }
  return wrt.map((x) => {
    const u = uidOf(x);
    const parts = order.filter((n) => uidOf(n) === u && ct.has(n)).map((n) => rescale(ct.get(n)!, 1, K.div(x.unit)));
    if (parts.length === 0) return zeros(x.shape, K.div(x.unit), floatDType(x.dtype));
    return parts.reduce((a, b) => build('add', [a, b]));
  });
}
