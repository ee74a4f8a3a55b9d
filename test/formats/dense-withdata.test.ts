/**
 * `dense.withData` on matrices of every shape, rectangular ones included, on every backend
 * (docs/formats.md, "Values can change while the structure stays"): new nested rows of the
 * same [rows, cols] shape replace the values and keep the matrix's unit and dtype unless a
 * unit is named; a LazyArray brings its own unit and dtype, and is converted when a unit is
 * named. The values are quarter-integers, exact in float32, so the oracle is the rows given
 * (times 1000 for µS expressed in nS). Shapes that differ are refused: test/api/dense-arguments.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { RUN_OPTS, expectDense, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(30), includeErrorInReport: true };

const quarter = fc.integer({ min: -40, max: 40 }).map((n) => n / 4);
/** Two matrices of one [rows, cols] shape (rows and cols drawn apart, so mostly rectangular) and a dtype. */
const cases = fc
  .record({ rows: fc.integer({ min: 1, max: 5 }), cols: fc.integer({ min: 1, max: 5 }), dtype: fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'> })
  .chain(({ rows, cols, dtype }) => {
    const matrix = fc.array(fc.array(quarter, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
    return fc.record({ rows: fc.constant(rows), cols: fc.constant(cols), dtype: fc.constant(dtype), a: matrix, b: matrix });
  });

forEachBackend(test, 'dense.withData replaces the values of a matrix of any shape; unit and dtype kept, named, or brought by a LazyArray', (backend) => {
  // a 2 × 3 matrix first, by hand: the case the property could miss
  const M23 = ef.dense([[1, 2, 3], [4, 5, 6]], 'nS');
  const N23 = M23.withData([[0.5, 0, -1], [2, 0.25, 8]]);
  assert.equal([...N23.shape], [2, 3]);
  expectDense(backend, N23.data, { values: [0.5, 0, -1, 2, 0.25, 8], shape: [2, 3], dtype: 'float32' }, 'withData of a 2 × 3 matrix');

  fc.assert(fc.property(cases, ({ rows, cols, dtype, a, b }) => {
    const M = ef.dense(a, 'nS', { dtype });
    const flat = b.flat();
    const shape = [rows, cols];
    const variants: [string, ef.DenseMatrix, string, 'float32' | 'float64', number[]][] = [
      ['nested rows', M.withData(b), 'nS', dtype, flat],
      ['nested rows in mV', M.withData(b, 'mV'), 'mV', dtype, flat],
      ['a float32 LazyArray in uS', M.withData(ef.array(b, 'uS')), 'uS', 'float32', flat],
      ['a float64 LazyArray in uS', M.withData(ef.array(b, 'uS', 'float64')), 'uS', 'float64', flat],
      ['a LazyArray in uS expressed in nS', M.withData(ef.array(b, 'uS'), 'nS'), 'nS', 'float32', flat.map((v) => v * 1000)],
    ];
    for (const [what, N, unit, want, values] of variants) {
      assert.ok(N instanceof ef.DenseMatrix, `${what}: a DenseMatrix`);
      assert.equal([...N.shape], shape, `${what}: shape`);
      assert.ok(N.unit.equals(ef.Unit.of(unit)), `${what}: unit ${N.unit.toString()}, expected ${unit}`);
      assert.is(N.dtype, want, `${what}: dtype`);
      expectDense(backend, N.data, { values, shape, dtype: want }, `withData (${what}) of a ${rows} × ${cols} ${dtype} matrix`, 1000);
    }
    // the original is unchanged
    expectDense(backend, M.data, { values: a.flat(), shape, dtype }, 'the original matrix');
  }), OPTS);
});

test.run();
