/**
 * Sizes in the format layer (issue 16): every allocation of src/formats is counted first and
 * refused with a ResourceError that names the size, the limit (2^31 − 1 elements, int32
 * indices) and what to use instead, before anything is allocated or generated. Each case
 * here would otherwise be a RangeError, a heap abort or minutes of work. The sizes are checked
 * while building, before any backend is involved, so this runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { storedEntries } from '../../src/formats/jitc/matrix.js';
import { MAX_ELEMENTS } from '../../src/limits.js';
import { expectError } from '../helpers/suite.js';

const LIMIT = '2^31 − 1 = 2,147,483,647';

/** Refused at once: a check that fired before allocating, not an allocation that failed slowly. */
function refusedFast(f: () => unknown, ...patterns: (RegExp | string)[]): Error {
  const start = Date.now();
  const e = expectError(f, ef.ResourceError, ...patterns);
  assert.ok(Date.now() - start < 1000, `refused after ${Date.now() - start} ms`);
  return e;
}

// ------------------------------------------------------------------ events

test('fromIndices: an n (or rows × n) past the limit is refused before the spikes are allocated', () => {
  refusedFast(() => ef.events.fromIndices([0], 2 ** 53), 'fromIndices:', 'shape [9007199254740992]', '9.01e+15 elements', LIMIT, 'split the population');
  refusedFast(() => ef.events.fromIndices([[0], [1]], 2 ** 30 + 1), 'fromIndices:', 'shape [2, 1073741825]', '2,147,483,650 elements', LIMIT);
  // what fits still builds
  assert.equal([...ef.events.fromIndices([3], 5).shape], [5]);
});

test('unpack: a dimension past int32 is refused, even with nothing to hold', () => {
  refusedFast(() => ef.events.unpack({ bits: new Uint32Array(0), shape: [2 ** 40, 0], wordsPerRow: 0 }), 'unpack:', 'dimension of 1099511627776', '2^31 − 1');
  refusedFast(() => ef.events.unpack({ bits: new Uint32Array(1), shape: [1, 2 ** 34], wordsPerRow: 2 ** 29 }), 'unpack:', '17179869184');
  refusedFast(() => ef.events.unpack({ bits: new Uint32Array(2 ** 16), shape: [2 ** 16, 2 ** 16 - 1], wordsPerRow: 1 }), 'unpack:', 'spikes of shape [65536, 65535]', '4,294,901,760 elements', LIMIT);
});

test('binary: nested rows that claim more elements than the limit (one row shared) are refused before the copy', () => {
  const row = new Array<number>(2 ** 16).fill(0);
  const rows = new Array<number[]>(2 ** 16).fill(row);
  refusedFast(() => ef.binary(rows), 'binary:', 'shape [65536, 65536]', '4,294,967,296 elements', LIMIT);
  refusedFast(() => ef.events.pack(rows), 'pack:', 'shape [65536, 65536]', 'spikes');
});

// ------------------------------------------------------------------ sparse constructors and conversions

test('csr / csc / coo: a shape whose pointers (rows + 1 or cols + 1) pass the limit is refused first', () => {
  const big = MAX_ELEMENTS;
  refusedFast(() => ef.csr({ indptr: [0], indices: [], data: [], shape: [big, 1] }), 'csr:', 'pointers over the 2147483647 rows', '2,147,483,648 elements', LIMIT, 'at most 2^31 − 2 rows');
  refusedFast(() => ef.csc({ indptr: [0], indices: [], data: [], shape: [1, big] }), 'csc:', 'pointers over the 2147483647 columns', '2,147,483,648 elements');
  refusedFast(() => ef.coo({ row: [], col: [], data: [], shape: [big, 3] }), 'coo:', '2147483647 rows');
  refusedFast(() => ef.coo({ row: [], col: [], data: [], shape: [3, big] }), 'coo:', '2147483647 columns');
  // the other axis of a CSR is fine until it is needed
  const wide = ef.csr({ indptr: [0, 0], indices: [], data: [], shape: [1, big] });
  refusedFast(() => wide.tocsc(), 'csr.tocsc:', 'pointers over the 2147483647 columns', '2,147,483,648 elements', 'compressed by rows');
  refusedFast(() => wide.transpose().tocsr(), 'csc.tocsr:', 'pointers over the 2147483647 rows');
});

test('todense of a sparse matrix of a huge shape is refused, pointing at products', () => {
  const M = ef.csr({ indptr: new Array<number>(100_001).fill(0), indices: [], data: [], shape: [100_000, 100_000] });
  refusedFast(() => M.todense(), 'csr.todense:', 'shape [100000, 100000]', '10,000,000,000 elements', '37.3 GiB', LIMIT, 'keep it sparse', 'ef.matmul');
  refusedFast(() => M.tocoo().todense(), 'coo.todense:', '10,000,000,000 elements');
  refusedFast(() => M.transpose().todense(), 'csc.todense:');
  const F = ef.fixedPostNum({ shape: [100_000, 100_000], num: 0, seed: 1, weight: 1 });
  refusedFast(() => F.todense(), 'fixedPostNum.todense:', '10,000,000,000 elements');
});

test('dense: tocsr of a [2^31 − 1, 0] matrix (nothing stored, 2^31 pointers) is refused', () => {
  const D = ef.dense(ef.zeros([MAX_ELEMENTS, 0]));
  refusedFast(() => D.tocsr(), 'dense.tocsr:', 'shape [2147483647, 0]', '2,147,483,648 elements', 'at most 2^31 − 2 rows');
  // (a [3, 0] matrix converts: test/formats/errors.test.ts, on every backend)
});

// ------------------------------------------------------------------ fixed-number

test('fixedPostNum / fixedPreNum: rows × num past the limit, or pointers past it, are refused before sampling', () => {
  refusedFast(() => ef.fixedPostNum({ shape: [2 ** 20, 2 ** 20], num: 2 ** 12, seed: 1, weight: 1 }),
    'fixedPostNum:', 'index table of 1048576 rows · num 4096', '4,294,967,296 elements', LIMIT, 'ef.jitc');
  refusedFast(() => ef.fixedPreNum({ shape: [2 ** 20, 2 ** 20], num: 2 ** 11, seed: 1, weight: 1 }),
    'fixedPreNum:', '1048576 columns · num 2048', '2,147,483,648 elements');
  refusedFast(() => ef.fixedPostNum({ shape: [MAX_ELEMENTS, 1], num: 0, seed: 1, weight: 1 }), 'fixedPostNum:', 'pointers over the 2147483647 rows');
  // a given table: one shared row claims 2^32 entries without holding them
  const line = Array.from({ length: 2 ** 10 }, (_, k) => k);
  refusedFast(() => ef.fixedPostNum({ shape: [2 ** 22, 2 ** 11], indices: new Array<number[]>(2 ** 22).fill(line), weight: 1 }),
    'fixedPostNum:', 'index table of 4194304 rows · num 1024', '4,294,967,296 elements');
});

// ------------------------------------------------------------------ jitc

test('jitc: todense of 1e5 × 1e5 is refused, advising to keep it a JIT matrix and use products', () => {
  const J = ef.jitc.scalar({ shape: [1e5, 1e5], prob: 0.01, weight: 1, seed: 1 });
  refusedFast(() => J.todense(), 'jitc.todense:', 'shape [100000, 100000]', '10,000,000,000 elements', LIMIT, 'keep it a JIT matrix', 'products');
  // products of the same matrix are fine: they never store it
  assert.equal([...ef.matmul(ef.events.fromIndices([1], 1e5), J).shape], [1e5]);
});

test('jitc: tocsr / tocsc / tocoo of 1e9 × 1e9 at p = 0.5 are refused from the expected count, before generating', () => {
  for (const orient of ['row', 'col'] as const) {
    const J = ef.jitc.uniform({ shape: [1e9, 1e9], prob: 0.5, low: 0, high: 1, seed: 3, orient });
    for (const [op, f] of [['tocsr', () => J.tocsr()], ['tocsc', () => J.tocsc()], ['tocoo', () => J.tocoo()]] as const) {
      refusedFast(f, `jitc.${op}:`, 'shape [1000000000, 1000000000]', 'prob 0.5', 'expected rows · cols · prob = 5.00e+17', LIMIT, 'keep it a JIT matrix');
    }
  }
});

test('jitc: a draw past the limit stops generation with a ResourceError (limit lowered to test it)', () => {
  const J = ef.jitc.scalar({ shape: [100, 100], prob: 0.5, weight: 1, seed: 7 });
  const all = storedEntries(J, 'jitc.tocsr');
  assert.ok(all.count > 4000 && all.count < 6000, `count ${all.count}`);
  assert.is(all.ptr[100], all.count);
  const e = expectError(() => storedEntries(J, 'jitc.tocsr', 1000), ef.ResourceError, 'jitc.tocsr:', 'drew more than 1000 entries', 'int32 indices');
  assert.not.match(e.message, /RangeError/);
  // exactly enough room is enough
  assert.is(storedEntries(J, 'jitc.tocsr', all.count).count, all.count);
});

// ------------------------------------------------------------------ plasticity

test('plasticity: a dense matrix whose entry list passes the limit is refused before it is built', () => {
  const W = ef.dense(ef.zeros([MAX_ELEMENTS, 0]));
  // (refused before the operands' shapes are compared, so small operands do)
  refusedFast(() => ef.plasticity.onPre(W, ef.binary([1]), ef.zeros([0])), 'plasticity.onPre:', 'row pointers', '2,147,483,648 elements', 'use a sparse matrix');
});

test.run();
