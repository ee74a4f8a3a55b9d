/**
 * JIT connectivity scatters into more outputs than the caches hold add in blocks on the
 * wasm backend (src/backends/wasm/blocked-scatter.ts): entries are buffered, counting-sorted
 * by output window and added window by window, the buffer flushed wherever it fills
 * (mid-line included). Each output must still take its additions in the cpu's order, so wasm equals cpu bit for bit:
 * every weight distribution, events from a list, a scan or floats, results and seeded outputs
 * (added and subtracted), float32 and float64, row and column lines, picked lines, on one
 * thread and on two. explain must show that the blocked walk ran (else these cases would
 * compare the direct scatter, which the shared suites already cover).
 * wasm only: outside the shared suites (the cpu+reference process runs it once).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { TypedArray } from '../../src/index.js';
import { BLOCKED_FROM } from '../../src/backends/wasm/blocked-scatter.js';
import { runs } from '../helpers/backends.js';
import '../helpers/seed.js';

/** Outputs: the smallest blocked size, so the buffer (one entry per output) fills several times per product. */
const N_OUT = BLOCKED_FROM;
const N_IN = 400;

interface Case {
  readonly dist: 'scalar' | 'normal' | 'uniform';
  /** Events from the list the step's loop writes, a scan of a bool input, or a float input. */
  readonly x: 'list' | 'scan' | 'float';
  readonly into: 'none' | 'add' | 'sub';
  readonly dtype: 'float32' | 'float64';
  /** x @ J with row lines, x @ J with column lines, or Jᵀ-side: J @ x with column lines. */
  readonly form: 'x@J rows' | 'x@J cols' | 'J@x cols';
  /** Pick the lines of a larger matrix (a line map). */
  readonly picked: boolean;
  readonly prob: number;
  readonly active: number;
  readonly seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  dist: fc.constantFrom('scalar' as const, 'normal' as const, 'uniform' as const),
  x: fc.constantFrom('list' as const, 'scan' as const, 'float' as const),
  into: fc.constantFrom('none' as const, 'add' as const, 'sub' as const),
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
  form: fc.constantFrom('x@J rows' as const, 'x@J cols' as const, 'J@x cols' as const),
  picked: fc.boolean(),
  // about 130 to 1,300 entries per line: 100 to 400 lines fill the buffer (2^17 entries) up to 4 times
  prob: fc.constantFrom(1e-3, 4e-3, 1e-2),
  active: fc.integer({ min: 100, max: N_IN }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

const bytes = (a: TypedArray): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const firstDifference = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i === a.length && a.length === b.length ? 'none' : `base64 character ${i} of ${a.length}`;
};

/** The case's matrix, its input and its step; y's bytes after two steps and the runner's explain. */
async function runCase(c: Case): Promise<{ y: string; explain: string }> {
  const shape: [number, number] = c.form === 'J@x cols' ? [N_OUT, N_IN] : [N_IN, N_OUT];
  const orient = c.form === 'x@J rows' ? 'row' : 'col';
  // a picked matrix: the lines of a larger one (its line map), in another order
  const full: [number, number] = c.picked ? (orient === 'row' ? [shape[0] + 37, shape[1]] : [shape[0], shape[1] + 37]) : shape;
  const common = { shape: full, prob: c.prob, seed: c.seed, orient, dtype: c.dtype } as const;
  let J = c.dist === 'scalar' ? ef.jitc.scalar({ ...common, weight: 0.75 }, 'nS')
    : c.dist === 'normal' ? ef.jitc.normal({ ...common, mean: 0.5, std: 0.25 }, 'nS')
    : ef.jitc.uniform({ ...common, low: -0.5, high: 1.5 }, 'nS');
  if (c.picked) {
    const count = orient === 'row' ? shape[0] : shape[1];
    const lines = Array.from({ length: count }, (_, i) => (i * 7 + 3) % (count + 37));
    J = orient === 'row' ? J.rows(lines) : J.cols(lines);
  }
  const xs = new Float32Array(N_IN);
  let s = c.seed;
  for (let k = 0; k < c.active; k++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    xs[s % N_IN] = c.x === 'float' ? ((s >>> 8) % 1000) / 250 - 1 : 1;
  }
  const product = (x: ef.LazyArray): ef.LazyArray => (c.form === 'J@x cols' ? ef.matmul(J, x) : ef.matmul(x, J));
  const runner = ef.compile((st) => {
    const x = c.x === 'float' ? st.x! : c.x === 'list' ? st.x!.greater(ef.scalar(0.5)) : st.bits!;
    const p = product(x);
    const y = c.into === 'none' ? p : c.into === 'add' ? st.y!.add(p) : st.y!.sub(p);
    return { x: st.x!, bits: st.bits!, y };
  });
  const y0 = new Float64Array(N_OUT).map((_, i) => (i % 5) * 0.125);
  const init = {
    x: ef.array(xs),
    bits: ef.binary(Uint8Array.from(xs, (v) => (v !== 0 ? 1 : 0))),
    y: ef.array(c.dtype === 'float32' ? Float32Array.from(y0) : y0, 'nS'),
  };
  const out = await runner.run(init, { steps: 2 });
  return { y: bytes(out.state.y!.dataSync()), explain: runner.explain() };
}

async function onBackend<T>(name: string, options: Record<string, unknown> | undefined, fn: () => Promise<T>): Promise<T> {
  const before = ef.getBackend();
  ef.setBackend(name, options);
  try {
    return await fn();
  } finally {
    if (name === 'wasm') ef.setBackend('wasm', {});
    ef.setBackend(before);
  }
}

test('blocked JIT scatters (every distribution, list, scan and float inputs, results and seeded outputs ±, float32 and float64, row and column lines, picked lines) equal cpu bit for bit on 1 and 2 threads', async () => {
  let blocked = 0;
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const cpu = await onBackend('cpu', undefined, () => runCase(c));
      const one = await onBackend('wasm', { threads: 1 }, () => runCase(c));
      const two = await onBackend('wasm', { threads: 2, minWork: 1 }, () => runCase(c));
      if (/added by windows of 2048 outputs/.test(one.explain)) blocked++;
      // (a string diff of 10^5 elements would take uvu minutes: compare, then name the first difference)
      assert.ok(one.y === cpu.y, `one thread equals cpu: ${firstDifference(one.y, cpu.y)}`);
      assert.ok(two.y === cpu.y, `two threads equal cpu: ${firstDifference(two.y, cpu.y)}`);
    }),
    // each case runs three backends on 10^5-output products: report the first failure unshrunk
    { numRuns: runs(16), endOnFailure: true },
  );
  assert.ok(blocked > 0, `some cases ran the blocked scatter (${blocked})`);
});

test('each scatter form runs blocked where its outputs pass the threshold, and directly below it', async () => {
  const base: Case = { dist: 'scalar', x: 'list', into: 'none', dtype: 'float32', form: 'x@J rows', picked: false, prob: 4e-3, active: 200, seed: 5 };
  for (const form of ['x@J rows', 'x@J cols', 'J@x cols'] as const) {
    for (const x of ['list', 'scan', 'float'] as const) {
      const { explain } = await onBackend('wasm', { threads: 1 }, () => runCase({ ...base, form, x }));
      const walk = explain.split('\n').find((l) => /just-in-time .* in WebAssembly/.test(l)) ?? '';
      // x@J with row lines scatters (J's rows are the inputs' lines); J@x with column lines too;
      // x@J with column lines gathers (each output generates its own line): never blocked
      if (form === 'x@J cols') assert.match(walk, /gather per output line/, `${form}, ${x}: ${walk}`);
      else assert.match(walk, /scatter .*added by windows of 2048 outputs \(entries buffered 131072 at a time\)/, `${form}, ${x}: ${walk}`);
    }
  }
  // below the threshold: the direct scatter
  const small = await onBackend('wasm', { threads: 1 }, async () => {
    const J = ef.jitc.scalar({ shape: [N_IN, BLOCKED_FROM - 1], prob: 0.01, weight: 1, seed: 1 });
    const runner = ef.compile((st) => ({ x: st.x!, y: ef.matmul(st.x!.greater(ef.scalar(0.5)), J) }));
    await runner.run({ x: ef.array(new Float32Array(N_IN).fill(1)), y: ef.zeros([BLOCKED_FROM - 1]) }, { steps: 1 });
    return runner.explain();
  });
  assert.match(small, /scatter over the active index list\n/);
  assert.not.match(small, /added by windows/);
});

test.run();
