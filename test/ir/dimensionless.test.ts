/**
 * Products and quotients whose dimensions cancel are plain numbers: unit 1, the scale applied
 * to the values (20 Hz · 0.1 ms is 0.002, not 2 in Hz·ms), on every backend. The unit rule
 * itself (what the product of each pair of units is): test/api/units-ops.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { Unit } from '../../src/index.js';
import { capabilities } from '../helpers/backends.js';
import { closeTo } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';

/**
 * float64 arrays: exact where the backend computes in float64; a float32 device (gpujs)
 * holds them as float32, so there the values agree to float32 rounding (a few ulps).
 */
const rtolOf = (backend: string): number => (capabilities(backend).dtypes.includes('float64') ? 1e-12 : 4e-7);
function near(backend: string, actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.is(actual.length, expected.length, what);
  expected.forEach((e, i) => assert.ok(closeTo(actual[i]!, e, rtolOf(backend), 0), `${what}[${i}]: ${actual[i]} vs ${e}`));
}

const plain = (x: ef.LazyArray): boolean => x.unit.toString() === '1' && x.unit.equals(Unit.dimensionless) && x.unit.terms.length === 0;

forEachBackend(test, 'the issue example: 20 Hz · 0.1 ms is 0.002 with unit 1', (backend) => {
  const p = ef.scalar(20, 'Hz').mul(ef.scalar(0.1, 'ms'));
  assert.ok(plain(p), String(p.unit));
  assert.ok(closeTo(p.item(), 0.002, 1e-6, 0), `${p.item()}`);
  const wide = ef.scalar(20, 'Hz', 'float64').mul(ef.scalar(0.1, 'ms', 'float64'));
  near(backend, [wide.item()], [0.002], 'float64 product');
  if (rtolOf(backend) < 1e-9) assert.is(wide.item(), 0.002, 'the correctly rounded double where the backend has float64');
  // either order, arrays on either side
  const q = ef.scalar(0.1, 'ms', 'float64').mul(ef.array([20, 40], 'Hz', { dtype: 'float64' }));
  assert.ok(plain(q));
  near(backend, q.dataSync(), [0.002, 0.004], 'scalar · array');
});

forEachBackend(test, 'quotients: mV / V, ms / s and pF / (nS · ms) are plain numbers', (backend) => {
  const r = ef.array([-60, 30], 'mV', { dtype: 'float64' }).div(ef.scalar(1, 'V', 'float64'));
  assert.ok(plain(r));
  near(backend, r.dataSync(), [-0.06, 0.03], 'mV / V');
  const steps = ef.scalar(0.5, 's', 'float64').div(ef.scalar(0.1, 'ms', 'float64'));
  assert.ok(plain(steps));
  near(backend, [steps.item()], [5000], 's / ms');
  const ratio = ef.scalar(200, 'pF', 'float64').div(ef.scalar(10, 'nS', 'float64').mul(ef.scalar(2, 'ms', 'float64')));
  assert.ok(plain(ratio));
  near(backend, [ratio.item()], [10], 'pF / (nS · ms)');
});

forEachBackend(test, 'the functions that need dimensionless operands see the same values as before', (backend) => {
  const x = ef.scalar(-60, 'mV', 'float64').div(ef.scalar(1, 'V', 'float64'));
  near(backend, [x.exp().item()], [Math.exp(-0.06)], 'exp(mV / V)');
  const dt = ef.scalar(0.1, 'ms', 'float64');
  const tau = ef.scalar(0.02, 's', 'float64');
  near(backend, [dt.div(tau).neg().exp().item()], [Math.exp(-0.1 / 20)], 'exp(-dt / tau)');
});

forEachBackend(test, 'dense matmul whose units cancel is a plain number too; unit symbols that cancel by name stay as before', (backend) => {
  const m = ef.matmul(ef.array([1, 2], 'Hz', { dtype: 'float64' }), ef.array([[1], [2]], 'ms', { dtype: 'float64' }));
  assert.ok(plain(m));
  near(backend, m.dataSync(), [0.005], 'Hz @ ms');
  const v = ef.array([2], 'mV');
  assert.ok(plain(v.div(v)));
  assert.equal(Array.from(v.div(v).dataSync()), [1]);
  assert.is(String(v.mul(ef.scalar(3, 'nS')).unit), 'mV·nS', 'products with a dimension keep their unit');
  assert.is(String(ef.array([1], 'mV/V').unit), 'mV/V', 'a unit written by hand is kept');
  // scaling by a plain number is no cancellation: the unit chosen by hand stays (as mean() needs)
  assert.is(String(ef.array([1], 'mV/V').mul(2).unit), 'mV/V', 'x · 2 keeps a unit written by hand');
  assert.is(String(ef.array([1, 3], 'mV/V').mean().unit), 'mV/V', 'so does a mean');
  near(backend, [ef.array([1], 'mV/V', { dtype: 'float64' }).mul(2).item()], [2], 'mV/V · 2');
  // ... while a cancellation between two units gives a plain number
  assert.is(String(ef.array([1], 'mV/V').mul(ef.scalar(1, 'V/mV')).unit), '1');
});

test.run();
