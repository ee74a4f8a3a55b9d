/**
 * Validation of the matrix formats on every backend: every malformed input (indptr, indices,
 * data, shape, COO lengths, dense values) is an InvalidFormatError naming the format, the
 * array and its first bad position; products and structure-keeping ops refuse what does not
 * fit (ShapeMismatchError, InvalidArgumentError); units convert at construction; the Either
 * forms (ef.safe.*) give Left / Right.
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

forEachBackend(test, 'mul / div by a non-scalar array is a ShapeMismatchError; dense values must be finite', () => {
  const cases = perEntry.chain((c) =>
    fc.record({ c: fc.constant(c), fmt: fc.constantFrom(...FORMATS), shape: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }), op: fc.constantFrom('mul', 'div') }));
  fc.assert(fc.property(cases, ({ c, fmt, shape, op }) => {
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

// ------------------------------------------------------------------ bad arguments of every kind (issue 16)

type ErrorClass = new (...a: never[]) => Error;
const IA = ef.InvalidArgumentError;
const IF = ef.InvalidFormatError;
const SM = ef.ShapeMismatchError;

/** Values no constructor field should take without a typed error (some fields accept a few). */
const BAD: readonly [string, unknown][] = [
  ['null', null], ['undefined', undefined], ['a string', 'x'], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity],
  ['-1', -1], ['1.5', 1.5], ['2^53', 2 ** 53], ['a BigInt', 10n], ['a symbol', Symbol('s')], ['an object', {}],
  ['a bare object', Object.create(null) as unknown], ['a BigInt64Array', BigInt64Array.of(1n)], ['[1n]', [1n]],
];

interface Row {
  /** The constructor and the field, as messages name them. */
  readonly fn: string;
  readonly field: string;
  readonly call: (v: unknown) => unknown;
  /** The class for `v`, or undefined when `v` is a valid value of this field. */
  readonly cls: (v: unknown) => ErrorClass | undefined;
  /** What the message must contain besides the function's name (default: the field). */
  readonly names?: string;
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;
const finite = (v: unknown): boolean => isNum(v) && Number.isFinite(v);
const always = (c: ErrorClass) => (): ErrorClass => c;
const csrBase = { indptr: [0, 1], indices: [0], data: [1], shape: [1, 1] };
const cooBase = { row: [0], col: [1], data: [1], shape: [1, 2] };
const fixedBase = { shape: [3, 4], num: 2, seed: 1, weight: 1 };
const jitcBase = { shape: [3, 4], prob: 0.5, seed: 1 };
const with_ = <T extends object>(base: T, field: string, v: unknown): T => ({ ...base, [field]: v });
const without = <T extends object>(base: T, field: string): T => Object.fromEntries(Object.entries(base).filter(([k]) => k !== field)) as T;
const W = ef.csr({ indptr: [0, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }, 'nS');
const spikes = ef.binary([1, 0]);
const trace = ef.zeros([2], 'nS');
/** A value that is a valid index list entry kind for a [1, 2] matrix: 0 or 1. */
const binaryCls = (v: unknown): ErrorClass => (isNum(v) && !Number.isNaN(v) ? SM : Array.isArray(v) ? IA : IA);

const ROWS: Row[] = [
  // csr / csc / coo: every field of the input object is sparse data (InvalidFormatError); dtype is an option
  ...(['csr', 'csc'] as const).flatMap((fmt): Row[] => [
    { fn: fmt, field: 'input', call: (v) => construct(fmt)(v as ef.CompressedInput), cls: always(IF), names: 'expected' },
    ...['indptr', 'indices', 'shape'].map((field): Row => ({ fn: fmt, field, call: (v) => construct(fmt)(with_(csrBase, field, v)), cls: always(IF) })),
    { fn: fmt, field: 'data', call: (v) => construct(fmt)(with_(csrBase, 'data', v)), cls: (v) => (finite(v) ? undefined : IF) },
    { fn: fmt, field: 'dtype', call: (v) => construct(fmt)(with_(csrBase, 'dtype', v)), cls: (v) => (v === undefined ? undefined : IA) },
  ]),
  { fn: 'coo', field: 'input', call: (v) => ef.coo(v as ef.CooInput), cls: always(IF), names: 'expected' },
  ...['row', 'col', 'shape'].map((field): Row => ({ fn: 'coo', field, call: (v) => ef.coo(with_(cooBase, field, v)), cls: always(IF) })),
  { fn: 'coo', field: 'data', call: (v) => ef.coo(with_(cooBase, 'data', v)), cls: (v) => (finite(v) ? undefined : IF) },
  // dense: values and options are arguments
  { fn: 'dense', field: 'values', call: (v) => ef.dense(v as number[][]), cls: always(IA) },
  { fn: 'dense', field: 'options', call: (v) => ef.dense([[1]], undefined, v as ef.DenseOptions), cls: (v) => (v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v)) ? undefined : IA) },
  // events
  { fn: 'binary', field: 'values', call: (v) => ef.binary(v as number[]), cls: (v) => (Array.isArray(v) ? IA : binaryCls(v)) },
  { fn: 'binary', field: 'shape', call: (v) => ef.binary([1, 0], v as number[]), cls: (v) => (v === undefined ? undefined : IA) },
  { fn: 'fromIndices', field: 'n', call: (v) => ef.events.fromIndices([0], v as number), cls: (v) => (v === 2 ** 53 ? ef.ResourceError : IA), names: 'n' },
  { fn: 'fromIndices', field: 'indices', call: (v) => ef.events.fromIndices(v as number[], 3), cls: (v) => (ArrayBuffer.isView(v) || Array.isArray(v) ? IF : IA) },
  { fn: 'pack', field: 'spikes', call: (v) => ef.events.pack(v as ef.BinaryArray), cls: (v) => (Array.isArray(v) ? IA : binaryCls(v)) },
  { fn: 'unpack', field: 'packed', call: (v) => ef.events.unpack(v as ef.PackedEvents), cls: always(IF), names: 'unpack: ' },
  // fixed-number: shape and the table are data; num, seed and the options are arguments; a shared weight is a value
  // (an empty object gets as far as its missing shape)
  { fn: 'fixedPostNum', field: 'input', call: (v) => ef.fixedPostNum(v as ef.FixedNumInput), cls: (v) => (isObject(v) ? IF : IA), names: ': ' },
  { fn: 'fixedPostNum', field: 'shape', call: (v) => ef.fixedPostNum(with_(fixedBase, 'shape', v)), cls: always(IF) },
  { fn: 'fixedPostNum', field: 'num', call: (v) => ef.fixedPostNum(with_(fixedBase, 'num', v)), cls: always(IA) },
  { fn: 'fixedPreNum', field: 'seed', call: (v) => ef.fixedPreNum(with_(fixedBase, 'seed', v)), cls: always(IA) },
  { fn: 'fixedPostNum', field: 'weight', call: (v) => ef.fixedPostNum(with_(fixedBase, 'weight', v)), cls: (v) => (finite(v) ? undefined : isNum(v) ? IF : IA) },
  { fn: 'fixedPostNum', field: 'data', call: (v) => ef.fixedPostNum(with_(without(fixedBase, 'weight'), 'data', v)), cls: (v) => (finite(v) ? undefined : v === undefined ? IA : IF) },
  { fn: 'fixedPreNum', field: 'indices', call: (v) => ef.fixedPreNum(with_(without(without(fixedBase, 'seed'), 'num'), 'indices', v)), cls: (v) => (v === undefined || Array.isArray(v) ? IA : IF) }, // a flat list needs num
  { fn: 'fixedPostNum', field: 'allowDuplicates', call: (v) => ef.fixedPostNum(with_(fixedBase, 'allowDuplicates', v)), cls: (v) => (v === undefined ? undefined : IA) },
  { fn: 'fixedPostNum', field: 'dtype', call: (v) => ef.fixedPostNum(with_(fixedBase, 'dtype', v)), cls: (v) => (v === undefined ? undefined : IA) },
  // jitc: the shape is checked as for every matrix format; the rest are arguments
  { fn: 'jitc.scalar', field: 'input', call: (v) => ef.jitc.scalar(v as ef.JitcScalarInput), cls: (v) => (isObject(v) ? IF : IA), names: ': ' },
  { fn: 'jitc.scalar', field: 'shape', call: (v) => ef.jitc.scalar({ ...jitcBase, weight: 1, shape: v as number[] }), cls: always(IF) },
  ...['prob', 'seed'].map((field): Row => ({ fn: 'jitc.uniform', field, call: (v) => ef.jitc.uniform(with_({ ...jitcBase, low: 0, high: 1 }, field, v)), cls: always(IA) })),
  { fn: 'jitc.scalar', field: 'orient', call: (v) => ef.jitc.scalar(with_({ ...jitcBase, weight: 1 }, 'orient', v)), cls: (v) => (v === undefined ? undefined : IA) },
  { fn: 'jitc.scalar', field: 'dtype', call: (v) => ef.jitc.scalar(with_({ ...jitcBase, weight: 1 }, 'dtype', v)), cls: (v) => (v === undefined ? undefined : IA) },
  { fn: 'jitc.scalar', field: 'weight', call: (v) => ef.jitc.scalar(with_({ ...jitcBase, weight: 1 }, 'weight', v)), cls: (v) => (finite(v) ? undefined : IA) },
  { fn: 'jitc.uniform', field: 'low', call: (v) => ef.jitc.uniform(with_({ ...jitcBase, low: 0, high: 1 }, 'low', v)), cls: (v) => (finite(v) && (v as number) <= 1 ? undefined : IA) },
  { fn: 'jitc.uniform', field: 'high', call: (v) => ef.jitc.uniform(with_({ ...jitcBase, low: -5, high: 1 }, 'high', v)), cls: (v) => (finite(v) ? undefined : IA), names: 'high' },
  { fn: 'jitc.normal', field: 'mean', call: (v) => ef.jitc.normal(with_({ ...jitcBase, mean: 0, std: 1 }, 'mean', v)), cls: (v) => (finite(v) ? undefined : IA) },
  { fn: 'jitc.normal', field: 'std', call: (v) => ef.jitc.normal(with_({ ...jitcBase, mean: 0, std: 1 }, 'std', v)), cls: (v) => (finite(v) && (v as number) >= 0 ? undefined : IA) },
  // plasticity
  { fn: 'plasticity.onPre', field: 'W', call: (v) => ef.plasticity.onPre(v as ef.CSR, spikes, trace), cls: always(IA) },
  { fn: 'plasticity.onPre', field: 'spikes', call: (v) => ef.plasticity.onPre(W, v as ef.BinaryArray, trace), cls: always(IA) },
  { fn: 'plasticity.onPost', field: 'trace', call: (v) => ef.plasticity.onPost(W, spikes, v as ef.LazyArray), cls: always(IA) },
  { fn: 'plasticity.onPre', field: 'options', call: (v) => ef.plasticity.onPre(W, spikes, trace, v as ef.PlasticityOptions), cls: (v) => (v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v)) ? undefined : IA) },
  { fn: 'plasticity.onPost', field: 'wMax', call: (v) => ef.plasticity.onPost(W, spikes, trace, { wMax: v as number }), cls: (v) => (v === undefined || (isNum(v) && !Number.isNaN(v)) ? undefined : IA) },
];

test('every constructor field given a wrong kind or value throws its EventfuseError class, naming the function and the field', () => {
  let checked = 0;
  for (const row of ROWS) {
    for (const [label, v] of BAD) {
      const cls = row.cls(v);
      const what = `${row.fn} ${row.field} = ${label}`;
      let caught: unknown;
      try {
        row.call(v);
      } catch (e) {
        caught = e;
      }
      if (cls === undefined) {
        // a valid value of this field: it may still be refused, but only with a typed error
        assert.ok(caught === undefined || caught instanceof ef.EventfuseError, `${what}: ${String(caught)}`);
        continue;
      }
      assert.ok(caught instanceof cls, `${what}: expected ${cls.name}, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
      const msg = (caught as Error).message;
      assert.ok(msg.startsWith(`${row.fn}: `) || (row.fn === 'unpack' && msg.startsWith('unpack: ')), `${what}: message names the function: ${msg}`);
      assert.ok(msg.includes(row.names ?? row.field), `${what}: message names ${row.names ?? row.field}: ${msg}`);
      checked++;
    }
  }
  assert.ok(checked > 400, `only ${checked} refusals checked`);
});

test('messages never throw while built: BigInts, symbols and bare objects are described', () => {
  expectError(() => ef.csr({ ...csrBase, shape: [1n, 2] as unknown as number[] }), IF, 'csr: shape rows is 1n (a BigInt)');
  expectError(() => ef.coo({ ...cooBase, shape: 5n as unknown as number[] }), IF, 'coo: shape must be [rows, cols], got 5n (a BigInt)');
  expectError(() => ef.csr({ ...csrBase, indices: [1n] as unknown as number[] }), IF, 'csr: indices[0] is 1n (a BigInt)');
  expectError(() => ef.events.fromIndices([[0], [1n]] as unknown as number[][], 3), IF, 'fromIndices: indices[1][0] is 1n (a BigInt)');
  expectError(() => ef.events.fromIndices([0], 3n as unknown as number), IA, 'fromIndices: n is 3n (a BigInt)');
  expectError(() => ef.binary([1, 2n] as unknown as number[]), IA, 'binary: values[1] is 2n (a BigInt)');
  expectError(() => ef.jitc.scalar({ ...jitcBase, weight: 1, seed: Symbol('s') as unknown as number }), IA, 'jitc.scalar: seed is Symbol(s)');
  expectError(() => ef.events.unpack({ bits: Object.create(null) as Uint32Array, shape: [3], wordsPerRow: 1 }), IF, 'unpack: bits is an object; expected a Uint32Array');
  expectError(() => ef.plasticity.onPre(Object.create(null) as ef.CSR, spikes, trace), IA, 'plasticity.onPre: W is an object');
});

// ------------------------------------------------------------------ error classes: code and docs agree (docs/formats.md, events.md, jitc.md)

test('csr data of a bad kind is malformed sparse data (InvalidFormatError), like indptr and indices; a lazy array keeps its own rules', () => {
  const base = { indptr: [0, 1, 3], indices: [0, 2, 1], shape: [2, 3] };
  expectError(() => ef.csr({ ...base, data: 'x' as unknown as number[] }), IF, 'csr: data must be a number, an array of numbers or a LazyArray, got string');
  expectError(() => ef.csr({ ...base, data: {} as unknown as number[] }), IF, 'csr: data must be', 'got an object');
  expectError(() => ef.csr({ ...base, data: BigInt64Array.of(1n, 2n, 3n) as unknown as number[] }), IF, 'csr: data is a BigInt64Array of length 3', 'expected numbers');
  expectError(() => ef.csr({ ...base, data: BigUint64Array.of(1n, 2n, 3n) as unknown as number[] }), IF, 'csr: data is a BigUint64Array');
  expectError(() => ef.csr({ ...base, data: [1, 2] }), IF, 'csr: data has length 2; expected 3');
  expectError(() => ef.csr({ ...base, data: 1, indptr: 'x' as unknown as number[] }), IF, 'csr: indptr must be an array of integers, got string');
  expectError(() => ef.csr({ ...base, data: ef.zeros([3]).greater(0) }), IA, 'csr: data has dtype bool');
  expectError(() => ef.csr({ ...base, data: ef.zeros([4]) }), SM, 'csr: data has shape [4]; expected [3]');
  expectError(() => ef.csr({ ...base, data: 1, dtype: 'int32' as 'float32' }), IA, "csr: dtype is int32; expected 'float32' or 'float64'");
  // Float32Array, Int32Array and friends are numbers: accepted
  assert.equal(Array.from(ef.csr({ ...base, data: Int32Array.of(1, 2, 3) }).data.dataSync()), [1, 2, 3]);
});

test('a malformed shape is an InvalidFormatError in every matrix format, JITC included', () => {
  const shapes: unknown[] = [[-1, 4], [3, 1.5], [3], 'abc', null, [2 ** 31, 1]];
  const ctors: [string, (shape: unknown) => unknown][] = [
    ['csr', (shape) => ef.csr({ indptr: [0], indices: [], data: [], shape: shape as number[] })],
    ['coo', (shape) => ef.coo({ row: [], col: [], data: [], shape: shape as number[] })],
    ['fixedPreNum', (shape) => ef.fixedPreNum({ shape: shape as number[], num: 0, seed: 1, weight: 1 })],
    ['jitc.scalar', (shape) => ef.jitc.scalar({ shape: shape as number[], prob: 0.5, seed: 1, weight: 1 })],
    ['jitc.uniform', (shape) => ef.jitc.uniform({ shape: shape as number[], prob: 0.5, seed: 1, low: 0, high: 1 })],
    ['jitc.normal', (shape) => ef.jitc.normal({ shape: shape as number[], prob: 0.5, seed: 1, mean: 0, std: 1 })],
  ];
  for (const [fn, make] of ctors) for (const shape of shapes) expectError(() => make(shape), IF, `${fn}: shape`);
});

test('lazy arrays of the wrong dtype are InvalidArgumentError in every format', () => {
  expectError(() => ef.dense(ef.zeros([2, 2], undefined, 'int32')), IA, 'dense: values have dtype int32');
  expectError(() => ef.jitc.scalar({ ...jitcBase, weight: ef.scalar(1).greater(0) }), IA, 'jitc.scalar: weight is a bool 0-d array');
  expectError(() => ef.jitc.normal({ ...jitcBase, mean: 0, std: ef.scalar(1, undefined, 'int32') }), IA, 'jitc.normal: std is a int32 0-d array');
  expectError(() => ef.fixedPostNum({ ...fixedBase, weight: undefined, data: ef.zeros([6], undefined, 'int32') }), IA, 'fixedPostNum: data has dtype int32');
  expectError(() => ef.events.pack(ef.array([NaN, 1])), IA, 'pack: spikes is a float32 lazy array', 'notEqual(0)');
});

// ------------------------------------------------------------------ events.pack validates like ef.binary

test('events.pack: checks its argument exactly as ef.binary does, and round-trips what it accepts', () => {
  expectError(() => ef.events.pack(null as unknown as ef.BinaryArray), IA, 'pack: spikes is null', 'expected numbers or booleans');
  expectError(() => ef.events.pack(undefined as unknown as ef.BinaryArray), IA, 'pack: spikes is undefined');
  expectError(() => ef.events.pack([0, NaN, 1]), IA, 'pack: spikes[1] is NaN', 'active = nonzero');
  expectError(() => ef.events.pack([[1, 0], [1]]), IA, 'pack: ragged data', 'spikes[1]');
  expectError(() => ef.events.pack([[[1, 0]], [[0, 1]]]), SM, 'pack: spikes has shape [2, 1, 2] (rank 3)', 'expected a vector [n] or a matrix [batch, n]');
  expectError(() => ef.events.pack(ef.zeros([2, 2, 2]).greater(0)), SM, 'pack: spikes has shape [2, 2, 2] (rank 3)');
  expectError(() => ef.events.pack(ef.array([1, 0], 'mV').greater(ef.scalar(0, 'mV')).astype('float32')), IA, 'pack: spikes is a float32 lazy array');
  expectError(() => ef.events.pack(5 as unknown as ef.BinaryArray), SM, 'pack: spikes has shape [] (rank 0)');
  // the same values are refused by ef.binary with the same class
  for (const bad of [null, [0, NaN], [[1, 0], [1]], [[[1]]], 5, 'x', 10n]) {
    let a: unknown;
    let b: unknown;
    try { ef.binary(bad as number[]); } catch (e) { a = e; }
    try { ef.events.pack(bad as number[]); } catch (e) { b = e; }
    assert.ok(a instanceof ef.EventfuseError && b instanceof ef.EventfuseError && a.constructor === b.constructor, `${String(bad)}: ${String(a)} vs ${String(b)}`);
  }
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
});

// Found by a randomized fuzz run (EF_SEED=1328354934): withData's errors named internal steps.
test('withData errors name withData: data of another dimension, dense values of the wrong shape', () => {
  const W = ef.csr({ indptr: [0, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }, 'nS');
  expectError(() => W.withData(ef.scalar(1, 'nS'), ''), ef.UnitMismatchError, 'csr.withData: data is in nS (conductance) and cannot be expressed in 1');
  expectError(() => W.withData(ef.scalar(1, 'mV'), 'nS'), ef.UnitMismatchError, 'csr.withData: data is in mV');
  assert.equal(Array.from(W.withData(ef.scalar(2, 'uS'), 'nS').todense().data.dataSync()), [2000, 0, 0, 2000]);
  const D = ef.dense([[1, 2], [3, 4]], 'nS');
  expectError(() => D.withData([]), ef.ShapeMismatchError, 'dense.withData: expected nested rows [rows, cols], got shape [0]');
  expectError(() => D.withData([[1, 2]], 'mVolt'), ef.InvalidArgumentError, "unknown unit 'mVolt'");
});

// Also found by randomized fuzz runs (EF_SEED=2649922225): a JIT weight of another dimension said 'to:'.
test('a JIT weight that cannot be expressed in the unit asked for: the error names the constructor and the weight', () => {
  const weight = ef.scalar(1, 'nS');
  expectError(() => ef.jitc.scalar({ shape: [3, 4], prob: 0.5, seed: 0, weight }, ''), ef.UnitMismatchError, 'jitc.scalar: weight is in nS (conductance) and cannot be expressed in 1');
  expectError(() => ef.jitc.normal({ shape: [3, 4], prob: 0.5, seed: 0, mean: weight, std: 1 }, 'mV'), ef.UnitMismatchError, 'jitc.normal: mean is in nS');
  assert.is(ef.jitc.scalar({ shape: [3, 4], prob: 0.5, seed: 0, weight }, 'pS').unit.toString(), 'pS');
});

test.run();
