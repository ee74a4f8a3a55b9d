/**
 * Plastic matrices for the shared plasticity and eligibility suites: every storing format
 * (dense, COO merged or with duplicates, CSR, CSC, fixed-number with or without duplicates),
 * maybe transposed, with weights in nS; and their stored entries read through the public
 * accessors of each format.
 */
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import type { PlasticMatrix } from '../../src/index.js';
import { buildMatrix, sparseCase, weight } from '../arbitraries/sparse.js';

export type Kind = 'dense' | 'coo' | 'cooDup' | 'csr' | 'csc' | 'fixedPostNum' | 'fixedPreNum';
export const KINDS: readonly Kind[] = ['dense', 'coo', 'cooDup', 'csr', 'csc', 'fixedPostNum', 'fixedPreNum'];

const dim = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) });

/** A fixed-number matrix: sampled table (duplicates allowed or not), shared weight or per-entry data. */
const fixedMatrix = (post: boolean): fc.Arbitrary<PlasticMatrix> =>
  fc
    .record({ rows: dim, cols: dim, allowDuplicates: fc.boolean(), seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }) })
    .chain((s) => {
      const bound = post ? s.cols : s.rows;
      const max = s.allowDuplicates ? (bound === 0 ? 0 : 8) : bound;
      const lines = post ? s.rows : s.cols;
      return fc.integer({ min: 0, max }).chain((num) =>
        fc.record({
          s: fc.constant(s),
          num: fc.constant(num),
          shared: fc.boolean(),
          w: weight,
          values: fc.array(weight, { minLength: lines * num, maxLength: lines * num }),
          dtype: fc.constantFrom<'float32' | 'float64'>('float32', 'float32', 'float32', 'float64'),
        }));
    })
    .map(({ s, num, shared, w, values, dtype }) => {
      const input = { shape: [s.rows, s.cols], num, seed: s.seed, allowDuplicates: s.allowDuplicates, dtype, ...(shared ? { weight: w } : { data: values }) };
      return post ? ef.fixedPostNum(input, 'nS') : ef.fixedPreNum(input, 'nS');
    });

/** A matrix of `kind` with weights in nS, maybe transposed. */
export function matrixOf(kind: Kind, long: boolean): fc.Arbitrary<PlasticMatrix> {
  const base: fc.Arbitrary<PlasticMatrix> =
    kind === 'fixedPostNum' || kind === 'fixedPreNum'
      ? fixedMatrix(kind === 'fixedPostNum')
      : sparseCase({ long }).map((c) => (kind === 'cooDup' ? (buildMatrix(c, 'csr', 'nS') as ef.CSR).tocoo() : buildMatrix(c, kind, 'nS')));
  return fc.tuple(base, fc.boolean()).map(([M, t]) => (t ? M.transpose() : M));
}

/** Stored entries in data order, read through the public accessors of each format. */
export interface Entries {
  readonly rows: number;
  readonly cols: number;
  readonly r: number[];
  readonly c: number[];
  readonly w: number[];
}

export function entriesOf(M: PlasticMatrix): Entries {
  const [rows, cols] = M.shape;
  const raw = Array.from(M.data.dataSync());
  if (M instanceof ef.DenseMatrix) {
    const r: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) r.push(i), c.push(j);
    return { rows, cols, r, c, w: raw };
  }
  const nnz = M.nnz;
  const w = M.data.ndim === 0 ? new Array<number>(nnz).fill(raw[0]!) : raw;
  const expand = (ptr: Int32Array): number[] => {
    const out: number[] = [];
    for (let a = 0; a + 1 < ptr.length; a++) for (let p = ptr[a]!; p < ptr[a + 1]!; p++) out.push(a);
    return out;
  };
  const lineOf = (num: number): number[] => Array.from({ length: nnz }, (_, k) => Math.floor(k / num));
  if (M instanceof ef.CSR) return { rows, cols, r: expand(M.indptr), c: Array.from(M.indices), w };
  if (M instanceof ef.CSC) return { rows, cols, r: Array.from(M.indices), c: expand(M.indptr), w };
  if (M instanceof ef.COO) return { rows, cols, r: Array.from(M.row), c: Array.from(M.col), w };
  if (M instanceof ef.FixedPostNum) return { rows, cols, r: lineOf(M.num), c: Array.from(M.table()), w };
  if (M instanceof ef.FixedPreNum) return { rows, cols, r: Array.from(M.table()), c: lineOf(M.num), w };
  throw new Error(`unexpected matrix ${String(M)}`);
}

