/**
 * Fixed-number connectivity cases (not a test file) for test/formats/fixed.test.ts, which checks
 * their values on every backend, and test/api/fixed.test.ts, which checks sampling, structure
 * and errors once: the case generator, the matrix of a case, the dense matrix of a table, and
 * the table's invariants.
 */
import fc from 'fast-check';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { FixedPostNum, FixedPreNum } from '../../src/index.js';
import type { Dense } from '../helpers/oracle.js';

export type Kind = 'post' | 'pre';
export type Fixed = FixedPostNum | FixedPreNum;

export interface FixedCase {
  readonly kind: Kind;
  readonly rows: number;
  readonly cols: number;
  readonly num: number;
  readonly seed: number;
  readonly allowDuplicates: boolean;
  readonly dtype: 'float32' | 'float64';
  /** How values are given: a shared number, a shared 0-d array, per-entry numbers, a per-entry lazy array. */
  readonly dataKind: 'weight' | 'weightArray' | 'numbers' | 'lazy';
  /** Per-entry values in table order as stored (rounded to dtype; all the shared weight for the shared kinds). */
  readonly values: number[];
}

export const lines = (c: { kind: Kind; rows: number; cols: number }): number => (c.kind === 'post' ? c.rows : c.cols);
export const others = (c: { kind: Kind; rows: number; cols: number }): number => (c.kind === 'post' ? c.cols : c.rows);
export const construct = (kind: Kind) => (kind === 'post' ? ef.fixedPostNum : ef.fixedPreNum);

/** Values in [-4, 4]: quarter steps (0 included), float32 and float64 numbers (stored rounded to the dtype). */
export const value: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -16, max: 16 }).map((n) => n / 4),
  fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -4, max: 4, noNaN: true }),
).map((v) => (Object.is(v, -0) ? 0 : v));

export const dim = fc.oneof({ weight: 1, arbitrary: fc.constantFrom(0, 1) }, { weight: 4, arbitrary: fc.integer({ min: 0, max: 8 }) });
export const seedArb = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 32 - 1) });

/** A shape, a num from 0 to its maximum (edges favoured), a seed and the values. */
export const fixedCase: fc.Arbitrary<FixedCase> = fc
  .record({ kind: fc.constantFrom<Kind>('post', 'pre'), rows: dim, cols: dim, allowDuplicates: fc.boolean(), seed: seedArb })
  .chain((s) => {
    const m = others(s);
    const max = s.allowDuplicates ? (m === 0 ? 0 : 10) : m;
    const num = fc.oneof(fc.constant(0), fc.constant(max), fc.integer({ min: 0, max }));
    return fc.record({ s: fc.constant(s), num });
  })
  .chain(({ s, num }) => {
    const nnz = lines(s) * num;
    return fc
      .record({
        dtype: fc.oneof({ weight: 4, arbitrary: fc.constant('float32' as const) }, { weight: 1, arbitrary: fc.constant('float64' as const) }),
        dataKind: fc.constantFrom('weight', 'weightArray', 'numbers', 'lazy') as fc.Arbitrary<FixedCase['dataKind']>,
        w: value,
        values: fc.array(value, { minLength: nnz, maxLength: nnz }),
      })
      .map(({ dtype, dataKind, w, values }) => {
        const store = dtype === 'float32' ? Math.fround : (v: number) => v;
        return { ...s, num, dtype, dataKind, values: (dataKind === 'weight' || dataKind === 'weightArray' ? values.map(() => w) : values).map(store) };
      });
  });

/** The matrix of a case, values in nS. */
export function build(c: FixedCase): Fixed {
  const base = { shape: [c.rows, c.cols], num: c.num, seed: c.seed, allowDuplicates: c.allowDuplicates, dtype: c.dtype };
  const w = c.values[0] ?? 1;
  switch (c.dataKind) {
    case 'weight':
      return construct(c.kind)({ ...base, weight: w }, 'nS');
    case 'weightArray':
      return construct(c.kind)({ ...base, weight: ef.scalar(w, 'nS', c.dtype) });
    case 'numbers':
      return construct(c.kind)({ ...base, data: c.values }, 'nS');
    case 'lazy':
      // a computed (non-constant) array: conversions take their lazy paths
      return construct(c.kind)({ ...base, data: ef.array(c.values, 'nS', { dtype: c.dtype }).neg().neg() });
  }
}

/** The dense matrix from a table and values (float64, duplicates add), and Σ|value| per cell. */
export function fromTable(kind: Kind, rows: number, cols: number, num: number, table: Int32Array, values: readonly number[], dtype: Dense['dtype']): { m: Dense; abs: number[] } {
  const out = new Array<number>(rows * cols).fill(0);
  const abs = new Array<number>(rows * cols).fill(0);
  table.forEach((t, p) => {
    const a = Math.floor(p / num);
    const cell = kind === 'post' ? a * cols + t : t * cols + a;
    out[cell]! += values[p]!;
    abs[cell]! += Math.abs(values[p]!);
  });
  return { m: { values: out, shape: [rows, cols], dtype }, abs };
}


/** Every line holds `num` in-range targets; without duplicates they are distinct; sampled lines are sorted. */
export function checkTable(M: Fixed, c: { kind: Kind; rows: number; cols: number; num: number; allowDuplicates: boolean }, sorted: boolean): void {
  const t = M.table();
  const n = lines(c);
  assert.is(t.length, n * c.num, 'table length');
  assert.is(M.nnz, n * c.num, 'nnz');
  const ptr = c.kind === 'post' ? M.tocsr().indptr : M.tocsc().indptr;
  for (let a = 0; a < n; a++) {
    assert.is(ptr[a + 1]! - ptr[a]!, c.num, `line ${a}: entries`);
    const line = Array.from(t.subarray(a * c.num, (a + 1) * c.num));
    for (const v of line) assert.ok(v >= 0 && v < others(c), `line ${a}: ${v} in range`);
    if (sorted) assert.ok(line.every((v, k) => k === 0 || line[k - 1]! <= v), `line ${a} sorted: ${line}`);
    if (!c.allowDuplicates) assert.is(new Set(line).size, c.num, `line ${a} has no duplicates: ${line}`);
  }
}
