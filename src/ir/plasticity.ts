/**
 * plasticityUpdate(data, spikes, trace, ptr, idx[, perm][, wMin][, wMax]): the stored
 * weights after an event-driven update. For each active spike a (a row for onPre, a column
 * for onPost), every stored entry p of line a becomes clip(w + trace[idx[p]], wMin, wMax);
 * other entries keep their value. Duplicate entries are updated one by one. The structure
 * is compressed along the spike axis, with perm mapping its entries to data positions.
 */
import { ShapeMismatchError } from '../errors.js';
import * as rules from '../units/rules.js';
import { showShape } from './shape.js';
import type { Node, PlasticityArg } from './node.js';
import type { Primitive } from './primitive.js';
import { checkEventUnit } from './structured.js';

/** Positions of the optional operands after data, spikes, trace, ptr, idx. */
export function plasticityOperands(arg: PlasticityArg): { perm?: number; wMin?: number; wMax?: number } {
  let k = 5;
  const out: { perm?: number; wMin?: number; wMax?: number } = {};
  if (arg.permuted) out.perm = k++;
  if (arg.clipMin) out.wMin = k++;
  if (arg.clipMax) out.wMax = k++;
  return out;
}

export const plasticityUpdate: Primitive = {
  op: 'plasticityUpdate',
  infer: (src, a) => {
    const arg = a as PlasticityArg;
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
  units: (src, a) => {
    const arg = a as PlasticityArg;
    const who = `plasticity.${arg.spikes === 'row' ? 'onPre' : 'onPost'}`;
    checkEventUnit(who, src[1]!);
    const { wMin, wMax } = plasticityOperands(arg);
    // The trace and the bounds take the weight's unit (scales converted).
    const like = [2, ...(wMin === undefined ? [] : [wMin]), ...(wMax === undefined ? [] : [wMax])];
    const r = rules.sameDimension(who, src.map((s) => s.unit), [0, ...like]);
    return { unit: src[0]!.unit, factors: r.factors, operands: r.operands };
  },
  reference: (node, inputs) => {
    const arg = node.arg as PlasticityArg;
    const { perm, wMin, wMax } = plasticityOperands(arg);
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
};

