/**
 * ef.random: the checks of the arguments (typed errors whose messages say what was given and
 * what was expected, thrown by the call itself, before anything is computed) and the result's
 * dtype, shape and unit: parameters broadcast to the shape, a unit given as the last argument
 * or carried by parameter arrays, a parameter in another unit of the same dimension converted,
 * and a rate × time step accepted as a probability. The statistics are in
 * test/api/random-stats.test.ts. Nothing here needs a backend other than the default.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

type Draw = (options: Record<string, unknown>) => LazyArray;

/** Each op called with extra options (the seed and counter checks are shared by all four). */
const OPS: readonly (readonly [string, Draw])[] = [
  ['uniform', (o) => ef.random.uniform([3], o as never)],
  ['normal', (o) => ef.random.normal([3], o as never)],
  ['bernoulli', (o) => ef.random.bernoulli(0.5, { shape: [3], ...o } as never)],
  ['poisson', (o) => ef.random.poisson(2, { shape: [3], ...o } as never)],
];

const bits = (x: LazyArray): number[] => Array.from(x.dataSync() as ArrayLike<number>);

// ------------------------------------------------------------------------------ seed, counter

test('seed: negative, fractional, above 2^32 − 1, a string or missing: InvalidArgumentError naming the value and the range, for every op', () => {
  for (const [op, draw] of OPS) {
    for (const [seed, shown] of [[-1, '-1'], [1.5, '1.5'], [2 ** 32, '4294967296'], ['7', '"7"'], [NaN, 'NaN'], [undefined, 'undefined']] as const) {
      expectError(() => draw({ seed }), ef.InvalidArgumentError, `random.${op}: seed is ${shown}; expected an integer in [0, 4294967295]`);
    }
    // both ends of the range are accepted
    assert.equal(draw({ seed: 0 }).shape, [3]);
    assert.equal(draw({ seed: 2 ** 32 - 1 }).shape, [3]);
  }
});

test('counter: negative or fractional numbers, a float 0-d array, an int32 array of shape [2], an int32 array with a unit: InvalidArgumentError', () => {
  for (const [op, draw] of OPS) {
    expectError(() => draw({ seed: 1, counter: -1 }), ef.InvalidArgumentError, `random.${op}: counter is -1;`, 'expected a non-negative integer');
    expectError(() => draw({ seed: 1, counter: 2.5 }), ef.InvalidArgumentError, `random.${op}: counter is 2.5;`, 'expected a non-negative integer');
    expectError(() => draw({ seed: 1, counter: '3' }), ef.InvalidArgumentError, `random.${op}: counter is "3";`);
    expectError(() => draw({ seed: 1, counter: 2 ** 31 }), ef.InvalidArgumentError, 'counter is 2147483648', '2^31 − 1');
    const arrayMessage = 'expected a dimensionless 0-d int32 array';
    expectError(() => draw({ seed: 1, counter: ef.scalar(1) }), ef.InvalidArgumentError, `random.${op}: counter is a float32 array of shape []`, arrayMessage);
    expectError(() => draw({ seed: 1, counter: ef.scalar(1, undefined, 'float64') }), ef.InvalidArgumentError, 'float64 array of shape []', arrayMessage);
    expectError(() => draw({ seed: 1, counter: ef.array([1, 2], undefined, 'int32') }), ef.InvalidArgumentError, 'int32 array of shape [2]', arrayMessage);
    expectError(() => draw({ seed: 1, counter: ef.scalar(1, 'ms', 'int32') }), ef.InvalidArgumentError, 'int32 array of shape [] in ms', arrayMessage);
  }
});

test('counter: a dimensionless 0-d int32 array draws what the same number draws; counter defaults to 0; 2^31 − 1 is accepted', () => {
  const a = ef.random.uniform([50], { seed: 9, counter: ef.scalar(1234, undefined, 'int32') });
  const b = ef.random.uniform([50], { seed: 9, counter: 1234 });
  const c = ef.random.uniform([50], { seed: 9, counter: 1235 });
  assert.equal(bits(a), bits(b));
  assert.not.equal(bits(a), bits(c), 'another counter draws other numbers');
  assert.equal(bits(ef.random.normal([50], { seed: 9 })), bits(ef.random.normal([50], { seed: 9, counter: 0 })));
  // a computed int32 0-d array works as well
  const sum = ef.scalar(1000, undefined, 'int32').add(ef.scalar(234, undefined, 'int32'));
  assert.is(sum.dtype, 'int32');
  assert.equal(bits(ef.random.uniform([50], { seed: 9, counter: sum })), bits(b));
  const top = bits(ef.random.uniform([50], { seed: 9, counter: 2 ** 31 - 1 }));
  assert.ok(top.every((v) => v >= 0 && v < 1), 'counter 2^31 − 1 draws values in [0, 1)');
});

// -------------------------------------------------------------------------- parameter values

test('bernoulli: p outside [0, 1], NaN, infinite or not a number: InvalidArgumentError with the value and the range', () => {
  for (const [p, shown] of [[-0.1, '-0.1'], [1.5, '1.5'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['0.5', '"0.5"']] as const) {
    expectError(() => ef.random.bernoulli(p as number, { seed: 1 }), ef.InvalidArgumentError, `random.bernoulli: p is ${shown}; expected a probability in [0, 1]`);
  }
  // the ends are probabilities
  assert.equal(bits(ef.random.bernoulli(0, { seed: 1, shape: [4] })), [0, 0, 0, 0]);
  assert.equal(bits(ef.random.bernoulli(1, { seed: 1, shape: [4] })), [1, 1, 1, 1]);
});

test('poisson: lam negative, NaN, Infinity or not a number: InvalidArgumentError with the value and what was expected', () => {
  for (const [lam, shown] of [[-1, '-1'], [-1e-9, '-1e-9'], [NaN, 'NaN'], [Infinity, 'Infinity'], [null, 'null']] as const) {
    expectError(() => ef.random.poisson(lam as number, { seed: 1 }), ef.InvalidArgumentError, `random.poisson: lam is ${shown}; expected a finite non-negative number`);
  }
});

test('normal: std negative or not finite, mean not finite: InvalidArgumentError naming the parameter', () => {
  for (const [std, shown] of [[-1, '-1'], [-1e-30, '-1e-30'], [NaN, 'NaN'], [Infinity, 'Infinity']] as const) {
    expectError(() => ef.random.normal([2], { seed: 1, std }), ef.InvalidArgumentError, `random.normal: std is ${shown}; expected a finite non-negative number`);
  }
  expectError(() => ef.random.normal([2], { seed: 1, mean: NaN }), ef.InvalidArgumentError, 'random.normal: mean is NaN; expected a finite number');
  expectError(() => ef.random.normal([2], { seed: 1, mean: -Infinity }, 'mV'), ef.InvalidArgumentError, 'random.normal: mean is -Infinity; expected a finite number');
  // std 0 is allowed: every value is the mean
  assert.equal(bits(ef.random.normal([3], { seed: 1, mean: -65, std: 0 }, 'mV')), [-65, -65, -65]);
});

test('uniform: low above high (numbers): InvalidArgumentError with both; low = high is allowed; a non-finite bound is refused', () => {
  expectError(() => ef.random.uniform([2], { seed: 1, low: 1, high: 0.5 }), ef.InvalidArgumentError, 'random.uniform: low 1 is above high 0.5; expected low <= high');
  expectError(() => ef.random.uniform([2], { seed: 1, low: -50, high: -70 }, 'mV'), ef.InvalidArgumentError, 'low -50 is above high -70', 'expected low <= high');
  // with the default high (1)
  expectError(() => ef.random.uniform([2], { seed: 1, low: 2 }), ef.InvalidArgumentError, 'low 2 is above high 1');
  assert.equal(bits(ef.random.uniform([3], { seed: 1, low: 4, high: 4 })), [4, 4, 4]);
  expectError(() => ef.random.uniform([2], { seed: 1, high: Infinity }), ef.InvalidArgumentError, 'random.uniform: high is Infinity; expected a finite number');
  expectError(() => ef.random.uniform([2], { seed: 1, low: NaN }), ef.InvalidArgumentError, 'random.uniform: low is NaN; expected a finite number');
});

// ------------------------------------------------------------------------------ options, dtype

test('unknown option keys: InvalidArgumentError naming the key and listing the accepted ones, for every op', () => {
  expectError(() => ef.random.uniform([2], { seed: 1, hi: 2 } as never), ef.InvalidArgumentError, "random.uniform: unknown option 'hi'", 'seed, counter, low, high or dtype');
  expectError(() => ef.random.normal([2], { seed: 1, sigma: 2 } as never), ef.InvalidArgumentError, "random.normal: unknown option 'sigma'", 'seed, counter, mean, std or dtype');
  // bernoulli and poisson have a shape option and no dtype
  expectError(() => ef.random.bernoulli(0.5, { seed: 1, dtype: 'float32' } as never), ef.InvalidArgumentError, "random.bernoulli: unknown option 'dtype'", 'seed, counter or shape');
  expectError(() => ef.random.poisson(1, { seed: 1, lam: 2 } as never), ef.InvalidArgumentError, "random.poisson: unknown option 'lam'", 'seed, counter or shape');
  // uniform and normal take the shape as their first argument, not as an option
  expectError(() => ef.random.uniform([2], { seed: 1, shape: [2] } as never), ef.InvalidArgumentError, "unknown option 'shape'");
  // options must be an object
  expectError(() => ef.random.uniform([2], undefined as never), ef.InvalidArgumentError, 'random.uniform: options must be an object', 'got undefined');
  expectError(() => ef.random.poisson(1, 5 as never), ef.InvalidArgumentError, 'random.poisson: options must be an object', 'got 5');
});

test('dtype: only float32 or float64, else InvalidArgumentError with the value; results: uniform/normal float32 by default, float64 on request, bernoulli bool, poisson int32', () => {
  for (const dtype of ['int32', 'bool', 'float16']) {
    expectError(() => ef.random.uniform([2], { seed: 1, dtype } as never), ef.InvalidArgumentError, `random.uniform: dtype is "${dtype}"; expected 'float32' or 'float64'`);
    expectError(() => ef.random.normal([2], { seed: 1, dtype } as never), ef.InvalidArgumentError, `random.normal: dtype is "${dtype}"; expected 'float32' or 'float64'`);
  }
  const cases: [LazyArray, string, Function][] = [
    [ef.random.uniform([4], { seed: 1 }), 'float32', Float32Array],
    [ef.random.uniform([4], { seed: 1, dtype: 'float64' }), 'float64', Float64Array],
    [ef.random.normal([4], { seed: 1 }), 'float32', Float32Array],
    [ef.random.normal([4], { seed: 1, dtype: 'float64' }), 'float64', Float64Array],
    [ef.random.bernoulli(0.5, { seed: 1, shape: [4] }), 'bool', Uint8Array],
    [ef.random.bernoulli(ef.array([0.5, 0.5], undefined, 'float64'), { seed: 1 }), 'bool', Uint8Array],
    [ef.random.poisson(3, { seed: 1, shape: [4] }), 'int32', Int32Array],
    [ef.random.poisson(ef.array([3, 40], undefined, 'float64'), { seed: 1 }), 'int32', Int32Array],
  ];
  cases.forEach(([x, dtype, storage], k) => {
    assert.is(x.dtype, dtype, `case ${k}: dtype`);
    assert.ok(x.dataSync() instanceof storage, `case ${k}: storage ${x.dataSync().constructor.name}, expected ${storage.name}`);
  });
  // float64 draws are the float32 draws (24-bit u, exact in both) for low 0, high 1
  assert.equal(bits(ef.random.uniform([64], { seed: 5, dtype: 'float64' })), bits(ef.random.uniform([64], { seed: 5 })));
});

// --------------------------------------------------------------------------------------- shapes

test('shapes: the shape argument or option; bernoulli and poisson take the shape of p / lam when none is given', () => {
  assert.equal([...ef.random.uniform([2, 3, 4], { seed: 1 }).shape], [2, 3, 4]);
  assert.equal([...ef.random.normal([], { seed: 1 }).shape], []);
  assert.equal([...ef.random.uniform([0, 5], { seed: 1 }).shape], [0, 5]);
  assert.equal([...ef.random.bernoulli(0.5, { seed: 1 }).shape], []);
  assert.equal([...ef.random.bernoulli(0.5, { seed: 1, shape: [7, 2] }).shape], [7, 2]);
  assert.equal([...ef.random.bernoulli(ef.zeros([3, 2]), { seed: 1 }).shape], [3, 2]);
  assert.equal([...ef.random.poisson(ef.ones([5]), { seed: 1 }).shape], [5]);
  assert.equal([...ef.random.poisson(ef.ones([5]), { seed: 1, shape: [4, 5] }).shape], [4, 5]);
  expectError(() => ef.random.uniform([2, -1], { seed: 1 }), ef.InvalidArgumentError, 'shape[1]', '-1');
  expectError(() => ef.random.bernoulli(0.5, { seed: 1, shape: [1.5] }), ef.InvalidArgumentError, 'shape[0]', '1.5');
});

test('shapes: a parameter array is broadcast over the shape, element by element (bernoulli p per column, poisson λ per row, uniform bounds per row and column)', () => {
  // p = [0, 1, 0] per column of [4, 3]: columns 0 and 2 false, column 1 true
  assert.equal(bits(ef.random.bernoulli(ef.array([0, 1, 0]), { seed: 3, shape: [4, 3] })), [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0]);
  // λ = [[0], [2]] per row of [2, 50]: row 0 all zero, row 1 not
  const k = bits(ef.random.poisson(ef.array([[0], [2]]), { seed: 3, shape: [2, 50] }));
  assert.ok(k.slice(0, 50).every((v) => v === 0), 'λ = 0 row');
  assert.ok(k.slice(50).some((v) => v > 0), 'λ = 2 row has counts');
  // low per column ([3]), high per row ([2, 1]), both in mV: element (i, j) in [low_j, high_i)
  const low = [-70, -60, -50];
  const high = [-40, -30];
  const u = ef.random.uniform([2, 3], { seed: 3, low: ef.array(low, 'mV'), high: ef.array([[high[0]!], [high[1]!]], 'mV') });
  assert.equal([...u.shape], [2, 3]);
  assert.is(u.unit.toString(), 'mV');
  const v = bits(u);
  const unit = bits(ef.random.uniform([2, 3], { seed: 3, dtype: 'float64' }));
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      const x = v[i * 3 + j]!;
      const want = low[j]! + (high[i]! - low[j]!) * unit[i * 3 + j]!;
      assert.ok(Math.abs(x - want) <= 1e-4, `(${i}, ${j}): ${x}, expected ${want} = low_j + (high_i − low_j)·u`);
      assert.ok(x >= low[j]! && x < high[i]!, `(${i}, ${j}): ${x} outside [${low[j]}, ${high[i]})`);
    }
  }
});

test('shapes: a parameter array whose shape does not broadcast to the shape: ShapeMismatchError with both shapes', () => {
  // broadcasts, but to a larger shape than asked for: the message names the parameter
  expectError(() => ef.random.bernoulli(ef.zeros([2, 3]), { seed: 1, shape: [3] }), ef.ShapeMismatchError, 'random.bernoulli: p of shape [2, 3] does not broadcast to the array\'s shape [3]');
  expectError(() => ef.random.normal([3], { seed: 1, mean: ef.zeros([2, 1]) }), ef.ShapeMismatchError, 'random.normal: mean of shape [2, 1] does not broadcast to the array\'s shape [3]');
  expectError(() => ef.random.poisson(ef.ones([4, 1]), { seed: 1, shape: [1, 5] }), ef.ShapeMismatchError, 'lam of shape [4, 1]', 'shape [1, 5]');
  // sizes that differ: both shapes are named
  expectError(() => ef.random.bernoulli(ef.zeros([3]), { seed: 1, shape: [3, 2] }), ef.ShapeMismatchError, 'random.bernoulli', '[3]', '[3, 2]');
  expectError(() => ef.random.uniform([2, 3], { seed: 1, low: ef.zeros([4]), high: ef.ones([4]) }), ef.ShapeMismatchError, 'random.uniform', '[4]', '[2, 3]');
  expectError(() => ef.random.normal([5], { seed: 1, std: ef.ones([2]) }), ef.ShapeMismatchError, 'random.normal', '[2]', '[5]');
});

// ---------------------------------------------------------------------------------------- units

test('units: parameters of different dimensions (low in mV, high in nS; mean in mV, std in nS): UnitMismatchError naming both', () => {
  expectError(() => ef.random.uniform([2], { seed: 1, low: ef.scalar(-70, 'mV'), high: ef.scalar(1, 'nS') }), ef.UnitMismatchError, 'random.uniform', 'mV', 'nS', 'same dimension');
  expectError(() => ef.random.normal([2], { seed: 1, mean: ef.scalar(-65, 'mV'), std: ef.scalar(1, 'nS') }), ef.UnitMismatchError, 'random.normal', 'mV', 'nS', 'same dimension');
  // a number parameter is in the unit argument: mV against an array in nS
  expectError(() => ef.random.uniform([2], { seed: 1, low: 0, high: ef.scalar(1, 'nS') }, 'mV'), ef.UnitMismatchError, 'mV', 'nS');
});

test('units: p or lam with a unit (a rate in Hz not multiplied by dt): UnitMismatchError saying a dimensionless value was expected', () => {
  expectError(() => ef.random.bernoulli(ef.scalar(20, 'Hz'), { seed: 1 }), ef.UnitMismatchError, 'random.bernoulli: p', 'dimensionless', 'Hz');
  expectError(() => ef.random.bernoulli(ef.full([3], 20, 'Hz'), { seed: 1, shape: [2, 3] }), ef.UnitMismatchError, 'random.bernoulli: p', 'Hz');
  expectError(() => ef.random.poisson(ef.scalar(20, 'Hz'), { seed: 1 }), ef.UnitMismatchError, 'random.poisson: lam', 'dimensionless', 'Hz');
});

test('units: rate · dt (20 Hz × 0.1 ms) is accepted as p and converted: the same draws as p = 0.002, a frequency near 0.002', () => {
  const n = 200_000;
  const p = ef.scalar(20, 'Hz').mul(ef.scalar(0.1, 'ms'));
  const viaRate = ef.random.bernoulli(p, { seed: 12, counter: 3, shape: [n] });
  assert.is(viaRate.dtype, 'bool');
  assert.equal([...viaRate.shape], [n]);
  // p as a number is rounded to float32: compare with a float32 array holding that value
  const plain = ef.random.bernoulli(ef.array([Math.fround(0.002)]), { seed: 12, counter: 3, shape: [n] });
  const a = viaRate.dataSync();
  const b = plain.dataSync();
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) assert.unreachable(`element ${i}: rate·dt ${a[i]}, p = 0.002 ${b[i]}`);
    count += a[i]!;
  }
  // unconverted (20 × 0.1 = 2 in Hz·ms) every element would be true; converted, 0.002 of them
  const se = Math.sqrt((0.002 * 0.998) / n);
  assert.ok(Math.abs(count / n - 0.002) <= 5 * se, `frequency ${count / n}, expected 0.002 ± 5 × ${se}`);
  // per-neuron rates (Hz, [3]) times dt (ms) broadcast to [n/100, 3]
  const rates = ef.array([0, 500, 10000], 'Hz').mul(ef.scalar(0.1, 'ms'));
  const r = ef.random.bernoulli(rates, { seed: 12, counter: 4, shape: [n / 100, 3] }).dataSync();
  const cols = [0, 0, 0];
  for (let i = 0; i < r.length; i++) cols[i % 3]! += r[i]!;
  assert.is(cols[0], 0, '0 Hz');
  assert.is(cols[2], n / 100, '10 kHz × 0.1 ms = 1');
  const se1 = Math.sqrt((0.05 * 0.95) / (n / 100));
  assert.ok(Math.abs(cols[1]! / (n / 100) - 0.05) <= 5 * se1, `500 Hz × 0.1 ms: frequency ${cols[1]! / (n / 100)}, expected 0.05`);
});

test('units: normal with mean in mV gives mV; std in V is converted to mV (the same values as std in mV)', () => {
  const mv = ef.random.normal([1000], { seed: 4, counter: 2, mean: ef.scalar(-65, 'mV'), std: ef.scalar(2, 'mV') });
  const v = ef.random.normal([1000], { seed: 4, counter: 2, mean: ef.scalar(-65, 'mV'), std: ef.scalar(0.002, 'V') });
  const byArg = ef.random.normal([1000], { seed: 4, counter: 2, mean: -65, std: 2 }, 'mV');
  for (const x of [mv, v, byArg]) assert.is(x.unit.toString(), 'mV');
  const a = bits(mv);
  const b = bits(v);
  assert.equal(bits(byArg), a, 'unit argument = scalar arrays in mV');
  for (let i = 0; i < a.length; i++) {
    // float32 values near −65 mV: 1e-4 mV is about 13 float32 ulps
    assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-4, `element ${i}: std 2 mV ${a[i]}, std 0.002 V ${b[i]}`);
  }
  // the spread is 2 mV, not 0.002 mV nor 2000 mV
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  const sd = Math.sqrt(b.reduce((s, x) => s + (x - m) ** 2, 0) / (b.length - 1));
  assert.ok(sd > 1.7 && sd < 2.3, `std ${sd} mV, expected about 2`);
});

test('units: uniform bounds in mV and V give mV, converted; a unit argument applies to number bounds; default is dimensionless', () => {
  const u = ef.random.uniform([1000], { seed: 6, low: ef.scalar(-70, 'mV'), high: ef.scalar(-0.05, 'V') });
  assert.is(u.unit.toString(), 'mV');
  const same = ef.random.uniform([1000], { seed: 6, low: -70, high: -50 }, 'mV');
  assert.is(same.unit.toString(), 'mV');
  const a = bits(u);
  const b = bits(same);
  for (let i = 0; i < a.length; i++) {
    assert.ok(a[i]! >= -70 && a[i]! <= -50, `element ${i}: ${a[i]} mV outside [−70, −50]`);
    assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-4, `element ${i}: ${a[i]} vs ${b[i]}`);
  }
  assert.ok(ef.random.uniform([2], { seed: 6 }).unit.equals(ef.Unit.dimensionless));
  // results are dimensionless for bernoulli and poisson even with a converted p / λ
  assert.ok(ef.random.poisson(ef.scalar(5, 'Hz').mul(ef.scalar(1, 's')), { seed: 1 }).unit.equals(ef.Unit.dimensionless));
});


test('omitted parameters: required p, lam and n are named as missing (not NaN); defaults take the unit of the other parameter given as an array', () => {
  expectError(() => ef.random.poisson(undefined as unknown as number, { seed: 1 }), ef.InvalidArgumentError, 'random.poisson: lam is undefined;', 'expected a finite non-negative number');
  expectError(() => ef.random.bernoulli(undefined as unknown as number, { seed: 1 }), ef.InvalidArgumentError, 'random.bernoulli: p is undefined;', 'expected a probability in [0, 1]');
  expectError(() => ef.random.binomial(undefined as unknown as number, 0.5, { seed: 1 }), ef.InvalidArgumentError, 'random.binomial: n is undefined;');
  // std defaults to 1 in mean's unit (mV), high to 1 in low's unit
  const z = ef.random.normal([4], { seed: 2, counter: 5 });
  const v = ef.random.normal([4], { seed: 2, counter: 5, mean: ef.scalar(-65, 'mV') });
  assert.is(v.unit.toString(), 'mV');
  const zs = Array.from(z.dataSync());
  Array.from(v.dataSync()).forEach((x, i) => assert.ok(Math.abs(x - (-65 + zs[i]!)) < 1e-4, `normal[${i}]: ${x}, expected −65 + ${zs[i]} (std 1 mV)`));
  const u = ef.random.uniform([4], { seed: 2, counter: 5, low: ef.scalar(0.5, 'nS') });
  assert.is(u.unit.toString(), 'nS');
  for (const x of u.dataSync()) assert.ok(x >= 0.5 && x <= 1, `uniform in [0.5 nS, 1 nS): ${x}`);
});

test('a parameter that does not broadcast to the shape is named in the error, whatever its rank', () => {
  expectError(() => ef.random.bernoulli(ef.array([0.1, 0.2, 0.3]), { seed: 1, shape: [3, 2] }), ef.ShapeMismatchError, 'random.bernoulli: p of shape [3]', 'shape [3, 2]');
  expectError(() => ef.random.normal([2], { seed: 1, mean: ef.array([[1, 2]], 'mV'), std: 1 }), ef.ShapeMismatchError, 'random.normal: mean of shape [1, 2]', 'shape [2]');
  expectError(() => ef.random.poisson(ef.array([1, 2]), { seed: 1, shape: [4] }), ef.ShapeMismatchError, 'random.poisson: lam of shape [2]');
});


test('poissonEvents and poissonInput refuse what they cannot use, saying what was expected', () => {
  const dt = ef.scalar(0.1, 'ms');
  expectError(() => ef.random.poissonEvents([5, 5] as unknown as LazyArray, dt, { seed: 1 }), ef.InvalidArgumentError, 'rates must be a LazyArray with a frequency unit');
  expectError(() => ef.random.poissonEvents(ef.full([3], 5, 'Hz'), 0.1 as unknown as LazyArray, { seed: 1 }), ef.InvalidArgumentError, 'dt must be a 0-d LazyArray with a time unit');
  expectError(() => ef.random.poissonEvents(ef.full([3], 5, 'Hz'), dt, { seed: 1, shape: [4] }), ef.ShapeMismatchError, 'rates of shape [3] do not match shape [4]');
  expectError(() => ef.random.poissonEvents(ef.scalar(5, 'Hz'), dt, { seed: 1 }), ef.ShapeMismatchError, 'one rate per source');
  expectError(() => ef.random.poissonEvents(ef.full([3], 5, 'mV'), dt, { seed: 1 }), ef.InvalidArgumentError, 'rates · dt is in', 'not a probability');
  expectError(() => ef.random.poissonEvents(ef.array([5, NaN, 5], 'Hz'), dt, { seed: 1 }), ef.InvalidArgumentError, 'rate · dt is NaN at source 1');
  expectError(() => ef.random.poissonEvents(ef.full([3], 5, 'Hz'), dt, { seed: -1 }), ef.InvalidArgumentError, 'seed is -1');
  // rates that are a compiled step's input are not known when the step is built
  const runner = ef.compile((s: ef.ArrayRecord, inputs: ef.ArrayRecord, t: ef.LazyArray) =>
    ({ x: s.x!.add(ef.sum(ef.random.poissonEvents(inputs.rate!, dt, { seed: 1, counter: t }).astype('float32'))) }));
  return runner.run({ x: ef.zeros([]) }, { steps: 1, inputs: { rate: ef.full([1, 3], 5, 'Hz') } }).then(
    () => assert.unreachable('a step input as rates must be refused'),
    (e: unknown) => {
      assert.ok(e instanceof ef.InvalidArgumentError, String(e));
      assert.match((e as Error).message, 'must be known when the step is built');
      assert.match((e as Error).message, 'ef.random.bernoulli(rate.mul(dt)');
    },
  ).then(() => {
    expectError(() => ef.poissonInput(2, { sources: -1, rate: ef.scalar(5, 'Hz'), dt, weight: 1, seed: 1 }), ef.InvalidArgumentError, 'sources is -1');
    expectError(() => ef.poissonInput(2, { sources: 10, rate: 5 as unknown as LazyArray, dt, weight: 1, seed: 1 }), ef.InvalidArgumentError, 'rate must be a LazyArray with a unit');
    expectError(() => ef.poissonInput(2, { sources: 10, rate: ef.scalar(5, 'mV'), dt, weight: 1, seed: 1 }), ef.InvalidArgumentError, 'not a probability');
    expectError(() => ef.poissonInput(2, { sources: 10, rate: ef.scalar(5, 'Hz'), dt, weight: NaN, seed: 1 }), ef.InvalidArgumentError, 'weight is NaN');
    const w = ef.poissonInput(3, { sources: 10, rate: ef.scalar(5, 'Hz'), dt, weight: ef.scalar(0.2, 'nS'), seed: 1, counter: 2 });
    assert.is(w.unit.toString(), 'nS');
    assert.equal([...w.shape], [3]);
  });
});

test.run();
