/**
 * Exactness of the numerics the docs promise, bit for bit (docs/fusion.md "Numerics: where
 * float64, where float32"; docs/backends.md "Numerics on the device"). The shared tests compare
 * float32 results with a relative tolerance of 1e-5, which cannot tell "float64 inside a fused
 * loop, rounded once at the store" from "every operation rounded to float32": these probes can.
 *
 * The probes use values whose float64 and float32 evaluations differ by whole float32 ulps:
 * with S = 2^-24 (half an ulp of 1 in float32), 1 + S is exact in float64 but rounds to 1 in
 * float32 (ties to even), so (1 + S) − 1 is S when computed in float64 and stored once, 0
 * when every operation rounds. Every expected value is computed here in JavaScript, in one of
 * two ways, and each probe first checks that the two ways differ on at least one element
 * (otherwise it would prove nothing):
 * - `once`: the expression in float64 (JS numbers), rounded to float32 at the end;
 * - `each`: Math.fround after every operation, sums accumulated in float32 in index order.
 *
 * Which one a backend must give comes from its declared capabilities, never its name:
 * - a backend that computes float64 as specified (`dtypes` lists 'float64': cpu, reference)
 *   computes every intermediate as a float64 number, so elementwise chains, `where` branches
 *   and their conditions are `once` (docs/fusion.md: "Inside a kernel, every intermediate value
 *   is a JavaScript number (float64)"; the reference rounds only the final result). A float32
 *   device (gpujs) has no fixed result for these: its shader compiler may rewrite float
 *   arithmetic (Mesa turns (a + b) − a into b), so they are registered as skipped there;
 * - `capabilities.float64Sums` decides sums (reductions, dense, sparse and event products,
 *   duplicates): accumulated in float64 and rounded once, or, on a float32 device, in float32
 *   in order along the line a thread walks: a reduction's axis in index order, a sparse
 *   product's line in stored order (the other view of `events @ CSR` is a stable counting
 *   sort, so its columns list rows in ascending order). Shader compilers keep the order of a
 *   loop-carried sum, so that result is fixed (the same in the WebGL, WebGPU and JavaScript
 *   modes of gpu.js).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { BackendCapabilities, LazyArray } from '../../src/index.js';
import { capabilities } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

const S = 2 ** -24;
/** k copies of S. */
const SMALLS = (k: number): number[] => Array<number>(k).fill(S);
const f32 = Math.fround;
type Round = (x: number) => number;
const id: Round = (x) => x;

/** Does the backend compute intermediates in float64 (JS numbers), or in float32 (a device, or the wasm backend's float32 lanes)? */
const float64Arithmetic = (c: BackendCapabilities): boolean => c.dtypes.includes('float64') && c.float32Arithmetic !== 'float32';

/**
 * Why a float32 device (gpujs) has no fixed result for an elementwise chain: its shader compiler
 * may rewrite float arithmetic. Mesa (the WebGL and WebGPU modes here) turns (a + b) − a into b,
 * which gives S where float32 gives 0 (seen), a·b − c may become one fused multiply-add, and
 * exp is a few ulps from correctly rounded (docs/backends.md). So these probes are skipped there.
 */
const elementwiseSkip = (backend: string): string | undefined => (float64Arithmetic(capabilities(backend)) ? undefined
  : capabilities(backend).float32Arithmetic === 'float32' ? 'float32 arithmetic in loops by choice (test/backends/wasm-float32.test.ts pins its per-op results)'
  : 'a float32 device\'s shader compiler may rewrite or contract float arithmetic ((a + b) − a into b under Mesa): no fixed float32 result');

/** Each element bit for bit (Object.is: a -0 or NaN would show). */
function expectBits(got: ArrayLike<number>, expected: readonly number[], what: string, note = ''): void {
  assert.is(got.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    if (!Object.is(got[k], expected[k])) assert.unreachable(`${what}[${k}]: got ${got[k]}, expected exactly ${expected[k]}${note}`);
  }
}

/** Fails unless the two evaluations differ somewhere: a probe that cannot tell them apart proves nothing. */
function expectDiscriminates(once: readonly number[], each: readonly number[], what: string): void {
  assert.ok(once.some((v, k) => !Object.is(v, each[k])), `${what}: probe values do not separate float64-once from float32-each (${once})`);
}

/** Every value must be a float32 number already, or the probe would test the input rounding instead. */
function float32Inputs(values: readonly number[], what: string): number[] {
  values.forEach((v, k) => assert.ok(Object.is(v, f32(v)) && (v === 0 || Math.abs(v) >= 2 ** -126), `${what}: input ${k} = ${v} is not a normal float32`));
  return [...values];
}

/** When the backend fuses, the probe must be one kernel: its intermediates never leave the loop. */
function expectOneKernel(backend: string, x: LazyArray, what: string): void {
  if (!capabilities(backend).fusion) return;
  const head = ef.explain([x]).split('\n').find((l) => /kernels? for/.test(l));
  assert.ok(head !== undefined && /^1 kernel for 1 output/.test(head), `${what}: expected one fused kernel, explain says ${head}`);
}

// ---------------------------------------------------------------------------------------------
// Elementwise chains and `where`

interface ElementwiseProbe {
  readonly name: string;
  /** Per input, one value per element (float32 numbers). */
  readonly inputs: readonly (readonly number[])[];
  readonly lazy: (...x: LazyArray[]) => LazyArray;
  /** The same computation with `r` applied where an operation's result would be rounded. */
  readonly js: (r: Round, ...x: number[]) => number;
}

const ELEMENTWISE: readonly ElementwiseProbe[] = [
  {
    // 1 + S is exact in float64; rounding it gives 1. Element 2: 1 − S is a float32 number, so
    // both agree there; element 3 (b = 3S/2): 1 + 3S/2 rounds up to 1 + 2S in float32.
    name: '(a + b) − a',
    inputs: [[1, 1, 1, 1, 2], [S, S, -S, 3 * S / 2, S]],
    lazy: (a, b) => a.add(b).sub(a),
    js: (r, a, b) => r(r(a + b) - a),
  },
  {
    // b = 3·2^-25 is 3/4 of an ulp of 1: float32 rounds 1 + b up to 1 + 2^-23, and again after
    // the second + b, so the chain ends at 2^-20 where float64 gives 3·2^-22. ×4 is exact either
    // way (no multiply-add can change it).
    name: '((((a + b) + b) − a)·4 + a) − a',
    inputs: [[1, 1, 0.75, 1], [3 * 2 ** -25, S, 3 * 2 ** -27, 0]],
    lazy: (a, b) => a.add(b).add(b).sub(a).mul(4).add(a).sub(a),
    js: (r, a, b) => r(r(r(r(r(r(a + b) + b) - a) * 4) + a) - a),
  },
  {
    // A scalar operand is folded into the code as a literal (S is a float32 number).
    name: '(a + scalar S) − a',
    inputs: [[1, 1, 4]],
    lazy: (a) => a.add(ef.scalar(S)).sub(a),
    js: (r, a) => r(r(a + S) - a),
  },
  {
    // The condition itself is computed in the loop: a + b > a holds in float64 for b = S but not
    // after rounding; each side is a chain computed only where taken (branches), and the false
    // side, (a − c) − a with c = 2^-25, is −2^-25 in float64 and 0 in float32.
    name: 'where(a + b > a, (a + b) − a, (a − c) − a)',
    inputs: [[1, 1, 1, 2], [S, 0, S, 0], [2 ** -25, 2 ** -25, 0, 2 ** -25]],
    lazy: (a, b, c) => {
      const ab = a.add(b);
      return ef.where(ab.greater(a), ab.sub(a), a.sub(c).sub(a));
    },
    js: (r, a, b, c) => {
      const ab = r(a + b);
      return ab > a ? r(ab - a) : r(r(a - c) - a);
    },
  },
  {
    // A where whose condition is loaded and whose sides are both chains (a select of two
    // branch-computed values), nested in a further subtraction.
    name: 'where(m, (a + b) − a, (a − b) − a) + b − b',
    inputs: [[1, 0, 1, 0], [1, 1, 1, 1], [S, S, 2 ** -25, 2 ** -25]],
    lazy: (m, a, b) => ef.where(m.greater(0), a.add(b).sub(a), a.sub(b).sub(a)).add(b).sub(b),
    js: (r, m, a, b) => r(r((m > 0 ? r(r(a + b) - a) : r(r(a - b) - a)) + b) - b),
  },
];

/** A product and a transcendental inside a chain. */
const MORE: readonly ElementwiseProbe[] = [
  {
    // a·a − 1 with a = 1 + 2^-12: the product 1 + 2^-11 + 2^-24 is exact in float64 and rounds
    // to 1 + 2^-11 in float32. A device may contract a·a − 1 into one fused multiply-add (GLSL
    // and WGSL allow it), which gives the float64 answer: its float32 result is not fixed.
    name: 'a·a − 1 (a product inside the chain)',
    inputs: [[1 + 2 ** -12, 1 - 2 ** -12, 3]],
    lazy: (a) => a.mul(a).sub(ef.scalar(1)),
    js: (r, a) => r(r(a * a) - 1),
  },
  {
    // exp(1) − float32(e): float64 keeps exp's extra digits; rounded first, it is 0. The cpu
    // backend calls the same Math.exp as this test. A device's exp is a few ulps off.
    name: 'exp(a) − float32(e) (a transcendental inside the chain)',
    inputs: [[1, 0.5]],
    lazy: (a) => a.exp().sub(ef.scalar(f32(Math.E))),
    js: (r, a) => r(r(Math.exp(a)) - f32(Math.E)),
  },
];

function checkElementwise(backend: string, p: ElementwiseProbe): void {
  const inputs = p.inputs.map((v, i) => float32Inputs(v, `${p.name}, input ${i}`));
  const n = inputs[0]!.length;
  const at = (k: number): number[] => inputs.map((v) => v[k]!);
  const once = Array.from({ length: n }, (_, k) => f32(p.js(id, ...at(k))));
  const each = Array.from({ length: n }, (_, k) => f32(p.js(f32, ...at(k))));
  expectDiscriminates(once, each, p.name);
  const x = p.lazy(...inputs.map((v) => ef.array(v)));
  assert.is(x.dtype, 'float32', `${p.name}: dtype`);
  expectOneKernel(backend, x, p.name);
  expectBits(x.dataSync(), once, p.name, ` (float64 inside the loop, rounded once at the store; rounding every operation gives ${each})`);
}

forEachBackend(test, 'elementwise chains and where (conditions and sides): float64 inside the fused loop, rounded once at the store', (backend) => {
  for (const p of ELEMENTWISE) checkElementwise(backend, p);
}, { skip: elementwiseSkip });

forEachBackend(test, 'a product and a transcendental inside a chain: float64, rounded once', (backend) => {
  for (const p of MORE) checkElementwise(backend, p);
}, { skip: elementwiseSkip });

forEachBackend(test, 'a reduction of a fused chain sums the unrounded float64 values', (backend) => {
  // each (1 + S) − 1 is S in float64 and 0 when rounded: the sum is 8S, or 0
  const a = ef.array(Array<number>(8).fill(1));
  const b = ef.array(SMALLS(8));
  const x = a.add(b).sub(a).sum();
  expectOneKernel(backend, x, 'sum((a + b) − a)');
  expectDiscriminates([8 * S], [0], 'sum((a + b) − a)');
  expectBits(x.dataSync(), [8 * S], 'sum((a + b) − a)', ' (the chain in float64, the sum in float64, rounded once)');
}, { skip: elementwiseSkip });

forEachBackend(test, 'float64 arrays: chains computed in float64 as specified', (backend) => {
  // (1 + 2^-40) − 1 is 2^-40 in float64; a float32 device would round 1 + 2^-40 to 1
  const a = ef.array([1, 1], '', 'float64');
  const b = ef.array([2 ** -40, 2 ** -30], '', 'float64');
  const x = a.add(b).sub(a);
  assert.is(x.dtype, 'float64');
  const data = x.dataSync();
  assert.ok(data instanceof Float64Array, 'float64 storage');
  expectBits(data, [2 ** -40, 2 ** -30], 'float64 (a + b) − a');
}, { skip: elementwiseSkip });

// ---------------------------------------------------------------------------------------------
// Sums: reductions, products, duplicates

/** A float32 sum of `terms` in order: float64 and rounded once, or float32 after every addition. */
function sumOf(terms: readonly number[], float64: boolean): number {
  let acc = 0;
  for (const t of terms) acc = float64 ? acc + t : f32(acc + t);
  return f32(acc);
}

/** Expected sums, after checking that the probe's terms separate the two ways of summing. */
function expectedSums(lines: readonly (readonly number[])[], float64: boolean, what: string): number[] {
  expectDiscriminates(lines.map((l) => sumOf(l, true)), lines.map((l) => sumOf(l, false)), what);
  return lines.map((l) => sumOf(l, float64));
}

/** 1 then 8 × 2^-24: 1 + 2^-21 in float64 (a float32 number); 1 when each addition rounds. */
const BIG_FIRST = [1, ...SMALLS(8)];
/** The same terms, small first: the small ones add up exactly, so both ways give 1 + 2^-21. */
const BIG_LAST = [...SMALLS(8), 1];

forEachBackend(test, 'reductions accumulate in float64 and round once (capability float64Sums; else float32, in index order)', (backend) => {
  const f64 = capabilities(backend).float64Sums;
  const note = f64 ? ' (summed in float64, rounded once)' : ' (summed in float32 in index order)';
  // over all elements
  expectBits(ef.array(BIG_FIRST).sum().dataSync(), expectedSums([BIG_FIRST], f64, 'sum()'), 'sum()', note);
  // along the last axis (rows), and along the first axis (a column-wise workspace)
  const rows = [BIG_FIRST, BIG_LAST];
  expectBits(ef.array(rows).sum(1).dataSync(), expectedSums(rows, f64, 'sum(1)'), 'sum(1)', note);
  const columns = BIG_FIRST.map((v, k) => [v, BIG_LAST[k]!]);
  expectBits(ef.array(columns).sum(0).dataSync(), expectedSums(rows, f64, 'sum(0)'), 'sum(0)', note);
  // float64 arrays: [1, 2^-40 × 4] is 1 + 2^-38 in float64; a float32 device, held as float32 and summed in order, gives 1
  const tiny = [1, ...Array<number>(4).fill(2 ** -40)];
  const s = ef.array(tiny, '', 'float64').sum();
  assert.ok(s.dataSync() instanceof Float64Array, 'float64 storage');
  expectBits(s.dataSync(), [capabilities(backend).dtypes.includes('float64') ? 1 + 2 ** -38 : sumOf(tiny, false)], 'float64 sum', note);
});

/**
 * A 5 × 2 matrix whose column 0 holds [1, S, S, S, S] (the big weight in the first row) and
 * column 1 [S, S, S, S, 1] (in the last): each column sums to 1 + 2^-22 in float64; summed
 * in float32 in row order, column 0 stays 1.
 */
const COL0 = [1, ...SMALLS(4)];
const COL1 = [...SMALLS(4), 1];
const twoColumns = (): ef.CSR => ef.csr({
  indptr: Int32Array.from([0, 2, 4, 6, 8, 10]),
  indices: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]),
  data: ef.array(COL0.flatMap((w, r) => [w, COL1[r]!])),
  shape: [5, 2],
});

forEachBackend(test, 'sparse and event products sum the weights that hit one output in float64 and round once (float32 devices: in row order)', (backend) => {
  const f64 = capabilities(backend).float64Sums;
  const note = f64 ? ' (summed in float64, rounded once)' : ' (summed in float32 along the column, rows in order)';
  const expected = expectedSums([COL0, COL1], f64, 'columns');
  const W = twoColumns();
  // events @ CSR: each active row scatters into the outputs (the other view on a gathering device)
  expectBits(ef.matmul(ef.binary([1, 1, 1, 1, 1]), W).dataSync(), expected, 'events @ CSR', note);
  // a bool comparison as events, and a float operand
  expectBits(ef.matmul(ef.array([2, 3, 4, 5, 6]).greater(1), W).dataSync(), expected, 'bool events @ CSR', note);
  expectBits(ef.matmul(ef.array([1, 1, 1, 1, 1]), W).dataSync(), expected, 'float x @ CSR', note);
  // CSR @ x: each output gathers its row (the transpose holds the columns as rows)
  expectBits(ef.matmul(W.transpose().tocsr(), ef.array([1, 1, 1, 1, 1])).dataSync(), expected, 'CSRᵀ @ x (gather)', note);
  expectBits(ef.matmul(W.transpose().tocsr(), ef.binary([1, 1, 1, 1, 1])).dataSync(), expected, 'CSRᵀ @ events (gather)', note);
  // dense products: a float row, and events, against the same matrix
  const dense = ef.array(COL0.map((w, r) => [w, COL1[r]!]));
  expectBits(ef.matmul(ef.array([[1, 1, 1, 1, 1]]), dense).dataSync(), expected, 'dense x @ M', note);
  expectBits(ef.matmul(ef.binary([[1, 1, 1, 1, 1]]), dense).dataSync(), expected, 'dense events @ M', note);
  // duplicate entries add up when densified: one row holding column 0 five times
  const dup = ef.csr({ indptr: Int32Array.from([0, 5]), indices: new Int32Array(5), data: ef.array(COL0), shape: [1, 1] });
  expectBits(dup.todense().data.dataSync(), expectedSums([COL0], f64, 'duplicates'), 'densify duplicates', note);
});

forEachBackend(test, 'a product read only by its epilogue: the loop reads the unrounded float64 sums (float32 devices: the rounded float32 sum)', (backend) => {
  // columns [1, S] and [S, 1]: 1 + S in float64, so (sum − 1) is S; a rounded sum gives 0
  const W = ef.csr({ indptr: Int32Array.from([0, 2, 4]), indices: Int32Array.from([0, 1, 0, 1]), data: ef.array([1, S, S, 1]), shape: [2, 2] });
  const caps = capabilities(backend);
  const sums = caps.float64Sums ? [1 + S, 1 + S] : [sumOf([1, S], false), sumOf([S, 1], false)];
  // float64 arithmetic reads the workspace's float64 sums; a device reads its float32 sums. (The
  // wasm backend's float32 lanes take only loops without float64 values: this loop reads float64
  // sums, so it computes in float64 there too.)
  const readsFloat64 = caps.dtypes.includes('float64');
  const expected = sums.map((s) => f32(readsFloat64 ? s - 1 : f32(s) - 1));
  expectDiscriminates([S, S], [0, 0], 'epilogue probe');
  for (const [what, x] of [['events', ef.binary([1, 1])], ['floats', ef.array([1, 1])]] as const) {
    const y = ef.matmul(x, W).sub(ef.array([1, 1]));
    if (caps.fusion && float64Arithmetic(caps)) {
      assert.match(ef.explain([y]), /runs as a product stage in that kernel \(scratch buffer\)/, `${what}: the product lives in the kernel's workspace`);
    }
    expectBits(y.dataSync(), expected, `(${what} @ W) − 1`,
      readsFloat64 ? ' (the epilogue reads the float64 workspace: nothing is rounded before the subtraction)' : ' (float32 sums)');
  }
});

forEachBackend(test, 'a product accumulated into its seed rounds each addition, as documented; otherwise the sum is added once', (backend) => {
  // g + W·spikes with g = 1 and two weights S reaching output 0: when the plan adds the product
  // straight into the seeded output (docs/fusion.md: "each entry the scatter adds is rounded
  // again", explain: "added into"), 1 + S rounds to 1 twice; otherwise the product (2S, exact
  // in any precision) is added to 1 once: 1 + 2^-23.
  const W = ef.csr({ indptr: Int32Array.from([0, 1, 2]), indices: Int32Array.from([0, 0]), data: ef.array([S, S]), shape: [2, 2] });
  const y = ef.array([1, 1]).add(ef.matmul(ef.binary([1, 1]), W));
  const accumulated = capabilities(backend).fusion && /added into/.test(ef.explain([y]));
  const [eachAddition, addedOnce] = [f32(f32(1 + S) + S), f32(1 + 2 * S)];
  assert.is.not(eachAddition, addedOnce, 'the probe separates the two');
  const expected = [accumulated ? eachAddition : addedOnce, 1];
  expectBits(y.dataSync(), expected, 'g + events @ W', accumulated ? ' (accumulated into the seed: each addition rounded to float32)' : ' (the sum added once)');
});

test.run();
