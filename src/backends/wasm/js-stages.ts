/**
 * The one door from the wasm backend to the cpu backend: its plans, compiled-runner logic and
 * JavaScript renderer. The wasm backend is the cpu backend with its buffers in WebAssembly
 * memory and a NativeStage hook that renders as WebAssembly the stages its renderers cover;
 * every other stage runs as the cpu's JavaScript over views of that memory.
 */
export { createJsBackend } from '../cpu/index.js';
export { CPU_LOWERINGS } from '../cpu/stages.js';
export type { Extern, NativeStage } from '../cpu/codegen.js';
export type { EmitContext, StageSource } from '../cpu/emit.js';
