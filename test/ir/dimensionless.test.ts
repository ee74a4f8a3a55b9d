/**
 * Products and quotients whose dimensions cancel are plain numbers: unit 1, the scale applied
 * to the values (20 Hz · 0.1 ms is 0.002, not 2 in Hz·ms), on every backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { Unit } from '../../src/index.js';
import { closeTo } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';

const plain = (x: ef.LazyArray): boolean => x.unit.toString() === '1' && x.unit.equals(Unit.dimensionless) && x.unit.terms.length === 0;

forEachBackend(test, 'the issue example: 20 Hz · 0.1 ms is 0.002 with unit 1', () => {
  const p = ef.scalar(20, 'Hz').mul(ef.scalar(0.1, 'ms'));
  assert.ok(plain(p), String(p.unit));
  assert.ok(closeTo(p.item(), 0.002, 1e-6, 0), `${p.item()}`);
  const wide = ef.scalar(20, 'Hz', 'float64').mul(ef.scalar(0.1, 'ms', 'float64'));
  assert.is(wide.item(), 0.002);
  // either order, arrays on either side
  const q = ef.scalar(0.1, 'ms', 'float64').mul(ef.array([20, 40], 'Hz', { dtype: 'float64' }));
  assert.ok(plain(q));
  assert.equal(Array.from(q.dataSync()), [0.002, 0.004]);
});

forEachBackend(test, 'quotients: mV / V, ms / s and pF / (nS · ms) are plain numbers', () => {
  const r = ef.array([-60, 30], 'mV', { dtype: 'float64' }).div(ef.scalar(1, 'V', 'float64'));
  assert.ok(plain(r));
  assert.equal(Array.from(r.dataSync()), [-0.06, 0.03]);
  const steps = ef.scalar(0.5, 's', 'float64').div(ef.scalar(0.1, 'ms', 'float64'));
  assert.ok(plain(steps));
  assert.ok(closeTo(steps.item(), 5000, 1e-12, 0), `${steps.item()}`);
  const ratio = ef.scalar(200, 'pF', 'float64').div(ef.scalar(10, 'nS', 'float64').mul(ef.scalar(2, 'ms', 'float64')));
  assert.ok(plain(ratio));
  assert.ok(closeTo(ratio.item(), 10, 1e-12, 0), `${ratio.item()}`);
});

forEachBackend(test, 'the functions that need dimensionless operands see the same values as before', () => {
  const x = ef.scalar(-60, 'mV', 'float64').div(ef.scalar(1, 'V', 'float64'));
  assert.ok(closeTo(x.exp().item(), Math.exp(-0.06), 1e-12, 0));
  const dt = ef.scalar(0.1, 'ms', 'float64');
  const tau = ef.scalar(0.02, 's', 'float64');
  assert.ok(closeTo(dt.div(tau).neg().exp().item(), Math.exp(-0.1 / 20), 1e-12, 0));
});

forEachBackend(test, 'dense matmul whose units cancel is a plain number too; unit symbols that cancel by name stay as before', () => {
  const m = ef.matmul(ef.array([1, 2], 'Hz', { dtype: 'float64' }), ef.array([[1], [2]], 'ms', { dtype: 'float64' }));
  assert.ok(plain(m));
  assert.ok(closeTo(m.dataSync()[0]!, 0.005, 1e-12, 0));
  const v = ef.array([2], 'mV');
  assert.ok(plain(v.div(v)));
  assert.equal(Array.from(v.div(v).dataSync()), [1]);
  assert.is(String(v.mul(ef.scalar(3, 'nS')).unit), 'mV·nS', 'products with a dimension keep their unit');
  assert.is(String(ef.array([1], 'mV/V').unit), 'mV/V', 'a unit written by hand is kept');
  assert.is(String(ef.array([1], 'mV/V').mul(2).unit), '1', '... until it takes part in a product');
  assert.is(ef.array([1], 'mV/V', { dtype: 'float64' }).mul(2).item(), 0.002);
});

test('the unit rule itself: what the product of each pair of units is', () => {
  const cases: ReadonlyArray<readonly [string, string, 'mul' | 'div', string]> = [
    ['Hz', 'ms', 'mul', '1'], ['ms', 'Hz', 'mul', '1'], ['mV', 'V', 'div', '1'], ['mV', 'mV', 'div', '1'],
    ['nS', 'mV', 'mul', 'nS·mV'], ['mV', 'ms', 'div', 'mV/ms'], ['kHz', 's', 'mul', '1'], ['1/ms', 'ms', 'mul', '1'],
  ];
  for (const [a, b, op, printed] of cases) {
    assert.is(String(ef.scalar(1, a)[op](ef.scalar(1, b)).unit), printed, `${a} ${op} ${b}`);
  }
});

test.run();
