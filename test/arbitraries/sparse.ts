/**
 * Sparse matrices for property tests: a description (shape, entries in generation order with
 * possible duplicates, shared or per-entry values), builders for every format (dense from a
 * nested array; COO directly; CSR/CSC from indptr/indices built here, duplicates and the
 * generation order within a row kept) and the float64 dense oracle. Shares no code with src/.
 */
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import type { COO, CSC, CSR, DenseMatrix, LazyArray } from '../../src/index.js';
import type { Dense } from '../helpers/oracle.js';
import { deviceExact } from '../helpers/backends.js';

export type Format = 'dense' | 'coo' | 'csr' | 'csc';
export type SparseFormatName = 'coo' | 'csr' | 'csc';
export type AnySparse = COO | CSR | CSC;
export type AnyMatrix = DenseMatrix | AnySparse;
export const FORMATS: readonly Format[] = ['dense', 'coo', 'csr', 'csc'];
export const SPARSE_FORMATS: readonly SparseFormatName[] = ['coo', 'csr', 'csc'];

/** How per-entry data is handed over: a plain array, a typed array, or a lazy (non-constant) array. */
export type DataKind = 'numbers' | 'typed' | 'lazy';

export interface SparseCase {
  readonly rows: number;
  readonly cols: number;
  /** Row and column of each entry, in generation order; (row, col) pairs may repeat. */
  readonly row: readonly number[];
  readonly col: readonly number[];
  /** The value of each entry (all equal to `shared` when the data is one shared weight). */
  readonly values: readonly number[];
  /** The shared weight, when the data is one number. */
  readonly shared: number | undefined;
  readonly dtype: 'float32' | 'float64';
  readonly dataKind: DataKind;
}

export const nnzOf = (c: SparseCase): number => c.row.length;

/**
 * Values in [-4, 4]: quarter steps (0 included) and arbitrary float32 numbers, sometimes a
 * double that float32 cannot hold (0.7, ...), which construction rounds once.
 */
export const weight: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -16, max: 16 }).map((n) => n / 4) },
  { weight: 4, arbitrary: fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }).map((v) => deviceExact(Object.is(v, -0) ? 0 : v)) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(0.7), fc.double({ min: -4, max: 4, noNaN: true }).map((v) => deviceExact(Object.is(v, -0) ? 0 : v))) },
);

const dim: fc.Arbitrary<number> = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }) });

type Entries = { rows: number; cols: number; row: number[]; col: number[] };

/** Small shapes (0..6), up to 2 entries per cell, some entries repeated on purpose. */
const smallEntries: fc.Arbitrary<Entries> = fc.tuple(dim, dim).chain(([rows, cols]) => {
  if (rows * cols === 0) return fc.constant({ rows, cols, row: [], col: [] });
  const cell = fc.tuple(fc.nat(rows - 1), fc.nat(cols - 1));
  return fc
    .array(cell, { maxLength: Math.min(2 * rows * cols, 40) })
    .chain((base) => fc.tuple(fc.constant(base), fc.subarray(base), fc.boolean()))
    .map(([base, again, repeat]) => {
      const all = repeat ? [...base, ...again] : base;
      return { rows, cols, row: all.map((e) => e[0]), col: all.map((e) => e[1]) };
    });
});

/** A few rows, one of which holds up to 300 entries (columns drawn with repeats), others sparse. */
const longRowEntries: fc.Arbitrary<Entries> = fc
  .record({ rows: fc.integer({ min: 1, max: 3 }), cols: fc.integer({ min: 1, max: 320 }) })
  .chain(({ rows, cols }) =>
    fc.record({
      rows: fc.constant(rows),
      cols: fc.constant(cols),
      long: fc.nat(rows - 1),
      longCols: fc.array(fc.nat(cols - 1), { minLength: 200, maxLength: 300 }),
      others: fc.array(fc.tuple(fc.nat(rows - 1), fc.nat(cols - 1)), { maxLength: 6 }),
    }))
  .map(({ rows, cols, long, longCols, others }) => ({
    rows,
    cols,
    row: [...longCols.map(() => long), ...others.map((e) => e[0])],
    col: [...longCols, ...others.map((e) => e[1])],
  }));

export interface SparseCaseOptions {
  /** Allow the long-row shapes (default true). */
  readonly long?: boolean;
  /** Force shared (true) or per-entry (false) data; drawn when undefined. */
  readonly shared?: boolean;
  /** Allow float64 data (default true; 1 in 5). */
  readonly float64?: boolean;
  /** Allow lazy (non-constant) data (default true). */
  readonly lazy?: boolean;
}

/** A random sparse matrix description. */
export function sparseCase(opts: SparseCaseOptions = {}): fc.Arbitrary<SparseCase> {
  const entries = opts.long === false ? smallEntries : fc.oneof({ weight: 9, arbitrary: smallEntries }, { weight: 1, arbitrary: longRowEntries });
  const dtype: fc.Arbitrary<'float32' | 'float64'> = opts.float64 === false ? fc.constant('float32') : fc.oneof({ weight: 4, arbitrary: fc.constant('float32' as const) }, { weight: 1, arbitrary: fc.constant('float64' as const) });
  const kinds: DataKind[] = opts.lazy === false ? ['numbers', 'typed'] : ['numbers', 'typed', 'lazy'];
  return entries.chain((e) =>
    fc
      .record({
        shared: opts.shared === undefined ? fc.boolean() : fc.constant(opts.shared),
        w: weight,
        values: fc.array(weight, { minLength: e.row.length, maxLength: e.row.length }),
        dtype,
        dataKind: fc.constantFrom(...kinds),
      })
      .map(({ shared, w, values, dtype: d, dataKind }) => ({
        ...e,
        values: shared ? e.row.map(() => w) : values,
        shared: shared ? w : undefined,
        dtype: d,
        dataKind,
      })));
}

// ------------------------------------------------------------------ oracle

/** Entry k's value as the matrix stores it (float32 data rounds each given value once). */
export const storedValue = (c: SparseCase, k: number): number => (c.dtype === 'float32' ? Math.fround(c.values[k]!) : c.values[k]!);

/** The dense matrix in float64 (duplicates add), row-major. */
export function oracleValues(c: SparseCase): number[] {
  const out = new Array<number>(c.rows * c.cols).fill(0);
  c.row.forEach((r, k) => { out[r * c.cols + c.col[k]!]! += storedValue(c, k); });
  return out;
}

/** Σ |value| per cell: the scale of a cell's rounding error. */
export function oracleAbs(c: SparseCase): number[] {
  const out = new Array<number>(c.rows * c.cols).fill(0);
  c.row.forEach((r, k) => { out[r * c.cols + c.col[k]!]! += Math.abs(storedValue(c, k)); });
  return out;
}

/** The oracle as a Dense record (float64 values, labelled with the data dtype for promotion). */
export function oracle(c: SparseCase): Dense {
  return { values: oracleValues(c), shape: [c.rows, c.cols], dtype: c.dtype };
}

/** The transpose of a row-major [rows, cols] Dense. */
export function transposeDense(d: Dense): Dense {
  const [r, k] = d.shape as [number, number];
  const values: number[] = [];
  for (let j = 0; j < k; j++) for (let i = 0; i < r; i++) values.push(d.values[i * k + j]!);
  return { values, shape: [k, r], dtype: d.dtype };
}

/** Entries grouped by row (csr) or column (csc), generation order kept inside a group. */
export function compressedArrays(c: SparseCase, by: 'row' | 'col'): { indptr: number[]; indices: number[]; order: number[] } {
  const [major, key, other] = by === 'row' ? [c.rows, c.row, c.col] : [c.cols, c.col, c.row];
  const order = key.map((_, k) => k).sort((a, b) => key[a]! - key[b]! || a - b);
  const indptr = new Array<number>(major + 1).fill(0);
  for (const a of key) indptr[a + 1]!++;
  for (let a = 0; a < major; a++) indptr[a + 1]! += indptr[a]!;
  return { indptr, indices: order.map((k) => other[k]!), order };
}

/** The data argument in the case's spelling, for entries taken in `order`. */
export function dataArg(c: SparseCase, order: readonly number[], unit: string): number | number[] | Float32Array | Float64Array | LazyArray {
  if (c.shared !== undefined) return c.shared;
  const vals = order.map((k) => c.values[k]!);
  switch (c.dataKind) {
    case 'numbers':
      return vals;
    case 'typed':
      return c.dtype === 'float64' ? Float64Array.from(vals) : Float32Array.from(vals);
    case 'lazy':
      // a computed (non-constant) array, so conversions take their lazy paths
      return ef.array(vals, unit, { dtype: c.dtype }).neg().neg();
  }
}

/** Nested rows of the oracle (for ef.dense). */
export const nestedRows = (c: SparseCase): number[][] => {
  const v = oracleValues(c);
  return Array.from({ length: c.rows }, (_, i) => v.slice(i * c.cols, (i + 1) * c.cols));
};

/** The matrix of `c` in format `fmt`, with its values in `unit`. */
export function buildMatrix(c: SparseCase, fmt: Format, unit = 'nS'): AnyMatrix {
  const shape = [c.rows, c.cols];
  const identity = c.row.map((_, k) => k);
  switch (fmt) {
    case 'dense':
      // nested rows need at least one row to carry the column count
      return c.rows > 0 ? ef.dense(nestedRows(c), unit, { dtype: c.dtype }) : ef.dense(ef.zeros([0, c.cols], unit, c.dtype));
    case 'coo': {
      const data = dataArg(c, identity, unit);
      // a lazy array carries its unit already
      return ef.coo({ row: [...c.row], col: [...c.col], data, shape, dtype: c.dtype }, data instanceof ef.LazyArray ? undefined : unit);
    }
    case 'csr':
    case 'csc': {
      const { indptr, indices, order } = compressedArrays(c, fmt === 'csr' ? 'row' : 'col');
      const data = dataArg(c, order, unit);
      const input = { indptr, indices, data, shape, dtype: c.dtype };
      const u = data instanceof ef.LazyArray ? undefined : unit;
      return fmt === 'csr' ? ef.csr(input, u) : ef.csc(input, u);
    }
  }
}

// ------------------------------------------------------------------ product operands

export type OperandKind = 'float' | 'binary' | 'bool';

export interface OperandCase {
  readonly kind: OperandKind;
  /** Row-major values (0/1 for events). */
  readonly values: number[];
  readonly shape: number[];
}

/** Spike bits: none, all, or random. */
const bits = (len: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.constant(new Array<number>(len).fill(0)),
    fc.constant(new Array<number>(len).fill(1)),
    fc.array(fc.constantFrom(0, 1), { minLength: len, maxLength: len }),
  );

/**
 * An operand contracted over `n`: a vector [n], or a matrix with a batch of 0..3 ([b, n] on
 * the left, [n, b] on the right); float values in [-4, 4] or events.
 */
export function operand(n: number, side: 'left' | 'right', kinds: readonly OperandKind[] = ['float', 'binary', 'bool']): fc.Arbitrary<OperandCase> {
  return fc
    .record({ kind: fc.constantFrom(...kinds), batch: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 2 }) })
    .chain(({ kind, batch }) => {
      const shape = batch === null ? [n] : side === 'left' ? [batch, n] : [n, batch];
      const size = shape.reduce((a, b) => a * b, 1);
      const values = kind === 'float' ? fc.array(weight, { minLength: size, maxLength: size }) : bits(size);
      return values.map((v) => ({ kind, values: v, shape }));
    });
}

/** The ef operand: floats in `unit`, ef.binary, or a bool comparison. */
export function buildOperand(x: OperandCase, unit = 'mV'): LazyArray {
  switch (x.kind) {
    case 'float':
      return ef.array(x.values, unit, { shape: x.shape });
    case 'binary':
      return ef.binary(x.values, x.shape);
    case 'bool':
      // 0/1 floats compared with 0.5: a plain bool LazyArray, not a BinaryArray
      return ef.array(x.values, '1', { shape: x.shape }).greater(0.5);
  }
}

/** The operand as an oracle Dense: float32 values as stored, events as 0/1 bools. */
export const operandDense = (x: OperandCase): Dense =>
  x.kind === 'float'
    ? { values: x.values.map(Math.fround), shape: [...x.shape], dtype: 'float32' }
    : { values: [...x.values], shape: [...x.shape], dtype: 'bool' };

/** The number of entries per cell, row-major [rows, cols] (duplicates count apart: each is a term of a product). */
export function oracleCount(c: SparseCase): number[] {
  const out = new Array<number>(c.rows * c.cols).fill(0);
  c.row.forEach((r, k) => { out[r * c.cols + c.col[k]!]! += 1; });
  return out;
}

/**
 * The matrix as format `fmt` holds it, for the product oracle: a dense matrix and a COO
 * (ef.coo sums duplicate entries into one) hold each cell's sum of duplicates rounded once
 * to float32 when the data is float32; CSR and CSC keep every entry, so their products add
 * the duplicates themselves and the float64 oracle stands.
 */
export function heldOracle(c: SparseCase, fmt: Format): Dense {
  const d = oracle(c);
  return (fmt === 'dense' || fmt === 'coo') && c.dtype === 'float32' ? { ...d, values: d.values.map(Math.fround) } : d;
}

/**
 * Entries assumed per nonzero cell where a caller gives no counts (fixed-number matrices hold
 * up to 10 entries of a row in one cell with duplicates allowed, JIT connectivity one).
 */
export const UNCOUNTED_ENTRIES = 16;

/** Per output of a product: the magnitudes that bound its rounding error. */
export interface ProductMagnitudes {
  /** S_j = Σ_q |x_q| |M_qj| (|M_qj| the Σ |entry| of the cell): the magnitude sum of output j's terms. */
  readonly sum: number[];
  /** n_j: the number of terms of output j, an upper bound on the roundings of its sum (dense or per entry). */
  readonly terms: number[];
}

/**
 * Per-output magnitudes of x @ M (left) or M @ x (right), row-major over the output shape:
 * `mAbs` is Σ |entry| per cell of the [r, k] matrix and `mCount` the entries per cell. An
 * output's error bound comes from its own terms, not from the largest output of the product.
 * Without `mCount` a nonzero cell counts as UNCOUNTED_ENTRIES entries.
 */
export function productMagnitudes(mAbs: readonly number[], mCount: readonly number[] | undefined, mShape: readonly number[], x: { readonly values: readonly number[]; readonly shape: readonly number[] }, side: 'left' | 'right'): ProductMagnitudes {
  const [r, k] = mShape as [number, number];
  const xAbs = x.values.map((v) => Math.abs(Math.fround(v)));
  const vector = x.shape.length === 1;
  // output (i, j) = Σ_q a(i, q) b(q, j); for x on the left a = x [batch, r], b = M [r, k]
  const [rowsA, inner, colsB] = side === 'left' ? [vector ? 1 : x.shape[0]!, r, k] : [r, k, vector ? 1 : x.shape[1]!];
  const sum: number[] = [];
  const terms: number[] = [];
  for (let i = 0; i < rowsA; i++) {
    for (let j = 0; j < colsB; j++) {
      let s = 0;
      let n = inner; // a dense product adds every cell of the contracted dimension
      for (let q = 0; q < inner; q++) {
        const [xv, cell] = side === 'left' ? [xAbs[vector ? q : i * inner + q]!, q * k + j] : [xAbs[vector ? q : q * colsB + j]!, i * k + q];
        s += xv * mAbs[cell]!;
        // a sparse product adds every entry, duplicates apart
        n += mCount !== undefined ? mCount[cell]! : mAbs[cell] !== 0 ? UNCOUNTED_ENTRIES : 0;
      }
      sum.push(s);
      terms.push(n);
    }
  }
  return { sum, terms };
}
