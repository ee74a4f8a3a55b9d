/**
 * Validation of the matrix formats on every backend: every malformed input (indptr, indices,
 * data, shape, COO lengths, dense values) is an InvalidFormatError naming the format, the
 * array and its first bad position; products and structure-keeping ops refuse what does not
 * fit (ShapeMismatchError, InvalidArgumentError); units convert at construction; the Either
 * forms (ef.safe.*) give Left / Right; what the argument checks accept computes. Every
 * constructor field given a wrong kind or value, checked once while building (no backend
 * involved): test/api/format-errors.test.ts.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { FORMATS, buildMatrix, compressedArrays, sparseCase, type AnySparse, type SparseCase, type SparseFormatName } from '../arbitraries/sparse.js';
import { assertAllClose } from '../helpers/close.js';
import { RUN_OPTS, expectError, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(50), includeErrorInReport: true };
const COMPRESSED = ['csr', 'csc'] as const;
type Compressed = (typeof COMPRESSED)[number];

/** Valid plain-number inputs of a case for csr / csc. */
function compressedInput(c: SparseCase, fmt: Compressed): { indptr: number[]; indices: number[]; data: number[]; shape: number[] } {
  const { indptr, indices, order } = compressedArrays(c, fmt === 'csr' ? 'row' : 'col');
  return { indptr, indices, data: order.map((k) => c.values[k]!), shape: [c.rows, c.cols] };
}
const construct = (fmt: Compressed) => (fmt === 'csr' ? ef.csr : ef.csc);
const axes = (fmt: Compressed, c: SparseCase) =>
  fmt === 'csr'
    ? { major: c.rows, minor: c.cols, majorName: 'rows', minorName: 'the number of columns' }
    : { major: c.cols, minor: c.rows, majorName: 'columns', minorName: 'the number of rows' };

const sparse = (c: SparseCase, fmt: SparseFormatName, unit?: string): AnySparse => buildMatrix(c, fmt, unit) as AnySparse;

const perEntry = sparseCase({ shared: false, lazy: false, long: false });
const nonEmpty = perEntry.filter((c) => c.row.length > 0);

/** Positions (at least one) to corrupt among `n`, ascending. */
const positions = (n: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: Math.min(n, 3) }).map((p) => [...p].sort((a, b) => a - b));

/** A value that is not an index in [0, bound): too large, negative, fractional, NaN, infinite or not a number. */
const badIndex = (bound: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.integer({ min: bound, max: bound + 5 }),
    fc.integer({ min: -5, max: -1 }),
    fc.integer({ min: 0, max: Math.max(0, bound - 1) }).map((v) => v + 0.5),
    fc.constantFrom(NaN, Infinity, -Infinity, '1', null),
  );

// ------------------------------------------------------------------ csr / csc

for (const fmt of COMPRESSED) {
  forEachBackend(test, `${fmt}: an index outside [0, n) names indices[first bad position]`, () => {
    const cases = nonEmpty.chain((c) => {
      const { minor } = axes(fmt, c);
      return fc.record({ c: fc.constant(c), at: positions(c.row.length), bad: fc.array(badIndex(minor), { minLength: 3, maxLength: 3 }) });
    });
    fc.assert(fc.property(cases, ({ c, at, bad }) => {
      const input = compressedInput(c, fmt);
      const indices: unknown[] = [...input.indices];
      at.forEach((p, i) => { indices[p] = bad[i]; });
      const { minor, minorName } = axes(fmt, c);
      // strings are shown quoted, so "1" does not read as the number 1
      const shown = typeof bad[0] === 'string' ? JSON.stringify(bad[0]) : String(bad[0]);
      const e = expectError(() => construct(fmt)({ ...input, indices: indices as number[] }), ef.InvalidFormatError,
        `${fmt}: indices[${at[0]}] is ${shown}`, `expected an integer in [0, ${minor})`, minorName);
      // the Either form gives the same error as a Left
      const safe = (fmt === 'csr' ? ef.safe.csr : ef.safe.csc)({ ...input, indices: indices as number[] });
      assert.ok(E.isLeft(safe), 'safe: Left');
      if (E.isLeft(safe)) {
        assert.ok(safe.left instanceof ef.InvalidFormatError, 'safe: InvalidFormatError');
        assert.is(safe.left.message, e.message, 'safe: same message');
      }
    }), OPTS);
  });

  forEachBackend(test, `${fmt}: indptr of the wrong length, not starting at 0, decreasing, or not ending at nnz`, () => {
    const cases = perEntry.chain((c) => fc.record({ c: fc.constant(c), kind: fc.constantFrom('short', 'long', 'start', 'decrease', 'end'), k: fc.nat(), extra: fc.integer({ min: 1, max: 4 }) }));
    fc.assert(fc.property(cases, ({ c, kind, k, extra }) => {
      const input = compressedInput(c, fmt);
      const { major, majorName } = axes(fmt, c);
      const nnz = input.indices.length;
      const ptr = [...input.indptr];
      const make = (indptr: number[], more: Partial<typeof input> = {}) => () => construct(fmt)({ ...input, ...more, indptr });
      switch (kind) {
        case 'short':
        case 'long': {
          const p = kind === 'short' ? ptr.slice(0, ptr.length - 1) : [...ptr, ...new Array<number>(extra).fill(nnz)];
          expectError(make(p), ef.InvalidFormatError, `${fmt}: indptr has length ${p.length}`, `expected ${major + 1} (${majorName} + 1)`);
          break;
        }
        case 'start':
          ptr[0] = extra;
          expectError(make(ptr), ef.InvalidFormatError, `${fmt}: indptr[0] is ${extra}; expected 0`);
          break;
        case 'decrease': {
          // a drop below the previous pointer at some position j >= 1 (one is always possible: raise ptr[j-1])
          if (major === 0) return;
          const j = 1 + (k % major);
          ptr[j - 1] = ptr[j]! + extra;
          if (j - 1 === 0) {
            expectError(make(ptr), ef.InvalidFormatError, `${fmt}: indptr[0] is ${ptr[0]}; expected 0`);
          } else {
            expectError(make(ptr), ef.InvalidFormatError, `${fmt}: indptr[${j}] is ${ptr[j]}, less than indptr[${j - 1}] = ${ptr[j - 1]}`, 'non-decreasing');
          }
          break;
        }
        case 'end': {
          // one index too many or too few for the pointers
          const indices = nnz > 0 && k % 2 === 0 ? input.indices.slice(1) : [...input.indices, 0];
          const data = indices.map(() => 1);
          if (axes(fmt, c).minor === 0 && indices.length > nnz) {
            // no valid index exists: the indices check fires first
            expectError(make(ptr, { indices, data }), ef.InvalidFormatError, `${fmt}: indices[${nnz}] is 0`);
          } else {
            expectError(make(ptr, { indices, data }), ef.InvalidFormatError, `${fmt}: indptr[${major}] is ${nnz}; expected ${indices.length} (the length of indices)`);
          }
          break;
        }
      }
    }), OPTS);
  });
}

forEachBackend(test, 'data: NaN or infinite values name data[first bad position]; a wrong length or a bad shared weight is refused', () => {
  const cases = nonEmpty.chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom('coo', 'csr', 'csc'), at: positions(c.row.length), bad: fc.constantFrom(NaN, Infinity, -Infinity), drop: fc.boolean() }));
  fc.assert(fc.property(cases, ({ c, fmt, at, bad, drop }) => {
    const build = (data: number | number[]) => () =>
      fmt === 'coo'
        ? ef.coo({ row: c.row, col: c.col, data, shape: [c.rows, c.cols] })
        : construct(fmt)({ ...compressedInput(c, fmt), data });
    const data = [...c.values];
    at.forEach((p) => { data[p] = bad; });
    expectError(build(data), ef.InvalidFormatError, `${fmt}: data[${at[0]}] is ${bad}`, 'expected a finite number');
    const wrong = drop ? c.values.slice(1) : [...c.values, 1];
    expectError(build(wrong), ef.InvalidFormatError, `${fmt}: data has length ${wrong.length}`, `expected ${c.row.length} (one value per entry)`, 'single number');
    expectError(build(bad), ef.InvalidFormatError, `${fmt}: data is ${bad}`, 'finite');
    const M = sparse(c, fmt);
    const p = Math.min(at[0]!, M.nnz - 1); // COO may have merged duplicates
    const fresh = new Array<number>(M.nnz).fill(1);
    fresh[p] = bad;
    expectError(() => M.withData(fresh), ef.InvalidFormatError, `${fmt}.withData: data[${p}] is ${bad}`);
    expectError(() => M.withData([...fresh, 1]), ef.InvalidFormatError, `${fmt}.withData: data has length ${M.nnz + 1}; expected ${M.nnz}`);
  }), OPTS);
});

forEachBackend(test, 'shape: not [rows, cols], negative or non-integer sizes are refused by every format', () => {
  const badShape = fc.oneof(
    fc.array(fc.nat(4), { maxLength: 4 }).filter((s) => s.length !== 2).map((s) => ({ shape: s as unknown, msg: 'shape must be [rows, cols]' })),
    fc.constantFrom<unknown>('2x3', null, 5, { rows: 2 }).map((s) => ({ shape: s, msg: 'shape must be [rows, cols]' })),
    fc.tuple(fc.constantFrom(0, 1), fc.oneof(fc.integer({ min: -9, max: -1 }), fc.constantFrom(1.5, NaN, Infinity, 2 ** 31))).map(([axis, v]) => {
      const s = axis === 0 ? [v, 3] : [3, v];
      return { shape: s as unknown, msg: `shape ${axis === 0 ? 'rows' : 'cols'} is ${v}; expected an integer in [0, 2147483647]` };
    }),
  );
  fc.assert(fc.property(badShape, fc.constantFrom('coo', 'csr', 'csc'), ({ shape, msg }, fmt) => {
    const f = fmt === 'coo'
      ? () => ef.coo({ row: [], col: [], data: [], shape: shape as number[] })
      : () => construct(fmt)({ indptr: [0], indices: [], data: [], shape: shape as number[] });
    expectError(f, ef.InvalidFormatError, `${fmt}: ${msg}`);
    const safe = fmt === 'coo' ? ef.safe.coo({ row: [], col: [], data: [], shape: shape as number[] }) : ef.safe.csr({ indptr: [0], indices: [], data: [], shape: shape as number[] });
    assert.ok(E.isLeft(safe) && safe.left instanceof ef.InvalidFormatError, 'safe form: Left(InvalidFormatError)');
  }), OPTS);
});

forEachBackend(test, 'coo: row and col of different lengths; a row or col out of range names its first bad position', () => {
  const cases = nonEmpty.chain((c) => fc.record({ c: fc.constant(c), which: fc.constantFrom('row', 'col'), at: positions(c.row.length), grow: fc.boolean() }));
  fc.assert(fc.property(cases, ({ c, which, at, grow }) => {
    const shape = [c.rows, c.cols];
    const col = grow ? [...c.col, 0] : c.col.slice(1);
    expectError(() => ef.coo({ row: c.row, col, data: c.values, shape }), ef.InvalidFormatError, `coo: col has length ${col.length}; expected ${c.row.length}`);
    const bound = which === 'row' ? c.rows : c.cols;
    const arr = [...(which === 'row' ? c.row : c.col)];
    at.forEach((p) => { arr[p] = bound; });
    const input = which === 'row' ? { row: arr, col: c.col } : { row: c.row, col: arr };
    expectError(() => ef.coo({ ...input, data: c.values, shape }), ef.InvalidFormatError,
      `coo: ${which}[${at[0]}] is ${bound}`, `expected an integer in [0, ${bound})`, `the number of ${which === 'row' ? 'rows' : 'columns'}`);
  }), OPTS);
});

forEachBackend(test, 'missing fields, a non-object, a bad dtype or lazy data of the wrong shape or dtype', () => {
  expectError(() => ef.csr({ indptr: [0], indices: [] } as unknown as ef.CompressedInput), ef.InvalidFormatError, 'csr: missing data, shape');
  expectError(() => ef.coo(null as unknown as ef.CooInput), ef.InvalidFormatError, 'coo: expected an object', 'got null');
  expectError(() => ef.csc({ indptr: [0], indices: [], data: [], shape: [0, 0], dtype: 'int32' as 'float32' }), ef.InvalidArgumentError, "csc: dtype is int32; expected 'float32' or 'float64'");
  const base = { indptr: [0, 1, 3], indices: [0, 2, 1], shape: [2, 3] };
  expectError(() => ef.csr({ ...base, data: ef.zeros([2], 'nS') }), ef.ShapeMismatchError, 'csr: data has shape [2]; expected [3]');
  expectError(() => ef.csr({ ...base, data: ef.zeros([3]).greater(0) }), ef.InvalidArgumentError, 'csr: data has dtype bool');
  expectError(() => ef.csr({ ...base, data: [1, 2, 3] }, 'furlongs-per-qq'), ef.InvalidArgumentError, "unknown unit 'furlongs-per-qq'");
});

// ------------------------------------------------------------------ products and structure-keeping ops

forEachBackend(test, 'matmul with the wrong inner size is a ShapeMismatchError, for every format, side, floats and events', () => {
  const cases = perEntry.chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), side: fc.constantFrom('left', 'right'), off: fc.integer({ min: 1, max: 3 }), batch: fc.option(fc.integer({ min: 0, max: 2 })), events: fc.boolean() }));
  fc.assert(fc.property(cases, ({ c, fmt, side, off, batch, events }) => {
    const M = buildMatrix(c, fmt);
    const want = side === 'left' ? c.rows : c.cols;
    const n = want + off;
    const shape = batch === null ? [n] : side === 'left' ? [batch, n] : [n, batch];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = events ? ef.binary(new Array<number>(size).fill(1), shape) : ef.zeros(shape, 'mV');
    const show = (s: readonly number[]): string => `[${s.join(', ')}]`;
    const spelled = side === 'left' ? `${show(shape)} @ [${c.rows}, ${c.cols}]` : `[${c.rows}, ${c.cols}] @ ${show(shape)}`;
    const e = expectError(() => (side === 'left' ? ef.matmul(x, M) : ef.matmul(M, x)), ef.ShapeMismatchError, 'matmul:', spelled);
    assert.match(e.message, new RegExp(`${n} != ${want}|${want} != ${n}`), 'names both sizes');
  }), OPTS);
});

forEachBackend(test, 'matmul of two matrix formats is an InvalidArgumentError; operands of rank 3 are refused', () => {
  const cases = perEntry.chain((c) => fc.record({ c: fc.constant(c), a: fc.constantFrom(...FORMATS), b: fc.constantFrom(...FORMATS) }));
  fc.assert(fc.property(cases, ({ c, a, b }) => {
    const A = buildMatrix(c, a);
    const B = buildMatrix(c, b).transpose();
    expectError(() => ef.matmul(A, B), ef.InvalidArgumentError, 'matmul: both operands are matrix formats', 'todense().data');
    expectError(() => ef.matmul(ef.zeros([1, 1, c.rows]), A), ef.ShapeMismatchError, 'matmul: expected', '[1, 1, ');
    expectError(() => ef.matmul(A, ef.scalar(1)), ef.ShapeMismatchError, 'matmul: expected', '[]');
  }), OPTS);
});

forEachBackend(test, 'mul / div by an array that is neither 0-d nor [rows, cols] is a ShapeMismatchError; dense values must be finite', () => {
  const cases = perEntry.chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), shape: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }), op: fc.constantFrom('mul', 'div') }));
  // an array of the matrix's shape is sampled at its stored entries (test/formats/sparse-algebra.test.ts)
  fc.assert(fc.property(cases.filter(({ c, shape }) => !(shape.length === 2 && shape[0] === c.rows && shape[1] === c.cols)), ({ c, fmt, shape, op }) => {
    const M = buildMatrix(c, fmt);
    expectError(() => (op === 'mul' ? M.mul(ef.zeros(shape)) : M.div(ef.zeros(shape))), ef.ShapeMismatchError,
      `${fmt}.${op}: expected a scalar`, `got shape [${shape.join(', ')}]`);
  }), OPTS);
  const nanCells = fc.record({ rows: fc.integer({ min: 1, max: 4 }), cols: fc.integer({ min: 1, max: 4 }) }).chain(({ rows, cols }) =>
    fc.record({ rows: fc.constant(rows), cols: fc.constant(cols), at: fc.nat(rows * cols - 1), bad: fc.constantFrom(NaN, Infinity, -Infinity) }));
  fc.assert(fc.property(nanCells, ({ rows, cols, at, bad }) => {
    const values = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i * cols + j === at ? bad : i - j)));
    const [i, j] = [Math.floor(at / cols), at % cols];
    expectError(() => ef.dense(values, 'nS'), ef.InvalidFormatError, `dense: values[${i}][${j}] is ${bad}`, 'finite');
    assert.ok(E.isLeft(ef.safe.dense(values, 'nS')), 'safe.dense: Left');
  }), OPTS);
  expectError(() => ef.dense([1, 2, 3]), ef.ShapeMismatchError, 'dense: expected nested rows [rows, cols]', 'got shape [3]');
  expectError(() => ef.dense([[1, 2], [3, 4]]).withData([[1, 2, 3]]), ef.ShapeMismatchError, 'dense.withData', 'shape [1, 3]', 'expected [2, 2]');
});

// ------------------------------------------------------------------ units

forEachBackend(test, 'units: numbers are taken in the given unit; lazy data converts to it; withData in another dimension', () => {
  const cases = perEntry.chain((c) => fc.record({ c: fc.constant(c), fmt: fc.constantFrom('coo', 'csr', 'csc') }));
  fc.assert(fc.property(cases, ({ c, fmt }) => {
    const M = sparse(c, fmt, 'uS');
    assert.ok(M.data.unit.equals(ef.Unit.of('uS')), `${fmt}: data unit ${M.data.unit}`);
    assert.ok(M.unit.equals(ef.Unit.of('uS')), `${fmt}: unit`);
    // lazy data in nS given with unit uS is converted (values / 1000)
    const lazy = { ...c, dataKind: 'lazy' as const };
    const inNS = buildMatrix(lazy, fmt, 'nS');
    const conv = fmt === 'coo'
      ? ef.coo({ row: c.row, col: c.col, data: ef.array(c.values, 'nS', { dtype: c.dtype }), shape: [c.rows, c.cols] }, 'uS')
      : construct(fmt)({ ...compressedInput(c, fmt), data: ef.array(compressedInput(c, fmt).data, 'nS', { dtype: c.dtype }) }, 'uS');
    assert.ok(conv.unit.equals(ef.Unit.of('uS')), `${fmt}: converted unit ${conv.unit}`);
    const a = conv.todense().data.dataSync();
    const b = Array.from(inNS.todense().data.dataSync(), (v) => v / 1000);
    assertAllClose(a, b, 1e-5, `${fmt}: nS -> uS values`, 1e-8);
    // a lazy array in mV cannot become uS
    const data = ef.zeros([M.nnz], 'mV', c.dtype);
    expectError(() => M.withData(data, 'uS'), ef.UnitMismatchError, 'mV', 'uS');
    const given = ef.zeros([c.row.length], 'mV', c.dtype);
    const input = fmt === 'coo' ? { row: c.row, col: c.col, data: given, shape: [c.rows, c.cols] } : { ...compressedInput(c, fmt), data: given };
    expectError(() => (fmt === 'coo' ? ef.coo(input as ef.CooInput, 'uS') : construct(fmt)(input as ef.CompressedInput, 'uS')), ef.UnitMismatchError, 'mV', 'uS');
    // new values in another dimension are fine when they bring their unit
    assert.ok(M.withData(data).unit.equals(ef.Unit.of('mV')), 'withData(lazy mV) is in mV');
    const other = M.withData(c.values.slice(0, M.nnz), 'mV');
    assert.ok(other.unit.equals(ef.Unit.of('mV')), 'withData(numbers, mV) is in mV');
    assert.ok(ef.matmul(ef.array(new Array<number>(c.rows).fill(1), 'nS'), other).unit.equals(ef.Unit.of('mV*nS')), 'and its products follow');
    assert.ok(M.withData(2).unit.equals(ef.Unit.of('uS')), 'withData(number) keeps the unit');
  }), OPTS);
});

// ------------------------------------------------------------------ Either forms

forEachBackend(test, 'ef.safe.csr / csc / coo / dense give Right(matrix) for valid input', () => {
  fc.assert(fc.property(perEntry, (c) => {
    for (const fmt of COMPRESSED) {
      const r: E.Either<ef.EventfuseError, ef.CSR | ef.CSC> = (fmt === 'csr' ? ef.safe.csr : ef.safe.csc)(compressedInput(c, fmt), 'nS');
      assert.ok(E.isRight(r), `${fmt}: Right`);
      if (E.isRight(r)) {
        assert.ok(r.right instanceof (fmt === 'csr' ? ef.CSR : ef.CSC), `${fmt}: the matrix`);
        assert.is(r.right.nnz, c.row.length);
      }
    }
    const o = ef.safe.coo({ row: c.row, col: c.col, data: c.values, shape: [c.rows, c.cols] }, 'nS');
    assert.ok(E.isRight(o) && o.right instanceof ef.COO, 'coo: Right(COO)');
    if (c.rows > 0) {
      const d = ef.safe.dense(Array.from({ length: c.rows }, () => new Array<number>(c.cols).fill(1)), 'nS');
      assert.ok(E.isRight(d) && d.right instanceof ef.DenseMatrix, 'dense: Right(DenseMatrix)');
    }
  }), OPTS);
});

// ------------------------------------------------------------------ what the argument checks accept (test/api/format-errors.test.ts, format-limits.test.ts)

forEachBackend(test, 'what the argument checks accept computes: Int32Array data, events.pack round trips, withData in a unit of the same dimension, a [3, 0] dense matrix to CSR', () => {
  const base = { indptr: [0, 1, 3], indices: [0, 2, 1], shape: [2, 3] };
  // Float32Array, Int32Array and friends are numbers
  assert.equal(Array.from(ef.csr({ ...base, data: Int32Array.of(1, 2, 3) }).data.dataSync()), [1, 2, 3]);
  assert.equal(Array.from(ef.csr({ ...base, data: Int32Array.of(1, 2, 3) }).todense().data.dataSync()), [1, 0, 0, 0, 3, 2]);
  // what ef.binary accepts, pack accepts: data, a bool array, a BinaryArray; every element round-trips
  fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 70 }), fc.boolean(), fc.nat(), (rows, n, matrix, seed) => {
    const values = Array.from({ length: rows * n }, (_, k) => ((seed >>> (k % 31)) ^ k) % 3 === 0);
    const shape = matrix ? [rows, n] : [rows * n];
    const ref = ef.binary(values.map(Number), shape);
    for (const input of [ref, ref.astype('bool'), matrix ? Array.from({ length: rows }, (_, r) => values.slice(r * n, (r + 1) * n)) : values]) {
      const p = ef.events.pack(input as ef.BinaryArray);
      assert.equal([...p.shape], shape);
      assert.equal(Array.from(ef.events.unpack(p).dataSync()), values.map(Number));
    }
  }), { numRuns: runs(40) });
  const W = ef.csr({ indptr: [0, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }, 'nS');
  assert.equal(Array.from(W.withData(ef.scalar(2, 'uS'), 'nS').todense().data.dataSync()), [2000, 0, 0, 2000]);
  // below the size limits (test/api/format-limits.test.ts) a matrix with no columns converts
  assert.is(ef.dense(ef.zeros([3, 0])).tocsr().nnz, 0);
});

test.run();
