/**
 * The WebAssembly JavaScript API as Node.js 20 has it: the TypeScript libs this project
 * compiles with (ES2022 + @types/node) do not declare it (lib.dom does). Only what the wasm
 * backend uses.
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  type ExportValue = ((...args: number[]) => number | undefined) | Memory | Global;
  type Exports = Record<string, ExportValue>;
  type ImportValue = ((...args: number[]) => number) | Memory | Global | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  class Global {
    constructor(descriptor: { value: 'i32' | 'f32' | 'f64'; mutable?: boolean }, v?: number);
    value: number;
  }
  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
