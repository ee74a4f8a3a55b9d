/**
 * Compiled WebAssembly modules, cached by kernel structure (one compile per distinct kernel,
 * for every memory), and their instances, one per memory and module. Every kernel module
 * imports the backend's shared memory and the math functions of scalar.ts.
 */
import type { Extern } from './js-stages.js';
import { FunctionBuilder, ModuleBuilder } from './encoder.js';
import type { Arena } from './memory.js';
import { MATH_FUNCTIONS, MATH_IMPORTS, MATH_TYPES } from './scalar.js';

/** The math imports as a JavaScript expression, for worker threads (the very same functions). */
export const MATH_SOURCE = `{ ${MATH_IMPORTS.map((name) => {
  const fn = MATH_FUNCTIONS[name];
  return `${name}: ${(Math as unknown as Record<string, unknown>)[name] === fn ? `Math.${name}` : String(fn)}`;
}).join(', ')} }`;

const MAX_PAGES = 65536;
const modules = new Map<string, WebAssembly.Module>();
/** A kernel function instantiated over one memory, and its module (for worker threads). */
export interface Instantiated {
  readonly run: Extern;
  readonly module: WebAssembly.Module;
}

const instances = new WeakMap<Arena, Map<string, Instantiated>>();
const stats = { compiled: 0, instantiated: 0 };

/** How many modules were compiled and instantiated in this process (for tests). */
export const wasmModuleStats = (): Readonly<typeof stats> => ({ ...stats });

/** A module of one exported function `run`, whose body `render` builds. */
export function compileModule(render: () => FunctionBuilder): WebAssembly.Module {
  const m = new ModuleBuilder();
  m.importMemory({ module: 'env', name: 'memory', initial: 1, maximum: MAX_PAGES, shared: true });
  for (const name of MATH_IMPORTS) m.importFunction('math', name, MATH_TYPES[name]);
  m.addFunction(render(), 'run');
  stats.compiled++;
  return new WebAssembly.Module(m.toBytes());
}

/** The function `run` of the module keyed `key`, instantiated over the arena's memory. */
export function instantiate(arena: Arena, key: string, render: () => FunctionBuilder): Instantiated {
  let byKey = instances.get(arena);
  if (!byKey) instances.set(arena, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  let module = modules.get(key);
  if (!module) modules.set(key, (module = compileModule(render)));
  const instance = new WebAssembly.Instance(module, { env: { memory: arena.memory }, math: { ...MATH_FUNCTIONS } });
  stats.instantiated++;
  const made = { run: instance.exports['run'] as Extern, module };
  byKey.set(key, made);
  return made;
}
