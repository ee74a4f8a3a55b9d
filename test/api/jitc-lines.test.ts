/**
 * What docs/jitc.md promises about a JIT matrix's lines and parameters, checked on the host
 * (tocsr's structure and weights, the parameters J.a and J.b), once, in the cpu+reference
 * process:
 * - line l is generated from the streams (seed, structure, l) and (seed, weights, l), with a
 *   gap table of length min(line length, 65536): so a line does not depend on how many other
 *   lines the matrix has. The rows of a [3, 300] matrix are the first rows of a [400, 300]
 *   one, and the columns of a [300, 3] 'col' matrix the first columns of a [300, 400] one;
 * - the parameters: J.b is 0 for scalar weights, high − low for uniform weights (given as
 *   numbers, the float64 difference rounded once: the same constant on every backend), std
 *   for normal; a lazy bound gives a lazy width, and the weights stay in [low, high).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';

/** Line `l` of a CSR (row) or CSC (column): its positions and weights. */
function line(M: ef.CSR | ef.CSC, l: number): { at: number[]; w: number[] } {
  const ptr = M.indptr, idx = M.indices, data = M.data.dataSync();
  return { at: Array.from(idx.subarray(ptr[l]!, ptr[l + 1]!)), w: Array.from(data.subarray(ptr[l]!, ptr[l + 1]!)) };
}

test('a line of a JIT matrix does not depend on the number of other lines (rows for orient row, columns for col)', () => {
  const base = { prob: 0.05, seed: 7, mean: 1, std: 0.5 };
  const cases = [
    ['row', ef.jitc.normal({ ...base, shape: [3, 300] }, 'nS').tocsr(), ef.jitc.normal({ ...base, shape: [400, 300] }, 'nS').tocsr()],
    ['col', ef.jitc.normal({ ...base, shape: [300, 3], orient: 'col' }, 'nS').tocsc(), ef.jitc.normal({ ...base, shape: [300, 400], orient: 'col' }, 'nS').tocsc()],
  ] as const;
  for (const [orient, few, many] of cases) {
    for (let l = 0; l < 3; l++) {
      const a = line(few, l), b = line(many, l);
      assert.ok(a.at.length > 0, `${orient} line ${l} has entries`);
      assert.equal(a, b, `${orient} line ${l}`);
    }
  }
});

test('the weight parameters: b is 0 for scalar weights, high − low rounded once for numeric uniform bounds', () => {
  const S = ef.jitc.scalar({ shape: [4, 5], prob: 0.5, weight: 2, seed: 1 }, 'nS');
  assert.equal([S.a.item(), S.b.item()], [2, 0]);
  assert.ok(S.b.unit.equals(ef.Unit.of('nS')), 'b has the weight unit');
  // float32(0.7 − 0.1) = 0.6000000238…, where float32(0.7) − float32(0.1) would round to 0.5999999642…
  const U = ef.jitc.uniform({ shape: [4, 5], prob: 0.5, low: 0.1, high: 0.7, seed: 1 }, 'nS');
  assert.is(U.b.item(), Math.fround(0.7 - 0.1));
  assert.is(U.a.item(), Math.fround(0.1));
  const N = ef.jitc.normal({ shape: [4, 5], prob: 0.5, mean: 1, std: 0.25, seed: 1 }, 'nS');
  assert.equal([N.a.item(), N.b.item()], [1, 0.25]);
});

test('uniform bounds mixing a number and a 0-d array: the width is high − low, and every weight lies in [low, high)', () => {
  for (const [low, high] of [[0.5, ef.scalar(2, 'nS')], [ef.scalar(0.5, 'nS'), 2]] as const) {
    const U = ef.jitc.uniform({ shape: [20, 30], prob: 0.3, low, high, seed: 5 }, 'nS');
    assert.ok(Math.abs(U.b.item() - 1.5) < 1e-6, `width ${U.b.item()}`);
    const w = Array.from(U.tocsr().data.dataSync());
    assert.ok(w.length > 100, 'entries drawn');
    assert.ok(w.every((x) => x >= 0.5 && x < 2), `weights in [0.5, 2): ${Math.min(...w)} .. ${Math.max(...w)}`);
    assert.ok(Math.max(...w) - Math.min(...w) > 1, 'the weights spread over the range');
  }
});

test.run();
