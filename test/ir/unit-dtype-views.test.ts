/**
 * Small IR contracts, each stated in the source or the docs:
 * - `x.to(unit)` (ir/build.ts rescale): the same quantity in another unit of the same
 *   dimension; with a factor of 1 (kV·mA to W) only the unit changes (dtype and values
 *   kept, bool included); on a scalar it follows the dtype rule of the multiplication it
 *   replaces (a whole factor keeps int32, a fractional one lifts it to float32);
 * - constructors store int32 and bool values only where the dtype holds them (ir/dtype.ts):
 *   int32 is [-2^31, 2^31 - 1], and the error says which range was expected;
 * - the other view of a sparse structure (ir/pattern.ts) is the one its format declared,
 *   declared once;
 * - uniform JIT weights (ir/jitc.ts, docs/jitc.md) are low + (high − low)·u with u in
 *   [0, 1): they lie in [low, high]; for uniform and normal (mean + std·z) weights,
 *   densify, the stored CSR form and the reference backend see one matrix.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { indexNode } from '../../src/ir/leaves.js';
import { declareOtherView, otherViewOf, type OtherView } from '../../src/ir/pattern.js';
import { withBackend } from '../helpers/backends.js';
import { BACKENDS, expectError, forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === BACKENDS[0] ? undefined : 'a fact about the graph, not the backend: checked on the first backend only') };

forEachBackend(test, 'x.to(unit) with a factor of 1 (kV·mA to W) changes only the unit: dtype and values kept', (backend) => {
  const cases: [ef.LazyArray, number[]][] = [
    [ef.array([1.5, -2, 3e7], 'kV*mA'), [1.5, -2, 3e7]],
    [ef.array([7, -9, 2 ** 30], 'kV*mA', 'int32'), [7, -9, 2 ** 30]],
    [ef.array([true, false, true], 'kV*mA'), [1, 0, 1]],
    [ef.scalar(2.5, 'kV*mA'), [2.5]],
  ];
  for (const [x, values] of cases) {
    const y = x.to('W');
    assert.is(y.unit.toString(), 'W', `${x.dtype}: the target unit`);
    assert.is.not(x.unit.toString(), 'W', 'positive control: the source unit is written differently');
    assert.is(y.dtype, x.dtype, `${x.dtype}: dtype kept`);
    assert.equal([...y.shape], [...x.shape]);
    assert.equal(Array.from(y.dataSync()), values, `${x.dtype} on ${backend}: values kept`);
    // and back: the same quantity again, in the first unit
    const back = y.to('kV*mA');
    assert.is(back.unit.toString(), x.unit.toString());
    assert.equal(Array.from(back.dataSync()), values);
  }
});

forEachBackend(test, 'scalar.to(unit) follows the dtype rule of the multiplication it replaces (int32 stays int32 for a whole factor)', (backend) => {
  const s = ef.scalar(7, 'mV', 'int32');
  const cases: [string, number][] = [['uV', 1000], ['nV', 1e6], ['V', 0.001], ['mV', 1]];
  for (const [unit, factor] of cases) {
    const y = s.to(unit);
    const mul = s.mul(factor);
    assert.is(y.unit.toString(), unit);
    assert.is(y.dtype, mul.dtype, `7 mV (int32) to ${unit}: the dtype of 7 · ${factor}`);
    assert.is(y.dtype, Number.isInteger(factor) ? 'int32' : 'float32');
    const want = y.dtype === 'int32' ? (7 * factor) | 0 : Math.fround(7 * factor);
    assert.equal(Array.from(y.dataSync()), [want], `7 mV to ${unit} on ${backend}`);
  }
  // a float64 scalar stays float64, a float32 one float32
  assert.is(ef.scalar(7, 'mV', 'float64').to('uV').dtype, 'float64');
  assert.is(ef.scalar(7, 'mV').to('uV').dtype, 'float32');
});

forEachBackend(test, 'int32 holds exactly [-2^31, 2^31 - 1]: the bounds are stored, one beyond is refused with the range in the message', () => {
  const lo = -(2 ** 31);
  const hi = 2 ** 31 - 1;
  assert.equal(Array.from(ef.array([lo, hi], '1', 'int32').dataSync()), [lo, hi]);
  assert.equal(Array.from(ef.scalar(hi, '1', 'int32').dataSync()), [hi]);
  for (const bad of [hi + 1, lo - 1, 2 ** 32]) {
    for (const make of [() => ef.array([0, bad], '1', 'int32'), () => ef.scalar(bad, '1', 'int32'), () => ef.full([2], bad, '1', 'int32')]) {
      expectError(make, ef.InvalidArgumentError, String(bad), 'int32 cannot hold', `a finite number in [${lo}, ${hi}]`);
    }
  }
  // bool refuses only NaN, and says so
  const e = expectError(() => ef.array([1, Number.NaN], '1', 'bool'), ef.InvalidArgumentError, 'bool cannot hold', 'a number other than NaN');
  assert.not.match(e.message, String(hi), 'the bool message does not give the int32 range');
}, ONCE);

forEachBackend(test, 'the other view of a sparse structure is the one declared first for its (ptr, idx) leaves', () => {
  const ptr = indexNode(Int32Array.of(0, 1, 2));
  const idx = indexNode(Int32Array.of(1, 0));
  const first: OtherView = { ptr: Int32Array.of(0, 1, 2), idx: Int32Array.of(1, 0), perm: Int32Array.of(1, 0) };
  const second: OtherView = { ptr: Int32Array.of(0, 0, 2), idx: Int32Array.of(0, 1), perm: Int32Array.of(0, 1) };
  assert.is(otherViewOf(ptr, idx), undefined, 'nothing declared yet');
  let built = 0;
  declareOtherView(ptr, idx, () => (built++, first));
  assert.is(otherViewOf(ptr, idx), first, 'the declared view');
  assert.is(built, 1, 'built when asked for');
  declareOtherView(ptr, idx, () => second);
  assert.is(otherViewOf(ptr, idx), first, 'a second declaration does not replace the first');
  assert.is(otherViewOf(idx, ptr), undefined, 'keyed by (ptr, idx) in that order');
  // a format declares the view of the structures it makes
  const W = ef.csr({ indptr: [0, 2, 3], indices: [0, 2, 1], data: [1, 2, 3], shape: [2, 3] });
  assert.ok(W.tocsc().todense().data.dataSync().length === 6, 'a conversion through the other view works');
}, ONCE);

const UNIFORM = { shape: [40, 30] as [number, number], prob: 0.3, low: 0.5, high: 1.5, seed: 11 };

forEachBackend(test, 'uniform JIT weights lie in [low, high], and densify, the stored CSR form and the reference agree', (backend) => {
  for (const orient of ['row', 'col'] as const) {
    const J = ef.jitc.uniform({ ...UNIFORM, orient }, 'nS');
    const dense = Array.from(J.todense().data.dataSync());
    const csr = J.tocsr();
    const stored = Array.from(csr.data.dataSync());
    assert.ok(stored.length > 100, `${orient}: enough entries (${stored.length})`);
    for (const w of stored) assert.ok(w >= UNIFORM.low && w <= UNIFORM.high, `${orient}: stored weight ${w} outside [${UNIFORM.low}, ${UNIFORM.high}] on ${backend}`);
    const nonzero = dense.filter((w) => w !== 0);
    assert.is(nonzero.length, stored.length, `${orient}: one dense entry per stored entry`);
    for (const w of nonzero) assert.ok(w >= UNIFORM.low && w <= UNIFORM.high, `${orient}: dense weight ${w} outside the range on ${backend}`);
    // both spread over the range (a + b·u, not a constant)
    const mean = stored.reduce((a, b) => a + b, 0) / stored.length;
    assert.ok(Math.abs(mean - (UNIFORM.low + UNIFORM.high) / 2) < 0.1, `${orient}: mean ${mean}`);
    const fromCsr = Array.from(csr.todense().data.dataSync());
    for (let k = 0; k < dense.length; k++) assert.ok(Math.abs(dense[k]! - fromCsr[k]!) <= 1e-6 * UNIFORM.high, `${orient}: entry ${k}: densify ${dense[k]} vs CSR ${fromCsr[k]}`);
    const ref = withBackend('reference', () => Array.from(ef.jitc.uniform({ ...UNIFORM, orient }, 'nS').todense().data.dataSync()));
    for (let k = 0; k < dense.length; k++) assert.ok(Math.abs(dense[k]! - ref[k]!) <= 1e-6 * UNIFORM.high, `${orient}: entry ${k}: ${backend} ${dense[k]} vs reference ${ref[k]}`);
  }
});

const NORMAL = { shape: [40, 30] as [number, number], prob: 0.3, mean: 2, std: 0.5, seed: 5 };

forEachBackend(test, 'normal JIT weights (mean + std·z): densify, the stored CSR form and the reference backend see one matrix', (backend) => {
  for (const orient of ['row', 'col'] as const) {
    const J = ef.jitc.normal({ ...NORMAL, orient }, 'nS');
    const dense = Array.from(J.todense().data.dataSync());
    const fromCsr = Array.from(J.tocsr().todense().data.dataSync());
    const ref = withBackend('reference', () => Array.from(ef.jitc.normal({ ...NORMAL, orient }, 'nS').todense().data.dataSync()));
    const tol = 1e-5 * (NORMAL.mean + 10 * NORMAL.std);
    for (let k = 0; k < dense.length; k++) {
      assert.ok(Math.abs(dense[k]! - fromCsr[k]!) <= tol, `${orient}: entry ${k}: densify ${dense[k]} vs CSR ${fromCsr[k]} on ${backend}`);
      assert.ok(Math.abs(dense[k]! - ref[k]!) <= tol, `${orient}: entry ${k}: ${backend} ${dense[k]} vs reference ${ref[k]}`);
    }
    // the weight law: sample mean and standard deviation near mean and std
    const w = Array.from(J.tocsr().data.dataSync());
    const m = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / (w.length - 1));
    assert.ok(w.length > 100 && Math.abs(m - NORMAL.mean) < 0.1 && Math.abs(sd - NORMAL.std) < 0.1, `${orient}: ${w.length} weights, mean ${m}, sd ${sd}`);
  }
});

test.run();
