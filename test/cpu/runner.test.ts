/**
 * Compiled runners on the cpu backend: a LIF step is one kernel whose captured constants are
 * folded into the generated source, and a run allocates no typed array per step (the
 * allocation counter has its own positive control). The checks of compiled runners on every
 * backend are in test/compile/.
 * cpu only: it lives outside the shared suites, so it runs once, in the cpu+reference process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { coba, lif, mixing, onBackend } from '../compile/models.js';

test('[cpu] a LIF step is one kernel; its captured constants (and arithmetic on them) are folded into the source as literals', () => {
  const prev = ef.getBackend();
  ef.setBackend('cpu');
  try {
    const runner = ef.compile(lif).prepare({ V: ef.full([5], -60, 'mV') }, { I: ef.zeros([1, 5], 'mV') });
    const text = ef.explain(runner);
    assert.match(text, /\n1 kernel for 3 outputs/);
    // the kernel reads only the state and the input: no buffer for any captured scalar
    assert.match(text, /\nkernel 0: reads %\d+, %\d+; writes %\d+, %\d+, %\d+\n/);
    const source = text.split('--- kernel 0 source ---\n')[1]!;
    assert.ok(source, 'the generated source is shown');
    // dt / tau reads no step input: computed once at compile time, exactly, as one literal
    assert.ok(source.includes(String(0.5 / 17.5)), 'dt / tau = 0.5 ms / 17.5 ms folded into one literal');
    assert.match(source, /\(-65\)/, 'EL = -65 mV');
    assert.match(source, /\(-70\)/, 'reset = -70 mV');
    // the threshold, given as -0.05 V (float32), enters as millivolts: the conversion is folded
    const th = [...source.matchAll(/\(-(50(?:\.\d+)?)\)/g)].map((m) => Number(m[1]));
    assert.ok(th.length >= 1 && th.every((v) => Math.abs(v - 50) < 1e-5), `threshold literal in mV, got ${JSON.stringify(th)}`);
    assert.not.match(source, /0\.05\b/, 'no threshold left in volts');
  } finally {
    ef.setBackend(prev);
  }
});

/**
 * Count typed arrays constructed while `f` runs: `new`, `.from`/`.of`, and `.slice`/`.map`
 * of any typed array, also of one made before (their species is pointed at the counter).
 */
async function countAllocations(f: () => Promise<unknown>): Promise<number> {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array'];
  const originals = names.map((n) => g[n] as new (...a: unknown[]) => object);
  const species = originals.map((o) => Object.getOwnPropertyDescriptor(o, Symbol.species));
  let count = 0;
  try {
    originals.forEach((Orig, i) => {
      class Counting extends Orig {
        constructor(...a: unknown[]) {
          super(...a);
          count++;
        }
        // `x instanceof Float32Array` keeps meaning what it meant
        static override [Symbol.hasInstance](x: unknown): boolean {
          return x instanceof Orig;
        }
      }
      g[names[i]!] = Counting;
      Object.defineProperty(Orig, Symbol.species, { configurable: true, get: () => Counting });
    });
    await f();
  } finally {
    names.forEach((n, i) => {
      g[n] = originals[i];
      const o = originals[i] as unknown as Record<symbol, unknown>;
      if (species[i]) Object.defineProperty(o, Symbol.species, species[i]!);
      else delete o[Symbol.species];
    });
  }
  return count;
}

test('[cpu] allocation counter: positive control', async () => {
  const before = new Float64Array(4);
  const n = await countAllocations(async () => {
    before.slice(1); // made before the count, copied during it
    const a = new Float32Array(3);
    Float64Array.from([1, 2]);
    a.slice();
    new Uint8Array(1).subarray(0, 1);
    new Int32Array(2);
  });
  assert.is(n, 7);
  assert.ok(new Float32Array(1) instanceof Float32Array);
  assert.is(Float32Array.name, 'Float32Array', 'globals restored');
  assert.is(before.slice().constructor, Float64Array, 'species restored');
  assert.is(await countAllocations(async () => undefined), 0);
});

test('[cpu] a compiled runner allocates nothing per step: the same count for 5 and for 200 steps', async () => {
  await onBackend('cpu', async () => {
    for (const [step, inputs, init] of [
      [lif, { I: ef.full([200, 64], 20, 'mV') }, { V: ef.full([64], -60, 'mV') }],
      [coba, { pre: ef.array(Array.from({ length: 200 * 16 }, (_, j) => j % 3 === 0), '1', { shape: [200, 16] }) }, { V: ef.full([16], -60, 'mV'), g: ef.zeros([16], 'nS') }],
      // axis reductions accumulate in float64 workspaces: those too are allocated once
      [mixing, { drive: ef.full([200, 16], 0.5) }, { M: ef.full([8, 16], 1) }],
    ] as const) {
      const runner = ef.compile(step).prepare(init, inputs);
      await runner.run(init, { steps: 3, inputs }); // warm: the inputs and initial state realized once
      const few = await countAllocations(() => runner.run(init, { steps: 5, inputs }));
      const many = await countAllocations(() => runner.run(init, { steps: 200, inputs }));
      // positive control inside the code under test: run allocates its buffers up front
      assert.ok(few >= 4, `run's up-front buffers are counted (got ${few})`);
      assert.is(many, few, 'no typed array allocated per step');
    }
  });
});

test.run();
