/**
 * A sparse product's structure leaves carry the format's other view (ir/pattern.ts): a lowering
 * that walks the other axis gets the format's own cached sort, the very arrays the conversions
 * use, instead of sorting the index constants again. These are properties of the built graph,
 * read before any backend is involved, so they run once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { otherViewOf } from '../../src/ir/pattern.js';
import { compressOther } from '../../src/ir/structured.js';

const W = (): ef.CSR => ef.csr({ indptr: Int32Array.of(0, 2, 3, 5), indices: Int32Array.of(2, 0, 1, 0, 2), data: Float32Array.of(1, 2, 3, 4, 5), shape: [3, 3] }, 'nS');

test('a float product x @ CSR declares the other view of its stored structure, built once and shared with tocsc()', () => {
  const w = W();
  const y = ef.matmul(ef.array([1, 2, 3]), w);
  const [, , ptr, idx] = y.node.src;
  const view = otherViewOf(ptr!, idx!);
  assert.ok(view, 'no other view declared');
  // the same arrays as the CSC conversion holds (one sort, cached by the structure)
  assert.is(view!.ptr, w.tocsc().structure.ptr);
  assert.is(view!.idx, w.tocsc().structure.idx);
  const fresh = compressOther(w.indptr, w.indices, 3);
  assert.equal(Array.from(view!.perm), Array.from(fresh.perm));
});

test('an event product walks the contracted axis; its other view is the stored one, mapped back by the inverse permutation', () => {
  const w = W().tocsc();
  const y = ef.matmul(ef.binary(Uint8Array.of(1, 0, 1)), w);
  const [, , ptr, idx] = y.node.src;
  const view = otherViewOf(ptr!, idx!)!;
  assert.is(view.ptr, w.structure.ptr, 'the other view of the row view is the stored column structure');
  const rows = w.structure.along('row');
  // entry p of the stored order is entry q = rows.perm^-1[p] of the row view
  view.perm.forEach((q, p) => assert.is(rows.perm![q], p));
});

test.run();
