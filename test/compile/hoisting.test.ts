/**
 * Constant hoisting in compiled steps (src/ir/hoist.ts): a subgraph that reads no step
 * input is computed once when the step is compiled and enters the program as a constant
 * leaf. Scalar arithmetic (`dt / tau`) folds exactly, in float64, into one literal; an
 * input-free array enters as the values its dtype stores; leaves (literals, constant
 * arrays) enter as they are. The expected values are plain float64 JavaScript, with
 * Math.fround where a float32 constant is stored. The state is float64, so that the float32
 * rounding of a hoisted array (and the absence of rounding of a folded scalar) shows in the
 * result: backends without float64 are skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { StepFn } from '../../src/index.js';
import { capabilities } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

const FLOAT64 = { skip: (b: string) => (capabilities(b).dtypes.includes('float64') ? undefined : 'needs float64 state to tell a float32 constant from an unrounded one') };
/** ...and float64 arithmetic where the hoisted arrays are computed (not float32 lanes). */
const FLOAT64_ARITHMETIC = {
  skip: (b: string) => FLOAT64.skip(b) ?? (capabilities(b).float32Arithmetic === 'float32' ? 'computes float32 chains in float32 by choice: the hoisted b would be rounded twice' : undefined),
};

const V0 = [0, 1.25, -3, 1000.5];
const STEPS = 5;

/** Run `step` for STEPS steps from v = V0 (float64) and return v. */
async function runV(step: StepFn, v0: readonly number[] = V0): Promise<number[]> {
  const init = { v: ef.array([...v0], '1', 'float64') };
  const out = (await ef.compile(step).run(init, { steps: STEPS })).state.v!;
  assert.is(out.dtype, 'float64');
  return Array.from(out.dataSync());
}

/** v after STEPS steps of v += inc[i] in float64. */
const stepped = (inc: (i: number) => number, v0: readonly number[] = V0): number[] =>
  v0.map((x, i) => {
    let v = x;
    for (let s = 0; s < STEPS; s++) v += inc(i);
    return v;
  });

forEachBackend(test, 'a captured dt / tau folds exactly in float64 into one literal (not rounded to its float32 dtype)', async () => {
  const dt = ef.scalar(0.1, 'ms');
  const tau = ef.scalar(3, 'ms');
  const q = Math.fround(0.1) / Math.fround(3); // the float64 quotient of the stored float32 operands
  assert.ok(q !== Math.fround(q), 'positive control: the quotient is not a float32 value');
  const got = await runV((s) => ({ v: s.v!.add(dt.div(tau)) }));
  assert.equal(got, stepped(() => q));
  // a longer scalar chain folds the same way: (dt / tau) * 7 - dt / tau in float64
  const r = q * Math.fround(7) - q;
  const chain = await runV((s) => ({ v: s.v!.add(dt.div(tau).mul(ef.scalar(7)).sub(dt.div(tau))) }));
  assert.equal(chain, stepped(() => r));
}, FLOAT64);

const C = [2 ** 24, 1, 0.5, -(2 ** 24) - 2];

forEachBackend(test, 'one input-free array read by the step enters it as its stored float32 values, computed once', async () => {
  // c + 1 is not a float32 value for |c| = 2^24 and its neighbours: the constant holds it rounded
  const c = ef.array(C, '1');
  const c1 = C.map((x) => Math.fround(x + 1));
  assert.ok(c1.some((x, i) => x - C[i]! !== 1), 'positive control: rounding to float32 changes some c + 1');
  const got = await runV((s) => ({ v: s.v!.add(c.add(1)).sub(c) }));
  assert.equal(got, stepped((i) => c1[i]! - C[i]!));
}, FLOAT64);

forEachBackend(test, 'two input-free arrays, one computed from the other: each enters as its own stored values', async () => {
  const c = ef.array(C, '1');
  const a = c.add(1); // read by the step, and an operand of b
  const b = a.add(1); // computed from c in float64 when the step is compiled, then stored
  const A = C.map((x) => Math.fround(x + 1));
  const B = C.map((x) => Math.fround(x + 1 + 1));
  assert.ok(B.some((x, i) => x !== Math.fround(A[i]! + 1)), 'positive control: b is not a + 1 computed from the stored a');
  // (v + a) + b: the second add reads two replaced operands
  const got = await runV((s) => ({ v: s.v!.add(a).add(b).sub(c).sub(c) }));
  assert.equal(got, stepped((i) => A[i]! + B[i]! - C[i]! - C[i]!));
}, FLOAT64_ARITHMETIC);

forEachBackend(test, 'a literal enters the step as it is: an int32 maximum with a number beyond 32 bits wraps its result', async (backend) => {
  // The literal is kept (not rounded to int32 first): max(a, 2^33 + 1) | 0 is 1 for every a.
  const big = 2 ** 33 + 1;
  const A0 = [5, -3, 7, 0];
  const init = { a: ef.array(A0, '1', 'int32') };
  const got = (await ef.compile((s) => ({ a: s.a!.maximum(big).add(s.a!) })).run(init, { steps: 3 })).state.a!;
  const steps = (k: number): number[] => {
    let a = A0;
    for (let s = 0; s < 3; s++) a = a.map((x) => ((Math.max(x, k) | 0) + x) | 0);
    return a;
  };
  const want = steps(big);
  assert.is(got.dtype, 'int32');
  assert.equal(Array.from(got.dataSync()), want, `on ${backend}`);
  assert.not.equal(steps(big | 0), want, 'positive control: rounding the literal to int32 first would differ');
}, { skip: (b) => (b === 'gpujs' ? 'gpujs refuses integers beyond 2^24' : undefined) });

test.run();
