/**
 * sparseProduct(x, data, ptr, idx[, perm]): x @ M ('left') or M @ x ('right') for a compressed
 * sparse M; x is a vector or a matrix (x @ M takes [m] or [batch, m]; M @ x takes [n] or
 * [n, batch]). A bool x is events: the product adds the weights of the active entries, and
 * walking the lines of the active events (scatter) costs work per event, not per entry.
 */
import type { SparseArg } from '../args.js';
import type { Node } from '../node.js';
import { definePrimitive, type Walk } from '../primitive.js';
import { promote } from '../promote.js';
import { checkEventUnit, forEachEntry, keepUnits, productGeometry, productReference, ref } from '../structured.js';

/** x @ M scatters when M is compressed by rows (each x entry adds its row); M @ x when by columns. */
export const sparseWalk = (arg: SparseArg): Walk => ((arg.side === 'left') === (arg.compressed === 'row') ? 'scatter' : 'gather');

export const sparseProductPrimitive = definePrimitive({
  op: 'sparseProduct',
  infer: (src, arg) => {
    const x = src[0]!;
    return { shape: productGeometry(arg, x.shape).shape, dtype: promote([x, src[1]!]) };
  },
  // Events are dimensionless, so spikes @ W[nS] is in nS; x[mV] @ W[nS] in nS·mV.
  units: (src) => {
    checkEventUnit('matmul', src[0]!);
    return keepUnits(src, src[0]!.unit.mul(src[1]!.unit));
  },
  reference: (node, inputs) => {
    const [x, data, ptr, idx, perm] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?];
    const shared = node.src[1]!.shape.length === 0;
    return productReference(node, x, node.arg, (visit) => forEachEntry(node.arg, data, shared, ptr, idx, perm, visit));
  },
  traits: {
    stage: 'barrier',
    publicName: 'matmul',
    accumulates: true,
    eventOperand: (n) => (n.src[0]!.dtype === 'bool' ? 0 : undefined),
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
