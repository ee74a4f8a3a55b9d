/**
 * Just-in-time connectivity (primitives/jitc-*.ts): the matrix is never stored; every use
 * regenerates it from (seed, line, position) with the counter-based RNG (src/rng), so
 * products, densify, transposes and every backend see one and the same matrix.
 *
 * Line l (a row when line = 'row', else a column) has its connections at the positions
 * that skip sampling (src/rng/gaps.ts) finds with the draws of stream (seed, structure, l);
 * its k-th connection weighs a, a + b·u or a + b·z, with u, z from stream (seed, weight, l):
 * u = uniform(k), z = normal(k) (draws 2k and 2k + 1).
 */
import { draw, normal, PURPOSE, streamKey, uniform } from '../rng/hash.js';
import { walkLine, type GapTable } from '../rng/gaps.js';
import type { JitcArg } from './args.js';

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

/** The gap table of a JIT matrix from its thresholds and guide operands' values. */
export const tableOf = (arg: JitcArg, thresholds: Float64Array, guide: Float64Array): GapTable =>
  ({ prob: arg.prob, thresholds: Int32Array.from(thresholds), guide: Int32Array.from(guide) });
