/**
 * The Devices of the three gpu.js modes (the contract is device.ts):
 *
 * - 'cpu': gpu.js CPUKernel in process; slot values are Float32Arrays.
 * - 'webgl': gpu.js HeadlessGLKernel in process (optional 'gl' package, needs an X display);
 *   slot values are float textures in pipeline mode, so they stay on the device between kernels.
 * - 'webgpu': gpu.js WebGPUKernel (dawn, 'webgpu' package), whose calls are async-only; this
 *   device is created in the WebGPU worker (webgpu-worker.ts). Slot values are storage buffers.
 *
 * Every kernel is built with `immutable: true`: each run writes a fresh texture/buffer, so a
 * kernel that reads its own previous output (state carried between steps) never reads and
 * writes one storage; superseded values are deleted (gpu.js refcounts the storage under clones),
 * so nothing piles up over many steps. After every build and run the kernel's class is checked:
 * gpu.js silently falls back to another backend when a GPU context is missing, this refuses.
 */
import { BackendUnavailableError, EventfuseError, InvalidArgumentError } from '../../errors.js';
import {
  loadWebGL,
  type GpuHandle,
  type GpuInstance,
  type GpuJs,
  type GpuKernel,
  type GpuKernelClass,
  type GpuKernelSettings,
  type GpuValue,
  type WebGpuLimits,
} from './gpu-loader.js';
import type { DeviceKernel, GpuMode } from './program.js';
import { runAsync, runSync, settle, type Co } from './coroutine.js';
import type { CompiledKernel, Device } from './device.js';
import { webglLimit, webgpuLimit } from './storage-limits.js';

const KERNEL_CLASS: Record<GpuMode, (g: GpuJs) => GpuKernelClass> = {
  cpu: (g) => g.CPUKernel,
  webgl: (g) => g.HeadlessGLKernel,
  webgpu: (g) => g.WebGPUKernel,
};

const GPU_JS_MODE: Record<GpuMode, string> = { cpu: 'cpu', webgl: 'headlessgl', webgpu: 'webgpu' };

function createGpu(g: GpuJs, mode: GpuMode): GpuInstance {
  try {
    return new g.GPU({ mode: GPU_JS_MODE[mode] });
  } catch (e) {
    throw new BackendUnavailableError(`gpujs mode '${mode}': gpu.js refused mode '${GPU_JS_MODE[mode]}': ${messageOf(e)}`);
  }
}

/** gpu.js swaps a kernel for a CPUKernel (or webasm) when its backend cannot run it: refuse that. */
function assertKernelClass(kernel: GpuKernel, expected: GpuKernelClass, mode: GpuMode, what: string): void {
  const actual = kernel.kernel.constructor;
  if (actual !== (expected as unknown)) {
    const reason = (kernel.kernel as { fallbackReason?: unknown }).fallbackReason;
    throw new BackendUnavailableError(
      `gpujs mode '${mode}': gpu.js ran ${what} with ${(actual as { name?: string }).name ?? 'an unknown kernel'} ` +
        `instead of ${expected.name}${typeof reason === 'string' && reason ? ` (${reason})` : ''}; ` +
        'it falls back silently when the GPU context is missing, which this backend does not allow',
    );
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function kernelError(mode: GpuMode, index: number, e: unknown): Error {
  if (e instanceof EventfuseError) return e;
  const error = new Error(`gpujs mode '${mode}': kernel ${index} failed: ${messageOf(e)}`);
  (error as { cause?: unknown }).cause = e;
  return error;
}

const COPY_SOURCE = 'function (a) { return a[this.thread.x]; }';

/** 'cpu': CPUKernel, values are host Float32Arrays that no kernel ever writes into. */
export class CpuDevice implements Device<Float32Array> {
  readonly mode = 'cpu' as const;
  readonly kernelClass: string;
  private readonly gpu: GpuInstance;
  private readonly Kernel: GpuKernelClass;

  constructor(g: GpuJs) {
    this.Kernel = KERNEL_CLASS.cpu(g);
    this.gpu = createGpu(g, 'cpu');
    this.kernelClass = this.Kernel.name;
    // prove the kernel class once at start
    const probe = this.compile({ source: COPY_SOURCE, target: 0, args: [0], loopMaxIterations: 1, functions: [], note: 'start-up probe' }, -1, 1);
    probe.run([new Float32Array(1)]);
    probe.destroy();
  }

  checkLength(): void {}

  compile(kernel: DeviceKernel, index: number, length: number): CompiledKernel<Float32Array> {
    const what = index < 0 ? 'its probe kernel' : `kernel ${index}`;
    let k: GpuKernel;
    try {
      k = this.gpu.createKernel(kernel.source, {
        output: [length],
        loopMaxIterations: loopMax(kernel),
        functions: [...kernel.functions],
      });
    } catch (e) {
      throw kernelError(this.mode, index, e);
    }
    assertKernelClass(k, this.Kernel, this.mode, what);
    return {
      run: (args) => {
        let out: unknown;
        try {
          out = k(...args);
        } catch (e) {
          throw kernelError(this.mode, index, e);
        }
        assertKernelClass(k, this.Kernel, this.mode, what);
        if (!(out instanceof Float32Array) || out.length !== length) {
          throw new Error(`gpujs mode 'cpu': ${what} returned ${describe(out)}, not a Float32Array of ${length}`);
        }
        return out;
      },
      destroy: () => k.destroy(),
    };
  }

  upload(data: Float32Array): Float32Array {
    return data.slice();
  }

  read(value: Float32Array, length: number): Float32Array {
    return value.slice(0, length);
  }

  share(value: Float32Array): Float32Array {
    return value;
  }

  release(): void {}
}

/**
 * 'webgl' and 'webgpu': pipeline-mode kernels whose results stay on the device (GL textures,
 * WebGPU buffers). Inputs are uploaded by a copy kernel per length, so every program kernel is
 * always called with device handles (gpu.js rebuilds a kernel when an argument's kind changes).
 */
class PipelineDevice implements Device<GpuValue> {
  readonly kernelClass: string;
  private readonly gpu: GpuInstance;
  private readonly Kernel: GpuKernelClass;
  private readonly copies = new Map<number, CompiledKernel<GpuValue>>();

  constructor(
    g: GpuJs,
    readonly mode: 'webgl' | 'webgpu',
    /** The most float32 values one storage holds, and how to say it. */
    private readonly limit: (length: number) => string | null,
  ) {
    this.Kernel = KERNEL_CLASS[mode](g);
    this.gpu = createGpu(g, mode);
    this.kernelClass = this.Kernel.name;
  }

  /** Build and run a probe kernel (for webgpu: await it) to prove the kernel class at start. */
  *probe(): Co<void> {
    const out = yield* settle(this.upload(new Float32Array([3])));
    const values = yield* settle(this.read(out, 1));
    this.release(out);
    if (values[0] !== 3) {
      throw new BackendUnavailableError(`gpujs mode '${this.mode}': a copy kernel returned ${values[0]} for 3`);
    }
  }

  checkLength(length: number, what: string): void {
    const problem = this.limit(length);
    if (problem !== null) {
      throw new InvalidArgumentError(`gpujs mode '${this.mode}': ${what} holds ${length} values, ${problem}`);
    }
  }

  private settings(kernel: DeviceKernel, length: number): GpuKernelSettings {
    const settings: GpuKernelSettings = {
      output: [length],
      pipeline: true,
      immutable: true,
      precision: 'single',
      loopMaxIterations: loopMax(kernel),
      functions: [...kernel.functions],
    };
    // highp everywhere: gpu.js otherwise picks lowp/mediump for small textures
    return this.mode === 'webgl' ? { ...settings, tactic: 'precision' } : settings;
  }

  compile(kernel: DeviceKernel, index: number, length: number): CompiledKernel<GpuValue> {
    const what = index < 0 ? `its upload kernel (${length} values)` : `kernel ${index}`;
    let k: GpuKernel;
    try {
      k = this.gpu.createKernel(kernel.source, this.settings(kernel, length));
    } catch (e) {
      throw kernelError(this.mode, index, e);
    }
    assertKernelClass(k, this.Kernel, this.mode, what);
    const check = (out: unknown): GpuValue => {
      assertKernelClass(k, this.Kernel, this.mode, what);
      if (!isHandle(out)) {
        throw new Error(`gpujs mode '${this.mode}': ${what} returned ${describe(out)}, not a pipeline texture/buffer`);
      }
      return out;
    };
    return {
      run: (args) => {
        let out: unknown;
        try {
          out = k(...args);
        } catch (e) {
          throw kernelError(this.mode, index, e);
        }
        if (out instanceof Promise) {
          return out.then(check, (e: unknown) => {
            throw kernelError(this.mode, index, e);
          });
        }
        return check(out);
      },
      destroy: () => {
        // gpu.js WebGL sets the vertex attribute pointers (context state shared by every
        // kernel) only when a kernel builds, to that kernel's own vertex buffer, and deletes
        // the buffer in destroy(): every other kernel would then draw nothing (keeping stale
        // output) until the next build. All kernels' vertex buffers hold the same quad, so
        // keep this one alive (64 bytes) instead.
        if (this.mode === 'webgl') (k.kernel as { buffer?: unknown }).buffer = null;
        k.destroy();
      },
    };
  }

  upload(data: Float32Array): GpuValue | Promise<GpuValue> {
    let copy = this.copies.get(data.length);
    if (copy === undefined) {
      copy = this.compile({ source: COPY_SOURCE, target: 0, args: [0], loopMaxIterations: 1, functions: [], note: 'upload copy' }, -1, data.length);
      this.copies.set(data.length, copy);
    }
    return copy.run([data]);
  }

  read(value: GpuValue, length: number): Float32Array | Promise<Float32Array> {
    const out = (value as GpuHandle).toArray();
    return out instanceof Promise ? out.then((v: unknown) => hostArray(v, length, this.mode)) : hostArray(out, length, this.mode);
  }

  share(value: GpuValue): GpuValue {
    return (value as GpuHandle).clone();
  }

  release(value: GpuValue): void {
    (value as GpuHandle).delete();
  }
}

function isHandle(value: unknown): value is GpuHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GpuHandle).toArray === 'function' &&
    typeof (value as GpuHandle).delete === 'function' &&
    typeof (value as GpuHandle).clone === 'function'
  );
}

function hostArray(value: unknown, length: number, mode: GpuMode): Float32Array {
  if (value instanceof Float32Array && value.length >= length) {
    return value.length === length ? value : value.slice(0, length);
  }
  throw new Error(`gpujs mode '${mode}': reading a value back gave ${describe(value)}, not ${length} float32 values`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as Float32Array).length})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

function loopMax(kernel: DeviceKernel): number {
  return Math.max(1, Math.ceil(kernel.loopMaxIterations));
}

export function createWebGLDevice(): PipelineDevice {
  const g = loadWebGL();
  const max = g.HeadlessGLKernel.features?.maxTextureSize ?? 0;
  const device = new PipelineDevice(g, 'webgl', webglLimit(g, max));
  runSync(device.probe());
  return device;
}

/** For the WebGPU worker: `g` and `limits` from loadWebGPU(). */
export async function createWebGpuDevice(g: GpuJs, limits: WebGpuLimits): Promise<PipelineDevice> {
  const device = new PipelineDevice(g, 'webgpu', webgpuLimit(limits));
  await runAsync(device.probe());
  return device;
}
