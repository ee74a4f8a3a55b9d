/**
 * Just-in-time connectivity primitives: the matrix is never stored; every use regenerates
 * it from (seed, line, position) with the counter-based RNG (src/rng), so products,
 * densify, transposes and every backend see one and the same matrix.
 *
 * - jitcProduct(x, a, b, thresholds, guide): x @ J or J @ x, vectors and matrices, floats
 *   or events (bool), like sparseProduct.
 * - jitcDensify(a, b, thresholds, guide): the dense [rows, cols] matrix.
 *
 * Line l (a row when line = 'row', else a column) has its connections at the positions
 * that skip sampling (src/rng/gaps.ts) finds with the draws of stream (seed, structure, l);
 * its k-th connection weighs a, a + b·u or a + b·z, with u, z from stream (seed, weight, l):
 * u = uniform(k), z = normal(k) (draws 2k and 2k + 1).
 */
import { Unit } from '../units/unit.js';
import { draw, normal, PURPOSE, streamKey, uniform } from '../rng/hash.js';
import { walkLine, type GapTable } from '../rng/gaps.js';
import type { JitcArg, Node } from './node.js';
import type { Primitive } from './primitive.js';
import { promote } from './promote.js';
import { checkEventUnit, keepUnits, productGeometry, productReference } from './structured.js';

/** Calls visit(row, col, weight) for every connection, line by line. */
export function forEachJitcEntry(
  arg: JitcArg, table: GapTable, a: number, b: number,
  visit: (row: number, col: number, weight: number) => void,
): void {
  const byRow = arg.line === 'row';
  const [lines, n] = byRow ? [arg.rows, arg.cols] : [arg.cols, arg.rows];
  for (let l = 0; l < lines; l++) {
    const key = streamKey(arg.seed, PURPOSE.structure, l);
    const wkey = streamKey(arg.seed, PURPOSE.weight, l);
    let c = 0;
    walkLine(table, n, () => draw(key, c++), (pos, k) => {
      const w = arg.dist === 'scalar' ? a : arg.dist === 'uniform' ? a + b * uniform(wkey, k) : a + b * normal(wkey, k);
      if (byRow) visit(l, pos, w);
      else visit(pos, l, w);
    });
  }
}

const jitcArg = (n: Node): JitcArg => n.arg as JitcArg;
const tableOf = (arg: JitcArg, thresholds: Float64Array, guide: Float64Array): GapTable =>
  ({ prob: arg.prob, thresholds: Int32Array.from(thresholds), guide: Int32Array.from(guide) });

export const jitcProduct: Primitive = {
  op: 'jitcProduct',
  infer: (src, arg) => {
    return { shape: productGeometry(arg as JitcArg, src[0]!.shape).shape, dtype: promote([src[0]!, src[1]!]) };
  },
  units: (src) => {
    checkEventUnit('matmul', src[0]!);
    return keepUnits(src, src[0]!.unit.mul(src[1]!.unit));
  },
  reference: (node, inputs) => {
    const arg = jitcArg(node);
    const [x, a, b, t, g] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return productReference(node, x, arg, (visit) => forEachJitcEntry(arg, tableOf(arg, t, g), a[0]!, b[0]!, visit));
  },
};

export const jitcDensify: Primitive = {
  op: 'jitcDensify',
  infer: (src, arg) => ({ shape: [(arg as JitcArg).rows, (arg as JitcArg).cols], dtype: src[0]!.dtype }),
  units: (src) => keepUnits(src, src[0]!.unit),
  reference: (node, inputs) => {
    const arg = jitcArg(node);
    const [a, b, t, g] = inputs as [Float64Array, Float64Array, Float64Array, Float64Array];
    const out = new Float64Array(arg.rows * arg.cols);
    forEachJitcEntry(arg, tableOf(arg, t, g), a[0]!, b[0]!, (r, c, w) => {
      out[r * arg.cols + c] = w;
    });
    return out;
  },
};
