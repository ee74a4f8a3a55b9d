/**
 * eligibilityUpdate(data, x, y, ptr, idx[, perm], decay): eligibility traces on the stored
 * entries of a weight structure, e ← e·decay + x_i·y_j for every stored (i, j). Line a of the
 * structure is row a ('row') or column a ('col'); entry p of line a is data[perm[p]] (or
 * data[p]) and idx[p] is its other index. With `events` (x bool, lines are rows) the decay is
 * one pass over all entries and only the lines of active x add y_j: O(nnz) for the decay plus
 * O(active × fan-out). Duplicate entries are each updated. The result may reuse the traces'
 * buffer (operand 0), like plasticityUpdate.
 */
import { ShapeMismatchError, UnitMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import type { Node } from '../node.js';
import { eligibilityOperands } from '../plasticity.js';
import { definePrimitive } from '../primitive.js';
import { notDifferentiable } from '../vjp-helpers.js';
import { showShape } from '../shape.js';
import { checkEventUnit, ref } from '../structured.js';

const WHO = 'plasticity.eligibility';

export const eligibilityUpdatePrimitive = definePrimitive({
  op: 'eligibilityUpdate',
  infer: (src, arg) => {
    const [data, x, y] = src as [Node, Node, Node];
    const { decay } = eligibilityOperands(arg);
    if (x.shape.length !== 1 || x.shape[0] !== arg.rows) {
      throw new ShapeMismatchError(`${WHO}: pre (x) has shape ${showShape(x.shape)}; expected [${arg.rows}] (one per pre (row) neuron)`);
    }
    if (y.shape.length !== 1 || y.shape[0] !== arg.cols) {
      throw new ShapeMismatchError(`${WHO}: post (y) has shape ${showShape(y.shape)}; expected [${arg.cols}] (one per post (column) neuron)`);
    }
    if (src[decay]!.shape.length !== 0) throw new ShapeMismatchError(`${WHO}: decay has shape ${showShape(src[decay]!.shape)}; expected a scalar`);
    return { shape: data.shape, dtype: data.dtype };
  },
  units: (src, arg) => {
    const [e, x, y] = [src[0]!.unit, src[1]!.unit, src[2]!.unit];
    checkEventUnit(WHO, src[1]!);
    const xy = x.mul(y);
    if (!xy.sameDimension(e)) {
      throw new UnitMismatchError(`${WHO}: pre·post is (${x.toString()})·(${y.toString()}) = ${xy.toString()} (${xy.dimensionName()}) but the traces are in ${e.toString()} (${e.dimensionName()}); expected unit(E) = unit(pre)·unit(post)`);
    }
    const factors = src.map(() => 1);
    const operands = src.map((s) => s.unit);
    // the scale of x·y is folded into y: y is converted to unit(E) / unit(x)
    factors[2] = xy.factorTo(e);
    operands[2] = e.div(x);
    const d = eligibilityOperands(arg).decay;
    const dr = rules.dimensionless(`${WHO}: decay`, src[d]!.unit);
    factors[d] = dr.factors[0]!;
    operands[d] = dr.operands[0]!;
    return { unit: e, factors, operands };
  },
  reference: (node, inputs) => {
    const { arg } = node;
    const { perm, decay } = eligibilityOperands(arg);
    const [data, x, y, ptr, idx] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const d = inputs[decay]![0]!;
    const out = Float64Array.from(data);
    const lines = arg.line === 'row' ? arg.rows : arg.cols;
    for (let a = 0; a < lines; a++) {
      for (let p = ptr[a]!; p < ptr[a + 1]!; p++) {
        const q = perm === undefined ? p : inputs[perm]![p]!;
        const [i, j] = arg.line === 'row' ? [a, idx[p]!] : [idx[p]!, a];
        out[q] = out[q]! * d + x[i]! * y[j]!;
      }
    }
    return out;
  },
  /** Refused with a typed error (InvalidArgumentError, 'not differentiable: ...'). */
  vjp: (node) => notDifferentiable('plasticity.eligibility (eligibilityUpdate)', 'eligibility-trace updates are not differentiated: they are plasticity state; take gradients with respect to the arrays the traces are built from outside the update'),
  traits: {
    stage: 'barrier',
    eventOperand: (n) => (n.arg.events ? 1 : undefined),
    walk: () => 'scatter',
    updates: 0,
    describe: (n, events) => {
      const { arg } = n;
      const how = arg.events
        ? `decayed, then rows of ${events ? `the active list ${ref(events)}` : 'active pre (scan)'} add post`
        : `every stored entry (${arg.line === 'row' ? 'rows' : 'columns'})`;
      return `eligibility ${ref(n)} = ${ref(n.src[0]!)}·decay + pre·post, ${how}${arg.permuted ? ' via the other view' : ''}`;
    },
  },
});
