/**
 * The gpu.js device executors (src/backends/gpujs/executor.ts, with the devices, program runner and WebGPU client it builds on) in the mode named by
 * EF_GPUJS_MODE ('cpu' by default; 'webgl' needs the built 'gl' package and `xvfb-run -a`;
 * 'webgpu' needs EGL_PLATFORM=surfaceless): results equal plain float32 JS math.
 */
import { createRequire } from 'node:module';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createExecutor } from '../../src/backends/gpujs/executor.js';
import type { DeviceExecutor, DeviceKernel, DeviceProgram, DeviceSlot, GpuMode } from '../../src/backends/gpujs/program.js';
import { BackendUnavailableError, InvalidArgumentError } from '../../src/errors.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend, type BackendTestOptions } from '../helpers/suite.js';

const MODE = (process.env.EF_GPUJS_MODE ?? 'cpu') as GpuMode;
const KERNEL_CLASS: Record<GpuMode, string> = { cpu: 'CPUKernel', webgl: 'HeadlessGLKernel', webgpu: 'WebGPUKernel' };
/** GPU float math may fuse or reorder: a float32-sized tolerance, not exact equality. */
const RTOL = 1e-6;
const ATOL = 1e-6;

let shared: DeviceExecutor | undefined;
const executor = (): DeviceExecutor => (shared ??= createExecutor(MODE));

const kernel = (source: string, target: number, args: number[], loopMaxIterations = 1, functions: string[] = []): DeviceKernel => ({
  source, target, args, loopMaxIterations, functions, note: 'test kernel',
});
const slot = (length: number, init?: number[]): DeviceSlot => (init ? { length, init: Float32Array.from(init) } : { length });
const f32 = (values: number[]): Float32Array => Float32Array.from(values);
const close = (actual: Float32Array, expected: ArrayLike<number>, what: string): void =>
  assertAllClose(actual, expected, RTOL, what, ATOL);

/**
 * The executors are the gpujs backend's: these tests run where gpujs is the backend of the
 * process (scripts/test.mjs runs this file once per gpujs mode), and are reported as skipped
 * on the cpu and reference backends of the cpu+reference process.
 */
const GPUJS_ONLY = (b: string): string | undefined => (b === 'gpujs' ? undefined : 'a test of the gpujs executors: it runs in the gpujs:<mode> processes');
const ON_GPUJS: BackendTestOptions = { skip: GPUJS_ONLY };

forEachBackend(test, `mode ${MODE}: the executor runs ${KERNEL_CLASS[MODE]}`, () => {
  const ex = executor();
  assert.is(ex.mode, MODE);
  assert.is(ex.kernelClass, KERNEL_CLASS[MODE]);
}, ON_GPUJS);

// ---- one call ------------------------------------------------------------------------------

/** Slots: 0 a, 1 b, 2 n (inputs); 3.. outputs; 4 a constant; 7 empty; 9 never written. */
const program: DeviceProgram = {
  slots: [
    slot(5), // 0 a
    slot(5), // 1 b
    slot(1), // 2 n: a dynamic loop bound
    slot(5), // 3 copy of a
    slot(5, [10, 20, 30, 40, 50]), // 4 c: constant
    slot(5), // 5 a * b + c
    slot(3), // 6 loop count + x
    slot(0), // 7 empty
    slot(1), // 8 zero-argument kernel
    slot(4), // 9 never written, never bound: zeros
    slot(4), // 10 zeros + 1
    slot(5), // 11 a helper function
    slot(1), // 12 sum of slot 5 (device to device)
    slot(2), // 13 reads the empty slot and a
  ],
  kernels: [
    kernel('function (a) { return a[this.thread.x]; }', 3, [0]),
    kernel('function (a, b, c) { return a[this.thread.x] * b[this.thread.x] + c[this.thread.x]; }', 5, [0, 1, 4]),
    kernel(
      'function (n) { let s = 0; for (let i = 0; i < n[0]; i++) { s += 1; } return s + this.thread.x; }',
      6, [2], 1500,
    ),
    kernel('function () { return 1; }', 7, []),
    kernel('function () { return 7; }', 8, []),
    kernel('function (z) { return z[this.thread.x] + 1; }', 10, [9]),
    kernel('function (a) { return twice(a[this.thread.x]) + 1; }', 11, [0], 1, ['function twice(x) { return x * 2; }']),
    kernel('function (v) { let s = 0; for (let i = 0; i < 5; i++) { s += v[i]; } return s; }', 12, [5], 5),
    kernel('function (e, a) { return a[this.thread.x] + 1; }', 13, [7, 0]),
  ],
};
const READ = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

function expected(a: number[], b: number[], n: number): number[][] {
  const fr = Math.fround;
  const c = [10, 20, 30, 40, 50];
  const abc = a.map((x, i) => fr(fr(x * b[i]!) + c[i]!));
  return [
    a,
    c,
    abc,
    [0, 1, 2].map((x) => n + x),
    [],
    [7],
    [0, 0, 0, 0],
    [1, 1, 1, 1],
    a.map((x) => fr(fr(x * 2) + 1)),
    [abc.reduce((s, x) => fr(s + x), 0)],
    [a[0]! + 1, a[1]! + 1],
  ];
}

forEachBackend(test, `mode ${MODE}: call: copy, elementwise, constants, loops past 1000, empty and zero slots`, () => {
  const ex = executor();
  const handle = ex.load(program);
  try {
    const cases: [number[], number[], number][] = [
      [[1, 2, 3, 4, 5], [0.5, -1, 2, 0.25, 3], 1500],
      [[-3, 0.125, 7, 100, -0.5], [2, 2, -2, 0.5, 1], 1234],
      [[1, 2, 3, 4, 5], [0.5, -1, 2, 0.25, 3], 1500], // again: nothing left over from earlier calls
    ];
    for (const [a, b, n] of cases) {
      const out = ex.call(handle, {
        inputs: [{ slot: 0, data: f32(a) }, { slot: 1, data: f32(b) }, { slot: 2, data: f32([n]) }],
        read: READ,
      });
      assert.is(out.length, READ.length);
      const want = expected(a, b, n);
      READ.forEach((s, i) => {
        assert.ok(out[i] instanceof Float32Array, `slot ${s} is a Float32Array`);
        close(out[i]!, want[i]!, `slot ${s} (n=${n})`);
      });
    }
    // a loop of 1500 iterations is not cut at gpu.js's default of 1000
    const [loop] = ex.call(handle, { inputs: [{ slot: 2, data: f32([1500]) }], read: [6] });
    assert.equal(Array.from(loop!), [1500, 1501, 1502]);
    // unbound inputs read as zeros
    const [sum, copied] = ex.call(handle, { inputs: [], read: [12, 3] });
    close(sum!, [150], 'sum of the constant alone');
    close(copied!, [0, 0, 0, 0, 0], 'copy of an unbound input');
  } finally {
    ex.unload(handle);
  }
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: call: bad arguments throw InvalidArgumentError`, () => {
  const ex = executor();
  const handle = ex.load(program);
  try {
    assert.throws(() => ex.call(handle, { inputs: [{ slot: 0, data: f32([1, 2]) }], read: [] }), (e: unknown) => e instanceof InvalidArgumentError);
    assert.throws(() => ex.call(handle, { inputs: [], read: [99] }), (e: unknown) => e instanceof InvalidArgumentError);
  } finally {
    ex.unload(handle);
  }
  assert.throws(() => ex.call(handle, { inputs: [], read: [3] }), (e: unknown) => e instanceof InvalidArgumentError);
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: call: 400,000-value slots`, () => {
  const ex = executor();
  const n = 400_000;
  const big: DeviceProgram = {
    slots: [slot(n), slot(n), slot(n), slot(1)],
    kernels: [
      kernel('function (x) { return x[this.thread.x] * 2 + 1; }', 1, [0]),
      kernel('function (y, x) { return y[this.thread.x] - x[this.thread.x]; }', 2, [1, 0]),
      kernel('function (y) { return y[399999]; }', 3, [2]),
    ],
  };
  const handle = ex.load(big);
  try {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = (i % 1000) * 0.25 - 50;
    const [y, z, last] = ex.call(handle, { inputs: [{ slot: 0, data: x }], read: [1, 2, 3] });
    const fr = Math.fround;
    close(y!, Array.from(x, (v) => fr(fr(v * 2) + 1)), 'x*2+1');
    close(z!, Array.from(x, (v) => fr(fr(fr(v * 2) + 1) - v)), 'y-x');
    close(last!, [fr(fr(fr(x[n - 1]! * 2) + 1) - x[n - 1]!)], 'last value read on the device');
  } finally {
    ex.unload(handle);
  }
}, ON_GPUJS);

/** A slot length past each mode's device limit (gpu.js's cpu mode has none). */
const TOO_LARGE: Record<GpuMode, number | null> = { cpu: null, webgl: 16385 * 16385, webgpu: 2 ** 25 + 1 };

forEachBackend(test, `mode ${MODE}: load: slots too large for the mode throw InvalidArgumentError`, () => {
  const length = TOO_LARGE[MODE]!;
  const ex = executor();
  assert.throws(
    () => ex.load({ slots: [slot(length), slot(length)], kernels: [kernel('function (a) { return a[this.thread.x]; }', 1, [0])] }),
    (e: unknown) => e instanceof InvalidArgumentError && /holds \d+ values/.test(e.message),
  );
}, { skip: (b) => GPUJS_ONLY(b) ?? (TOO_LARGE[MODE] === null ? "gpu.js's cpu mode has no device limit on a slot's length" : undefined) });

// ---- steps with carried state ----------------------------------------------------------------

forEachBackend(test, `mode ${MODE}: steps: state carried on the device equals a JS loop`, () => {
  const ex = executor();
  // 0 v (carried), 1 u (stepped), 2 half (constant), 3 vn = v*half + u, 4 count, 5 count + 1
  const stepProgram: DeviceProgram = {
    slots: [slot(4), slot(4), slot(1, [0.5]), slot(4), slot(1), slot(1)],
    kernels: [
      kernel('function (v, h, u) { return v[this.thread.x] * h[0] + u[this.thread.x]; }', 3, [0, 2, 1]),
      kernel('function (c) { return c[0] + 1; }', 5, [4]),
    ],
  };
  const handle = ex.load(stepProgram);
  try {
    for (const steps of [50, 1, 0, 2000]) {
      const u = new Float32Array(steps * 4);
      for (let i = 0; i < u.length; i++) u[i] = Math.sin(i) * 3;
      const initial = f32([1, -2, 3.5, 8]);
      const result = ex.steps(handle, {
        steps,
        initial: [{ slot: 0, data: initial }],
        stepped: [{ slot: 1, data: u }],
        carry: [{ from: 3, to: 0 }, { from: 5, to: 4 }],
        record: [3, 5],
        final: [0, 4, 2],
      });
      // the same in float32 JS
      const v = Float32Array.from(initial);
      const recV = new Float32Array(steps * 4);
      const recC = new Float32Array(steps);
      let count = 0;
      for (let s = 0; s < steps; s++) {
        for (let i = 0; i < 4; i++) v[i] = Math.fround(Math.fround(v[i]! * 0.5) + u[s * 4 + i]!);
        recV.set(v, s * 4);
        count += 1;
        recC[s] = count;
      }
      assert.is(result.records.length, 2);
      close(result.records[0]!, recV, `recorded vn over ${steps} steps`);
      close(result.records[1]!, recC, `recorded count over ${steps} steps`);
      assert.is(result.final.length, 3);
      close(result.final[0]!, steps === 0 ? initial : v, `final v after ${steps} steps`);
      close(result.final[1]!, [count], `final count after ${steps} steps`);
      close(result.final[2]!, [0.5], 'final constant');
    }
  } finally {
    ex.unload(handle);
  }
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: steps: carries are simultaneous (a swap, a shift register)`, () => {
  const ex = executor();
  // 0 p, 1 q carried; 2 = q, 3 = p
  const swap: DeviceProgram = {
    slots: [slot(2), slot(2), slot(2), slot(2)],
    kernels: [
      kernel('function (q) { return q[this.thread.x]; }', 2, [1]),
      kernel('function (p) { return p[this.thread.x]; }', 3, [0]),
    ],
  };
  const handle = ex.load(swap);
  try {
    const result = ex.steps(handle, {
      steps: 3,
      initial: [{ slot: 0, data: f32([1, 2]) }, { slot: 1, data: f32([3, 4]) }],
      stepped: [],
      carry: [{ from: 2, to: 0 }, { from: 3, to: 1 }],
      record: [2],
      final: [0, 1],
    });
    close(result.records[0]!, [3, 4, 1, 2, 3, 4], 'p after each step');
    close(result.final[0]!, [3, 4], 'final p');
    close(result.final[1]!, [1, 2], 'final q');
    // a shift register: r0 ← x, r1 ← r0 (the old r0, not this step's)
    const shift = ex.load({
      slots: [slot(1), slot(1), slot(1), slot(1)], // 0 x (stepped), 1 r0, 2 r1, 3 = x
      kernels: [kernel('function (x) { return x[0]; }', 3, [0])],
    });
    try {
      const r = ex.steps(shift, {
        steps: 4,
        initial: [],
        stepped: [{ slot: 0, data: f32([1, 2, 3, 4]) }],
        carry: [{ from: 3, to: 1 }, { from: 1, to: 2 }],
        record: [1, 2],
        final: [1, 2],
      });
      close(r.records[0]!, [0, 1, 2, 3], 'r0 before each carry');
      close(r.records[1]!, [0, 0, 1, 2], 'r1 before each carry');
      close(r.final[0]!, [4], 'final r0');
      close(r.final[1]!, [3], 'final r1');
    } finally {
      ex.unload(shift);
    }
    assert.throws(
      () => ex.steps(handle, { steps: 2, initial: [], stepped: [{ slot: 0, data: f32([1, 2]) }], carry: [], record: [], final: [] }),
      (e: unknown) => e instanceof InvalidArgumentError,
    );
  } finally {
    ex.unload(handle);
  }
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: unloading one program leaves the others working`, () => {
  const ex = executor();
  const first = ex.load({ slots: [slot(1, [0.25]), slot(3)], kernels: [kernel('function (h) { return h[0] * 4 + this.thread.x; }', 1, [0])] });
  try {
    const second = ex.load({ slots: [slot(3), slot(3)], kernels: [kernel('function (z) { return z[this.thread.x] + 1; }', 1, [0])] });
    close(ex.call(second, { inputs: [], read: [1] })[0]!, [1, 1, 1], 'second program');
    ex.unload(second);
    // webgl: kernels built before the unloaded ones once drew nothing after it (gpu.js vertex state)
    close(ex.call(first, { inputs: [], read: [1] })[0]!, [1, 2, 3], 'first program after the second is unloaded');
    const third = ex.load({ slots: [slot(1, [2]), slot(2)], kernels: [kernel('function (h) { return h[0] * 3; }', 1, [0])] });
    close(ex.call(third, { inputs: [], read: [1] })[0]!, [6, 6], 'a program loaded after the unload');
    ex.unload(third);
  } finally {
    ex.unload(first);
  }
}, ON_GPUJS);

// ---- an unavailable mode -------------------------------------------------------------------------

/** Does the 'gl' package load here (as gpu.js would load it)? Asked only in gpu.js's cpu mode. */
function glLoads(): boolean {
  const fromGpuJs = createRequire(createRequire(import.meta.url).resolve('gpu.js'));
  try {
    fromGpuJs('gl');
    return true;
  } catch {
    return false;
  }
}

forEachBackend(test, 'webgl without a working gl package or display throws BackendUnavailableError', () => {
  const loads = glLoads();
  assert.throws(
    () => createExecutor('webgl'),
    (e: unknown) =>
      e instanceof BackendUnavailableError && (loads ? /xvfb-run -a/.test(e.message) : /'gl' package/.test(e.message)),
  );
}, {
  // Only where it is really unavailable, and never next to a running WebGPU (one process).
  skip: (b) => GPUJS_ONLY(b) ?? (MODE !== 'cpu' ? `checked in the gpujs:cpu process only (this one runs ${MODE})`
    : glLoads() && process.env.DISPLAY ? `the gl package loads and a display exists (DISPLAY=${process.env.DISPLAY}): webgl may well work here` : undefined),
});

test.run();
