/**
 * The wasm backend with `precision: 'float32'`: float32 loops run four float32 lanes, each op
 * rounded to float32. Checked against a JavaScript model that rounds every operation with
 * Math.fround (an IEEE float32 op is the correctly rounded result, so the model is exact), the
 * scalar tail against the cpu backend, thread counts against each other, and COBA's rates
 * against the cpu's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { brette } from '../../src/models/brette.js';
import { simulate } from '../../src/models/simulate.js';
import { runs } from '../helpers/backends.js';

const f = Math.fround;
const FAST = { precision: 'float32', threads: 1 } as const;

/** One op of a chain: how the array API applies it, and its float32 model. */
interface Step {
  readonly name: string;
  readonly lazy: (x: LazyArray, y: LazyArray) => LazyArray;
  readonly model: (x: number, y: number) => number;
}
const STEPS: readonly Step[] = [
  { name: 'add', lazy: (x, y) => x.add(y), model: (x, y) => f(x + y) },
  { name: 'sub', lazy: (x, y) => x.sub(y), model: (x, y) => f(x - y) },
  { name: 'mul', lazy: (x, y) => x.mul(y), model: (x, y) => f(x * y) },
  { name: 'div', lazy: (x, y) => x.div(y), model: (x, y) => f(x / y) },
  { name: 'max', lazy: (x, y) => x.maximum(y), model: (x, y) => Math.max(x, y) },
  { name: 'min', lazy: (x, y) => x.minimum(y), model: (x, y) => Math.min(x, y) },
  { name: 'mul 0.3', lazy: (x) => x.mul(0.3), model: (x) => f(x * f(0.3)) },
  { name: 'where(x > y, x, y - 1.5)', lazy: (x, y) => ef.where(x.greater(y), x, y.sub(1.5)), model: (x, y) => (x > y ? x : f(y - 1.5)) },
  { name: 'abs', lazy: (x) => x.abs(), model: (x) => Math.abs(x) },
  { name: 'neg', lazy: (x) => x.neg(), model: (x) => -x },
];

const float32 = fc.float({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }).map(f);

test('float32 chains of a length divisible by 4: every element equals the per-op float32 model, bit for bit', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 6 }).chain((q) => fc.tuple(fc.array(float32, { minLength: 4 * q, maxLength: 4 * q }), fc.array(float32, { minLength: 4 * q, maxLength: 4 * q }))),
    fc.array(fc.integer({ min: 0, max: STEPS.length - 1 }), { minLength: 1, maxLength: 6 }),
    ([xs, ys], ops) => {
      ef.setBackend('wasm', FAST);
      try {
        let x: LazyArray = ef.array(xs);
        const y = ef.array(ys);
        for (const o of ops) x = STEPS[o]!.lazy(x, y);
        const got = x.dataSync();
        assert.match(ef.explain(x), /SIMD, 4 float32 lanes/);
        const want = xs.map((v, i) => ops.reduce((acc, o) => STEPS[o]!.model(acc, ys[i]!), v));
        for (let i = 0; i < want.length; i++) {
          if (!Object.is(got[i], want[i])) assert.unreachable(`${ops.map((o) => STEPS[o]!.name).join(' → ')} [${i}]: ${got[i]} vs ${want[i]}`);
        }
      } finally {
        ef.setBackend('cpu');
      }
    },
  ), { numRuns: runs(60) });
});

test('the scalar tail (length not divisible by 4) computes as the cpu does; float64 loops keep two exact lanes', () => {
  const xs = Array.from({ length: 11 }, (_, i) => f(1 + i * 2 ** -20));
  const make = (): LazyArray => ef.array(xs).add(ef.scalar(2 ** -24)).sub(ef.array(xs));
  ef.setBackend('wasm', FAST);
  const fast = make().dataSync();
  const d64 = ef.array(xs, '', 'float64');
  const text64 = ef.explain(d64.mul(3).add(1));
  ef.setBackend('cpu');
  const cpu = make().dataSync();
  // elements 0..7 ran in float32 lanes: (x + 2^-24) rounds to x, so 0; 8..10 the cpu's float64 way
  for (let i = 0; i < 8; i++) assert.is(fast[i], 0, `lane element ${i}`);
  for (let i = 8; i < 11; i++) assert.is(fast[i], cpu[i], `tail element ${i}`);
  assert.ok(cpu[0] !== 0, 'the cpu keeps the float64 difference (so the lanes really differ)');
  assert.match(text64, /SIMD, 2 lanes/);
});

test('COBA in float32 lanes: the same spikes on 1 and 2 threads (stages split), rates near the cpu\'s', async () => {
  const run = async (backend: string, options: Record<string, unknown>): Promise<number[]> => {
    ef.setBackend(backend, options);
    try {
      const r = await simulate(brette({ model: 'coba', neurons: 2000 }), { steps: 1000, chunk: 500 });
      return Array.from(r.spikesPerStep);
    } finally {
      ef.setBackend('cpu');
    }
  };
  const one = await run('wasm', FAST);
  const two = await run('wasm', { ...FAST, threads: 2, minWork: 1 });
  const cpu = await run('cpu', {});
  assert.equal(two, one, 'bit-identical across thread counts');
  const total = (a: number[]): number => a.reduce((s, c) => s + c, 0);
  assert.ok(total(cpu) > 1000, `the network spikes (${total(cpu)})`);
  // a chaotic network: the spikes differ, the rate stays (within 10 % over 100 ms)
  assert.ok(Math.abs(total(one) / total(cpu) - 1) < 0.1, `float32 ${total(one)} vs cpu ${total(cpu)} spikes`);
});

test('precision: float64 or float32, anything else refused', () => {
  for (const bad of ['float16', 32, 'fast']) {
    assert.throws(() => ef.setBackend('wasm', { precision: bad }), (e: unknown) => e instanceof ef.InvalidArgumentError && /precision is .*expected 'float64'.*or 'float32'/.test((e as Error).message));
  }
  ef.setBackend('cpu');
});

// `setBackend('wasm')` without options returns to the options chosen last: leave the default for the files after this one
test.after.each(() => {
  ef.setBackend('wasm', {});
  ef.setBackend('cpu');
});

test.run();
