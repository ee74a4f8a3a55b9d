import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';

test('mV + nS throws a UnitMismatchError naming both units and dimensions', () => {
  assert.throws(() => ef.array([1], 'mV').add(ef.array([1], 'nS')), (e: unknown) =>
    e instanceof ef.UnitMismatchError && /add: cannot combine mV \(voltage\) with nS \(conductance\)/.test(String(e)));
});

test.run();
