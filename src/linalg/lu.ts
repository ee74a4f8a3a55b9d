/**
 * A direct sparse LU with partial pivoting (right-looking, rows stored sparse), for a general
 * square A of moderate size. Columns are eliminated in their natural order (no fill-reducing
 * ordering); in column k the pivot is the remaining row with the largest |A[i, k]|.
 * Limits, checked before and during the factorization: n ≤ LU_MAX_N, and at most
 * LU_MAX_FILL entries stored in L and U together (fill-in included) — a ResourceError then
 * advises CG. A pivot of magnitude ≤ n · 2^-52 · max|A| is taken as zero: a
 * SingularMatrixError names the column.
 */
import { ResourceError, SingularMatrixError } from '../errors.js';
import type { HostCsr } from './host.js';

export const LU_MAX_N = 20_000;
export const LU_MAX_FILL = 20_000_000;

export interface LuFactors {
  readonly n: number;
  /** Row of A chosen as the pivot of column k. */
  readonly pivotRow: Int32Array;
  /** Eliminations in order: for step k, rows elimRow[elimPtr[k] .. elimPtr[k+1]) lose elimVal × the pivot row. */
  readonly elimPtr: Int32Array;
  readonly elimRow: Int32Array;
  readonly elimVal: Float64Array;
  /** U, row k (the pivot row of column k): columns > k and their values, and the pivot. */
  readonly uCols: Int32Array[];
  readonly uVals: Float64Array[];
  readonly pivot: Float64Array;
}

/** Factor A (host CSR, float64). */
export function luFactor(op: string, A: HostCsr): LuFactors {
  const n = A.n;
  if (n > LU_MAX_N) {
    throw new ResourceError(`${op}: A has ${n} unknowns; the sparse LU takes at most ${LU_MAX_N} (no fill-reducing ordering: fill-in grows fast); use method 'cg' for a symmetric positive definite A`);
  }
  const rows: Map<number, number>[] = [];
  const colRows: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const row = new Map<number, number>();
    for (let p = A.ptr[i]!; p < A.ptr[i + 1]!; p++) {
      const j = A.idx[p]!;
      row.set(j, (row.get(j) ?? 0) + A.val[p]!);
      colRows[j]!.add(i);
      maxAbs = Math.max(maxAbs, Math.abs(A.val[p]!));
    }
    rows.push(row);
  }
  const tiny = n * 2 ** -52 * maxAbs;
  const pivotRow = new Int32Array(n);
  const pivot = new Float64Array(n);
  const uCols: Int32Array[] = [];
  const uVals: Float64Array[] = [];
  const elimPtr = new Int32Array(n + 1);
  const elimRow: number[] = [];
  const elimVal: number[] = [];
  let stored = 0;
  for (let k = 0; k < n; k++) {
    const candidates = colRows[k]!;
    let best = -1, bestAbs = -1;
    for (const i of candidates) {
      const a = Math.abs(rows[i]!.get(k) ?? 0);
      if (a > bestAbs || (a === bestAbs && i < best)) { best = i; bestAbs = a; }
    }
    if (best < 0 || bestAbs <= tiny) {
      throw new SingularMatrixError(`${op}: A is singular: column ${k} has no nonzero pivot left after partial pivoting (largest remaining |entry| ${Math.max(bestAbs, 0)}, threshold n·2^-52·max|A| = ${tiny}); check for a zero or dependent column ${k}, or regularize (A.diagAdd(eps))`);
    }
    const prow = rows[best]!;
    const pv = prow.get(k)!;
    pivotRow[k] = best;
    pivot[k] = pv;
    prow.delete(k);
    // the pivot row leaves every column set (it is done)
    for (const j of prow.keys()) colRows[j]!.delete(best);
    candidates.delete(best);
    const cols = Int32Array.from(prow.keys());
    const vals = Float64Array.from(prow.values());
    uCols.push(cols);
    uVals.push(vals);
    stored += cols.length + 1;
    for (const i of candidates) {
      const row = rows[i]!;
      const l = row.get(k)! / pv;
      row.delete(k);
      elimRow.push(i);
      elimVal.push(l);
      stored++;
      if (l === 0) continue;
      for (let t = 0; t < cols.length; t++) {
        const j = cols[t]!;
        const old = row.get(j);
        if (old === undefined) { row.set(j, -l * vals[t]!); colRows[j]!.add(i); stored++; } else row.set(j, old - l * vals[t]!);
      }
    }
    if (stored > LU_MAX_FILL) {
      throw new ResourceError(`${op}: the LU factors of a [${n}, ${n}] matrix reached ${stored} stored entries at column ${k} (fill-in), above the limit ${LU_MAX_FILL}; use method 'cg' for a symmetric positive definite A`);
    }
    candidates.clear();
    rows[best] = new Map();
    elimPtr[k + 1] = elimRow.length;
  }
  return { n, pivotRow, elimPtr, elimRow: Int32Array.from(elimRow), elimVal: Float64Array.from(elimVal), uCols, uVals, pivot };
}

/** x with A x = b from the factors (b is not changed). */
export function luSolve(f: LuFactors, b: Float64Array): Float64Array {
  const { n, pivotRow, elimPtr, elimRow, elimVal, uCols, uVals, pivot } = f;
  const y = Float64Array.from(b); // indexed by original row
  for (let k = 0; k < n; k++) {
    const yk = y[pivotRow[k]!]!;
    if (yk === 0) continue;
    for (let e = elimPtr[k]!; e < elimPtr[k + 1]!; e++) y[elimRow[e]!]! -= elimVal[e]! * yk;
  }
  const x = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let s = y[pivotRow[k]!]!;
    const cols = uCols[k]!, vals = uVals[k]!;
    for (let t = 0; t < cols.length; t++) s -= vals[t]! * x[cols[t]!]!;
    x[k] = s / pivot[k]!;
  }
  return x;
}
