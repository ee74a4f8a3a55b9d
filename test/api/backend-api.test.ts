/**
 * getBackend names the current backend (as tf.getBackend does); backend() is the object;
 * setBackend takes either. The registry itself, with the cpu and reference backends named:
 * not a shared suite, it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { Backend } from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

/** Run `f`, then return to the backend that was current before it. */
function restoring(f: () => void): void {
  const previous = ef.backend();
  try {
    f();
  } finally {
    ef.setBackend(previous);
  }
}

test('getBackend() is the name of the current backend, and setBackend(getBackend()) keeps it', () => {
  restoring(() => {
    for (const name of ['reference', 'cpu']) {
      ef.setBackend(name);
      const got: string = ef.getBackend();
      assert.is(got, name);
      const before = ef.backend();
      ef.setBackend(ef.getBackend());
      assert.is(ef.getBackend(), name);
      assert.ok(ef.backend() === before, 'the same instance');
    }
  });
});

test('backend() is the current backend object, with its name and capabilities', () => {
  restoring(() => {
    ef.setBackend('cpu');
    assert.is(ef.backend().name, 'cpu');
    assert.is(ef.backend().capabilities.fusion, true);
    ef.setBackend('reference');
    assert.is(ef.backend().name, 'reference');
    assert.is(ef.backend().capabilities.fusion, false);
  });
});

test('setBackend takes back an object backend() returned: the same instance, and values computed there', () => {
  restoring(() => {
    ef.setBackend('reference');
    const reference = ef.backend();
    ef.setBackend('cpu');
    const returned = ef.setBackend(reference);
    assert.ok(returned === reference);
    assert.ok(ef.backend() === reference);
    assert.is(ef.getBackend(), 'reference');
    assert.is(ef.array([1, 2, 3]).sum().item(), 6);
  });
});

test('setBackend refuses an object it did not create, options with an object, and junk', () => {
  restoring(() => {
    const cpu = ef.backend();
    const copy: Backend = { ...cpu };
    expectError(() => ef.setBackend(copy), ef.InvalidArgumentError, 'setBackend', `named '${cpu.name}'`, 'ef.backend()');
    assert.ok(ef.backend() === cpu, 'a refused call leaves the backend as it was');
    expectError(() => ef.setBackend(cpu, { mode: 'cpu' }), ef.InvalidArgumentError, 'setBackend', 'options go with a backend name');
    expectError(() => ef.setBackend({} as Backend), ef.InvalidArgumentError, 'setBackend', 'an object');
    // The message the name-of-an-object mistake used to give is gone: the object form works.
    expectError(() => ef.setBackend('[object Object]'), ef.InvalidArgumentError, "unknown backend '[object Object]'");
    expectError(() => ef.setBackend(null as unknown as string), ef.InvalidArgumentError, 'unknown backend null');
    // Found by a randomized fuzz run (EF_SEED=1950695256): options that are not plain data.
    expectError(() => ef.setBackend('cpu', { '': { '': [10n] } }), ef.InvalidArgumentError, 'setBackend: options must be plain data', 'a BigInt or a cycle');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expectError(() => ef.setBackend('cpu', cyclic), ef.InvalidArgumentError, 'setBackend: options must be plain data');
    assert.ok(ef.backend() === cpu, 'still the backend chosen before');
  });
});

test.run();
