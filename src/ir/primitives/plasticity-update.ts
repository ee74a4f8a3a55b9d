/**
 * plasticityUpdate(data, spikes, trace, ptr, idx[, perm][, wMin][, wMax]): the stored
 * weights after an event-driven update. For each active spike a (a row for onPre, a column
 * for onPost), every stored entry p of line a becomes clip(w + trace[idx[p]], wMin, wMax);
 * other entries keep their value. Duplicate entries are updated one by one. The structure
 * is compressed along the spike axis, with perm mapping its entries to data positions. The
 * result may reuse the weights' buffer (operand 0): only entries of active lines change.
 */
import { ShapeMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import type { Node } from '../node.js';
import { plasticityOperands } from '../plasticity.js';
import { definePrimitive } from '../primitive.js';
import { notDifferentiable } from '../vjp-helpers.js';
import { showShape } from '../shape.js';
import { checkEventUnit, ref } from '../structured.js';

export const plasticityUpdatePrimitive = definePrimitive({
  op: 'plasticityUpdate',
  infer: (src, arg) => {
    const [data, spikes, trace] = src as [Node, Node, Node];
    const [lines, other] = arg.spikes === 'row' ? [arg.rows, arg.cols] : [arg.cols, arg.rows];
    const who = arg.spikes === 'row' ? 'onPre' : 'onPost';
    if (spikes.shape.length !== 1 || spikes.shape[0] !== lines) {
      throw new ShapeMismatchError(`plasticity.${who}: spikes have shape ${showShape(spikes.shape)}; expected [${lines}] (one per ${arg.spikes === 'row' ? 'pre (row)' : 'post (column)'} neuron)`);
    }
    if (trace.shape.length !== 1 || trace.shape[0] !== other) {
      throw new ShapeMismatchError(`plasticity.${who}: trace has shape ${showShape(trace.shape)}; expected [${other}] (one per ${arg.spikes === 'row' ? 'post (column)' : 'pre (row)'} neuron)`);
    }
    return { shape: data.shape, dtype: data.dtype };
  },
  units: (src, arg) => {
    const who = `plasticity.${arg.spikes === 'row' ? 'onPre' : 'onPost'}`;
    checkEventUnit(who, src[1]!);
    const { wMin, wMax } = plasticityOperands(arg);
    // The trace and the bounds take the weight's unit (scales converted).
    const like = [2, ...(wMin === undefined ? [] : [wMin]), ...(wMax === undefined ? [] : [wMax])];
    const r = rules.sameDimension(who, src.map((s) => s.unit), [0, ...like]);
    return { unit: src[0]!.unit, factors: r.factors, operands: r.operands };
  },
  reference: (node, inputs) => {
    const { perm, wMin, wMax } = plasticityOperands(node.arg);
    const [data, spikes, trace, ptr, idx] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const out = Float64Array.from(data);
    const lo = wMin === undefined ? -Infinity : inputs[wMin]![0]!;
    const hi = wMax === undefined ? Infinity : inputs[wMax]![0]!;
    for (let a = 0; a < spikes.length; a++) {
      if (spikes[a] === 0) continue;
      for (let p = ptr[a]!; p < ptr[a + 1]!; p++) {
        const q = perm === undefined ? p : inputs[perm]![p]!;
        out[q] = Math.min(Math.max(out[q]! + trace[idx[p]!]!, lo), hi);
      }
    }
    return out;
  },
  /** Refused with a typed error (InvalidArgumentError, 'not differentiable: ...'). */
  vjp: (node) => notDifferentiable(`plasticity.${node.arg.spikes === 'row' ? 'onPre' : 'onPost'} (plasticityUpdate)`, 'plasticity updates are not differentiated: the weights they write are state, not a function to train through; take gradients of the loss with respect to the weights read before the update, or stop the update outside the differentiated function'),
  traits: {
    stage: 'barrier',
    eventOperand: () => 1,
    // The structure is compressed along the spike axis: each active spike walks its own line.
    walk: () => 'scatter',
    updates: 0,
    describe: (n, events) => {
      const { arg } = n;
      const walk = events ? `the active list ${ref(events)}` : `active ${arg.spikes === 'row' ? 'rows' : 'columns'} (scan)`;
      return `plasticity ${arg.spikes === 'row' ? 'onPre' : 'onPost'} ${ref(n)} = ${ref(n.src[0]!)} updated along ${walk}${arg.permuted ? ' via the other view' : ''}`;
    },
  },
});
