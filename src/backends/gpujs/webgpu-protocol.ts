/**
 * The WebGPU worker protocol, shared by both ends: the requests the main thread
 * (webgpu-client.ts) posts, the worker's (webgpu-worker.ts) answers, and the values of the
 * shared state word each side sets.
 */
import type { DeviceCall, DeviceProgram, DeviceSteps } from './program.js';

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
