/**
 * A small WebAssembly binary encoder (core 2.0 + fixed-width SIMD + threads), written from the
 * spec, so kernels can be turned into modules at run time without a toolchain. This file is
 * the entry point (everything public is re-exported here) and holds ModuleBuilder; function
 * bodies are built by FunctionBuilder (function-builder.ts), opcodes live in opcodes.ts.
 */
import { EncoderError, VALTYPE, append, checkValType, unsignedLeb128, vec, type FuncType } from './binary.js';
import { FunctionBuilder } from './function-builder.js';

export { ATOMIC, MISC, OP, SIMD } from './opcodes.js';
export { EncoderError, signedLeb128, unsignedLeb128, type FuncType, type ValType } from './binary.js';
export { FunctionBuilder } from './function-builder.js';

export interface MemoryImport {
  readonly module: string; readonly name: string; readonly initial: number;
  readonly maximum?: number; readonly shared?: boolean;
}

const MAX_PAGES = 65536; // 4 GiB of 64 KiB pages: the most a 32-bit memory can declare

function limitCheck(v: number | undefined, what: string): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_PAGES)) {
    throw new EncoderError(`importMemory: ${what} ${v} is not a page count in 0..${MAX_PAGES}`);
  }
}

const utf8 = new TextEncoder();
const encName = (s: string): number[] => {
  const b = utf8.encode(s);
  return append(unsignedLeb128(b.length), b);
};

/** Collects imports, functions and globals; encodes them as one module. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly funcImports: { module: string; name: string; type: number }[] = [];
  private memory: MemoryImport | undefined;
  private readonly funcs: { body: FunctionBuilder; type: number; exportName: string | undefined }[] = [];
  private readonly globals: { type: 'i32' | 'f64' | 'f32'; mutable: boolean; init: number }[] = [];
  private readonly exports = new Map<string, [kind: number, index: number]>();

  /** Import a memory (only one); shared requires maximum. */
  importMemory(m: MemoryImport): this {
    if (this.memory !== undefined) throw new EncoderError(`importMemory(${m.module}.${m.name}): a memory is already imported (only one)`);
    limitCheck(m.initial, 'initial');
    limitCheck(m.maximum, 'maximum');
    if (m.maximum !== undefined && m.maximum < m.initial) throw new EncoderError(`importMemory: maximum ${m.maximum} < initial ${m.initial}`);
    if (m.shared === true && m.maximum === undefined) throw new EncoderError(`importMemory(${m.module}.${m.name}): shared memory needs a maximum`);
    this.memory = { ...m };
    return this;
  }

  /** Import a function; returns its function index. All imports come before any addFunction. */
  importFunction(module: string, name: string, type: FuncType): number {
    if (this.funcs.length > 0) {
      throw new EncoderError(`importFunction(${module}.${name}): imports must come before addFunction (${this.funcs.length} function(s) already added)`);
    }
    this.funcImports.push({ module, name, type: this.typeOf(type, `importFunction(${module}.${name})`) });
    return this.funcImports.length - 1;
  }

  /** Add a defined function; returns its function index (imports count first). */
  addFunction(body: FunctionBuilder, exportName?: string): number {
    const index = this.funcImports.length + this.funcs.length;
    this.funcs.push({ body, type: this.typeOf(body.type, `addFunction(${index})`), exportName });
    if (exportName !== undefined) this.export(exportName, 0x00, index);
    return index;
  }

  /** A global with a constant initial value; returns its index. */
  addGlobal(type: 'i32' | 'f64' | 'f32', mutable: boolean, init: number, exportName?: string): number {
    if (type !== 'i32' && type !== 'f32' && type !== 'f64') throw new EncoderError(`addGlobal: type ${String(type)} is not i32, f32 or f64`);
    if (typeof init !== 'number') throw new EncoderError(`addGlobal(${type}): init ${String(init)} is not a number`);
    const index = this.globals.length;
    this.globals.push({ type, mutable, init });
    if (exportName !== undefined) this.export(exportName, 0x03, index);
    return index;
  }

  /** Magic, version, then the type/import/function/global/export/code sections that are not empty. */
  toBytes(): Uint8Array {
    const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, items: readonly (readonly number[])[]): void => {
      if (items.length === 0) return;
      const body = vec(items);
      append(append(out, [id, ...unsignedLeb128(body.length)]), body);
    };
    const funcCount = this.funcImports.length + this.funcs.length;
    const bodies = this.funcs.map((f, k) => this.finishBody(f, this.funcImports.length + k, funcCount));
    section(1, this.types.map((t) => [0x60, ...vec(t.params.map((p) => [VALTYPE[p]])), ...vec(t.results.map((r) => [VALTYPE[r]]))]));
    const imports = this.funcImports.map((f) => [...encName(f.module), ...encName(f.name), 0x00, ...unsignedLeb128(f.type)]);
    const m = this.memory;
    if (m !== undefined) {
      const flags = m.shared === true ? 0x03 : m.maximum !== undefined ? 0x01 : 0x00;
      const max = m.maximum !== undefined ? unsignedLeb128(m.maximum) : [];
      imports.push([...encName(m.module), ...encName(m.name), 0x02, flags, ...unsignedLeb128(m.initial), ...max]);
    }
    section(2, imports);
    section(3, this.funcs.map((f) => unsignedLeb128(f.type)));
    section(6, this.globals.map((g) => {
      const init = new FunctionBuilder({ params: [], results: [] });
      if (g.type === 'i32') init.i32Const(g.init);
      else if (g.type === 'f32') init.f32Const(g.init);
      else init.f64Const(g.init);
      // finish() starts with the empty locals vector (0x00); a constant expression has none.
      return [VALTYPE[g.type], g.mutable ? 0x01 : 0x00, ...init.finish().subarray(1)];
    }));
    section(7, [...this.exports].map(([n, [kind, index]]) => [...encName(n), kind, ...unsignedLeb128(index)]));
    section(10, bodies.map((b) => append(unsignedLeb128(b.length), b)));
    return Uint8Array.from(out);
  }

  private typeOf(t: FuncType, where: string): number {
    for (const v of [...t.params, ...t.results]) checkValType(v, where);
    const key = `${t.params.join(',')}->${t.results.join(',')}`;
    let index = this.typeIndex.get(key);
    if (index === undefined) {
      index = this.types.push({ params: [...t.params], results: [...t.results] }) - 1;
      this.typeIndex.set(key, index);
    }
    return index;
  }

  private export(exportName: string, kind: number, index: number): void {
    if (this.exports.has(exportName)) throw new EncoderError(`export name "${exportName}" is used twice`);
    this.exports.set(exportName, [kind, index]);
  }

  /** The body's bytes, after checking what it uses against what the module has. */
  private finishBody(f: { body: FunctionBuilder; exportName: string | undefined }, index: number, funcCount: number): Uint8Array {
    const where = `function ${index}${f.exportName !== undefined ? ` ("${f.exportName}")` : ''}`;
    const { uses } = f.body;
    const fail = (what: string): never => { throw new EncoderError(`${where}: ${what}`); };
    if (uses.memory && this.memory === undefined) fail('uses memory, but the module imports none');
    if (uses.maxCall >= funcCount) fail(`calls function ${uses.maxCall}, but the module has ${funcCount}`);
    if (uses.maxGlobal >= this.globals.length) fail(`uses global ${uses.maxGlobal}, but the module has ${this.globals.length}`);
    for (const g of uses.globalSets) if (this.globals[g]?.mutable === false) fail(`sets global ${g}, which is immutable`);
    try {
      return f.body.finish();
    } catch (e) {
      if (e instanceof EncoderError) fail(e.message);
      throw e;
    }
  }
}
