/**
 * Device executors: run a DeviceProgram (program.ts) with gpu.js in one mode.
 *
 * - 'cpu': gpu.js CPUKernel in process; slot values are Float32Arrays.
 * - 'webgl': gpu.js HeadlessGLKernel in process (optional 'gl' package, needs an X display);
 *   slot values are float textures in pipeline mode, so they stay on the device between kernels.
 * - 'webgpu': gpu.js WebGPUKernel (dawn, 'webgpu' package), whose calls are async-only; it runs
 *   in a worker thread (webgpu-worker.ts) and this thread waits for each answer synchronously
 *   (SharedArrayBuffer + Atomics.wait + receiveMessageOnPort). Slot values are storage buffers.
 *
 * Every kernel is built with `immutable: true`: each run writes a fresh texture/buffer, so a
 * kernel that reads its own previous output (state carried between steps) never reads and
 * writes one storage; superseded values are deleted (gpu.js refcounts the storage under clones),
 * so nothing piles up over many steps. After every build and run the kernel's class is checked:
 * gpu.js silently falls back to another backend when a GPU context is missing, this refuses.
 *
 * The program logic (ProgramRunner) is written once as generators over a Device; a sync driver
 * runs it for 'cpu'/'webgl', an async driver in the WebGPU worker.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  BackendUnavailableError,
  EventfuseError,
  InvalidArgumentError,
  InvalidFormatError,
  ShapeMismatchError,
  UnitMismatchError,
} from '../../errors.js';
import {
  loadGpuJs,
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
import type {
  DeviceCall,
  DeviceExecutor,
  DeviceKernel,
  DeviceProgram,
  DeviceSteps,
  DeviceStepsResult,
  GpuMode,
} from './program.js';

// ---- sync/async coroutines ---------------------------------------------------------------------

/** A computation that may wait on promises: it yields a Promise and is resumed with its value. */
export type Co<T> = Generator<unknown, T, unknown>;

function* settle<T>(value: T | Promise<T>): Co<T> {
  if (value instanceof Promise) return (yield value) as T;
  return value;
}

/** Drive a coroutine whose device never returns promises ('cpu', 'webgl'). */
export function runSync<T>(co: Co<T>): T {
  let step = co.next();
  while (!step.done) {
    if (step.value instanceof Promise) {
      step.value.catch(() => undefined);
      step = co.throw(new Error('internal: a synchronous gpu.js executor was handed a Promise'));
    } else {
      step = co.next(step.value);
    }
  }
  return step.value;
}

/** Drive a coroutine awaiting what it yields (the WebGPU worker). */
export async function runAsync<T>(co: Co<T>): Promise<T> {
  let step = co.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = await step.value;
    } catch (e) {
      step = co.throw(e);
      continue;
    }
    step = co.next(value);
  }
  return step.value;
}

// ---- devices -----------------------------------------------------------------------------------

export interface CompiledKernel<H> {
  run(args: H[]): H | Promise<H>;
  destroy(): void;
}

/** One gpu.js mode's storage: H is a slot value on the device. */
export interface Device<H> {
  readonly mode: GpuMode;
  readonly kernelClass: string;
  /** Throws InvalidArgumentError when `length` float32 values do not fit one storage of this mode. */
  checkLength(length: number, what: string): void;
  compile(kernel: DeviceKernel, index: number, length: number): CompiledKernel<H>;
  /** A device value holding a copy of `data` (length ≥ 1). */
  upload(data: Float32Array): H | Promise<H>;
  /** The values of a device value as a fresh host array of `length` values. */
  read(value: H, length: number): Float32Array | Promise<Float32Array>;
  /** A second owner of the same storage (release each owner once). */
  share(value: H): H;
  release(value: H): void;
}

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
class CpuDevice implements Device<Float32Array> {
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

/** The largest WebGL 1-D output: gpu.js lays it out as a near-square 2-D float texture. */
export function webglLimit(g: GpuJs, maxTextureSize: number): (length: number) => string | null {
  return (length) => {
    if (length <= 1) return null;
    const [w, h] = g.utils.closestSquareDimensions(length);
    if (w <= maxTextureSize && h <= maxTextureSize) return null;
    return (
      `laid out as a ${w}×${h} texture, larger than this WebGL context's ` +
      `MAX_TEXTURE_SIZE ${maxTextureSize} (${maxTextureSize}×${maxTextureSize} values at most)`
    );
  };
}

/** The largest WebGPU slot: one f32 storage buffer within the device's binding/buffer limits. */
export function webgpuLimit(limits: WebGpuLimits): (length: number) => string | null {
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const max = Math.floor(bytes / 4);
  return (length) =>
    length <= max
      ? null
      : `more than the ${max} float32 values (${bytes} bytes) this WebGPU device allows per storage buffer`;
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

// ---- programs ----------------------------------------------------------------------------------

interface Loaded<H> {
  readonly program: DeviceProgram;
  readonly kernels: (CompiledKernel<H> | null)[];
  /** Uploaded `init` values, for the program's life. */
  readonly constants: (H | null)[];
  /** Zeros per length (≥ 1), for slots read before anything was written or bound. */
  readonly zeros: Map<number, H>;
  /** Values owned by the current call/steps: bound inputs, kernel outputs, carried shares. */
  readonly values: (H | null)[];
}

/** Reads of device values kept in flight at once during `steps` (async devices). */
const READS_IN_FLIGHT = 64;

/**
 * The program logic over a Device. Every `call` and `steps` starts from the loaded state: slots
 * hold their `init` values or zeros until bound or written; kernel outputs and bound inputs are
 * freed when the call ends.
 */
export class ProgramRunner<H> {
  private readonly programs = new Map<number, Loaded<H>>();
  private nextHandle = 1;

  constructor(readonly device: Device<H>) {}

  *load(program: DeviceProgram): Co<number> {
    validateProgram(program, this.device);
    const n = program.slots.length;
    const p: Loaded<H> = {
      program,
      kernels: [],
      constants: new Array<H | null>(n).fill(null),
      zeros: new Map(),
      values: new Array<H | null>(n).fill(null),
    };
    try {
      for (let i = 0; i < n; i++) {
        const slot = program.slots[i];
        if (slot.init !== undefined && slot.length > 0) {
          p.constants[i] = yield* settle(this.device.upload(slot.init));
        }
      }
      program.kernels.forEach((k, i) => {
        const length = program.slots[k.target].length;
        p.kernels.push(length === 0 ? null : this.device.compile(k, i, length));
      });
      // Run each kernel once on the loaded state: builds it (gpu.js builds on the first call;
      // webgpu compiles asynchronously) and proves its class before any real call.
      yield* this.runKernels(p);
    } catch (e) {
      this.free(p);
      throw e;
    } finally {
      this.clear(p);
    }
    const handle = this.nextHandle++;
    this.programs.set(handle, p);
    return handle;
  }

  *call(handle: number, call: DeviceCall): Co<Float32Array[]> {
    const p = this.loaded(handle);
    const slots = p.program.slots;
    for (const input of call.inputs) checkBinding(slots, input.slot, input.data.length, 'call input');
    for (const slot of call.read) checkSlot(slots, slot, 'call read');
    this.clear(p);
    try {
      for (const input of call.inputs) yield* this.bind(p, input.slot, input.data);
      yield* this.runKernels(p);
      const out: Float32Array[] = [];
      for (const slot of call.read) out.push(yield* settle(this.readSlot(p, slot)));
      return out;
    } finally {
      this.clear(p);
    }
  }

  *steps(handle: number, steps: DeviceSteps): Co<DeviceStepsResult> {
    const p = this.loaded(handle);
    const slots = p.program.slots;
    const count = steps.steps;
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`steps must be a non-negative integer, got ${count}`);
    }
    for (const b of steps.initial) checkBinding(slots, b.slot, b.data.length, 'initial input');
    for (const b of steps.stepped) {
      checkSlot(slots, b.slot, 'stepped input');
      const want = count * slots[b.slot].length;
      if (b.data.length !== want) {
        throw new InvalidArgumentError(
          `stepped input for slot ${b.slot}: ${b.data.length} values, expected ${count} steps × ${slots[b.slot].length} = ${want}`,
        );
      }
    }
    for (const c of steps.carry) {
      checkSlot(slots, c.from, 'carry from');
      checkSlot(slots, c.to, 'carry to');
      if (slots[c.from].length !== slots[c.to].length) {
        throw new InvalidArgumentError(
          `carry from slot ${c.from} (${slots[c.from].length} values) to slot ${c.to} (${slots[c.to].length} values): lengths differ`,
        );
      }
    }
    for (const slot of steps.record) checkSlot(slots, slot, 'record');
    for (const slot of steps.final) checkSlot(slots, slot, 'final');

    const records = steps.record.map((slot) => new Float32Array(count * slots[slot].length));
    const pending: Promise<void>[] = [];
    this.clear(p);
    try {
      for (const b of steps.initial) yield* this.bind(p, b.slot, b.data);
      for (let s = 0; s < count; s++) {
        for (const b of steps.stepped) {
          const length = slots[b.slot].length;
          yield* this.bind(p, b.slot, b.data.subarray(s * length, (s + 1) * length));
        }
        yield* this.runKernels(p);
        for (let r = 0; r < steps.record.length; r++) {
          const record = records[r];
          const offset = s * slots[steps.record[r]].length;
          const values = this.readSlot(p, steps.record[r]);
          if (values instanceof Promise) {
            const done = values.then((v) => record.set(v, offset));
            done.catch(() => undefined); // awaited below; an early exit must not leave it unhandled
            pending.push(done);
            if (pending.length >= READS_IN_FLIGHT) yield* settle(pending.shift() as Promise<void>);
          } else {
            record.set(values, offset);
          }
        }
        // all carries at once: each `to` gets the `from` value of this step
        const moved: [number, H][] = [];
        for (const c of steps.carry) moved.push([c.to, this.device.share(yield* this.value(p, c.from))]);
        for (const [to, value] of moved) this.set(p, to, value);
      }
      const final: Float32Array[] = [];
      for (const slot of steps.final) final.push(yield* settle(this.readSlot(p, slot)));
      if (pending.length > 0) yield* settle(Promise.all(pending));
      return { records, final };
    } finally {
      this.clear(p);
    }
  }

  unload(handle: number): void {
    const p = this.programs.get(handle);
    if (p === undefined) return;
    this.programs.delete(handle);
    this.free(p);
  }

  private loaded(handle: number): Loaded<H> {
    const p = this.programs.get(handle);
    if (p === undefined) throw new InvalidArgumentError(`no device program is loaded under handle ${handle}`);
    return p;
  }

  private *runKernels(p: Loaded<H>): Co<void> {
    const { kernels, program } = p;
    for (let i = 0; i < kernels.length; i++) {
      const compiled = kernels[i];
      if (compiled === null) continue;
      const kernel = program.kernels[i];
      const args: H[] = [];
      for (const slot of kernel.args) args.push(yield* this.value(p, slot));
      const out = yield* settle(compiled.run(args));
      this.set(p, kernel.target, out);
    }
  }

  private *bind(p: Loaded<H>, slot: number, data: Float32Array): Co<void> {
    if (data.length === 0) {
      this.set(p, slot, null);
      return;
    }
    this.set(p, slot, yield* settle(this.device.upload(data)));
  }

  /** A slot's current device value: bound/written, else its init, else zeros (length ≥ 1). */
  private *value(p: Loaded<H>, slot: number): Co<H> {
    const own = p.values[slot];
    if (own !== null) return own;
    const constant = p.constants[slot];
    if (constant !== null) return constant;
    const length = Math.max(1, p.program.slots[slot].length);
    let zeros = p.zeros.get(length);
    if (zeros === undefined) {
      zeros = yield* settle(this.device.upload(new Float32Array(length)));
      p.zeros.set(length, zeros);
    }
    return zeros;
  }

  private readSlot(p: Loaded<H>, slot: number): Float32Array | Promise<Float32Array> {
    const { length, init } = p.program.slots[slot];
    if (length === 0) return new Float32Array(0);
    const own = p.values[slot];
    if (own !== null) return this.device.read(own, length);
    if (init !== undefined) return init.slice();
    return new Float32Array(length);
  }

  private set(p: Loaded<H>, slot: number, value: H | null): void {
    const old = p.values[slot];
    p.values[slot] = value;
    if (old !== null) this.device.release(old);
  }

  private clear(p: Loaded<H>): void {
    for (let i = 0; i < p.values.length; i++) this.set(p, i, null);
  }

  private free(p: Loaded<H>): void {
    this.clear(p);
    for (let i = 0; i < p.constants.length; i++) {
      const c = p.constants[i];
      p.constants[i] = null;
      if (c !== null) this.device.release(c);
    }
    for (const z of p.zeros.values()) this.device.release(z);
    p.zeros.clear();
    for (const k of p.kernels) k?.destroy();
    p.kernels.length = 0;
  }
}

function checkSlot(slots: DeviceProgram['slots'], slot: number, what: string): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= slots.length) {
    throw new InvalidArgumentError(`${what}: slot ${slot} is not one of the program's ${slots.length} slots`);
  }
}

function checkBinding(slots: DeviceProgram['slots'], slot: number, length: number, what: string): void {
  checkSlot(slots, slot, what);
  if (length !== slots[slot].length) {
    throw new InvalidArgumentError(`${what} for slot ${slot}: ${length} values, the slot holds ${slots[slot].length}`);
  }
}

function validateProgram<H>(program: DeviceProgram, device: Device<H>): void {
  const { slots, kernels } = program;
  slots.forEach((slot, i) => {
    if (!Number.isInteger(slot.length) || slot.length < 0) {
      throw new InvalidArgumentError(`slot ${i}: length must be a non-negative integer, got ${slot.length}`);
    }
    if (slot.init !== undefined && slot.init.length !== slot.length) {
      throw new InvalidArgumentError(`slot ${i}: init has ${slot.init.length} values, the slot holds ${slot.length}`);
    }
    device.checkLength(slot.length, `slot ${i}`);
  });
  kernels.forEach((k, i) => {
    checkSlot(slots, k.target, `kernel ${i} target`);
    k.args.forEach((a) => checkSlot(slots, a, `kernel ${i} argument`));
    if (typeof k.source !== 'string' || k.source.length === 0) {
      throw new InvalidArgumentError(`kernel ${i}: source must be a function text`);
    }
    if (!(k.loopMaxIterations >= 0)) {
      throw new InvalidArgumentError(`kernel ${i}: loopMaxIterations must be a non-negative number, got ${k.loopMaxIterations}`);
    }
  });
}

// ---- executors ---------------------------------------------------------------------------------

class InProcessExecutor<H> implements DeviceExecutor {
  readonly mode: GpuMode;
  readonly kernelClass: string;
  private readonly runner: ProgramRunner<H>;

  constructor(device: Device<H>) {
    this.mode = device.mode;
    this.kernelClass = device.kernelClass;
    this.runner = new ProgramRunner(device);
  }

  load(program: DeviceProgram): number {
    return runSync(this.runner.load(program));
  }

  call(handle: number, call: DeviceCall): Float32Array[] {
    return runSync(this.runner.call(handle, call));
  }

  steps(handle: number, steps: DeviceSteps): DeviceStepsResult {
    return runSync(this.runner.steps(handle, steps));
  }

  unload(handle: number): void {
    this.runner.unload(handle);
  }
}

/** Requests to the WebGPU worker and its answers (also used by webgpu-worker.ts). */
export type WorkerRequest =
  | { readonly op: 'init' }
  | { readonly op: 'load'; readonly program: DeviceProgram }
  | { readonly op: 'call'; readonly handle: number; readonly call: DeviceCall }
  | { readonly op: 'steps'; readonly handle: number; readonly steps: DeviceSteps }
  | { readonly op: 'unload'; readonly handle: number };

export type WorkerReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

/** state[0]: 0 while a request is pending, REPLIED once answered, EXITED when the worker ended. */
export const REPLIED = 1;
export const EXITED = 2;

const ERROR_CLASSES: Record<string, new (message: string) => Error> = {
  EventfuseError,
  UnitMismatchError,
  ShapeMismatchError,
  InvalidFormatError,
  InvalidArgumentError,
  BackendUnavailableError,
};

/** The worker bootstrap (CommonJS, eval'd): reports exit, loads the worker module (via tsx from src). */
function bootstrapSource(workerUrl: string, tsxApiUrl: string | null): string {
  const load =
    tsxApiUrl === null
      ? `import(${JSON.stringify(workerUrl)})`
      : `import(${JSON.stringify(tsxApiUrl)}).then((api) => api.tsImport(${JSON.stringify(workerUrl)}, ${JSON.stringify(workerUrl)}))`;
  return `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.state);
process.on('exit', () => { Atomics.store(state, 0, ${EXITED}); Atomics.notify(state, 0); });
${load}.then(
  (m) => m.serve(workerData.port, state),
  (e) => {
    workerData.port.postMessage({ ok: false, error: { name: 'BackendUnavailableError',
      message: "gpujs mode 'webgpu': the WebGPU worker failed to load: " + (e && e.message || String(e)) } });
    Atomics.store(state, 0, ${REPLIED});
    Atomics.notify(state, 0);
    workerData.port.close();
  });
`;
}

class WebGpuExecutor implements DeviceExecutor {
  readonly mode = 'webgpu' as const;
  readonly kernelClass: string;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private exited = false;

  constructor() {
    // dawn reads EGL_PLATFORM from the C environment when it loads; a worker's process.env is a
    // copy, so only the main thread can set it (process.env assignment here calls setenv).
    if (process.env.EGL_PLATFORM === undefined) process.env.EGL_PLATFORM = 'surfaceless';
    const here = import.meta.url;
    const fromSource = here.endsWith('.ts');
    const workerUrl = new URL(fromSource ? './webgpu-worker.ts' : './webgpu-worker.js', here).href;
    let tsxApiUrl: string | null = null;
    if (fromSource) {
      try {
        tsxApiUrl = import.meta.resolve('tsx/esm/api');
      } catch {
        throw new BackendUnavailableError(
          "gpujs mode 'webgpu' from TypeScript sources needs 'tsx' to load its worker: run `npm install tsx`, or use the built dist/",
        );
      }
    }
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(bootstrapSource(workerUrl, tsxApiUrl), {
      eval: true,
      workerData: { state: this.state.buffer, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.unref();
    try {
      const info = this.request({ op: 'init' }) as { kernelClass: string };
      this.kernelClass = info.kernelClass;
    } catch (e) {
      void this.worker.terminate();
      throw e;
    }
  }

  private request(request: WorkerRequest): unknown {
    if (Atomics.load(this.state, 0) === EXITED) this.exited = true;
    if (this.exited) {
      throw new BackendUnavailableError("gpujs mode 'webgpu': the WebGPU worker has exited; create a new executor");
    }
    Atomics.store(this.state, 0, 0);
    this.port.postMessage(request);
    for (;;) {
      Atomics.wait(this.state, 0, 0);
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) {
        const reply = message.message as WorkerReply;
        if (reply.ok) return reply.value;
        const ErrorClass = ERROR_CLASSES[reply.error.name];
        const error = ErrorClass !== undefined ? new ErrorClass(reply.error.message) : new Error(reply.error.message);
        if (reply.error.stack !== undefined) {
          error.stack = `${error.name}: ${reply.error.message}\n    [in the webgpu worker]\n${reply.error.stack}`;
        }
        throw error;
      }
      if (Atomics.load(this.state, 0) === EXITED) {
        this.exited = true;
        throw new BackendUnavailableError("gpujs mode 'webgpu': the WebGPU worker exited without answering");
      }
      // answered but the reply is not visible on the port yet: look again shortly
      Atomics.wait(this.state, 0, Atomics.load(this.state, 0), 1);
    }
  }

  load(program: DeviceProgram): number {
    const slots = program.slots.map((s) => (s.init === undefined ? s : { ...s, init: compact(s.init) }));
    return this.request({ op: 'load', program: { ...program, slots } }) as number;
  }

  call(handle: number, call: DeviceCall): Float32Array[] {
    return this.request({ op: 'call', handle, call: { ...call, inputs: compactAll(call.inputs) } }) as Float32Array[];
  }

  steps(handle: number, steps: DeviceSteps): DeviceStepsResult {
    const posted = { ...steps, initial: compactAll(steps.initial), stepped: compactAll(steps.stepped) };
    return this.request({ op: 'steps', handle, steps: posted }) as DeviceStepsResult;
  }

  unload(handle: number): void {
    this.request({ op: 'unload', handle });
  }
}

/** Posting a view clones its whole buffer: post views of part of a buffer as copies. */
function compact(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

function compactAll<B extends { readonly data: Float32Array }>(bindings: readonly B[]): B[] {
  return bindings.map((b) => ({ ...b, data: compact(b.data) }));
}

/**
 * An executor for one gpu.js mode; throws BackendUnavailableError (saying what to install) when
 * the mode cannot run here. Synchronous in every mode.
 */
export function createExecutor(mode: GpuMode): DeviceExecutor {
  switch (mode) {
    case 'cpu':
      return new InProcessExecutor(new CpuDevice(loadGpuJs()));
    case 'webgl':
      return new InProcessExecutor(createWebGLDevice());
    case 'webgpu':
      return new WebGpuExecutor();
    default:
      throw new InvalidArgumentError(`unknown gpujs mode '${String(mode)}': expected 'cpu', 'webgl' or 'webgpu'`);
  }
}
