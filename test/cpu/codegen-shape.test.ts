/**
 * The shape of the cpu backend's generated kernels where docs/fusion.md promises it (loop code
 * shape): one buffer per distinct array however often a loop reads it, a value used only on
 * one side of a `where` computed inside that side, and the kernel cache's counters starting
 * from zero in a fresh process. Results are checked elsewhere (the shared suites); these are
 * the properties that keep the loops as fast as the hand-written ones.
 * cpu only: outside the shared suites.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';

/** The generated source of the (single) kernel of `y`, as explain prints it. */
function kernelSource(y: ef.LazyArray): string {
  const text = withBackend('cpu', () => ef.explain(y));
  const at = text.indexOf('--- kernel 0 source ---');
  assert.ok(at >= 0, `explain prints the kernel source:\n${text}`);
  return text.slice(at);
}

test('[cpu] an array read several times by one loop is bound to one buffer', () => {
  const x = ef.array([1, 2, 3, 4], '1');
  const z = ef.array([4, 3, 2, 1], '1');
  for (const [y, arrays] of [[x.mul(x).add(x), 2], [x.mul(z).add(x.mul(x)).sub(z), 3], [x.add(1).mul(x).mul(x.add(2)), 2]] as const) {
    const src = kernelSource(y);
    const declared = src.match(/^\/\/ buffers: (.*)$/m)?.[1]?.split(', ') ?? [];
    assert.is(declared.length, arrays, `one buffer per distinct array (inputs and the output):\n${src}`);
    assert.equal(Array.from(withBackend('cpu', () => y.dataSync())), Array.from(withBackend('reference', () => y.dataSync())));
  }
});

test('[cpu] a value used only on one side of a where is computed inside that side, also as the first op of the loop', () => {
  // the condition is a stored bool array, so exp(x) is the first op of the loop body
  const m = ef.array([1, 0, 1, 0], '1', { dtype: 'bool' });
  const x = ef.array([1, 2, 3, 4], '1');
  const z = ef.array([5, 6, 7, 8], '1');
  for (const y of [ef.where(m, x.exp(), z), ef.where(m, z, x.exp()), ef.where(m, x.exp().add(1), z)]) {
    const src = kernelSource(y);
    const branch = src.search(/\bif \(/);
    const exp = src.indexOf('Math.exp(');
    assert.ok(branch >= 0 && exp > branch, `exp inside the branch:\n${src}`);
    const got = Array.from(withBackend('cpu', () => y.dataSync()));
    const want = Array.from(withBackend('reference', () => y.dataSync()));
    assert.equal(got, want);
  }
});

test('[cpu] the kernel cache counts from zero: a fresh process compiles, then finds its kernel', () => {
  const code = `
    import * as ef from './src/index.ts';
    import { cpuCacheStats } from './src/backends/cpu/index.ts';
    const before = cpuCacheStats();
    ef.setBackend('cpu');
    const x = ef.array([1, 2, 3], '1');
    x.mul(2).dataSync();
    const once = cpuCacheStats();
    ef.array([4, 5, 6], '1').mul(2).dataSync();
    console.log(JSON.stringify([before, once, cpuCacheStats()]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const [before, once, twice] = JSON.parse(r.stdout.trim().split('\n').pop()!) as { compiled: number; hits: number }[];
  assert.equal(before, { compiled: 0, hits: 0 });
  assert.equal(once, { compiled: 1, hits: 0 });
  assert.equal(twice, { compiled: 1, hits: 1 });
});

test.run();
