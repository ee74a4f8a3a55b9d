/**
 * The wasm backend refuses, with a typed error that says what is missing and what to do, a
 * runtime without what it needs (shared WebAssembly memory, 128-bit SIMD): never a silent
 * fallback to JavaScript.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BackendUnavailableError } from '../../src/index.js';
import { Arena, missingRuntime } from '../../src/backends/wasm/memory.js';

test('this runtime has what the wasm backend needs', () => {
  assert.is(missingRuntime(), undefined);
  assert.ok(new Arena().memory.buffer instanceof SharedArrayBuffer);
});

/** Run `fn` with a global replaced, restoring it after. */
function without<T>(name: 'SharedArrayBuffer' | 'WebAssembly', replacement: unknown, fn: () => T): T {
  const g = globalThis as Record<string, unknown>;
  const saved = g[name];
  g[name] = replacement;
  try {
    return fn();
  } finally {
    g[name] = saved;
  }
}

test('no SharedArrayBuffer: a BackendUnavailableError naming it and the cpu backend', () => {
  without('SharedArrayBuffer', undefined, () => {
    assert.match(missingRuntime() ?? '', /SharedArrayBuffer/);
    try {
      new Arena();
      assert.unreachable('expected a BackendUnavailableError');
    } catch (e) {
      assert.instance(e, BackendUnavailableError);
      assert.match((e as Error).message, /SharedArrayBuffer/);
      assert.match((e as Error).message, /cpu backend/);
    }
  });
});

test('no 128-bit SIMD (validate refuses v128): the error says so', () => {
  const real = WebAssembly;
  const noSimd = { ...Object.fromEntries(Object.getOwnPropertyNames(real).map((k) => [k, (real as unknown as Record<string, unknown>)[k]])), validate: () => false };
  without('WebAssembly', noSimd, () => {
    assert.match(missingRuntime() ?? '', /SIMD/);
    assert.throws(() => new Arena(), (e: unknown) => e instanceof BackendUnavailableError && /SIMD/.test((e as Error).message));
  });
});

test('no WebAssembly at all', () => {
  without('WebAssembly', undefined, () => {
    assert.match(missingRuntime() ?? '', /no WebAssembly/);
  });
});

test.run();
