/**
 * Fuzz: sizes beyond the int32 limit (2^31 − 1 elements) must be refused with a
 * ResourceError before anything is allocated. Every size here is at least 2^33 elements,
 * above what a typed array or Array.from holds, so a library that forgets the check fails
 * at once with a RangeError instead of allocating gigabytes.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { HUGE_SIZES } from './junk.js';
import { dtypes, units } from './pool.js';
import { fuzzCases, type FuzzCase } from './run.js';

const H = fc.constantFrom(...HUGE_SIZES);
/** Shapes holding 2^33 elements or more, every dimension at least 1. */
const hugeShape = fc.oneof(
  H.map((h) => [h]),
  H.map((h) => [2, h]),
  fc.constant([2 ** 17, 2 ** 17]),
  fc.constant([65536, 65536, 4]),
);
const INT32_MAX = 2 ** 31 - 1;

export const HUGE: FuzzCase[] = [
  { name: 'zeros', slots: [{ names: ['shape'], valid: hugeShape, junk: hugeShape }, { names: ['unit'], valid: units, fixed: true }, { names: ['dtype'], valid: dtypes, fixed: true }], run: ([s, u, d]) => ef.zeros(s as number[], u as string, d as ef.DType) },
  { name: 'full', slots: [{ names: ['shape'], valid: hugeShape, junk: hugeShape }, { names: ['value'], valid: fc.constant(1), fixed: true }], run: ([s, v]) => ef.full(s as number[], v as number) },
  { name: 'arange', slots: [{ names: ['stop'], valid: H, junk: H }], run: ([h]) => ef.arange(h as number) },
  { name: 'arange', slots: [{ names: ['step'], valid: fc.constantFrom(2 ** -40, -(2 ** -40)), junk: fc.constantFrom(2 ** -40, 2 ** -50) }], run: ([st]) => ef.arange(0, (st as number) > 0 ? 1 : -1, st as number) },
  { name: 'events.fromIndices', slots: [{ names: ['n'], valid: H, junk: H }], run: ([n]) => ef.events.fromIndices([], n as number) },
  {
    // A JIT matrix may be huge (it stores nothing); its product [rows, 3] may not.
    name: 'matmul',
    slots: [{ names: ['rows'], valid: fc.constant(INT32_MAX), junk: fc.constantFrom(INT32_MAX, 2 ** 31 - 2) }],
    run: ([rows]) => ef.matmul(ef.jitc.scalar({ shape: [rows as number, 3], prob: 0.1, seed: 1, weight: 1 }), ef.ones([3, 3])),
  },
  {
    name: 'fixedPostNum',
    slots: [{ names: ['num'], valid: fc.constant(8), junk: fc.constantFrom(8, 64) }],
    run: ([num]) => ef.fixedPostNum({ shape: [INT32_MAX, INT32_MAX], num: num as number, seed: 1, weight: 1, allowDuplicates: true }),
  },
  {
    name: 'runner.run',
    slots: [{ names: ['steps'], valid: H, junk: H }],
    run: ([steps]) => ef.compile((s) => ({ state: { v: s['v']! }, record: { v: s['v']! } })).run({ v: ef.zeros([2]) }, { steps: steps as number }),
  },
];

/** Every case must be refused with a ResourceError (nothing here is a valid request). */
fuzzCases(test, HUGE.map((c) => ({ ...c, check: () => { throw new Error('oracle: accepted a size beyond 2^31 − 1 elements'); } })), 10, ef.ResourceError);

test.run();
