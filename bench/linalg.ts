/**
 * ef.linalg on the host (float64 over A's CSR arrays), cpu backend for realizing A:
 *  (a) CG on the 2-D Laplacian of a 316 × 316 grid (99,856 unknowns, 5-point stencil,
 *      Dirichlet boundary), with and without the Jacobi preconditioner, tol 1e-8. The
 *      Laplacian's diagonal is constant (4), so Jacobi only rescales it: the same iterations.
 *      A second matrix, the same grid with coefficients varying 1 … 1000 across it
 *      (−∇·(k∇u), k = 10^(3·x/L) per cell, harmonic means on faces), shows what Jacobi is for.
 *  (b) The direct sparse LU (natural order, partial pivoting) on the 2-D Laplacian of 40 × 40
 *      and 60 × 60 grids, against CG on the same system.
 * Each timed call is one whole solve: realizing A's values (dataSync), the symmetry check,
 * the iteration (or factorization and triangular solves). Medians of a few calls.
 */
import * as ef from '../src/index.js';
import { fmt, measure, table, type Report, type RunConfig } from './harness.js';

/** −∇·(k∇u) on a g × g grid, Dirichlet (zero) outside; k per cell (row-major), 1 for the Laplacian. */
function gridMatrix(g: number, k?: (i: number, j: number) => number): ef.CSR {
  const n = g * g;
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const data: number[] = [];
  const kk = k ?? (() => 1);
  const face = (a: number, b: number): number => (2 * a * b) / (a + b);
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      const here = kk(i, j);
      const nb: [number, number][] = [[i - 1, j], [i, j - 1], [i, j + 1], [i + 1, j]];
      let diag = 0;
      const row: [number, number][] = [];
      for (const [a, b] of nb) {
        // outside the grid: a Dirichlet neighbour with the same coefficient
        const w = a < 0 || a >= g || b < 0 || b >= g ? here : face(here, kk(a, b));
        diag += w;
        if (a >= 0 && a < g && b >= 0 && b < g) row.push([a * g + b, -w]);
      }
      row.push([i * g + j, diag]);
      row.sort((x, y) => x[0] - y[0]);
      for (const [c, v] of row) { indices.push(c); data.push(v); }
      indptr[i * g + j + 1] = indices.length;
    }
  }
  return ef.csr({ indptr, indices: Int32Array.from(indices), data: Float64Array.from(data), shape: [n, n], dtype: 'float64' }, 'nS');
}

export async function run(config: RunConfig): Promise<readonly Report[]> {
  ef.setBackend('cpu');
  const g = config.quick ? 40 : 316;
  const reps = config.quick ? 1 : 3;
  const lap = gridMatrix(g);
  const varying = gridMatrix(g, (i) => 10 ** ((3 * i) / (g - 1)));
  const b = ef.ones([g * g], 'pA', 'float64');
  const cgRows: string[][] = [];
  for (const [label, A] of [['Laplacian', lap], ['coefficients 1 … 1000', varying]] as const) {
    const cases = (['jacobi', 'none'] as const).map((p) => ({ name: `${label}, ${p}`, fn: () => ef.linalg.cg(A, b, { preconditioner: p, maxIter: 20 * g * g }) }));
    config.log(`cg: ${label}`);
    const ms = await measure(cases, { warmup: 1, reps });
    for (const m of ms) {
      const r = m.last as ef.CgResult;
      cgRows.push([m.name, String(g * g), String(r.iterations), r.residual.toExponential(2), fmt(m.median), fmt(m.min), fmt(m.max), String(m.reps), fmt(m.median / r.iterations, 3)]);
    }
  }
  const luRows: string[][] = [];
  for (const lg of config.quick ? [10, 20] : [40, 60]) {
    const A = gridMatrix(lg);
    const bb = ef.ones([lg * lg], 'pA', 'float64');
    config.log(`lu: ${lg} × ${lg}`);
    const ms = await measure([
      { name: `LU, ${lg} × ${lg} grid`, fn: () => ef.linalg.solve(A, bb, { method: 'lu' }) },
      { name: `CG (Jacobi), ${lg} × ${lg} grid`, fn: () => ef.linalg.solve(A, bb, { method: 'cg' }) },
    ], { warmup: 1, reps });
    const x = (ms[0]!.last as ef.LazyArray).dataSync();
    const y = (ms[1]!.last as ef.LazyArray).dataSync();
    let diff = 0, scale = 0;
    for (let i = 0; i < x.length; i++) { diff = Math.max(diff, Math.abs(x[i]! - y[i]!)); scale = Math.max(scale, Math.abs(x[i]!)); }
    for (const m of ms) luRows.push([m.name, String(lg * lg), fmt(m.median), fmt(m.min), fmt(m.max), String(m.reps), (diff / scale).toExponential(1)]);
  }
  return [
    { title: `CG on a ${g} × ${g} grid (tol 1e-8, float64 on the host)`, markdown: table(['case', 'unknowns', 'iterations', 'residual', 'median ms', 'min ms', 'max ms', 'reps', 'ms / iteration'], cgRows) },
    { title: 'Direct sparse LU (natural order, partial pivoting) vs CG, 2-D Laplacian', markdown: table(['case', 'unknowns', 'median ms', 'min ms', 'max ms', 'reps', 'max |x_lu − x_cg| / max |x|'], luRows) },
  ];
}
