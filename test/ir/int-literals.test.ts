/**
 * Plain numbers in int32 selects and max/min: the result is int32, so a number that is not an
 * int32 value (-0, beyond 32 bits) is wrapped like any int32 result (`| 0`) before a float op
 * in the same loop reads it. The cpu backend once skipped the wrap for every whole number
 * (found by npm run mutate: src/backends/cpu/loop.ts); the oracle here is plain JavaScript.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { heldBy } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

const C = [true, false, true, false, true, false];

/** The int32 result of each op on a and the literal, as the reference defines it: float64, then `| 0`. */
const CASES: readonly { name: string; build: (a: ef.LazyArray, c: ef.LazyArray, k: number) => ef.LazyArray; int: (a: number, c: boolean, k: number) => number }[] = [
  { name: 'where(c, a, k)', build: (a, c, k) => ef.where(c, a, k), int: (a, c, k) => (c ? a : k) | 0 },
  { name: 'where(c, k, a)', build: (a, c, k) => ef.where(c, k, a), int: (a, c, k) => (c ? k : a) | 0 },
  { name: 'maximum(a, k)', build: (a, _c, k) => a.maximum(k), int: (a, _c, k) => Math.max(a, k) | 0 },
  { name: 'minimum(a, k)', build: (a, _c, k) => a.minimum(k), int: (a, _c, k) => Math.min(a, k) | 0 },
];

/** Values as an array of `dtype` stores them on `backend`. */
const stored = (backend: string, dtype: ef.DType, xs: number[]): number[] =>
  heldBy(backend, dtype, dtype === 'float32' ? Array.from(Float32Array.from(xs)) : xs);

function check(backend: string, A: readonly number[], literals: readonly number[]): void {
  const a = ef.array(A, '1', { dtype: 'int32' });
  const c = ef.array(C.map(Number), '1', { dtype: 'bool' });
  for (const k of literals) {
    for (const { name, build, int } of CASES) {
      const r = build(a, c, k);
      assert.is(r.dtype, 'int32', `${name} with k = ${k}: dtype`);
      // 1 / x tells +0 from -0 and x / 4 keeps the wrapped value visible in a float result
      const recip = ef.div(1, r);
      const quarter = r.div(4);
      const ints = A.map((x, i) => int(x, C[i]!, k));
      const kText = Object.is(k, -0) ? '-0' : String(k);
      // the float results first: realizing r first would store (and wrap) it in its own buffer
      assert.equal(Array.from(recip.dataSync()), stored(backend, recip.dtype, ints.map((x) => 1 / x)), `1 / ${name} with k = ${kText}`);
      assert.equal(Array.from(quarter.dataSync()), stored(backend, quarter.dtype, ints.map((x) => x / 4)), `${name} / 4 with k = ${kText}`);
      assert.equal(Array.from(r.dataSync()), ints, `${name} with k = ${kText}: int32 values`);
    }
  }
}

forEachBackend(test, 'an int32 select or max/min with -0 or a small whole number: int32 results, +0 for -0, read by a float op in the same loop', (backend) => {
  check(backend, [5, -3, 0, 16777216, -16777216, 7], [-0, -7, 3, 0]);
});

forEachBackend(test, 'an int32 select or max/min with a number beyond 32 bits is wrapped (| 0) before a float op reads it in the same loop', (backend) => {
  check(backend, [5, -3, 0, 2147483647, -2147483648, 7], [2 ** 31, 2 ** 33 + 1, -(2 ** 31) - 1, 1e10]);
}, { skip: (b) => (b === 'gpujs' ? 'gpujs holds int32 as float32 and refuses integers beyond 2^24' : undefined) });

test.run();
