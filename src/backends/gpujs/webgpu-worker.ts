/**
 * The WebGPU worker: gpu.js WebGPU kernels only run async, so they run here and the main thread
 * (webgpu-client.ts, WebGpuExecutor) waits on `state` for each answer. Loaded by a small eval'd
 * bootstrap that calls `serve`: directly from dist/, through tsx's tsImport from src/.
 *
 * Protocol: one request at a time on `port`; each answer is posted on `port`, then state[0] is
 * set to REPLIED and notified (the main thread reads it with receiveMessageOnPort).
 */
import type { MessagePort } from 'node:worker_threads';
import { EventfuseError } from '../../errors.js';
import { runAsync } from './coroutine.js';
import { createWebGpuDevice } from './devices.js';
import { ProgramRunner } from './program-runner.js';
import { REPLIED, type WorkerReply, type WorkerRequest } from './webgpu-protocol.js';
import { loadWebGPU, type GpuValue } from './gpu-loader.js';

export function serve(port: MessagePort, state: Int32Array): void {
  let runner: ProgramRunner<GpuValue> | null = null;
  let queue: Promise<void> = Promise.resolve();

  const reply = (answer: WorkerReply, transfer: ArrayBuffer[] = []): void => {
    port.postMessage(answer, transfer);
    Atomics.store(state, 0, REPLIED);
    Atomics.notify(state, 0);
  };

  const handle = async (request: WorkerRequest): Promise<void> => {
    try {
      const value = await dispatch(request);
      reply({ ok: true, value }, transferables(value));
    } catch (e) {
      const error =
        e instanceof Error
          ? { name: e instanceof EventfuseError ? e.name : 'Error', message: e.message, stack: e.stack }
          : { name: 'Error', message: String(e) };
      reply({ ok: false, error });
    }
  };

  const ready = async (): Promise<ProgramRunner<GpuValue>> => {
    if (runner === null) {
      const { gpuJs, limits } = await loadWebGPU();
      runner = new ProgramRunner(await createWebGpuDevice(gpuJs, limits));
    }
    return runner;
  };

  const dispatch = async (request: WorkerRequest): Promise<unknown> => {
    const r = await ready();
    switch (request.op) {
      case 'init':
        return { kernelClass: r.device.kernelClass };
      case 'load':
        return runAsync(r.load(request.program));
      case 'call':
        return runAsync(r.call(request.handle, request.call));
      case 'steps':
        return runAsync(r.steps(request.handle, request.steps));
      case 'unload':
        r.unload(request.handle);
        return null;
    }
  };

  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(() => handle(request));
  });
}

/** The result arrays' buffers, moved (not copied) to the main thread. */
function transferables(value: unknown): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (v: unknown): void => {
    if (v instanceof Float32Array) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (typeof v === 'object' && v !== null) {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return [...buffers];
}
