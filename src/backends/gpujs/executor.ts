/**
 * Device executors: run a DeviceProgram (program.ts) with gpu.js in one mode. createExecutor
 * picks the mode: 'cpu' and 'webgl' run a ProgramRunner (program-runner.ts) over their Device
 * (devices.ts) in process, driven synchronously; 'webgpu' runs in a worker thread
 * (webgpu-client.ts, webgpu-worker.ts).
 */
import { InvalidArgumentError } from '../../errors.js';
import { loadGpuJs } from './gpu-loader.js';
import type { DeviceCall, DeviceExecutor, DeviceProgram, DeviceSteps, DeviceStepsResult, GpuMode } from './program.js';
import { runSync } from './coroutine.js';
import type { Device } from './device.js';
import { CpuDevice, createWebGLDevice } from './devices.js';
import { ProgramRunner } from './program-runner.js';
import { WebGpuExecutor } from './webgpu-client.js';

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
