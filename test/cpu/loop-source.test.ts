/**
 * What the cpu backend's generated source says about itself, where docs promise it: the loop
 * comment gives the loops left after merging dims (docs/backends.md: a contiguous 2-D array is
 * one flat loop) and how many `where` sides became branches (docs/fusion.md: "the loop's
 * comment says how many sides became branches"); values whose operands are all loop-invariant
 * are computed once before the loop (docs/fusion.md); a kernel binds one buffer per distinct
 * array it reads or writes, also across stages; a plasticity stage names the update it runs.
 * Results are checked against float64 computations written here.
 * cpu only: outside the shared suites.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { withBackend } from '../helpers/backends.js';

const explainCpu = (y: ef.LazyArray | ef.LazyArray[]): string => withBackend('cpu', () => ef.explain(y));
/** The generated source of the (single) kernel, as explain prints it. */
function kernelSource(y: ef.LazyArray): string {
  const text = explainCpu(y);
  const at = text.indexOf('--- kernel 0 source ---');
  assert.ok(at >= 0, `explain prints the kernel source:\n${text}`);
  return text.slice(at);
}
const loopTitles = (source: string): string[] => [...source.matchAll(/\/\/ stage \d+: elementwise loop \(([^\n]*)/g)].map((m) => m[1]!);

const rows = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]];
const close = (got: ArrayLike<number>, want: readonly number[]): void => {
  assert.is(got.length, want.length);
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-6 * Math.max(1, Math.abs(w)), `[${i}] ${got[i]} vs ${w}`));
};

test('[cpu] a contiguous 2-D elementwise kernel is one flat loop, and its comment says so', () => {
  const x = ef.array(rows);
  const [title] = loopTitles(kernelSource(x.mul(2)));
  assert.is(title, '1 loop after merging dims)');
  close(withBackend('cpu', () => x.mul(2).dataSync()), rows.flat().map((v) => v * 2));
});

test('[cpu] a broadcast column keeps two loops, and the comment counts them', () => {
  const x = ef.array(rows);
  const col = ef.array([[1], [2], [3]]);
  const src = kernelSource(x.add(col));
  assert.is(loopTitles(src)[0], '2 loops after merging dims)');
  assert.is((src.match(/for \(let i0_\d/g) ?? []).length, 2, 'two nested loops in the source');
  close(withBackend('cpu', () => x.add(col).dataSync()), rows.flatMap((r, i) => r.map((v) => v + i + 1)));
});

test('[cpu] the loop comment counts the where sides computed only where taken (one, then two)', () => {
  const x = ef.array(rows.flat());
  const c = x.greater(5);
  const v = x.mul(0.5);
  const one = ef.where(c, v.add(x.exp()), v);
  const two = ef.where(c, v.add(x.exp()), v.sub(x.log()));
  assert.match(loopTitles(kernelSource(one))[0]!, /; 1 where side computed only where taken$/);
  assert.match(loopTitles(kernelSource(two))[0]!, /; 2 where sides computed only where taken$/);
  assert.not.match(loopTitles(kernelSource(x.mul(2)))[0]!, /where side/);
  const xs = rows.flat();
  close(withBackend('cpu', () => two.dataSync()), xs.map((a) => (a > 5 ? a * 0.5 + Math.exp(a) : a * 0.5 - Math.log(a))));
});

test('[cpu] a value of loop-invariant operands (a size-1 array) is computed once, before the loop', () => {
  const x = ef.array(rows.flat());
  const s = ef.array([0.5]);
  const src = kernelSource(x.mul(s.exp()));
  const exp = src.indexOf('Math.exp(');
  const loop = src.indexOf('for (let i0_0');
  assert.ok(exp >= 0 && loop >= 0 && exp < loop, `exp before the loop:\n${src}`);
  assert.is(src.split('Math.exp(').length - 1, 1, 'computed once');
  close(withBackend('cpu', () => x.mul(s.exp()).dataSync()), rows.flat().map((v) => v * Math.exp(0.5)));
});

test('[cpu] a kernel binds one buffer per distinct array, also when a loop and the product after it read the same one', () => {
  const N = 6;
  const W = ef.csr({ indptr: [0, 2, 3, 3, 5, 6, 6], indices: [0, 2, 1, 3, 5, 4], data: [1, 2, 3, 4, 5, 6], shape: [N, N] });
  const xs = [0.5, -1, 2, 0, 1.5, -0.25];
  const x = ef.array(xs);
  const y = x.mul(0.9).add(ef.matmul(x, W));
  const text = explainCpu(y);
  const kernel = /\nkernel 0: reads ([^;\n]*); writes ([^\n]*)\n/.exec(text);
  assert.ok(kernel, text);
  const arrays = new Set([...kernel[1]!.split(', '), ...kernel[2]!.split(', ')]);
  const declared = /\/\/ buffers: ([^\n]*)/.exec(kernelSource(y))![1]!.split(', ');
  assert.match(text, /stage 1: [^\n]*product/, 'the product is a stage of the same kernel');
  assert.is(declared.length, arrays.size, `buffers ${declared.join(', ')} for arrays ${[...arrays].join(', ')}`);
  const want = xs.map((v) => 0.9 * v);
  const ind = [0, 2, 1, 3, 5, 4];
  const ptr = [0, 2, 3, 3, 5, 6, 6];
  for (let i = 0; i < N; i++) for (let p = ptr[i]!; p < ptr[i + 1]!; p++) want[ind[p]!]! += (p + 1) * xs[i]!;
  close(withBackend('cpu', () => y.dataSync()), want);
});

test('[cpu] a plasticity stage says which update it runs, on rows or on columns', () => {
  const [ptr, ind, data] = [[0, 2, 3], [0, 2, 1], [0.5, 1, 2]];
  const [preSpikes, postTrace, postSpikes, preTrace] = [[1, 0], [0.25, -0.5, -2], [0, 1, 1], [0.125, 1]];
  const W = ef.csr({ indptr: ptr, indices: ind, data, shape: [2, 3] }, 'nS');
  const pre = ef.plasticity.onPre(W, ef.binary(preSpikes), ef.array(postTrace, 'nS'));
  const post = ef.plasticity.onPost(W, ef.binary(postSpikes), ef.array(preTrace, 'nS'));
  const rowOf = (p: number): number => ptr.findIndex((_, i) => p >= ptr[i]! && p < ptr[i + 1]!);
  const comment = (m: ef.PlasticMatrix): string => /\/\/ stage \d+: plasticity ([^\n]*)/.exec(kernelSource(m.data))?.[1] ?? '';
  assert.match(comment(pre), /^onPre: update the stored weights of active rows/);
  assert.match(comment(post), /^onPost: update the stored weights of active columns/);
  close(withBackend('cpu', () => pre.data.dataSync()), data.map((w, p) => (preSpikes[rowOf(p)] ? w + postTrace[ind[p]!]! : w)));
  close(withBackend('cpu', () => post.data.dataSync()), data.map((w, p) => (postSpikes[ind[p]!] ? w + preTrace[rowOf(p)]! : w)));
});

test('[cpu] a bool value passed through a float where is the number 0 or 1 (compared with ===, summed, stored)', () => {
  const xs = rows.flat();
  const x = ef.array(xs);
  const w = ef.where(x.greater(5), x.greater(8), ef.scalar(0.5));
  const want: number[] = xs.map((a) => (a > 5 ? (a > 8 ? 1 : 0) : 0.5));
  close(withBackend('cpu', () => w.equal(1).dataSync()), want.map((v) => (v === 1 ? 1 : 0)));
  close(withBackend('cpu', () => w.dataSync()), want);
  close(withBackend('cpu', () => [w.sum().item()]), [want.reduce((p, q) => p + q, 0)]);
});

test.run();
