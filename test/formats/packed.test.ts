/**
 * Bit-packed events as product operands (ef.matmul(ef.events.pack(s), W) and
 * ef.matmul(W, packed)), on every backend:
 * 1. for dense, COO (merged or with duplicates), CSR, CSC, fixedPostNum, fixedPreNum, their
 *    transposes and JITC matrices, vectors and batches: the packed product is bit-identical
 *    to the product of the same spikes unpacked (ef.binary: same summation order), and close
 *    to the float64 dense model;
 * 2. word boundaries: n from 1 to 100 (31, 32, 33, 64, 65, ...), zero words, full words, the
 *    last neuron of a word and of the row, on CSR on both sides;
 * 3. padding bits beyond n in the last word are refused (a typed error naming the bit);
 *    pack leaves them zero.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { runs, tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { KINDS, entriesOf, matrixOf } from '../helpers/plastic.js';
import { RUN_OPTS, expectError, forEachBackend } from '../helpers/suite.js';

const OPTS = { ...RUN_OPTS, numRuns: runs(30), includeErrorInReport: true };

type Matrix = ef.PlasticMatrix | ef.JITCMatrix;

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

/** Spike bits for `rows` × `n`: none, all, or random (sparse or dense). */
const spikeBits = (count: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.constant(new Array<number>(count).fill(0)),
    fc.constant(new Array<number>(count).fill(1)),
    fc.array(fc.constantFrom(0, 1), { minLength: count, maxLength: count }),
    fc.array(fc.constantFrom(0, 0, 0, 0, 0, 0, 0, 1), { minLength: count, maxLength: count }),
  );

/** Dense float64 model of x @ M (left) or M @ x (right) from the stored entries; x is [b, n] row-major (right: [n] per column of b). */
function model(M: Matrix, bits: readonly number[], batch: number, side: 'left' | 'right'): number[] {
  const [rows, cols] = M.shape;
  const d = M instanceof ef.JITCMatrix ? Array.from(M.todense().data.dataSync()) : (() => {
    const e = entriesOf(M);
    const out = new Array<number>(rows * cols).fill(0);
    e.w.forEach((w, p) => (out[e.r[p]! * cols + e.c[p]!]! += w));
    return out;
  })();
  const b = Math.max(batch, 1);
  if (side === 'left') {
    const y = new Array<number>(b * cols).fill(0);
    for (let k = 0; k < b; k++) for (let i = 0; i < rows; i++) if (bits[k * rows + i]) for (let j = 0; j < cols; j++) y[k * cols + j]! += d[i * cols + j]!;
    return y;
  }
  // M @ x with x [cols] (vector) or [cols, b]: x[j, k] = bits[k * cols + j] (built from rows of packed [b, cols], transposed)
  const y = new Array<number>(rows * b).fill(0);
  for (let k = 0; k < b; k++) for (let j = 0; j < cols; j++) if (bits[k * cols + j]) for (let i = 0; i < rows; i++) y[i * b + k]! += d[i * cols + j]!;
  return y;
}

const jitcMatrix: fc.Arbitrary<Matrix> = fc
  .record({ rows: fc.integer({ min: 0, max: 40 }), cols: fc.integer({ min: 0, max: 40 }), seed: fc.integer({ min: 0, max: 1000 }), orient: fc.constantFrom<'row' | 'col'>('row', 'col') })
  .map(({ rows, cols, seed, orient }) => ef.jitc.normal({ shape: [rows, cols], prob: 0.3, mean: 1, std: 0.5, seed, orient }, 'nS'));

const productCase = (kind: string) =>
  (kind === 'jitc' ? jitcMatrix : matrixOf(kind as (typeof KINDS)[number], false) as fc.Arbitrary<Matrix>).chain((M) =>
    fc.record({ side: fc.constantFrom<'left' | 'right'>('left', 'right'), batch: fc.constantFrom(0, 0, 1, 3) }).chain(({ side, batch }) => {
      const n = side === 'left' ? M.shape[0] : M.shape[1];
      return fc.record({ M: fc.constant(M), side: fc.constant(side), batch: fc.constant(batch), bits: spikeBits(Math.max(batch, 1) * n) });
    }));

/** The packed and unpacked products, and the model. */
function products(M: Matrix, bits: readonly number[], batch: number, side: 'left' | 'right'): { packed: LazyArray; plain: LazyArray } {
  const n = side === 'left' ? M.shape[0] : M.shape[1];
  const shape = batch === 0 ? [n] : [batch, n];
  const spikes = ef.binary([...bits], shape);
  const packed = ef.events.pack(spikes);
  if (side === 'left') return { packed: ef.matmul(packed, M), plain: ef.matmul(spikes, M) };
  // a right batch is [n, batch]: the packed rows are the columns; transpose the result
  if (batch === 0) return { packed: ef.matmul(M, packed), plain: ef.matmul(M, spikes) };
  return { packed: ef.matmul(M, ef.events.fromPacked(packed).transpose()), plain: ef.matmul(M, spikes.transpose()) };
}

for (const kind of [...KINDS, 'jitc']) {
  forEachBackend(test, `${kind}: packed events @ M and M @ packed equal the unpacked products bit for bit and the dense model`, (backend) => {
    fc.assert(fc.property(productCase(kind), ({ M, side, batch, bits }) => {
      const what = `[${backend}] ${String(M)} ${side}, batch ${batch}`;
      const { packed, plain } = products(M, bits, batch, side);
      const got = packed.dataSync();
      assert.ok(bitsEqual(got, plain.dataSync()), `${what}: packed ${Array.from(got)} vs unpacked ${Array.from(plain.dataSync())}`);
      assert.ok(packed.unit.equals(M.unit), `${what}: unit`);
      const want = model(M, bits, batch, side);
      const tol = tolerance(backend, M.dtype) * 8;
      const mag = 1 + want.reduce((a, v) => a + Math.abs(v), 0);
      assertAllClose(got, want, tol, `${what}: model`, tol * mag);
    }), OPTS);
  });
}

// ------------------------------------------------------------------ 2: word boundaries

const boundaryCase = fc.integer({ min: 1, max: 100 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    other: fc.integer({ min: 1, max: 5 }),
    // a pattern per word: zero, full, only its last bit, random
    words: fc.array(fc.constantFrom('zero', 'full', 'last', 'random'), { minLength: Math.ceil(n / 32), maxLength: Math.ceil(n / 32) }),
    random: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
    lastOfRow: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1000 }),
  }));

forEachBackend(test, 'word boundaries (n from 1 to 100): zero and full words, last bit of a word and of the row, both sides of a CSR', (backend) => {
  fc.assert(fc.property(boundaryCase, ({ n, other, words, random, lastOfRow, seed }) => {
    const bits = random.map((r, i) => {
      const w = words[i >>> 5]!;
      return w === 'zero' ? 0 : w === 'full' ? 1 : w === 'last' ? +((i & 31) === 31) : r;
    });
    if (lastOfRow) bits[n - 1] = 1;
    const M = ef.jitc.uniform({ shape: [n, other], prob: 0.5, low: -1, high: 2, seed }, 'nS').tocsr();
    for (const [side, W] of [['left', M], ['right', M.transpose()]] as const) {
      const { packed, plain } = products(W, bits, 0, side);
      const what = `[${backend}] n ${n}, ${side}, words ${words.join(',')}`;
      assert.ok(bitsEqual(packed.dataSync(), plain.dataSync()), `${what}: packed ${Array.from(packed.dataSync())} vs unpacked ${Array.from(plain.dataSync())}`);
      const want = model(W, bits, 0, side);
      assertAllClose(packed.dataSync(), want, tolerance(backend, 'float32') * 8, what, 1e-4 * (1 + n));
    }
    // the events themselves, read back from the words
    assert.equal(Array.from(ef.events.fromPacked(ef.events.pack(bits)).dataSync()), bits, `[${backend}] n ${n}: fromPacked`);
  }), OPTS);
});

// ------------------------------------------------------------------ 3: padding

forEachBackend(test, 'padding bits beyond n in the last word: pack leaves them zero; words with one set are refused', () => {
  const W = ef.csr({ indptr: [0, 1, 2, 3], indices: [0, 1, 0], data: [1, 2, 4], shape: [3, 2] }, 'nS');
  const p = ef.events.pack([1, 0, 1]);
  assert.equal(Array.from(p.bits), [0b101]);
  assert.equal(Array.from(ef.matmul(p, W).dataSync()), [5, 0]);
  // bit 3 would be neuron 3 of 3
  const bad: ef.PackedEvents = { bits: Uint32Array.of(0b1101), shape: [3], wordsPerRow: 1 };
  expectError(() => ef.matmul(bad, W), ef.InvalidFormatError, 'events.fromPacked', 'padding bit 3 of word 0', 'neuron 3');
  // the top bit of a 33-neuron row's second word
  const bad2: ef.PackedEvents = { bits: Uint32Array.of(1, 0x80000001), shape: [33], wordsPerRow: 2 };
  expectError(() => ef.events.fromPacked(bad2), ef.InvalidFormatError, 'padding bit 31 of word 1');
  expectError(() => ef.matmul(W.transpose(), { bits: Uint32Array.of(1), shape: [3], wordsPerRow: 2 }), ef.InvalidFormatError, 'wordsPerRow');
  // a packed operand of the wrong length for the matrix is a shape error of the product
  expectError(() => ef.matmul(ef.events.pack([1, 0]), W), ef.ShapeMismatchError);
});

test.run();
