/**
 * The Device contract: one gpu.js mode's storage and kernels, as the program runner
 * (program-runner.ts) sees them. Kept apart from the implementations (devices.ts) so the runner
 * depends on the interface only.
 */
import type { DeviceKernel, GpuMode } from './program.js';

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
