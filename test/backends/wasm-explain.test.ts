/**
 * What the wasm backend says it runs, and what it compiles: `explain` names each stage that
 * runs as WebAssembly (SIMD or scalar loops, product walks) and shows the JavaScript of each
 * stage no WebAssembly renderer covers yet (a JIT densify, cumsum), which runs over views of
 * the same memory; modules are compiled once per kernel structure (src/backends/wasm/
 * modules.ts): a graph of the same structure with other data compiles and instantiates none.
 * wasm only: outside the shared suites (the cpu+reference process runs it once).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, StepFn } from '../../src/index.js';
import { wasmModuleStats } from '../../src/backends/wasm/modules.js';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { realize } from '../../src/backends/registry.js';
import { withBackend } from '../helpers/backends.js';
import { onBackend } from '../compile/models.js';
import '../helpers/seed.js';

const explainOn = (xs: LazyArray | readonly LazyArray[]): string => withBackend('wasm', () => ef.explain(xs));

/** The generated source of each kernel in an explain text. */
function kernelSources(text: string): string[] {
  return text.split(/^--- kernel \d+ source ---$/m).slice(1);
}

/** The stage functions of a kernel's source, by stage number: the comment above one (if any) and its body. */
function stageSources(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^\/\/ stage \d+:[^\n]*\n)?^function stage(\d+)\(\) \{\n[\s\S]*?^\}$/gm)) out[Number(m[1])] = m[0];
  return out;
}

const f32 = (n: number, f: (i: number) => number = (i) => 0.25 * i - 1): LazyArray =>
  ef.array(Float32Array.from({ length: n }, (_, i) => f(i)), '1', { dtype: 'float32' });

test('a float32 chain of even length runs as one WebAssembly loop of two SIMD lanes', () => {
  for (const n of [2, 8, 64]) {
    const text = explainOn(f32(n).mul(2).add(f32(n, (i) => i)).maximum(0.5).neg());
    assert.match(text, "backend 'wasm'");
    const [k0, ...rest] = kernelSources(text);
    assert.is(rest.length, 0, `one kernel for n = ${n}`);
    assert.match(k0!, /\/\/ stage 0: elementwise loop in WebAssembly \(SIMD, 2 lanes; 1 loop after merging dims\)/, `n = ${n}`);
    // the stage calls its WebAssembly function with the buffers' addresses and its whole range (one thread), and has no JavaScript loop
    assert.match(k0!, new RegExp(`x0\\(b0\\.byteOffset, b1\\.byteOffset, b2\\.byteOffset, 0, ${n}, 0\\);`));
    assert.not.match(k0!, /for \(/, `n = ${n}: no JavaScript loop`);
  }
  // a 2-D broadcast keeps SIMD on its inner dim
  const m = ef.array(Float32Array.from({ length: 12 }, (_, i) => i), '1', { dtype: 'float32', shape: [3, 4] });
  assert.match(explainOn(m.add(f32(4)).mul(f32(3).reshape([3, 1]))), /elementwise loop in WebAssembly \(SIMD, 2 lanes; 2 loops after merging dims\)/);
});

test('a loop with exp (no exact two-lane form) is a scalar WebAssembly loop, as is a one-element one', () => {
  assert.match(explainOn(f32(8).exp().mul(2)), /elementwise loop in WebAssembly \(scalar; 1 loop after merging dims\)/);
  assert.not.match(explainOn(f32(8).exp().mul(2)), /SIMD/);
  // int32 products are not two-lane exact ((a * b) | 0 rounds in float64 first)
  const ints = ef.array(Int32Array.from([1, 2, 3, 4]), '1', { dtype: 'int32' });
  assert.match(explainOn(ints.mul(ints)), /elementwise loop in WebAssembly \(scalar;/);
  assert.match(explainOn(ints.add(ints)), /elementwise loop in WebAssembly \(SIMD, 2 lanes;/, 'int32 adds are');
  assert.match(explainOn(f32(1).mul(2)), /elementwise loop in WebAssembly \(scalar; 0 loops after merging dims\)/, 'one element: no loop, no lanes');
});

test('a reduction runs in a scalar WebAssembly loop; vector sparse products as WebAssembly walks', () => {
  const m = ef.array(Float32Array.from({ length: 12 }, (_, i) => i - 5), '1', { dtype: 'float32', shape: [3, 4] });
  assert.match(explainOn([ef.sum(m, { axis: 1 }), ef.max(m)]), /elementwise loop in WebAssembly \(scalar; 2 loops after merging dims\)/);
  const W = ef.csr({ indptr: [0, 2, 3, 3, 5], indices: [0, 2, 1, 0, 3], data: [0.5, 1, -2, 0.25, 3], shape: [4, 4] }, 'nS');
  const spikes = f32(4, (i) => i % 2).greater(0.5);
  const g = ef.array([0.1, 0.2, 0.3, 0.4], 'nS');
  const text = explainOn(g.mul(0.9).add(ef.matmul(spikes, W)));
  assert.match(text, /elementwise loop in WebAssembly \(SIMD, 2 lanes/);
  assert.match(text, /event product in WebAssembly, scatter over the active index list, added into the seeded output/);
  assert.match(explainOn(ef.matmul(W, f32(4))), /float product in WebAssembly, gather per output/);
});

test('a JIT connectivity product is a WebAssembly stage; a JIT densify and a cumsum show their JavaScript (no WebAssembly renderer yet)', () => {
  const J = ef.jitc.scalar({ shape: [6, 5], prob: 0.5, seed: 3, weight: 0.5 }, 'nS');
  const spikes = f32(6, (i) => (i * 7) % 3).greater(0.5);
  const jit = explainOn(ef.matmul(spikes, J));
  const all = kernelSources(jit).flatMap(stageSources);
  const jitStage = all.find((s) => /just-in-time/.test(s));
  assert.ok(jitStage, `a stage for the JIT product:\n${jit}`);
  assert.match(jitStage!, /event product with just-in-time scalar connectivity in WebAssembly, scatter over the active index list/);
  assert.not.match(jitStage!, /ef_draw\(/, 'no JavaScript regeneration');
  assert.ok(all.some((s) => /elementwise loop in WebAssembly \(SIMD, 2 lanes/.test(s)), 'the spikes come from a WebAssembly loop');

  const dense = kernelSources(explainOn(J.todense().data)).flatMap(stageSources);
  const densify = dense.find((s) => /densify just-in-time/.test(s));
  assert.ok(densify, 'a JIT densify stage');
  assert.not.match(densify!, /WebAssembly/);
  assert.match(densify!, /ef_draw\(/, 'regenerating the lines in JavaScript');

  const scan = explainOn(ef.cumsum(f32(9).mul(3)));
  const stages = kernelSources(scan).flatMap(stageSources);
  const cumsum = stages.find((s) => /cumsum/.test(s));
  assert.ok(cumsum, `a cumsum stage:\n${scan}`);
  assert.not.match(cumsum!, /WebAssembly/);
  assert.match(cumsum!, /for \(let k = 0, at = [^;]*; k < len; k\+\+, at \+= inner\) \{ acc \+= b\d+\[at\]; b\d+\[at\] = acc; \}/, 'its JavaScript running sum');
  assert.ok(stages.some((s) => /elementwise loop in WebAssembly/.test(s)), 'the multiply before it is WebAssembly');
});

test('the JIT and cumsum stages compute what the cpu computes (JavaScript ones over views of the memory)', () => {
  const J = ef.jitc.scalar({ shape: [40, 33], prob: 0.2, seed: 9, weight: 0.5 }, 'nS');
  const make = (): LazyArray[] => [ef.matmul(f32(40, (i) => (i * 7) % 3).greater(0.5), J), ef.matmul(f32(40), J), J.todense().data, ef.cumsum(f32(33).mul(3))];
  const want = withBackend('cpu', () => make().map((x) => Array.from(x.dataSync())));
  const got = withBackend('wasm', () => make().map((x) => Array.from(x.dataSync())));
  assert.equal(got, want);
});

/** Graphs of one structure (loops with SIMD and scalar bodies, a reduction, two product walks) over data drawn from `seed`. */
function sameStructure(seed: number, n = 24): LazyArray[] {
  const val = (i: number): number => Math.sin(seed * 97 + i * 13);
  const a = f32(n, val);
  const b = ef.array(Float64Array.from({ length: n }, (_, i) => val(i + 100)), '1', { dtype: 'float64' });
  const k = ef.array(Int32Array.from({ length: n }, (_, i) => Math.round(val(i + 200) * 1000)), '1', { dtype: 'int32' });
  const W = ef.csr({ indptr: [0, 2, 3, 3, 5], indices: [0, 2, 1, 0, 3], data: [val(1), val(2), val(3), val(4), val(5)], shape: [4, 4] }, 'nS');
  const x = ef.array([val(6), val(7), val(8), val(9)], '1', { dtype: 'float32' });
  const g = ef.array([val(10), val(11), val(12), val(13)], 'nS', { dtype: 'float32' });
  return [
    a.mul(b).add(k).neg(),
    a.exp().mul(k),
    ef.sum(a.mul(a)),
    g.mul(0.9).add(ef.matmul(x.greater(0), W)),
    ef.matmul(W, x),
  ];
}

test('realizing a graph of the same structure with other data compiles and instantiates no new module', () => {
  const values = (xs: LazyArray[]): number[][] => xs.map((x) => Array.from(x.dataSync()));
  const first = withBackend('wasm', () => values(sameStructure(1)));
  const before = wasmModuleStats();
  const second = withBackend('wasm', () => values(sameStructure(2)));
  const after = wasmModuleStats();
  assert.not.equal(second, first, 'other data, other results');
  assert.is(after.compiled, before.compiled, 'no module compiled for the same structure');
  assert.is(after.instantiated, before.instantiated, 'and none instantiated');
  // the counters do count: another size is another structure (sizes are constants of the code)
  withBackend('wasm', () => values(sameStructure(3, 26)));
  assert.ok(wasmModuleStats().compiled > after.compiled, 'a new size compiles new modules');
  // the results are the cpu's
  assert.equal(second, withBackend('cpu', () => values(sameStructure(2))));
});

test('another wasm backend (another memory) instantiates the modules compiled for the first, compiling none', () => {
  // realized together, as the other backend realizes them below (one output at a time would plan other kernels)
  withBackend('wasm', () => realize(sameStructure(4).map((x) => x.node)));
  const before = wasmModuleStats();
  const other = createWasmBackend();
  const outputs = sameStructure(5);
  const got = other.realize(outputs.map((x) => x.node), () => undefined).map((a) => Array.from(a));
  const after = wasmModuleStats();
  assert.is(after.compiled, before.compiled, 'the modules are cached by structure, for every memory');
  assert.ok(after.instantiated > before.instantiated, 'instances are per memory');
  assert.equal(got, withBackend('cpu', () => outputs.map((x) => Array.from(x.dataSync()))));
});

test('a second runner of the same step compiles and instantiates no new module', async () => {
  const N = 21;
  const W = ef.csr({ indptr: Array.from({ length: N + 1 }, (_, i) => i), indices: Array.from({ length: N }, (_, i) => (i * 5) % N), data: 0.5, shape: [N, N] }, '1');
  const step: StepFn = (s, inputs) => {
    const v = s.v!.mul(0.95).add(inputs.I!).add(ef.matmul(s.v!.greater(1), W));
    return { v: ef.where(v.greater(1.2), 0, v) };
  };
  const init = { v: f32(N, (i) => 0.1 * i) };
  const I = ef.array(Float32Array.from({ length: 10 * N }, (_, i) => 0.03 * (i % 17)), '1', { dtype: 'float32', shape: [10, N] });
  const run = (): Promise<number[]> => onBackend('wasm', async () => Array.from((await ef.compile(step).run(init, { steps: 10, inputs: { I } })).state.v!.dataSync()));
  const first = await run();
  const before = wasmModuleStats();
  const second = await run();
  assert.equal(second, first);
  assert.is(wasmModuleStats().compiled, before.compiled, 'no module compiled');
  assert.is(wasmModuleStats().instantiated, before.instantiated, 'none instantiated');
});

test.run();
