/**
 * Events (src/formats/events): ef.binary, index lists, bit-packing. Round trips between the
 * three spellings, the bit layout against an independent computation, the one "active =
 * nonzero" rule, immutability, every validation error, and lazy wrapping of comparisons.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { BinaryArray, PackedEvents } from '../../src/index.js';
import { RUN_OPTS, expectError, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(100) };

// ---------------------------------------------------------------- generators

const nArb = fc.integer({ min: 0, max: 80 });
const bits = (len: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof(fc.boolean(), fc.constant(true)).map((b) => (b ? 1 : 0)), { minLength: len, maxLength: len });
/** A spike vector as 0/1 numbers. */
const vector = nArb.chain((n) => bits(n));
/** A spike matrix [batch, n] as rows of 0/1 numbers. */
const matrix = fc.tuple(fc.integer({ min: 1, max: 4 }), nArb).chain(([batch, n]) =>
  fc.array(bits(n), { minLength: batch, maxLength: batch }).map((rows) => ({ batch, n, rows })));
/** Any value the nonzero rule must decide (no NaN). */
const activeish = fc.oneof(
  fc.constantFrom<number | boolean>(0, -0, 1, -1, 0.5, -1e-300, 5e-324, Infinity, -Infinity, true, false),
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }),
);
/** Distinct indices in [0, n), in random order, and n. */
const indexList = nArb.chain((n) =>
  fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i)).map((idx) => ({ n, idx })));

const isActive = (v: number | boolean): boolean => (typeof v === 'boolean' ? v : v !== 0);
const flat = (b: ef.LazyArray): number[] => Array.from(b.dataSync());
const ascending = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const activeOf = (row: readonly (number | boolean)[]): number[] => row.flatMap((v, i) => (isActive(v) ? [i] : []));

function expectSameBits(a: BinaryArray, b: BinaryArray, what: string): void {
  assert.ok(a instanceof ef.BinaryArray && b instanceof ef.BinaryArray, `${what}: both BinaryArrays`);
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  assert.is(a.dtype, 'bool', `${what}: dtype`);
  assert.is(b.dtype, 'bool', `${what}: dtype`);
  assert.equal(flat(a), flat(b), `${what}: values`);
}

// ---------------------------------------------------------------- construction and the rule

test('binary: dtype bool, dimensionless, shape of the data; values are 0/1 by the nonzero rule', () => {
  fc.assert(fc.property(fc.array(activeish, { maxLength: 80 }), (vals) => {
    const b = ef.binary(vals);
    assert.ok(b instanceof ef.BinaryArray);
    assert.ok(b instanceof ef.LazyArray);
    assert.is(b.dtype, 'bool');
    assert.ok(b.unit.equals(ef.Unit.dimensionless));
    assert.equal([...b.shape], [vals.length]);
    const data = b.dataSync();
    assert.ok(data instanceof Uint8Array);
    assert.equal(Array.from(data), vals.map((v) => (isActive(v) ? 1 : 0)));
  }), OPTS);
});

test('the nonzero rule on the edge cases: -0 and false are inactive; negatives, tiny and infinite values are active', () => {
  const vals = [0, -0, false, true, 1, -1, 5e-324, -Infinity, Infinity, 0.25];
  assert.equal(flat(ef.binary(vals)), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(flat(ef.binary(Float64Array.of(-0, -2, 0, 3))), [0, 1, 0, 1]);
  assert.equal(flat(ef.binary(Uint8Array.of(0, 7, 255))), [0, 1, 1]);
});

test('count equals the number of nonzeros, vector or matrix', () => {
  fc.assert(fc.property(fc.array(activeish, { maxLength: 80 }), (vals) => {
    assert.is(ef.binary(vals).count(), vals.filter(isActive).length);
  }), OPTS);
  fc.assert(fc.property(matrix, ({ rows }) => {
    assert.is(ef.binary(rows).count(), rows.flat().filter(isActive).length);
  }), OPTS);
});

test('shape reshapes flat data into a vector or matrix; nested data keeps its nesting', () => {
  fc.assert(fc.property(matrix, ({ batch, n, rows }) => {
    const nested = ef.binary(rows);
    const reshaped = ef.binary(rows.flat(), [batch, n]);
    assert.equal([...nested.shape], [batch, n]);
    expectSameBits(nested, reshaped, 'nested vs flat + shape');
    const asVector = ef.binary(rows, [batch * n]);
    assert.equal([...asVector.shape], [batch * n]);
    assert.equal(flat(asVector), rows.flat());
  }), OPTS);
  assert.equal([...ef.binary(5, [1]).shape], [1], 'a scalar with shape [1] is a one-neuron vector');
});

test('immutability: mutating the input afterwards changes nothing; a BinaryArray is frozen', () => {
  fc.assert(fc.property(vector, fc.nat(), (vals, k) => {
    fc.pre(vals.length > 0);
    const arr = [...vals];
    const typed = Uint8Array.from(vals);
    const a = ef.binary(arr);
    const b = ef.binary(typed);
    const nested = [arr.slice()];
    const c = ef.binary(nested);
    const j = k % vals.length;
    arr[j] = 1 - arr[j]!;
    typed[j] = 1 - typed[j]!;
    nested[0]![j] = 1 - nested[0]![j]!;
    assert.equal(flat(a), vals);
    assert.equal(flat(b), vals);
    assert.equal(flat(c), vals);
    a.dataSync()[j] = 9; // dataSync returns a copy
    assert.equal(flat(a), vals);
    assert.ok(Object.isFrozen(a));
  }), OPTS);
});

// ---------------------------------------------------------------- index lists

test('binary -> indices -> fromIndices round trips (vector)', () => {
  fc.assert(fc.property(vector, (vals) => {
    const b = ef.binary(vals);
    const idx = b.indices();
    assert.ok(idx instanceof Int32Array);
    assert.equal(Array.from(idx), activeOf(vals), 'indices are the ascending active positions');
    expectSameBits(ef.events.fromIndices(idx, vals.length), b, 'round trip');
  }), OPTS);
});

test('binary -> rowIndices -> fromIndices round trips (matrix); a vector gives one list', () => {
  fc.assert(fc.property(matrix, ({ n, rows }) => {
    const b = ef.binary(rows);
    const lists = b.rowIndices();
    assert.is(lists.length, rows.length);
    lists.forEach((l, r) => assert.equal(Array.from(l), activeOf(rows[r]!), `row ${r}`));
    expectSameBits(ef.events.fromIndices(lists, n), b, 'round trip');
  }), OPTS);
  fc.assert(fc.property(vector, (vals) => {
    const lists = ef.binary(vals).rowIndices();
    assert.is(lists.length, 1);
    assert.equal(Array.from(lists[0]!), activeOf(vals));
  }), OPTS);
});

test('fromIndices in any order gives the sorted list back, and exactly those neurons active', () => {
  fc.assert(fc.property(indexList, ({ n, idx }) => {
    const b = ef.events.fromIndices(idx, n);
    assert.equal([...b.shape], [n]);
    assert.equal(Array.from(b.indices()), ascending(idx));
    const want = new Array<number>(n).fill(0);
    for (const i of idx) want[i] = 1;
    assert.equal(flat(b), want);
    assert.is(b.count(), idx.length);
  }), OPTS);
});

test('fromIndices with one list per row gives a matrix [lists.length, n]', () => {
  const rowsArb = nArb.chain((n) =>
    fc.array(fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i)), { minLength: 1, maxLength: 4 }).map((lists) => ({ n, lists })));
  fc.assert(fc.property(rowsArb, ({ n, lists }) => {
    const b = ef.events.fromIndices(lists.map((l) => Int32Array.from(l)), n);
    assert.equal([...b.shape], [lists.length, n]);
    assert.equal(b.rowIndices().map((l) => Array.from(l)), lists.map(ascending));
    const want = lists.flatMap((l) => Array.from({ length: n }, (_, i) => (l.includes(i) ? 1 : 0)));
    assert.equal(flat(b), want);
  }), OPTS);
  assert.equal([...ef.events.fromIndices([], 3).shape], [3], 'an empty list is a vector without events');
});

// ---------------------------------------------------------------- bit-packing

/** The expected words, by arithmetic (powers of two), not by the implementation's bit ops. */
function expectedWords(rows: readonly number[][], n: number): number[] {
  const wpr = Math.ceil(n / 32);
  const words = new Array<number>(rows.length * wpr).fill(0);
  rows.forEach((row, r) => row.forEach((v, i) => {
    if (v !== 0) words[r * wpr + Math.floor(i / 32)]! += 2 ** (i % 32);
  }));
  return words;
}

test('bitpack layout: bit i%32 (LSB first) of word r*wordsPerRow + floor(i/32); padding zero', () => {
  fc.assert(fc.property(fc.oneof(vector.map((v) => ({ rows: [v], n: v.length, vec: true })), matrix.map((m) => ({ rows: m.rows, n: m.n, vec: false }))), ({ rows, n, vec }) => {
    const b = vec ? ef.binary(rows[0]!) : ef.binary(rows);
    const p = b.bitpack();
    assert.ok(p.bits instanceof Uint32Array);
    assert.is(p.wordsPerRow, Math.ceil(n / 32));
    assert.equal([...p.shape], [...b.shape]);
    assert.equal(Array.from(p.bits), expectedWords(rows, n));
  }), OPTS);
  const p = ef.binary([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]).bitpack();
  assert.equal(Array.from(p.bits), [0x80000001, 1], 'neuron 31 is the top bit of word 0; neuron 32 opens word 1');
});

test('bitpack -> unpack is identical, and pack/unpack from ef.events agree with the method', () => {
  fc.assert(fc.property(fc.oneof(vector.map((v) => ef.binary(v)), matrix.map((m) => ef.binary(m.rows))), (b) => {
    const p = b.bitpack();
    expectSameBits(ef.events.unpack(p), b, 'unpack(bitpack)');
    assert.equal(Array.from(ef.events.pack(b).bits), Array.from(p.bits));
    // and back the other way: unpack then pack gives the same words
    assert.equal(Array.from(ef.events.unpack(p).bitpack().bits), Array.from(p.bits));
  }), OPTS);
});

test('packed events are frozen, fresh per call, and unpack copies the words', () => {
  fc.assert(fc.property(vector, (vals) => {
    fc.pre(vals.length > 0);
    const b = ef.binary(vals);
    const p = b.bitpack();
    assert.ok(Object.isFrozen(p));
    assert.ok(Object.isFrozen(p.shape));
    assert.throws(() => { (p as { wordsPerRow: number }).wordsPerRow = 99; });
    const q = b.bitpack();
    assert.ok(p.bits !== q.bits, 'a fresh bits array each time');
    const u = ef.events.unpack(p);
    p.bits[0] = p.bits[0]! ^ 1;
    assert.equal(flat(u), vals, 'unpacked array unaffected by later edits of bits');
    assert.equal(flat(b), vals, 'source unaffected');
    assert.equal(Array.from(q.bits), expectedWords([vals], vals.length));
  }), OPTS);
});

// ---------------------------------------------------------------- lazy wrapping

forEachBackend(test, 'binary wraps a bool comparison without copying; stays a lazy node', () => {
  const cmp = ef.array([1, -2, 3]).greater(0);
  const b = ef.binary(cmp);
  assert.ok(b instanceof ef.BinaryArray);
  assert.is(b.node, cmp.node, 'same IR node');
  assert.equal(flat(b), [1, 0, 1]);
  assert.equal(Array.from(b.indices()), [0, 2]);
  assert.is(ef.binary(b), b, 'a BinaryArray is returned as is');
  fc.assert(fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 40 }), (xs) => {
    const viaLazy = ef.binary(ef.array(xs).notEqual(0));
    expectSameBits(viaLazy, ef.binary(xs), 'notEqual(0) vs data');
    assert.equal(Array.from(viaLazy.bitpack().bits), expectedWords([xs], xs.length));
  }), { ...OPTS, numRuns: runs(40) });
});

forEachBackend(test, 'binary of a comparison works inside a compiled step', async () => {
  const vth = ef.scalar(-50, 'mV');
  const step: ef.StepFn = (s) => {
    const spikes = ef.binary(s.V!.greater(vth));
    return { state: { V: s.V!.add(ef.scalar(1, 'mV')) }, record: { spikes, count: spikes.sum() } };
  };
  const v0 = [-52, -49, -50.5, -60];
  const out = await ef.compile(step).run({ V: ef.array(v0, 'mV') }, { steps: 3 });
  const want = [0, 1, 2].flatMap((t) => v0.map((v) => (v + t > -50 ? 1 : 0)));
  assert.equal(flat(out.records.spikes!), want);
  assert.equal(flat(out.records.count!), [0, 1, 2].map((t) => v0.filter((v) => v + t > -50).length));
});

// ---------------------------------------------------------------- errors

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
  // the same index in different rows is fine, and a failed call leaves no trace in the next
  assert.equal(flat(ef.events.fromIndices([[1], [1]], 2)), [0, 1, 0, 1]);
  assert.equal(flat(ef.events.fromIndices([3, 1], 4)), [0, 1, 0, 1]);
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
  // a full last word has no padding; n = 0 has no words at all
  assert.equal(flat(ef.events.unpack({ bits: Uint32Array.of(0x80000000), shape: [32], wordsPerRow: 1 })), [...new Array(31).fill(0), 1]);
  assert.equal([...ef.events.unpack({ bits: new Uint32Array(0), shape: [3, 0], wordsPerRow: 0 }).shape], [3, 0]);
});

test('unpack: any set padding bit is refused (property)', () => {
  fc.assert(fc.property(matrix, fc.nat(), fc.nat(), ({ n, rows }, r0, b0) => {
    fc.pre(n % 32 !== 0);
    const p = ef.binary(rows).bitpack();
    const r = r0 % rows.length;
    const bit = (n % 32) + (b0 % (32 - (n % 32)));
    const words = p.bits.slice();
    const w = r * p.wordsPerRow + p.wordsPerRow - 1;
    words[w] = words[w]! | (2 ** bit);
    expectError(() => ef.events.unpack({ ...p, bits: words }), ef.InvalidFormatError, `padding bit ${bit} of word ${w} (row ${r})`);
  }), OPTS);
});

test.run();
