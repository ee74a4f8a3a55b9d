/**
 * Fuzz: the matrix formats (dense, csr, csc, coo, fixedPostNum, fixedPreNum, jitc.*), their
 * methods, events (binary, events.*) and plasticity.*, with garbage in each argument and in
 * each field of their input objects, and the ef.safe forms. See test/fuzz/oracle.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { junk, options, smallNumber } from './junk.js';
import { aFormat, aPlastic, anArray, floatDTypes, spikes3, spikes4, trace3, trace4, units } from './pool.js';
import { fuzzCases, fuzzSafe, type FuzzCase } from './run.js';

type Fn = (...args: unknown[]) => unknown;
const unit = { names: ['unit'], valid: units };
const matrixShape = fc.constantFrom<unknown>([3, 4], [2, 2], [0, 3]);
const seed = fc.constantFrom<unknown>(0, 1, 2 ** 32 - 1);

/** An input object: valid fields, or junk in one field (or in place of the object). */
const input = (names: string[], valid: fc.Arbitrary<unknown>, fields: Readonly<Record<string, fc.Arbitrary<unknown>>>) =>
  ({ names: ['input', ...names], valid, junk: options(fields) });

const compressed = input(['indptr', 'indices', 'data', 'shape', 'dtype'],
  fc.constantFrom<unknown>({ indptr: [0, 1, 2], indices: [0, 1], data: [1, 2], shape: [2, 2] }, { indptr: [0, 0], indices: [], data: 1, shape: [1, 3], dtype: 'float64' }),
  { indptr: fc.constant([0, 1, 2]), indices: fc.constant([0, 1]), data: fc.constantFrom<unknown>([1, 2], 0.5), shape: fc.constant([2, 2]), dtype: floatDTypes });

const cooInput = input(['row', 'col', 'data', 'shape', 'dtype'],
  fc.constantFrom<unknown>({ row: [0, 1, 1], col: [1, 0, 0], data: [1, 2, 3], shape: [2, 2] }),
  { row: fc.constant([0, 1]), col: fc.constant([1, 1]), data: fc.constantFrom<unknown>([1, 2], 2), shape: fc.constant([2, 2]), dtype: floatDTypes });

const fixedFields = {
  shape: fc.constant([3, 4]), num: fc.constant(2), seed, weight: fc.constantFrom<unknown>(1, ef.scalar(2, 'nS')),
  data: fc.constant(undefined), indices: fc.constant(undefined), allowDuplicates: fc.boolean(), dtype: floatDTypes,
};
const fixedInput = input(Object.keys(fixedFields),
  fc.constantFrom<unknown>({ shape: [3, 4], num: 2, seed: 1, weight: 1 }, { shape: [2, 3], indices: [[0, 2], [1, 2]], data: [1, 2, 3, 4] }, { shape: [2, 3], num: 1, indices: [2, 0], weight: 0.5 }),
  fixedFields);

const jitcFields = { shape: matrixShape, prob: fc.constantFrom(0, 0.3, 1), seed, orient: fc.constantFrom<unknown>(undefined, 'row', 'col'), dtype: floatDTypes };
const jitcInput = (extra: Readonly<Record<string, fc.Arbitrary<unknown>>>) => {
  const fields = { ...jitcFields, ...extra };
  return input(Object.keys(fields), fc.record(fields), fields);
};

export const CONSTRUCTORS: FuzzCase[] = [
  {
    name: 'dense',
    slots: [
      { names: ['values'], valid: fc.constantFrom<unknown>([[1, 2], [3, 4]], [[]], ef.ones([2, 3])) },
      unit,
      { names: ['options', 'dtype'], valid: fc.constantFrom<unknown>(undefined, {}, { dtype: 'float64' }), junk: options({ dtype: floatDTypes }) },
    ],
    run: (x) => ef.dense(...(x as unknown as Parameters<typeof ef.dense>)),
    safe: (x) => ef.safe.dense(...(x as unknown as Parameters<typeof ef.dense>)),
  },
  { name: 'csr', slots: [compressed, unit], run: (x) => ef.csr(...(x as unknown as Parameters<typeof ef.csr>)), safe: (x) => ef.safe.csr(...(x as unknown as Parameters<typeof ef.csr>)) },
  { name: 'csc', slots: [compressed, unit], run: (x) => ef.csc(...(x as unknown as Parameters<typeof ef.csc>)), safe: (x) => ef.safe.csc(...(x as unknown as Parameters<typeof ef.csc>)) },
  { name: 'coo', slots: [cooInput, unit], run: (x) => ef.coo(...(x as unknown as Parameters<typeof ef.coo>)), safe: (x) => ef.safe.coo(...(x as unknown as Parameters<typeof ef.coo>)) },
  { name: 'fixedPostNum', slots: [fixedInput, unit], run: (x) => ef.fixedPostNum(...(x as unknown as Parameters<typeof ef.fixedPostNum>)), safe: (x) => ef.safe.fixedPostNum(...(x as unknown as Parameters<typeof ef.fixedPostNum>)) },
  { name: 'fixedPreNum', slots: [fixedInput, unit], run: (x) => ef.fixedPreNum(...(x as unknown as Parameters<typeof ef.fixedPreNum>)), safe: (x) => ef.safe.fixedPreNum(...(x as unknown as Parameters<typeof ef.fixedPreNum>)) },
  {
    name: 'jitc.scalar',
    slots: [jitcInput({ weight: fc.constantFrom<unknown>(1, -0.5, ef.scalar(1, 'nS')) }), unit],
    run: (x) => ef.jitc.scalar(...(x as unknown as Parameters<typeof ef.jitc.scalar>)),
    safe: (x) => ef.safe.jitc.scalar(...(x as unknown as Parameters<typeof ef.jitc.scalar>)),
  },
  {
    name: 'jitc.uniform',
    slots: [jitcInput({ low: fc.constantFrom<unknown>(0, -1), high: fc.constantFrom<unknown>(1, 2) }), unit],
    run: (x) => ef.jitc.uniform(...(x as unknown as Parameters<typeof ef.jitc.uniform>)),
    safe: (x) => ef.safe.jitc.uniform(...(x as unknown as Parameters<typeof ef.jitc.uniform>)),
  },
  {
    name: 'jitc.normal',
    slots: [jitcInput({ mean: fc.constantFrom<unknown>(0, 1), std: fc.constantFrom<unknown>(0, 0.5) }), unit],
    run: (x) => ef.jitc.normal(...(x as unknown as Parameters<typeof ef.jitc.normal>)),
    safe: (x) => ef.safe.jitc.normal(...(x as unknown as Parameters<typeof ef.jitc.normal>)),
  },
  {
    name: 'binary',
    slots: [
      { names: ['values'], valid: fc.constantFrom<unknown>([0, 1, 1], [[true, false]], ef.array([true, false])) },
      { names: ['shape'], valid: fc.constant(undefined) },
    ],
    run: (x) => ef.binary(...(x as unknown as Parameters<typeof ef.binary>)),
    safe: (x) => ef.safe.binary(...(x as unknown as Parameters<typeof ef.binary>)),
  },
  {
    name: 'events.fromIndices',
    slots: [
      { names: ['indices'], valid: fc.constantFrom<unknown>([0, 2], [], [[1], [0, 3]]) },
      { names: ['n'], valid: fc.constantFrom<unknown>(4, 5) },
    ],
    run: (x) => ef.events.fromIndices(...(x as unknown as Parameters<typeof ef.events.fromIndices>)),
    safe: (x) => ef.safe.fromIndices(...(x as unknown as Parameters<typeof ef.events.fromIndices>)),
  },
  {
    name: 'events.pack',
    slots: [{ names: ['events', 'binary'], valid: fc.constantFrom<unknown>(spikes3, spikes4) }],
    run: ([b]) => ef.events.pack(b as ef.BinaryArray),
  },
  {
    name: 'events.unpack',
    slots: [input(['bits', 'shape', 'wordsPerRow'], fc.constant(ef.events.pack(spikes3)),
      { bits: fc.constant(new Uint32Array([5])), shape: fc.constant([3]), wordsPerRow: fc.constant(1) })],
    run: ([p]) => ef.events.unpack(p as ef.PackedEvents),
  },
];

/** W [3, 4]: onPre takes pre spikes [3] and a post trace [4]; onPost the other way round. */
const plasticOptions = { names: ['options', 'wMin', 'wMax'], valid: fc.constantFrom<unknown>(undefined, {}, { wMin: 0, wMax: 2 }), junk: options({ wMin: smallNumber, wMax: smallNumber }) };
const PLASTICITY: FuzzCase[] = [
  {
    name: 'plasticity.onPre',
    slots: [{ names: ['W', 'matrix'], valid: aPlastic }, { names: ['spikes'], valid: fc.constant(spikes3) }, { names: ['trace'], valid: fc.constant(trace4) }, plasticOptions],
    run: ([W, s, t, o]) => ef.plasticity.onPre(W as never, s as never, t as never, o as never),
  },
  {
    name: 'plasticity.onPost',
    slots: [{ names: ['W', 'matrix'], valid: aPlastic }, { names: ['spikes'], valid: fc.constant(spikes4) }, { names: ['trace'], valid: fc.constant(trace3) }, plasticOptions],
    run: ([W, s, t, o]) => ef.plasticity.onPost(W as never, s as never, t as never, o as never),
  },
];

const call = (m: unknown, name: string, ...args: unknown[]): unknown => ((m as Record<string, Fn>)[name] as Fn).apply(m, args);
const format = { names: ['matrix'], valid: aFormat, fixed: true };
const METHODS: FuzzCase[] = [
  { name: 'format.mul', slots: [format, { names: ['scalar', 'c'], valid: fc.oneof(smallNumber, fc.constant(ef.scalar(2))) }], run: ([m, c]) => call(m, 'mul', c) },
  { name: 'format.div', slots: [format, { names: ['scalar', 'c'], valid: fc.oneof(smallNumber, fc.constant(ef.scalar(2))) }], run: ([m, c]) => call(m, 'div', c) },
  {
    name: 'format.withData',
    slots: [format, { names: ['data', 'values'], valid: fc.constantFrom<unknown>(1, ef.scalar(1, 'nS')) }, unit],
    run: ([m, d, u]) => call(m, 'withData', d, u),
  },
  { name: 'format.leftProduct', slots: [format, { names: ['x', 'operand'], valid: fc.constant(ef.ones([3])) }], run: ([m, x]) => call(m, 'leftProduct', x) },
  { name: 'format.rightProduct', slots: [format, { names: ['x', 'operand'], valid: fc.constant(ef.ones([4])) }], run: ([m, x]) => call(m, 'rightProduct', x) },
  { name: 'binary (of an array)', slots: [{ names: ['values'], valid: anArray }, { names: ['shape'], valid: fc.constant(undefined) }], run: ([v, s]) => ef.binary(v as never, s as never) },
];

export const FORMATS: readonly FuzzCase[] = [...CONSTRUCTORS, ...PLASTICITY, ...METHODS];
fuzzCases(test, FORMATS, 30);
fuzzSafe(test, CONSTRUCTORS, 30);

test.run();
