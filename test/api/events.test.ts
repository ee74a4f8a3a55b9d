/**
 * Events (src/formats/events): every validation error of ef.binary, fromIndices and unpack, and
 * the padding rule, checked while the arrays are built, before any backend is involved, so
 * they run once, in the cpu+reference process. The values of what they accept, round trips and
 * the bit layout are checked on every backend by test/formats/events.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { PackedEvents } from '../../src/index.js';
import { expectError, RUN_OPTS } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';
import { expectedWords, indexList, matrix } from '../arbitraries/events.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(100) };

test('binary errors: NaN at its position, rank, shape count, ragged and non-numeric data', () => {
  expectError(() => ef.binary([0, 1, 1, NaN]), ef.InvalidArgumentError, 'values[3] is NaN', 'active = nonzero');
  expectError(() => ef.binary(Float32Array.of(1, NaN)), ef.InvalidArgumentError, 'values[1] is NaN');
  expectError(() => ef.binary([[0, 1], [NaN, 0]]), ef.InvalidArgumentError, 'values[1][0]', 'flat position 2', 'NaN');
  expectError(() => ef.binary([0, 'x' as unknown as number]), ef.InvalidArgumentError, 'values[1]', '"x"', 'expected a number or boolean');
  expectError(() => ef.binary([[0, 1], [1]]), ef.InvalidArgumentError, 'ragged', 'values[1]', 'expected length 2');
  expectError(() => ef.binary(1), ef.ShapeMismatchError, '[]', 'expected a vector [n] or a matrix [batch, n]');
  expectError(() => ef.binary([[[1]]]), ef.ShapeMismatchError, '[1, 1, 1]', 'rank 3', 'expected a vector [n] or a matrix [batch, n]');
  expectError(() => ef.binary([1, 0, 1, 0], [2, 1, 2]), ef.ShapeMismatchError, 'expected a vector [n] or a matrix [batch, n]');
  expectError(() => ef.binary([1, 0, 1], [2, 2]), ef.ShapeMismatchError, '[2, 2]', 'holds 4', 'has 3');
  expectError(() => ef.binary([1, 0], [-2]), ef.InvalidArgumentError, 'non-negative integer');
});

test('binary errors for lazy arrays: non-bool, bool with a unit, rank, reshape', () => {
  expectError(() => ef.binary(ef.array([1, 0, 2])), ef.InvalidArgumentError, 'float32', 'notEqual(0)', 'comparison');
  expectError(() => ef.binary(ef.array([1, 0], undefined, { dtype: 'int32' })), ef.InvalidArgumentError, 'int32', 'notEqual(0)');
  expectError(() => ef.binary(ef.array([1], 'mV').astype('bool')), ef.UnitMismatchError, 'mV', 'dimensionless');
  expectError(() => ef.binary(ef.scalar(1).greater(0)), ef.ShapeMismatchError, 'expected a vector [n] or a matrix [batch, n]');
  expectError(() => ef.binary(ef.zeros([1, 1, 2]).greater(0)), ef.ShapeMismatchError, 'rank 3');
  expectError(() => ef.binary(ef.array([1, 0]).greater(0), [1, 2]), ef.ShapeMismatchError, 'reshape', '[2]', '[1, 2]');
  assert.equal([...ef.binary(ef.array([1, 0]).greater(0), [2]).shape], [2], 'an equal shape argument is fine');
});

test('indices() of a matrix points to rowIndices()', () => {
  expectError(() => ef.binary([[1, 0], [0, 1]]).indices(), ef.InvalidArgumentError, 'matrix [2, 2]', 'rowIndices()');
});

test('fromIndices errors: n, out-of-range and non-integer indices, duplicates, mixed nesting', () => {
  for (const n of [-1, 2.5, NaN, '3' as unknown as number]) {
    expectError(() => ef.events.fromIndices([0], n), ef.InvalidArgumentError, 'n is', 'non-negative integer');
  }
  expectError(() => ef.events.fromIndices([0, 10], 10), ef.InvalidFormatError, 'indices[1] is 10', 'expected an integer in [0, 10)');
  expectError(() => ef.events.fromIndices([-1], 4), ef.InvalidFormatError, 'indices[0] is -1', '[0, 4)');
  expectError(() => ef.events.fromIndices([1.5], 4), ef.InvalidFormatError, 'indices[0] is 1.5');
  expectError(() => ef.events.fromIndices([NaN], 4), ef.InvalidFormatError, 'indices[0]', 'NaN');
  expectError(() => ef.events.fromIndices([[0], [2, 5]], 4), ef.InvalidFormatError, 'indices[1][1] is 5', '[0, 4)');
  expectError(() => ef.events.fromIndices([1, 3, 7, 0, 2, 7], 10), ef.InvalidFormatError,
    'a spike is binary; index 7 appears twice at indices[2] and indices[5]');
  expectError(() => ef.events.fromIndices([[1, 2], [3, 0, 3]], 4), ef.InvalidFormatError, 'index 3 appears twice at indices[1][0] and indices[1][2]');
  expectError(() => ef.events.fromIndices([[1], 2] as unknown as number[][], 4), ef.InvalidFormatError, 'indices[1] is 2', 'expected a list of indices');
  expectError(() => ef.events.fromIndices(3 as unknown as number[], 4), ef.InvalidArgumentError, 'indices is 3');
  // the same index in different rows is fine (its values: test/formats/events.test.ts)
  assert.equal([...ef.events.fromIndices([[1], [1]], 2).shape], [2, 2]);
});

test('fromIndices: every out-of-range or duplicated index is caught (property)', () => {
  fc.assert(fc.property(indexList, fc.integer({ min: -100, max: 200 }), fc.nat(), ({ n, idx }, bad, at) => {
    fc.pre(bad < 0 || bad >= n);
    const list = [...idx];
    list.splice(at % (list.length + 1), 0, bad);
    expectError(() => ef.events.fromIndices(list, n), ef.InvalidFormatError, `is ${bad}`, `[0, ${n})`);
  }), OPTS);
  fc.assert(fc.property(indexList, fc.nat(), (({ n, idx }, at) => {
    fc.pre(idx.length > 0);
    const dup = idx[at % idx.length]!;
    expectError(() => ef.events.fromIndices([...idx, dup], n), ef.InvalidFormatError, `index ${dup} appears twice`, `indices[${idx.length}]`);
  })), OPTS);
});

test('unpack errors: shape, bits type and length, wordsPerRow, padding bits (word and bit named)', () => {
  const good = ef.binary([1, 0, 1]).bitpack();
  const bad = (over: Partial<Record<keyof PackedEvents, unknown>>): PackedEvents => ({ ...good, ...over }) as PackedEvents;
  expectError(() => ef.events.unpack(bad({ shape: [1, 1, 3] })), ef.InvalidFormatError, 'shape is [1, 1, 3]', '[batch, n]');
  expectError(() => ef.events.unpack(bad({ shape: [] })), ef.InvalidFormatError, 'shape is []');
  expectError(() => ef.events.unpack(bad({ shape: [-3] })), ef.InvalidFormatError, 'non-negative integers');
  expectError(() => ef.events.unpack(bad({ shape: [2.5] })), ef.InvalidFormatError, 'non-negative integers');
  expectError(() => ef.events.unpack(bad({ bits: Int32Array.of(5) })), ef.InvalidFormatError, 'Int32Array', 'expected a Uint32Array');
  expectError(() => ef.events.unpack(bad({ bits: [5] })), ef.InvalidFormatError, 'expected a Uint32Array');
  expectError(() => ef.events.unpack(bad({ bits: new Uint32Array(2) })), ef.InvalidFormatError, 'bits has 2 words', 'expected', '= 1');
  expectError(() => ef.events.unpack(bad({ shape: [2, 3] })), ef.InvalidFormatError, 'bits has 1 words', '2 * 1 = 2');
  expectError(() => ef.events.unpack(bad({ wordsPerRow: 2 })), ef.InvalidFormatError, 'wordsPerRow is 2', 'ceil(3 / 32) = 1');
  expectError(() => ef.events.unpack(bad({ bits: Uint32Array.of(0b1000) })), ef.InvalidFormatError, 'padding bit 3 of word 0', 'n is 3');
  const rows = { bits: Uint32Array.of(0, 1 << 31, 1, 0), shape: [2, 34], wordsPerRow: 2 };
  expectError(() => ef.events.unpack(rows), ef.InvalidFormatError, 'padding bit 31 of word 1 (row 0)');
  expectError(() => ef.events.unpack(null as unknown as PackedEvents), ef.InvalidFormatError, 'PackedEvents');
  // a full last word has no padding (its values: test/formats/events.test.ts); n = 0 has no words at all
  assert.equal([...ef.events.unpack({ bits: Uint32Array.of(0x80000000), shape: [32], wordsPerRow: 1 }).shape], [32]);
  assert.equal([...ef.events.unpack({ bits: new Uint32Array(0), shape: [3, 0], wordsPerRow: 0 }).shape], [3, 0]);
});

test('unpack: any set padding bit is refused, naming the neuron it would be (property)', () => {
  fc.assert(fc.property(matrix, fc.nat(), fc.nat(), ({ n, rows }, r0, b0) => {
    fc.pre(n % 32 !== 0);
    const wordsPerRow = Math.ceil(n / 32);
    const r = r0 % rows.length;
    const bit = (n % 32) + (b0 % (32 - (n % 32)));
    const words = Uint32Array.from(expectedWords(rows, n));
    const w = r * wordsPerRow + wordsPerRow - 1;
    words[w] = words[w]! | (2 ** bit);
    // the bit's neuron: n rounded down to a multiple of 32, plus the bit
    const neuron = n - (n % 32) + bit;
    assert.ok(neuron >= n && neuron < wordsPerRow * 32, 'a padding bit is past n, inside the row');
    expectError(() => ef.events.unpack({ bits: words, shape: [rows.length, n], wordsPerRow }), ef.InvalidFormatError,
      `padding bit ${bit} of word ${w} (row ${r}) is set: it would be neuron ${neuron}, but n is ${n}`);
  }), OPTS);
});

test.run();
