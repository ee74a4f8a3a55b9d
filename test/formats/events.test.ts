/**
 * Events (src/formats/events) on every backend: ef.binary, index lists, bit-packing. Round trips
 * between the three spellings, the bit layout against an independent computation, the one
 * "active = nonzero" rule, immutability, and lazy wrapping of comparisons. Every validation
 * error (thrown while building, before any backend is involved): test/api/events.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { BinaryArray } from '../../src/index.js';
import { RUN_OPTS, forEachBackend } from '../helpers/suite.js';
import { runs } from '../helpers/backends.js';
import { activeish, expectedWords, indexList, matrix, nArb, vector } from '../arbitraries/events.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(100) };

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

forEachBackend(test, 'binary: dtype bool, dimensionless, shape of the data; values are 0/1 by the nonzero rule', () => {
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

forEachBackend(test, 'the nonzero rule on the edge cases: -0 and false are inactive; negatives, tiny and infinite values are active', () => {
  const vals = [0, -0, false, true, 1, -1, 5e-324, -Infinity, Infinity, 0.25];
  assert.equal(flat(ef.binary(vals)), [0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
  assert.equal(flat(ef.binary(Float64Array.of(-0, -2, 0, 3))), [0, 1, 0, 1]);
  assert.equal(flat(ef.binary(Uint8Array.of(0, 7, 255))), [0, 1, 1]);
});

forEachBackend(test, 'count equals the number of nonzeros, vector or matrix', () => {
  fc.assert(fc.property(fc.array(activeish, { maxLength: 80 }), (vals) => {
    assert.is(ef.binary(vals).count(), vals.filter(isActive).length);
  }), OPTS);
  fc.assert(fc.property(matrix, ({ rows }) => {
    assert.is(ef.binary(rows).count(), rows.flat().filter(isActive).length);
  }), OPTS);
});

forEachBackend(test, 'shape reshapes flat data into a vector or matrix; nested data keeps its nesting', () => {
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

forEachBackend(test, 'immutability: mutating the input afterwards changes nothing; a BinaryArray is frozen', () => {
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

forEachBackend(test, 'binary -> indices -> fromIndices round trips (vector)', () => {
  fc.assert(fc.property(vector, (vals) => {
    const b = ef.binary(vals);
    const idx = b.indices();
    assert.ok(idx instanceof Int32Array);
    assert.equal(Array.from(idx), activeOf(vals), 'indices are the ascending active positions');
    expectSameBits(ef.events.fromIndices(idx, vals.length), b, 'round trip');
  }), OPTS);
});

forEachBackend(test, 'binary -> rowIndices -> fromIndices round trips (matrix); a vector gives one list', () => {
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

forEachBackend(test, 'fromIndices in any order gives the sorted list back, and exactly those neurons active', () => {
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

forEachBackend(test, 'fromIndices with one list per row gives a matrix [lists.length, n]', () => {
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

forEachBackend(test, 'bitpack layout: bit i%32 (LSB first) of word r*wordsPerRow + floor(i/32); padding zero', () => {
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

forEachBackend(test, 'bitpack -> unpack is identical, and pack/unpack from ef.events agree with the method', () => {
  fc.assert(fc.property(fc.oneof(vector.map((v) => ef.binary(v)), matrix.map((m) => ef.binary(m.rows))), (b) => {
    const p = b.bitpack();
    expectSameBits(ef.events.unpack(p), b, 'unpack(bitpack)');
    assert.equal(Array.from(ef.events.pack(b).bits), Array.from(p.bits));
    // and back the other way: unpack then pack gives the same words
    assert.equal(Array.from(ef.events.unpack(p).bitpack().bits), Array.from(p.bits));
  }), OPTS);
});

forEachBackend(test, 'packed events are frozen, fresh per call, and unpack copies the words', () => {
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

forEachBackend(test, 'what the checks accept holds its values: one index in different rows, indices in any order, a full last word', () => {
  // (the checks themselves: test/api/events.test.ts) a failed call leaves no trace in the next
  assert.equal(flat(ef.events.fromIndices([[1], [1]], 2)), [0, 1, 0, 1]);
  assert.equal(flat(ef.events.fromIndices([3, 1], 4)), [0, 1, 0, 1]);
  assert.equal(flat(ef.events.unpack({ bits: Uint32Array.of(0x80000000), shape: [32], wordsPerRow: 1 })), [...new Array(31).fill(0), 1]);
  assert.equal(flat(ef.binary(ef.array([1, 0]).greater(0), [2])), [1, 0]);
});

test.run();
