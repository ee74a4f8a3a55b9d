/**
 * The sparse generators of test/arbitraries/sparse.ts cover the edge cases the product suites
 * need (a guard against a generator that silently stopped producing them). Pure fast-check
 * sampling, no backend: it runs once, in the cpu+reference process.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { operand, sparseCase, type SparseCase } from '../arbitraries/sparse.js';

test('the sparse generator covers the edge cases the products need', () => {
  const sample = fc.sample(sparseCase(), { numRuns: 1500, seed: 7 });
  const share = (p: (c: SparseCase) => boolean): number => sample.filter(p).length / sample.length;
  const hasDup = (c: SparseCase): boolean => new Set(c.row.map((r, k) => `${r},${c.col[k]}`)).size < c.row.length;
  const rowCounts = (c: SparseCase): number[] => Array.from({ length: c.rows }, (_, i) => c.row.filter((r) => r === i).length);
  const checks: [string, number, number][] = [
    ['0 rows', share((c) => c.rows === 0), 0.05],
    ['0 cols', share((c) => c.cols === 0), 0.05],
    ['1 row', share((c) => c.rows === 1), 0.05],
    ['1 col', share((c) => c.cols === 1), 0.05],
    ['duplicates', share(hasDup), 0.2],
    ['an empty row in a non-empty matrix', share((c) => c.row.length > 0 && rowCounts(c).some((n) => n === 0)), 0.1],
    ['a row of 200..300 entries', share((c) => rowCounts(c).some((n) => n >= 200 && n <= 300)), 0.05],
    ['shared weight', share((c) => c.shared !== undefined), 0.3],
    ['per-entry data', share((c) => c.shared === undefined && c.row.length > 0), 0.2],
    ['float64 data', share((c) => c.dtype === 'float64'), 0.1],
    ['lazy data', share((c) => c.dataKind === 'lazy' && c.shared === undefined), 0.1],
  ];
  for (const [what, got, min] of checks) assert.ok(got >= min, `${what}: ${(100 * got).toFixed(1)}% of cases, expected at least ${100 * min}%`);
  const ops = fc.sample(operand(5, 'left'), { numRuns: 600, seed: 3 });
  const ev = ops.filter((o) => o.kind !== 'float' && o.values.length > 0);
  assert.ok(ev.some((o) => o.values.every((v) => v === 0)), 'no spikes');
  assert.ok(ev.some((o) => o.values.every((v) => v === 1)), 'all spikes');
  assert.ok(ops.some((o) => o.shape.length === 2 && o.shape[0] === 0), 'empty batch');
});

test.run();
