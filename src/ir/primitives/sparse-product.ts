/**
 * sparseProduct(x, data, ptr, idx[, perm]): x @ M ('left') or M @ x ('right') for a compressed
 * sparse M; x is a vector or a matrix (x @ M takes [m] or [batch, m]; M @ x takes [n] or
 * [n, batch]). A bool x is events: the product adds the weights of the active entries, and
 * walking the lines of the active events (scatter) costs work per event, not per entry.
 */
import type { SparseArg } from '../args.js';
import type { Node } from '../node.js';
import { definePrimitive, type Walk } from '../primitive.js';
import { boolFirstOperand, forEachEntry, productInfer, productReference, productUnits, productWalk, ref } from '../structured.js';
import {like, sumAll } from '../vjp-helpers.js';

/** M's transpose at the IR level: the same data, ptr, idx and perm read the other way (O(1)). */
export const transposed = (arg: SparseArg): SparseArg =>
  ({ ...arg, rows: arg.cols, cols: arg.rows, compressed: arg.compressed === 'row' ? 'col' : 'row' });

/** x @ M scatters when M is compressed by rows (each x entry adds its row); M @ x when by columns. */
export const sparseWalk = (arg: SparseArg): Walk => productWalk(arg.side, arg.compressed);

export const sparseProductPrimitive = definePrimitive({
  op: 'sparseProduct',
  infer: productInfer,
  units: productUnits,
  reference: (node, inputs) => {
    const [x, data, ptr, idx, perm] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?];
    const shared = node.src[1]!.shape.length === 0;
    return productReference(node, x, node.arg, (visit) => forEachEntry(node.arg, data, shared, ptr, idx, perm, visit));
  },
  /**
   * x: the other-side product with M's transpose (g @ Mᵀ, or Mᵀ @ g), a float for events too
   * (surrogate spikes carry it on); data: the sampled product x_i · g_j on the structure
   * (event-driven for bool x), summed for a shared weight; ptr, idx, perm: none.
   */
  vjp: (node, g, t) => {
    const [x, data, ...structure] = node.src as [Node, Node, ...Node[]];
    const ctX = like(t, t.build('sparseProduct', [g, data, ...structure], transposed(node.arg)), x);
    const sampled = t.build('sampledProduct', [x, g, ...structure], node.arg);
    return [ctX, like(t, data.shape.length === 0 ? sumAll(t, sampled) : sampled, data), ...structure.map(() => null)];
  },
  traits: {
    stage: 'barrier',
    publicName: 'matmul',
    accumulates: true,
    eventOperand: boolFirstOperand,
    walk: (n) => sparseWalk(n.arg),
    describe: (n, events) => {
      const { arg } = n;
      const a = n.src[0] as Node;
      const kind = a.dtype === 'bool' ? 'event' : 'float';
      const m = `sparse[${arg.rows}×${arg.cols} ${arg.compressed}s${arg.permuted ? ', permuted' : ''}]`;
      const spelled = arg.side === 'left' ? `${ref(a)} @ ${m}` : `${m} @ ${ref(a)}`;
      const walk = sparseWalk(arg) === 'scatter'
        ? (kind === 'event' ? (events ? `scatter over the active list ${ref(events)}` : 'scatter over active entries (scan)') : 'scatter')
        : 'gather per output';
      return `${kind} product ${ref(n)} = ${spelled} (${walk})`;
    },
  },
});
