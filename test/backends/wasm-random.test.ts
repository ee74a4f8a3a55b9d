/**
 * Random arrays and argmax/argmin inside WebAssembly loops (src/backends/wasm/random.ts,
 * render-loop.ts) compute the cpu backend's numbers bit for bit: every distribution, with
 * literal and broadcast array parameters (Poisson means and binomial trials on both sides of
 * the inversion / normal-approximation threshold, binomial p on both sides of 1/2), counters
 * from a number or a 0-d int32 array (negative ones included), fused with other ops, on one
 * thread and on two with every loop split; argmax/argmin over all elements and along an axis,
 * with ties and NaN. explain must show the loops ran as WebAssembly.
 * wasm only: outside the shared suites (the cpu+reference process runs it once).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray, TypedArray } from '../../src/index.js';
import { runs } from '../helpers/backends.js';
import '../helpers/seed.js';

type Dist = 'uniform' | 'normal' | 'bernoulli' | 'poisson' | 'binomial';

interface Case {
  readonly dist: Dist;
  readonly shape: readonly [number, number];
  /** Parameters as literals, or as an array along the rows or the columns (broadcast). */
  readonly params: 'literal' | 'rows' | 'columns';
  readonly counter: number;
  readonly counterArray: boolean;
  readonly seed: number;
  /** Fused with an elementwise expression, or stored as drawn. */
  readonly fused: boolean;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  dist: fc.constantFrom<Dist>('uniform', 'normal', 'bernoulli', 'poisson', 'binomial'),
  shape: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 37 })),
  params: fc.constantFrom('literal' as const, 'rows' as const, 'columns' as const),
  // past 2^24 a draw's counter block is absorbed too; negative counters split as JavaScript's % and floor do
  counter: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 2 ** 24 - 3, max: 2 ** 24 + 3 }), fc.integer({ min: -(2 ** 31), max: -1 })),
  counterArray: fc.boolean(),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  fused: fc.boolean(),
});

/** Parameter values spanning each distribution's branches. */
const VALUES: Record<Dist, readonly (readonly number[])[]> = {
  uniform: [[-1, 2], [0, 1e-3], [5, 5]],
  normal: [[0, 1], [-3, 0.25], [1e3, 0]],
  bernoulli: [[0.3], [0], [1], [0.999]],
  poisson: [[0.5], [29.5], [30.5], [200], [0]],
  binomial: [[10, 0.3], [100, 0.7], [40, 0.9], [1000, 0.5], [0, 0.5], [7, 1], [5, 0]],
};

function draw(c: Case): LazyArray {
  const [rows, cols] = c.shape;
  const sets = VALUES[c.dist];
  // parameter k of the case: a literal, or an array cycling through the value sets along one axis
  const param = (k: number, dtype: 'float32' | 'float64' | 'int32'): number | LazyArray => {
    if (c.params === 'literal') return sets[c.seed % sets.length]![k]!;
    const n = c.params === 'rows' ? rows : cols;
    const xs = Array.from({ length: n }, (_, i) => sets[i % sets.length]![k]!);
    const a = dtype === 'int32' ? ef.array(Int32Array.from(xs)) : ef.array(dtype === 'float64' ? Float64Array.from(xs) : Float32Array.from(xs));
    return c.params === 'rows' ? a.reshape([rows, 1]) : a;
  };
  const counter = c.counterArray ? ef.array(Int32Array.of(c.counter)).reshape([]) : Math.abs(c.counter);
  const options = { seed: c.seed, counter, shape: [rows, cols] };
  switch (c.dist) {
    case 'uniform': return ef.random.uniform([rows, cols], { low: param(0, 'float32'), high: param(1, 'float32'), seed: c.seed, counter });
    case 'normal': return ef.random.normal([rows, cols], { mean: param(0, 'float64'), std: param(1, 'float64'), seed: c.seed, counter, dtype: 'float64' });
    case 'bernoulli': return ef.random.bernoulli(param(0, 'float32'), options);
    case 'poisson': return ef.random.poisson(param(0, 'float64'), options);
    case 'binomial': return ef.random.binomial(param(0, 'int32'), param(1, 'float32'), options);
  }
}

/** The case's array (fused: cast to float64, scaled and shifted, in the same loop) and explain. */
function evaluate(c: Case): { data: TypedArray; explain: string } {
  const r = draw(c);
  const out = c.fused ? r.astype('float64').mul(1.5).add(ef.arange(c.shape[1]).astype('float64')) : r;
  return { data: out.dataSync(), explain: ef.explain(out) };
}

const same = (a: TypedArray, b: TypedArray): boolean => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

function onBackend<T>(name: string, options: Record<string, unknown> | undefined, fn: () => T): T {
  ef.setBackend(name, options);
  try {
    return fn();
  } finally {
    if (name === 'wasm') ef.setBackend('wasm', {});
    ef.setBackend('cpu');
  }
}

test('random arrays (every distribution, literal and broadcast parameters, number and array counters, fused or stored) on wasm equal cpu bit for bit, on 1 and 2 threads', () => {
  let native = 0;
  fc.assert(
    fc.property(caseArb, (c) => {
      const cpu = onBackend('cpu', undefined, () => evaluate(c));
      const one = onBackend('wasm', { threads: 1 }, () => evaluate(c));
      const two = onBackend('wasm', { threads: 2, minWork: 1 }, () => evaluate(c));
      if (/elementwise loop in WebAssembly \(scalar/.test(one.explain) && !/ef_key/.test(one.explain)) native++;
      assert.ok(same(one.data, cpu.data), `one thread: ${Array.from(one.data).slice(0, 6)} against ${Array.from(cpu.data).slice(0, 6)}`);
      assert.ok(same(two.data, cpu.data), 'two threads');
    }),
    { numRuns: runs(300) },
  );
  assert.ok(native > 0, `the draws ran as WebAssembly (${native} cases)`);
});

test('a compiled step draws Poisson input with its t on wasm: the cpu\'s spikes, step by step, and the loop is WebAssembly', async () => {
  const step: ef.StepFn = (s, _inputs, t) => {
    const input = ef.random.poisson(0.8, { seed: 9, counter: t, shape: [300] }).astype('float32');
    const v = s.v!.mul(0.9).add(input);
    const spike = v.greater(2);
    return { state: { v: ef.where(spike, ef.scalar(0), v) }, record: { spike } };
  };
  const run = async (name: string): Promise<{ v: string; spikes: string; explain: string }> => {
    ef.setBackend(name, name === 'wasm' ? { threads: 1 } : undefined);
    try {
      const runner = ef.compile(step);
      const out = await runner.run({ v: ef.zeros([300]) }, { steps: 40 });
      const spikes = (out.records.spike as LazyArray).dataSync();
      return { v: Array.from(out.state.v!.dataSync()).join(','), spikes: Array.from(spikes).join(''), explain: runner.explain() };
    } finally {
      if (name === 'wasm') ef.setBackend('wasm', {});
      ef.setBackend('cpu');
    }
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  assert.ok(cpu.spikes.includes('1'), 'the population spikes');
  assert.is(wasm.v, cpu.v);
  assert.is(wasm.spikes, cpu.spikes);
  assert.match(wasm.explain, /elementwise loop in WebAssembly/);
  assert.not.match(wasm.explain, /ef_poisson/, 'no JavaScript draws');
});

test('argmax and argmin over all elements and along each axis, with ties and NaN: wasm equals cpu, in WebAssembly', () => {
  fc.assert(
    fc.property(
      fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 9 })),
      fc.array(fc.constantFrom(0, 1, -1, 2.5, NaN, -Infinity, Infinity, -0), { minLength: 54, maxLength: 54 }),
      ([rows, cols], pool) => {
        const values = Float32Array.from({ length: rows * cols }, (_, i) => pool[i]!);
        const compute = (): TypedArray[] => {
          const x = ef.array(values).reshape([rows, cols]).mul(2);
          return [x.argmax(), x.argmin(), x.argmax(0), x.argmin(0), x.argmax(1), x.argmin(1)].map((y) => y.dataSync());
        };
        const cpu = onBackend('cpu', undefined, compute);
        const wasm = onBackend('wasm', { threads: 1 }, compute);
        cpu.forEach((c, i) => assert.ok(same(wasm[i]!, c), `result ${i}: ${Array.from(wasm[i]!)} against ${Array.from(c)}`));
      },
    ),
    { numRuns: runs(200) },
  );
  const explain = onBackend('wasm', { threads: 1 }, () => ef.explain(ef.arange(10).astype('float32').mul(2).argmax()));
  assert.match(explain, /elementwise loop in WebAssembly \(scalar/);
});

test('binomial counts with a float n array stay the cpu\'s JavaScript (a fractional n is carried as it is there)', () => {
  const n = ef.array(Float32Array.of(3, 4.5, 10));
  const explain = onBackend('wasm', { threads: 1 }, () => ef.explain(ef.random.binomial(n, 0.5, { seed: 1, counter: 0 })));
  assert.match(explain, /ef_binomial/);
});

test.run();
