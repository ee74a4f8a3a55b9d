/**
 * Bad arguments of every kind to the matrix and event constructors (issue 16): every field of
 * every constructor given a wrong kind or value throws its EventfuseError class naming the
 * function and the field; messages describe BigInts, symbols and bare objects; the error
 * classes agree with docs/formats.md, events.md and jitc.md. These checks run while the
 * arrays are built, before any backend is involved, so they run once, in the cpu+reference
 * process; test/formats/errors.test.ts checks the values of what they accept on every backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const construct = (fmt: 'csr' | 'csc') => (fmt === 'csr' ? ef.csr : ef.csc);

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
  // Float32Array, Int32Array and friends are numbers: accepted (their values: test/formats/errors.test.ts)
  assert.equal(ef.csr({ ...base, data: Int32Array.of(1, 2, 3) }).nnz, 3);
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

test('events.pack: checks its argument exactly as ef.binary does (what it accepts round-trips: test/formats/errors.test.ts)', () => {
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
});

// Found by a randomized fuzz run (EF_SEED=1328354934): withData's errors named internal steps.
test('withData errors name withData: data of another dimension, dense values of the wrong shape', () => {
  const W = ef.csr({ indptr: [0, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }, 'nS');
  expectError(() => W.withData(ef.scalar(1, 'nS'), ''), ef.UnitMismatchError, 'csr.withData: data is in nS (conductance) and cannot be expressed in 1');
  expectError(() => W.withData(ef.scalar(1, 'mV'), 'nS'), ef.UnitMismatchError, 'csr.withData: data is in mV');
  assert.ok(W.withData(ef.scalar(2, 'uS'), 'nS').unit.equals(ef.Unit.of('nS')), 'data of the same dimension is taken (its values: test/formats/errors.test.ts)');
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
