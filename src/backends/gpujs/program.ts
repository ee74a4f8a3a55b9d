/**
 * The device program: what the gpujs lowering produces and an executor runs. It is plain
 * data (strings, numbers, Float32Arrays), so it can be posted to the WebGPU worker as is.
 *
 * Every value on the device is a flat float32 array (a "slot"). A kernel computes one slot,
 * one element per thread (`this.thread.x`), from the slots it names as arguments. Integers
 * and bools are float32 there: exact up to 2^24 (the lowering refuses larger sizes).
 */

/** One gpu.js kernel: `source` is a JS function text whose parameters are `args`, in order. */
export interface DeviceKernel {
  readonly source: string;
  /** The slot it writes; its length is the kernel's output size. */
  readonly target: number;
  /** Slots passed as the function's arguments, in parameter order. */
  readonly args: readonly number[];
  /** The longest dynamic loop the kernel runs (gpu.js cuts dynamic loops at loopMaxIterations). */
  readonly loopMaxIterations: number;
  /** Helper function sources the kernel calls (gpu.js `functions` setting / addFunction). */
  readonly functions: readonly string[];
  /** What the kernel computes and how, for `explain`. */
  readonly note: string;
}

export interface DeviceSlot {
  readonly length: number;
  /** Values fixed for the program's life (constants): uploaded once when the program loads. */
  readonly init?: Float32Array;
}

export interface DeviceProgram {
  readonly slots: readonly DeviceSlot[];
  /** Run in order, every call. */
  readonly kernels: readonly DeviceKernel[];
}

/** One call: bind `inputs` (slot → values), run every kernel once, read back `read` slots. */
export interface DeviceCall {
  readonly inputs: readonly { readonly slot: number; readonly data: Float32Array }[];
  readonly read: readonly number[];
}

/**
 * Many calls in a row with state kept on the device (a compiled runner's `run`):
 * step s binds `stepped` inputs from row s of their stacked data, runs the kernels, reads
 * `record` slots into row s of the records, then carries each `carry` pair (the `from`
 * slot's value becomes the `to` slot's value for the next step, on the device).
 * `initial` binds once before step 0; `final` slots are read back after the last step.
 */
export interface DeviceSteps {
  readonly steps: number;
  readonly initial: readonly { readonly slot: number; readonly data: Float32Array }[];
  readonly stepped: readonly { readonly slot: number; readonly data: Float32Array }[];
  readonly carry: readonly { readonly from: number; readonly to: number }[];
  readonly record: readonly number[];
  readonly final: readonly number[];
}

export interface DeviceStepsResult {
  /** Per record slot, steps × length values. */
  readonly records: Float32Array[];
  readonly final: Float32Array[];
}

export type GpuMode = 'webgl' | 'webgpu' | 'cpu';

/** Runs device programs in one gpu.js mode; synchronous for every mode (WebGPU via a worker). */
export interface DeviceExecutor {
  readonly mode: GpuMode;
  /** The gpu.js kernel class that runs (asserted when the executor starts, e.g. 'HeadlessGLKernel'). */
  readonly kernelClass: string;
  /** Build a program's kernels once; returns its handle. */
  load(program: DeviceProgram): number;
  call(handle: number, call: DeviceCall): Float32Array[];
  steps(handle: number, steps: DeviceSteps): DeviceStepsResult;
  /** Free a program's device memory and kernels. */
  unload(handle: number): void;
}
