/**
 * The slice of the WebAssembly JavaScript API the encoder tests use, typed here because the
 * project's TS setup (lib ES2022, @types/node 20) declares no `WebAssembly` global; and one
 * helper that validates a module's bytes before instantiating it, so every module a test
 * builds is also a check that WebAssembly.validate accepts what the encoder emits.
 */
import * as assert from 'uvu/assert';
import { FunctionBuilder, ModuleBuilder, type ValType } from '../../src/backends/wasm/encoder.js';

export interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer }
export interface WasmGlobal { value: number }
/** Import modules: plain objects of functions / memories (or a namespace object such as Math). */
type Imports = Readonly<Record<string, object>>;

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: Imports) => { readonly exports: Readonly<Record<string, unknown>> };
  readonly Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A wasm export called from JS: numbers in and out (i64 as bigint). */
export type WasmFn = (...args: (number | bigint)[]) => number;
export type WasmFn64 = (...args: (number | bigint)[]) => bigint;

export interface Instance {
  fn(name: string): WasmFn;
  fn64(name: string): WasmFn64;
  global(name: string): WasmGlobal;
}

/** Validate (asserting acceptance), then instantiate. */
export function instantiate(bytes: Uint8Array, imports: Imports = {}): Instance {
  assert.ok(wasm.validate(bytes), 'WebAssembly.validate rejected the module the encoder built');
  const { exports } = new wasm.Instance(new wasm.Module(bytes), imports);
  const get = (name: string): unknown => {
    assert.ok(name in exports, `no export ${name}`);
    return exports[name];
  };
  return {
    fn: (name) => get(name) as WasmFn,
    fn64: (name) => get(name) as WasmFn64,
    global: (name) => get(name) as WasmGlobal,
  };
}

/**
 * One exported function `f` over an imported memory env.mem (64 KiB, optionally shared):
 * `body` fills it in. Returns the call and the memory.
 */
export function withMemory(
  params: readonly ValType[], results: readonly ValType[], body: (f: FunctionBuilder) => void, shared = false,
): { f: WasmFn; memory: WasmMemory } {
  const memory = new wasm.Memory(shared ? { initial: 1, maximum: 1, shared: true } : { initial: 1 });
  const m = new ModuleBuilder().importMemory({ module: 'env', name: 'mem', initial: 1, ...(shared ? { maximum: 1, shared } : {}) });
  const f = new FunctionBuilder({ params, results });
  body(f);
  m.addFunction(f, 'f');
  return { f: instantiate(m.toBytes(), { env: { mem: memory } }).fn('f'), memory };
}
