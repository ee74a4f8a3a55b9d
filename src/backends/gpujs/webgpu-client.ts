/**
 * The 'webgpu' executor's main-thread side: gpu.js WebGPU calls are async-only, so programs
 * run in a worker thread (webgpu-worker.ts) and this thread waits for each answer synchronously
 * (SharedArrayBuffer + Atomics.wait + receiveMessageOnPort), which keeps the executor
 * synchronous like the other modes. Starts the worker, posts requests, rebuilds its errors.
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
import type { DeviceCall, DeviceExecutor, DeviceProgram, DeviceSteps, DeviceStepsResult } from './program.js';
import { EXITED, REPLIED, type WorkerReply, type WorkerRequest } from './webgpu-protocol.js';

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

export class WebGpuExecutor implements DeviceExecutor {
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
