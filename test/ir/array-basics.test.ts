/**
 * The array basics on every backend: floor, ceil, round, sign, mod, logicalAnd/Or/Xor,
 * argmax/argmin and cumsum. Each result is checked twice: against the primitive's float64
 * reference (the reference backend) and against NumPy's semantics restated independently
 * (test/helpers/numpy-oracle.ts). Shapes come from small fixed sets so that the gpujs modes,
 * where every new kernel is compiled, reuse kernels across cases.
 */
import fc from 'fast-check';
import { pipe } from 'fp-ts/function';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { lazyArray, type LazyCase } from '../arbitraries/index.js';
import { capabilities, runs, withBackend } from '../helpers/backends.js';
import { npArg, npCumsum, npModQuarters, npRound, npSign, roundingDType } from '../helpers/numpy-oracle.js';
import { dense, elementwise, type Dense } from '../helpers/oracle.js';
import { expectDense, expectIdentical, forEachBackend } from '../helpers/suite.js';

const OPTS = { numRuns: runs(40) } as const;
const SHAPES: readonly number[][] = [[], [5], [2, 3], [3, 1, 2], [0, 3]];
/** Pairs that broadcast: equal, stretched both ways, scalar against array, an empty dim. */
const PAIRS: readonly [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 1], [1, 3]], [[], [4]], [[3, 2], [2]], [[0, 2], [1, 2]]];
const anyDType = fc.constantFrom<ef.DType>('bool', 'int32', 'float32', 'float64');
/** Multiples of 1/4 in [-4, 4]: halves (round's ties), zeros (mod's NaN) and exact float32 values. */
const QUARTERS = { min: -16, max: 16, integer: true } as const;
const quarters = (c: LazyCase): LazyCase => {
  const values = c.dtype === 'float32' || c.dtype === 'float64' ? c.values.map((v) => v / 4) : c.values;
  return { ...c, values, array: ef.array(values, '1', { dtype: c.dtype, shape: c.shape }) };
};
const anArray = (dtype: fc.Arbitrary<ef.DType> = anyDType): fc.Arbitrary<LazyCase> =>
  lazyArray({ shape: fc.constantFrom(...SHAPES), dtype, values: QUARTERS }).map(quarters);

/** What the primitive's float64 reference gives for `x` (run on the reference backend). */
const reference = (x: LazyArray): Dense => withBackend('reference', () => ({ values: Array.from(x.dataSync()), shape: [...x.shape], dtype: x.dtype }));
/** Does the backend compute in float64 (so that the sign of a zero is defined)? */
const float32Device = (backend: string): string | undefined => (capabilities(backend).dtypes.includes('float64') ? undefined
  : 'a float32 device (gpujs) keeps neither the sign of a zero result nor exact remainders of general floats (its mod is a − floor(a/b)·b in float32)');

/** Both oracles: the reference backend's values and NumPy's, then the backend's result against each. */
function expectBoth(backend: string, got: LazyArray, numpy: Dense, what: string, atolScale = 1): void {
  const ref = reference(got);
  assert.equal(ref.values.map((v, i) => [v, numpy.values[i]]).filter(([a, b]) => !Object.is(a, b) && !(Math.abs(a! - b!) <= 1e-12 * Math.abs(b!))), [], `${what}: reference vs NumPy`);
  expectDense(backend, got, numpy, what, atolScale);
}

const ROUNDING = { floor: Math.floor, ceil: Math.ceil, round: npRound, sign: npSign } as const;
type Rounding = keyof typeof ROUNDING;

for (const op of Object.keys(ROUNDING) as Rounding[]) {
  forEachBackend(test, `${op}: every dtype matches the reference and NumPy; function, method and pipe agree`, (backend) => {
    // quarters (ties for round) or any float in [-100, 100]
    const values = fc.oneof(anArray(), lazyArray({ shape: fc.constantFrom(...SHAPES), dtype: anyDType }));
    fc.assert(fc.property(values, (x) => {
      const got = ef[op](x.array);
      expectBoth(backend, got, elementwise(ROUNDING[op], [dense(x)], roundingDType([x.dtype])), `${op}(${x.array})`);
      expectIdentical(x.array[op](), got, `method ${op}`);
      expectIdentical(pipe(x.array, ef[op]), got, `pipe ${op}`);
    }), OPTS);
  });
}

forEachBackend(test, 'round is half to even; floor, ceil and sign at the edges', (backend) => {
  const x = ef.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49999997, -0.4, 7.25, NaN, -Infinity]);
  const want = (values: number[]): Dense => ({ values, shape: [12], dtype: 'float32' });
  expectDense(backend, x.round(), want([-2, -2, -0, 0, 2, 2, 4, 0, -0, 7, NaN, -Infinity]), 'round');
  expectDense(backend, x.floor(), want([-3, -2, -1, 0, 1, 2, 3, 0, -1, 7, NaN, -Infinity]), 'floor');
  expectDense(backend, x.ceil(), want([-2, -1, -0, 1, 2, 3, 4, 1, -0, 8, NaN, -Infinity]), 'ceil');
  expectDense(backend, x.sign(), want([-1, -1, -1, 1, 1, 1, 1, 1, -1, 1, NaN, -1]), 'sign');
  expectDense(backend, ef.array([true, false]).sign(), { values: [1, 0], shape: [2], dtype: 'int32' }, 'sign of bool');
  expectDense(backend, ef.array([-7, 0, 3], '1', { dtype: 'int32' }).round(), { values: [-7, 0, 3], shape: [3], dtype: 'int32' }, 'round int32');
});

forEachBackend(test, 'exactly as NumPy: signed zeros (round(-0.5) = -0, sign(-0) = +0), mod of general floats, float64 round edges', () => {
  const z = ef.array([-0.5, -0.4, 0.4, -0, 0], '1', { dtype: 'float64' });
  const bits = (a: LazyArray): string[] => Array.from(a.dataSync(), (v) => (Object.is(v, -0) ? '-0' : String(v)));
  assert.equal(bits(z.round()), ['-0', '-0', '0', '-0', '0']);
  assert.equal(bits(z.sign()), ['-1', '-1', '1', '0', '0']);
  assert.equal(bits(ef.mod(ef.array([4, -4, 4, -4]), ef.array([-2, -2, 2, 2]))), ['-0', '-0', '0', '0']);
  // np.mod(np.float32([...]), np.float32([...])) in NumPy 2.4: the remainder is exact, then rounded
  const a = ef.array([1, 100, 7.1, -7.1, 1e6, 123456.7]), b = ef.array([1 / 3, 0.1, 0.7, 0.7, 0.3, 0.01]);
  assert.equal(Array.from(ef.mod(a, b).dataSync()), [0.3333333134651184, 0.09999851137399673, 0.10000002384185791, 0.5999999642372131, 0.06026357412338257, 0.005884472280740738]);
  // np.round(0.49999999999999994) = 0, np.round(2.5000000000000004) = 3, 2^52 + 1 stays
  assert.equal(Array.from(ef.array([0.49999999999999994, 2.5000000000000004, 2 ** 52 + 1], '1', { dtype: 'float64' }).round().dataSync()), [0, 3, 2 ** 52 + 1]);
}, { skip: float32Device });

forEachBackend(test, 'mod: broadcasting over dtype pairs matches the reference and NumPy (zero divisors included)', (backend) => {
  const pair = fc.constantFrom(...PAIRS).chain(([sa, sb]) => fc.tuple(
    lazyArray({ shape: sa, dtype: anyDType, values: QUARTERS }).map(quarters),
    lazyArray({ shape: sb, dtype: anyDType, values: QUARTERS }).map(quarters)));
  fc.assert(fc.property(pair, ([a, b]) => {
    const dtype = roundingDType([a.dtype, b.dtype]);
    const expected = elementwise(npModQuarters, [dense(a), dense(b)], dtype);
    const got = ef.mod(a.array, b.array);
    expectBoth(backend, got, expected, `mod(${a.array}, ${b.array})`);
    expectIdentical(a.array.mod(b.array), got, 'method mod');
    expectIdentical(pipe(a.array, ef.mod(b.array)), got, 'pipe mod');
  }), OPTS);
});

forEachBackend(test, 'mod: the result has the divisor\'s sign; x mod 0 is NaN, 0 for int32; plain numbers', (backend) => {
  const a = ef.array([-3, 3, -3, 3, 5.5, -5.5, 7, 0]);
  const b = ef.array([2, -2, -2, 2, 2, 2, 0, 0]);
  const want = (values: number[], dtype: ef.DType = 'float32'): Dense => ({ values, shape: [values.length], dtype });
  expectDense(backend, ef.mod(a, b), want([1, -1, -1, 1, 1.5, 0.5, NaN, NaN]), 'mod float');
  const ai = a.astype('int32'), bi = b.astype('int32');
  expectDense(backend, ef.mod(ai, bi), want([1, -1, -1, 1, 1, 1, 0, 0], 'int32'), 'mod int32 (5.5 -> 5, -5.5 -> -5)');
  expectDense(backend, ef.mod(a, 3), want([0, 0, 0, 0, 2.5, 0.5, 1, 0]), 'mod by a plain 3');
  expectDense(backend, ef.mod(-7, ai.add(4)), want([0, 0, 0, 0, 2, 0, 4, 1], 'int32'), 'a plain -7 mod int32 divisors');
  // a fused chain: mod inside one loop with round and a comparison
  const chain = ef.mod(a.round(), 4).greater(1).logicalOr(a.less(0));
  expectDense(backend, chain, { values: [1, 1, 1, 1, 1, 1, 1, 0], shape: [8], dtype: 'bool' }, 'mod in a fused chain');
});

const LOGICAL = {
  logicalAnd: (p: number, q: number) => Number(p !== 0 && q !== 0),
  logicalOr: (p: number, q: number) => Number(p !== 0 || q !== 0),
  logicalXor: (p: number, q: number) => Number((p !== 0) !== (q !== 0)),
} as const;

for (const op of Object.keys(LOGICAL) as (keyof typeof LOGICAL)[]) {
  forEachBackend(test, `${op}: bool arrays broadcast; matches the reference and the truth table`, (backend) => {
    const pair = fc.constantFrom(...PAIRS).chain(([sa, sb]) => fc.tuple(lazyArray({ shape: sa, dtype: 'bool' }), lazyArray({ shape: sb, dtype: 'bool' })));
    fc.assert(fc.property(pair, ([a, b]) => {
      const got = ef[op](a.array, b.array);
      expectBoth(backend, got, elementwise(LOGICAL[op], [dense(a), dense(b)], 'bool'), `${op}(${a.array}, ${b.array})`);
      expectIdentical(a.array[op](b.array), got, `method ${op}`);
      expectIdentical(pipe(a.array, ef[op](b.array)), got, `pipe ${op}`);
    }), OPTS);
  });
}

forEachBackend(test, 'logical ops of comparisons, fused, and with not', (backend) => {
  const v = ef.array([-70, -55, -50, -45, -65], 'mV');
  const inWindow = ef.logicalAnd(v.greater(ef.scalar(-60, 'mV')), v.less(ef.scalar(-0.048, 'V')));
  expectDense(backend, inWindow, { values: [0, 1, 1, 0, 0], shape: [5], dtype: 'bool' }, 'and of comparisons');
  expectDense(backend, ef.logicalXor(inWindow, ef.not(v.less(ef.scalar(-60, 'mV')))), { values: [0, 0, 0, 1, 0], shape: [5], dtype: 'bool' }, 'xor with not');
  expectDense(backend, ef.logicalOr(inWindow, ef.array(true)), { values: [1, 1, 1, 1, 1], shape: [5], dtype: 'bool' }, 'or with a 0-d true');
});

const ARGS = ['argmax', 'argmin'] as const;
/** Small integers make ties likely, so the first-occurrence rule is exercised. */
const tied = lazyArray({ shape: fc.constantFrom([5], [2, 3], [3, 1, 2], [2, 2, 2]), dtype: anyDType, values: { min: -2, max: 2, integer: true } });

for (const op of ARGS) {
  forEachBackend(test, `${op} over all elements and over each axis (negative too), keepdims: the reference and NumPy (first of ties)`, (backend) => {
    const axisOf = (c: LazyCase) => fc.option(fc.integer({ min: -c.shape.length, max: c.shape.length - 1 }), { nil: undefined });
    fc.assert(fc.property(tied.chain((c) => fc.tuple(fc.constant(c), axisOf(c), fc.boolean())), ([x, axis, keepdims]) => {
      const got = ef[op](x.array, { axis, keepdims });
      expectBoth(backend, got, npArg(op, dense(x), axis ?? null, keepdims), `${op}(${x.array}, axis ${axis}, keepdims ${keepdims})`);
      expectIdentical(x.array[op](axis, { keepdims }), got, `method ${op}`);
      expectIdentical(pipe(x.array, ef[op]({ axis, keepdims })), got, `pipe ${op}`);
    }), OPTS);
  });
}

forEachBackend(test, 'argmax/argmin: NaN counts as the extreme (first NaN); ties keep the first; fused operands', (backend) => {
  const m = ef.array([[1, 5, 5], [7, NaN, 2], [0, 0, -1]]);
  const want = (values: number[], shape: number[]): Dense => ({ values, shape, dtype: 'int32' });
  expectDense(backend, m.argmax(), want([4], []), 'argmax flattened: the NaN');
  expectDense(backend, m.argmax(1), want([1, 1, 0], [3]), 'argmax rows');
  expectDense(backend, m.argmin(0, { keepdims: true }), want([2, 1, 2], [1, 3]), 'argmin columns, keepdims');
  expectDense(backend, ef.array([-Infinity, -Infinity, NaN, NaN]).argmin(), want([2], []), 'argmin: the first NaN');
  expectDense(backend, ef.array([-Infinity, -Infinity]).argmax(), want([0], []), 'argmax of equal -Infinity');
  expectDense(backend, ef.array([true, false, true]).argmin(), want([1], []), 'argmin of bools');
  expectDense(backend, m.mul(-1).add(2).argmax(-1), want([0, 1, 2], [3]), 'argmax of a fused expression');
  expectDense(backend, ef.zeros([0, 3]).argmax(1), want([], [0]), 'argmax over a non-empty axis of an empty array');
});

/** Shapes for cumsum, with an axis (or none) each. */
const scanned = lazyArray({ shape: fc.constantFrom(...SHAPES), dtype: anyDType, values: { min: -50, max: 50 } })
  .chain((c) => fc.tuple(fc.constant(c), c.shape.length ? fc.option(fc.integer({ min: -c.shape.length, max: c.shape.length - 1 }), { nil: undefined }) : fc.constant(undefined)));
const sumAbs = (c: LazyCase): number => c.values.reduce((s, v) => s + Math.abs(v), 0);

forEachBackend(test, 'cumsum over the flattened array and along each axis: the reference and NumPy', (backend) => {
  fc.assert(fc.property(scanned, ([x, axis]) => {
    const got = ef.cumsum(x.array, { axis });
    // a float32 device sums in float32: allow for the rounding of the partial sums
    expectBoth(backend, got, npCumsum(dense(x), axis ?? null), `cumsum(${x.array}, axis ${axis})`, sumAbs(x));
    expectIdentical(x.array.cumsum(axis), got, 'method cumsum');
    expectIdentical(pipe(x.array, ef.cumsum({ axis })), got, 'pipe cumsum');
  }), OPTS);
});

forEachBackend(test, 'cumsum: concrete sums, dtypes, empty arrays and fused neighbours', (backend) => {
  const x = ef.array([[1, 2, 3], [4, 5, 6]], 'mV');
  const want = (values: number[], shape: number[], dtype: ef.DType = 'float32'): Dense => ({ values, shape, dtype });
  expectDense(backend, x.cumsum(), want([1, 3, 6, 10, 15, 21], [6]), 'flattened');
  expectDense(backend, x.cumsum(0), want([1, 2, 3, 5, 7, 9], [2, 3]), 'axis 0');
  expectDense(backend, x.cumsum(-1), want([1, 3, 6, 4, 9, 15], [2, 3]), 'axis -1');
  expectDense(backend, ef.array([true, true, false, true]).cumsum(), want([1, 2, 2, 3], [4], 'int32'), 'bool counts as int32');
  expectDense(backend, ef.array([7, -9, 3], '1', { dtype: 'int32' }).cumsum(), want([7, -2, 1], [3], 'int32'), 'int32');
  expectDense(backend, ef.zeros([0, 3]).cumsum(), want([], [0]), 'empty flattened');
  expectDense(backend, ef.zeros([0, 3]).cumsum(1), want([], [0, 3]), 'empty along axis 1');
  expectDense(backend, x.mul(2).cumsum(1).add(ef.scalar(1, 'mV')), want([3, 7, 13, 9, 19, 31], [2, 3]), 'a fused operand and epilogue');
});

forEachBackend(test, 'cumsum of int32 wraps like int32 addition (NumPy would widen to int64)', () => {
  const x = ef.array([2147483647, 1, 5], '1', { dtype: 'int32' });
  assert.equal(Array.from(x.cumsum().dataSync()), [2147483647, -2147483648, -2147483643]);
  assert.equal(npCumsum(dense({ values: [2147483647, 1, 5], shape: [3], dtype: 'int32' }), null).values, [2147483647, -2147483648, -2147483643]);
}, { skip: (backend) => (capabilities(backend).dtypes.includes('float64') ? undefined : 'a float32 device holds int32 sums exactly only below 2^24') });

forEachBackend(test, 'in a compiled runner the basics give what stepping by hand gives', async () => {
  type S = Readonly<Record<string, LazyArray>>;
  const step = (s: S) => {
    const v = ef.mod(s['v']!.add(ef.scalar(0.75, 'mV')), ef.scalar(2, 'mV'));
    const up = v.greater(ef.scalar(1, 'mV'));
    const c = s['c']!.add(ef.logicalXor(up, v.round().equal(ef.scalar(1, 'mV'))).astype('int32'));
    return { state: { v, c }, record: { best: v.argmax(), total: c.cumsum().max(), low: v.floor().sign().sum() } };
  };
  const s0: S = { v: ef.array([0, 0.5, 1, 1.5, -0.25], 'mV'), c: ef.zeros([5], '1', 'int32') };
  const { state, records } = await ef.compile(step).run(s0, { steps: 6 });
  let s = s0;
  const byHand: Record<string, number[]> = { best: [], total: [], low: [] };
  for (let t = 0; t < 6; t++) {
    const out = step(s);
    for (const k of Object.keys(byHand)) byHand[k]!.push(out.record[k as keyof typeof out.record].item());
    s = { v: ef.array(Array.from(out.state.v.dataSync()), 'mV'), c: ef.array(Array.from(out.state.c.dataSync()), '1', { dtype: 'int32' }) };
  }
  for (const k of ['v', 'c']) assert.equal(Array.from(state[k]!.dataSync()), Array.from(s[k]!.dataSync()), k);
  for (const k of Object.keys(byHand)) assert.equal(Array.from(records[k]!.dataSync()), byHand[k], k);
});

test.run();
