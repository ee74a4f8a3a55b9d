/**
 * The gpujs backend as a whole, in the mode of this process (EF_GPUJS_MODE: scripts/test.mjs
 * runs this file once per mode, gpujs then being the process's backend; in the cpu+reference
 * process every test here is reported as skipped): which gpu.js kernel class runs, typed
 * errors, compiled runners that keep their state on the device, and JIT connectivity that
 * regenerates exactly the CPU's connections. The shared suites check every op against the
 * dense oracle on this backend as well.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { gpujsTraffic } from '../../src/backends/gpujs/index.js';
import { withBackend } from '../helpers/backends.js';
import { expectError, forEachBackend, type BackendTestOptions } from '../helpers/suite.js';
import { assertAllClose } from '../helpers/close.js';
import { onBackend } from '../compile/models.js';

const MODE = process.env['EF_GPUJS_MODE'] ?? 'cpu';
const KERNEL_CLASS: Record<string, string> = { cpu: 'CPUKernel', webgl: 'HeadlessGLKernel', webgpu: 'WebGPUKernel' };

/**
 * These tests are about the gpujs backend: they run where it is the backend of the process
 * (scripts/test.mjs runs this file once per gpujs mode), and are reported as skipped on the
 * cpu and reference backends of the cpu+reference process.
 */
const GPUJS_ONLY = (b: string): string | undefined => (b === 'gpujs' ? undefined : 'a test of the gpujs backend: it runs in the gpujs:<mode> processes');
const ON_GPUJS: BackendTestOptions = { skip: GPUJS_ONLY };

forEachBackend(test, `mode ${MODE}: explain names the gpu.js kernel class that runs and shows the device kernels`, () => {
  const text = ef.explain(ef.array([1, 2, 3], 'mV').mul(2).add(ef.array(1, 'mV')));
  assert.match(text, `gpujs mode '${MODE}' (${KERNEL_CLASS[MODE]})`);
  assert.match(text, /device kernel 0: elementwise add chain of %\d+, inline per thread\n\/\/ writes slot \d+ \(3 threads\)/);
  // the elementwise chain is one kernel: x·2 + 1 computed inline per thread
  assert.match(text, /1 device kernels/);
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: an unknown mode is an InvalidArgumentError listing the modes`, () => {
  expectError(() => ef.setBackend('gpujs', { mode: 'cuda' }), ef.InvalidArgumentError, "unknown mode 'cuda'", 'webgl, webgpu, cpu');
  assert.is(ef.getBackend(), 'gpujs', 'a refused mode leaves the backend as it was');
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: webgl without an X display is a BackendUnavailableError that says to use xvfb-run`, () => {
  expectError(() => ef.setBackend('gpujs', { mode: 'webgl' }), ef.BackendUnavailableError, 'xvfb-run');
}, {
  // only checkable where no display exists
  skip: (b) => GPUJS_ONLY(b) ?? (MODE === 'webgl' ? 'webgl mode runs under xvfb-run, which provides a display' : process.env['DISPLAY'] ? `a display exists here (DISPLAY=${process.env['DISPLAY']}), so webgl may start` : undefined),
});

forEachBackend(test, `mode ${MODE}: integers beyond 2^24 are refused (float32 would not hold them exactly)`, () => {
  const big = ef.array([2 ** 25, 1], '1', { dtype: 'int32' });
  expectError(() => big.add(1).dataSync(), ef.InvalidArgumentError, '2^24', 'cpu backend');
  // in range it is exact
  const ok = ef.array([2 ** 24 - 1, -(2 ** 24) + 1], '1', { dtype: 'int32' });
  assert.equal(Array.from(ok.sub(1).dataSync()), [2 ** 24 - 2, -(2 ** 24)]);
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: a compiled runner keeps its state on the device: one device run, only records and the final state read back`, async () => {
  const n = 64;
  const steps = 300;
  const step: ef.StepFn = ({ v }, { drive }) => {
    const next = v!.mul(0.95).add(drive!);
    const spike = ef.binary(next.greater(ef.scalar(1, 'mV')));
    return { state: { v: ef.where(spike, ef.scalar(0, 'mV'), next) }, record: { spike } };
  };
  const v0 = ef.zeros([n], 'mV');
  const drive = ef.array(Array.from({ length: steps * n }, (_, k) => 0.02 + 0.001 * (k % n)), 'mV', { shape: [steps, n] });
  const expected = await onBackend('cpu', async () => {
    const out = await ef.compile(step).run({ v: v0 }, { steps, inputs: { drive } });
    return { spike: Array.from(out.records.spike!.dataSync()), v: out.state.v!.dataSync() };
  });
  const before = gpujsTraffic();
  const got = await ef.compile(step).run({ v: v0 }, { steps, inputs: { drive } });
  const after = gpujsTraffic();
  assert.is(after.stepRuns - before.stepRuns, 1, 'the whole run is one device run');
  assert.is(after.calls - before.calls, 0, 'no per-step calls');
  assert.is(after.valuesRead - before.valuesRead, steps * n + n, 'read back: the spike record of every step and the final v');
  assert.equal(Array.from(got.records.spike!.dataSync()), expected.spike, 'same spikes as the cpu backend');
  assertAllClose(got.state.v!.dataSync(), expected.v, 1e-5, 'final v', 1e-5);
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: JIT connectivity regenerates exactly the CPU's connections (weights to float32 rounding)`, () => {
  for (const [seed, orient, dist] of [[0, 'row', 'uniform'], [2 ** 32 - 1, 'col', 'normal'], [2 ** 24 + 5, 'row', 'scalar']] as const) {
    const opts = { shape: [37, 53], prob: 0.15, seed, orient };
    const J = dist === 'uniform' ? ef.jitc.uniform({ ...opts, low: 0.5, high: 1.5 }, 'nS')
      : dist === 'normal' ? ef.jitc.normal({ ...opts, mean: 1, std: 0.2 }, 'nS')
      : ef.jitc.scalar({ ...opts, weight: 0.7 }, 'nS');
    const cpu = withBackend('cpu', () => J.todense().data.dataSync());
    const gpu = J.todense().data.dataSync();
    const where = (d: ArrayLike<number>): number[] => Array.from(d).flatMap((w, k) => (w !== 0 ? [k] : []));
    assert.equal(where(gpu), where(cpu), `seed ${seed} ${orient} ${dist}: the same connections`);
    assertAllClose(gpu, cpu, 2e-6, `seed ${seed} ${orient} ${dist}: weights`, 1e-6);
    // both product formulations (own line, and the line table search) read the same matrix
    const spikes = ef.binary(Array.from({ length: 37 }, (_, i) => (i % 3 === 0 ? 1 : 0)));
    const cpuOut = withBackend('cpu', () => ef.matmul(spikes, J).dataSync());
    assertAllClose(ef.matmul(spikes, J).dataSync(), cpuOut, 1e-5, `seed ${seed} ${orient}: events @ J`, 1e-5);
  }
}, ON_GPUJS);

forEachBackend(test, `mode ${MODE}: one fused kernel may read twelve buffers (more than WebGPU's default of 8 per stage)`, () => {
  const xs = Array.from({ length: 12 }, (_, i) => ef.array([i, i + 1, i + 2]));
  const fused = (): ef.LazyArray => xs.slice(1).reduce((acc, x) => acc.add(x.mul(2)), xs[0]!);
  assertAllClose(fused().dataSync(), [132, 155, 178], 0, 'x0 + 2·(x1 + ... + x11): 132 + 23k at k');
  assert.match(ef.explain(fused()), /1 device kernels/);
}, ON_GPUJS);

test.run();
