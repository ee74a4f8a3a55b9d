/**
 * sampledProduct(x, g, ptr, idx[, perm]): the cotangent of a sparse product's stored weights,
 * the product of x and g sampled on M's structure. For each stored entry p at (i, j):
 * x @ M ('left'): out[p] = Σ_b x[b, i] · g[b, j]; M @ x ('right'): out[p] = Σ_b g[i, b] · x[j, b]
 * (b over the batch; a vector has one). `arg` is the product's own SparseArg, so the operands
 * are the product's structure; out is in data order (entry p writes out[perm[p]] when permuted),
 * one value per entry, duplicates apart. A bool x is events: only the lines of active x
 * entries are visited when the structure is compressed along x's axis (scatter), as event
 * products are, so the cost is active × fan-out.
 */
import type { Node } from '../node.js';
import { definePrimitive, type Walk } from '../primitive.js';
import { promote } from '../promote.js';
import { boolFirstOperand, checkEventUnit, forEachEntry, keepUnits, productGeometry, productWalk, ref } from '../structured.js';
import type { SparseArg } from '../args.js';
import { ShapeMismatchError } from '../../errors.js';
import { showShape } from '../shape.js';

/** Scatter (visit active x lines) when the structure is compressed along x's axis, as for the product. */
export const sampledWalk = (arg: SparseArg): Walk => productWalk(arg.side, arg.compressed);

export const sampledProductPrimitive = definePrimitive({
  op: 'sampledProduct',
  infer: (src, arg) => {
    const [x, g, , idx] = src as [Node, Node, Node, Node];
    const { shape } = productGeometry(arg, x.shape);
    if (g.shape.length !== shape.length || g.shape.some((d, k) => d !== shape[k])) {
      throw new ShapeMismatchError(`sampledProduct: the cotangent has shape ${showShape(g.shape)}; expected the product's shape ${showShape(shape)}`);
    }
    return { shape: [idx.size], dtype: promote([x, g]) };
  },
  units: (src) => {
    checkEventUnit('sampledProduct', src[0]!);
    return keepUnits(src, src[0]!.unit.mul(src[1]!.unit));
  },
  reference: (node, inputs) => {
    const { arg } = node;
    const [x, g, ptr, idx, perm] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?];
    const { nIn, nOut, batch } = productGeometry(arg, node.src[0]!.shape);
    const left = arg.side === 'left';
    const out = new Float64Array(idx.length);
    // Entry positions in structure order (a shared weight's value is not read: 0-d data of 1).
    const position = Float64Array.from({ length: idx.length }, (_, p) => p);
    let p = 0;
    forEachEntry(arg, position, false, ptr, idx, undefined, (r, c) => {
      const [i, o] = left ? [r, c] : [c, r];
      let acc = 0;
      for (let b = 0; b < batch; b++) {
        const xv = x[left ? b * nIn + i : i * batch + b]!;
        acc += xv * g[left ? b * nOut + o : o * batch + b]!;
      }
      out[perm ? perm[p]! : p] = acc;
      p++;
    });
    return out;
  },
  traits: {
    stage: 'barrier',
    publicName: 'grad (sampled product)',
    eventOperand: boolFirstOperand,
    walk: (n) => sampledWalk(n.arg),
    describe: (n, events) => {
      const { arg } = n;
      const x = n.src[0]!;
      const walk = sampledWalk(arg) === 'scatter'
        ? (x.dtype === 'bool' ? (events ? `lines of the active list ${ref(events)}` : 'lines of active entries') : 'every line of x')
        : 'every line of g';
      const m = `sparse[${arg.rows}×${arg.cols} ${arg.compressed}s${arg.permuted ? ', permuted' : ''}]`;
      return `sampled product ${ref(n)} = (${arg.side === 'left' ? `${ref(x)}ᵀ ${ref(n.src[1]!)}` : `${ref(n.src[1]!)} ${ref(x)}ᵀ`}) at the entries of ${m} (${walk})`;
    },
  },
});
