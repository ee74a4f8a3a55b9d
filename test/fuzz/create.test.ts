/**
 * Fuzz: the array constructors (array, scalar, zeros, ones, full, arange) and Unit.of with
 * garbage in each argument, and their ef.safe forms. See test/fuzz/oracle.ts for what passes.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { junk, junkLeaf, options, smallNumber, specialNumber } from './junk.js';
import { dtypes, shapes, units } from './pool.js';
import { fuzzCases, fuzzSafe, type FuzzCase } from './run.js';


const values = fc.constantFrom<unknown>([1, 2, 3], [[1, 2], [3, 4]], [true, false], new Float64Array([1, 2]), 5, [], [[]]);
const arrayOptions = fc.constantFrom<unknown>(undefined, {}, { dtype: 'float64' }, { dtype: 'int32' });
const unit = { names: ['unit'], valid: units };
const dtype = { names: ['dtype'], valid: dtypes };
const shape = { names: ['shape'], valid: shapes };

// arange counts (stop - start) / step elements: its numbers avoid the range where that count
// would be between 2^26 and 2^33 (an unchecked library would allocate gigabytes).
const arangeNumber = fc.oneof(smallNumber, specialNumber.filter((v) => !(Math.abs(v) >= 2 ** 33 && Math.abs(v) < 2 ** 34)));
const arangeJunk = fc.oneof(arangeNumber, junkLeaf.filter((v) => typeof v !== 'number'));
const step = fc.constantFrom<unknown>(undefined, 1, 2, 0.5, -1, 0.25);

export const CREATE: readonly FuzzCase[] = [
  {
    name: 'array',
    slots: [
      { names: ['values', 'data'], valid: values },
      unit,
      { names: ['options', 'dtype', 'shape'], valid: arrayOptions, junk: options({ dtype: dtypes, shape: fc.constant(undefined) }) },
    ],
    run: (x) => ef.array(...(x as unknown as Parameters<typeof ef.array>)),
    safe: (x) => ef.safe.array(...(x as unknown as Parameters<typeof ef.array>)),
  },
  {
    name: 'scalar',
    slots: [{ names: ['value'], valid: smallNumber }, unit, dtype],
    run: (x) => ef.scalar(...(x as unknown as Parameters<typeof ef.scalar>)),
    safe: (x) => ef.safe.scalar(...(x as unknown as Parameters<typeof ef.scalar>)),
  },
  {
    name: 'zeros',
    slots: [shape, unit, dtype],
    run: (x) => ef.zeros(...(x as unknown as Parameters<typeof ef.zeros>)),
    safe: (x) => ef.safe.zeros(...(x as unknown as Parameters<typeof ef.zeros>)),
  },
  {
    name: 'ones',
    slots: [shape, unit, dtype],
    run: (x) => ef.ones(...(x as unknown as Parameters<typeof ef.ones>)),
    safe: (x) => ef.safe.ones(...(x as unknown as Parameters<typeof ef.ones>)),
  },
  {
    name: 'full',
    slots: [shape, { names: ['value'], valid: smallNumber }, unit, dtype],
    run: (x) => ef.full(...(x as unknown as Parameters<typeof ef.full>)),
    safe: (x) => ef.safe.full(...(x as unknown as Parameters<typeof ef.full>)),
  },
  {
    name: 'arange',
    slots: [
      { names: ['start'], valid: fc.integer({ min: -8, max: 8 }), junk: arangeJunk },
      { names: ['stop'], valid: fc.constantFrom<unknown>(undefined, 0, 5, -3, 2.5), junk: arangeJunk },
      { names: ['step'], valid: step, junk: arangeJunk },
      unit,
      dtype,
    ],
    run: (x) => ef.arange(...(x as unknown as Parameters<typeof ef.arange>)),
    safe: (x) => ef.safe.arange(...(x as unknown as Parameters<typeof ef.arange>)),
  },
  {
    name: 'Unit.of',
    slots: [{ names: ['unit'], valid: units, junk }],
    run: (x) => ef.Unit.of(x[0] as string),
    check: (u) => {
      if (!(u instanceof ef.Unit)) throw new Error(`oracle: Unit.of returned ${typeof u}, not a Unit`);
    },
  },
];

fuzzCases(test, CREATE);
fuzzSafe(test, CREATE);

test.run();
