/**
 * The cpu kernel cache (src/backends/cpu/index.ts): generated source is the cache key, so
 * the same structure over new data reuses the compiled function, and a different op,
 * constant or dtype compiles a new one. The counters are global to the process (other
 * suites compile kernels too), so every check is on a difference around the code under test,
 * and every graph here carries a constant no other suite uses.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { cpuCacheStats } from '../../src/backends/cpu/index.js';
import { realize } from '../../src/backends/registry.js';
import { withBackend, tolerance } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { seededValues } from './gen.js';

const HAS_CPU = ef.backendNames().includes('cpu');

const fresh = (shape: readonly number[], seed: number): LazyArray =>
  ef.array(seededValues(seed, shape.reduce((a, b) => a * b, 1)), '1', { shape });

/** A graph of two kernels (a reduction, then a loop reading it) with a constant unique to this file. */
const model = (x: LazyArray, y: LazyArray): LazyArray[] => {
  const e = x.mul(y).add(0.7071234).exp();
  return [e.sub(e.mean()), x.maximum(y).sum(0)];
};

/** Realize on cpu and return how the cache counters moved. */
function delta(f: () => void): { compiled: number; hits: number } {
  const before = cpuCacheStats();
  withBackend('cpu', f);
  const after = cpuCacheStats();
  return { compiled: after.compiled - before.compiled, hits: after.hits - before.hits };
}

const sourcesOf = (xs: readonly LazyArray[]): string =>
  withBackend('cpu', () => ef.explain([...xs]))
    .split('\n--- kernel ')
    .slice(1)
    .join('\n--- kernel ');

if (HAS_CPU) {
  test('the same structure over new constant arrays of the same shape hits the cache', () => {
    const first = delta(() => void realize(model(fresh([3, 5], 1), fresh([5], 2)).map((x) => x.node)));
    assert.ok(first.compiled + first.hits >= 2, `the first build lowers its kernels (${JSON.stringify(first)})`);
    const second = delta(() => void realize(model(fresh([3, 5], 3), fresh([5], 4)).map((x) => x.node)));
    assert.is(second.compiled, 0, 'nothing compiled for the second build');
    assert.ok(second.hits >= 2, `every kernel of the second build is a cache hit (${JSON.stringify(second)})`);
    assert.is(second.hits, first.compiled + first.hits, 'as many lookups as the first build');
  });

  test('the cache hit still computes the new data (not the old results)', () => {
    const a = model(fresh([3, 5], 10), fresh([5], 11));
    const b = model(fresh([3, 5], 12), fresh([5], 13));
    const got = withBackend('cpu', () => realize([...a, ...b].map((x) => x.node)));
    const want = withBackend('reference', () => realize([...a, ...b].map((x) => x.node)));
    got.forEach((g, i) => assertAllClose(g, want[i]!, tolerance('cpu', 'float32'), `output ${i}`, 1e-4));
    assert.not.equal(Array.from(got[0]!), Array.from(got[2]!), 'different data, different results');
  });

  test('a graph with a different op compiles a new kernel', () => {
    const x = (): LazyArray => fresh([7], 20);
    delta(() => void x().mul(0.3190517).tanh().dataSync());
    const same = delta(() => void x().mul(0.3190517).tanh().dataSync());
    assert.is(same.compiled, 0);
    const other = delta(() => void x().mul(0.3190517).sin().dataSync());
    assert.is(other.compiled, 1, 'tanh -> sin: a new kernel');
    const constant = delta(() => void x().mul(0.3190518).tanh().dataSync());
    assert.is(constant.compiled, 1, 'a different folded constant: a new kernel');
    const f64 = (): LazyArray => ef.array(seededValues(21, 7), '1', { dtype: 'float64' });
    const dtype = delta(() => void f64().mul(0.3190517).tanh().dataSync());
    assert.is(dtype.compiled, 1, 'float64 buffers: a kernel of their own (one typed-array type per parameter)');
    assert.is(delta(() => void f64().mul(0.3190517).tanh().dataSync()).compiled, 0);
  });

  test('generated source is deterministic: two identical builds give the same text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.nat(), (m, n, seed) => {
        const a = sourcesOf(model(fresh([m, n], seed), fresh([n], seed + 1)));
        const b = sourcesOf(model(fresh([m, n], seed + 2), fresh([n], seed + 3)));
        assert.ok(a.length > 0 && a.includes('for (let'), 'there is generated source');
        assert.is(a, b);
        assert.not.match(a, /%\d/, 'no node ids in the source');
      }),
      { numRuns: 20 },
    );
  });
}

test('cpuCacheStats returns a snapshot, not the live counters', () => {
  const s = cpuCacheStats();
  const copy = { ...s };
  if (HAS_CPU) withBackend('cpu', () => fresh([3], 30).mul(0.4419).exp().dataSync());
  assert.equal(s, copy);
  assert.ok(Number.isInteger(s.compiled) && Number.isInteger(s.hits));
});

(HAS_CPU ? test : test.skip)('the same structure over another size reuses the compiled kernels (sizes are parameters)', () => {
  const run = (n: number): LazyArray => fresh([n], n).mul(0.3141592).exp().add(fresh([n], n + 1));
  assert.ok(delta(() => run(4).dataSync()).compiled >= 0);
  for (const n of [5, 1000, 37]) {
    const d = delta(() => run(n).dataSync());
    assert.is(d.compiled, 0, `size ${n} compiled a new kernel`);
    assert.ok(d.hits >= 1, `size ${n} did not hit the cache`);
  }
  // A compiled runner traced for another state size also finds its kernel.
  const step = (s: ef.ArrayRecord) => ({ v: s.v!.mul(0.2718281).add(1) });
  delta(() => ef.compile(step).prepare({ v: fresh([4], 9) }));
  assert.is(delta(() => ef.compile(step).prepare({ v: fresh([11], 10) })).compiled, 0);
});

test.run();
