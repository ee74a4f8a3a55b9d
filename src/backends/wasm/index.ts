/**
 * The wasm backend: the cpu backend's plans and JavaScript renderer, with every buffer in one
 * shared WebAssembly memory (memory.ts) and the stages its renderers cover rendered as
 * WebAssembly from the kernel IR (elementwise loops, random draws and argmax/argmin included:
 * render-loop.ts, random.ts, with SIMD where a loop allows; vector sparse products:
 * products.ts; JIT connectivity products: jitc.ts; plasticity and eligibility: plasticity.ts). Any
 * other stage runs as the cpu backend's JavaScript over views of the same memory; `explain`
 * says which each stage is. Large stages are split over worker threads (threads.ts,
 * dispatch.ts). Modules are compiled once per kernel structure and instantiated once per
 * memory and thread.
 */
import type { DType, TypedArray } from '../../ir/dtype.js';
import type { Backend, BoundStep, Executable, Program } from '../backend.js';
import { registerBackend } from '../registry.js';
import { createJsBackend } from './js-stages.js';
import { CPU_LOWERINGS } from './js-stages.js';
import type { NativeStage } from './js-stages.js';
import type { EmitContext, StageSource } from './js-stages.js';
import type { Stage } from '../../fusion/kernel.js';
import { buildLoop, loopKey } from '../../kernel/loop.js';
import { Arena } from './memory.js';
import { lanesOf, loopUnits, loopUnsupported, renderLoop, workspaceSize, type Precision } from './render-loop.js';
import { instantiate, MATH_SOURCE } from './modules.js';
import { createDispatch, type Dispatch } from './dispatch.js';
import { createPool, MAX_LISTS } from './threads.js';
import { MATH_IMPORTS } from './scalar.js';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../../errors.js';
import { describeValue } from '../../describe.js';
import { nativeProduct } from './products.js';
import { nativeJitProduct } from './jitc.js';
import { nativePlasticity } from './plasticity.js';

function nativeLoop(arena: Arena, dispatch: Dispatch, precision: Precision): NativeStage {
  return (ctx: EmitContext, stage: Stage): StageSource | undefined => {
    if (stage.kind !== 'loop') return undefined;
    const k = buildLoop(stage, ctx.isLiteral, (n) => (ctx.inWorkspace(n) ? 'float64' : n.dtype));
    if (loopUnsupported(k)) return undefined;
    const { units, perUnit } = loopUnits(k);
    const size = k.extents.reduce((a, b) => a * b, 1);
    // Reductions stay on one thread: split sums would add in another order.
    const threaded = dispatch.threaded(size, units, k.reductions.length === 0 && k.appends.length <= MAX_LISTS);
    const { lanes } = lanesOf(k, precision);
    const key = `loop:${threaded}:${precision}:${loopKey(k)}`;
    const made = instantiate(arena, key, () => renderLoop(k, threaded, precision));
    const args = [
      ...k.buffers.map((b) => `${ctx.buf(b.node)}.byteOffset`),
      ...k.reductions.filter((r) => r.strides.some((s) => s !== 0)).map((r) => `${ctx.workspace(workspaceSize(r))}.byteOffset`),
    ];
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units, align: k.extents.length === 1 ? lanes : 1, lists: k.appends.map((a) => a.buffer), perUnit, counted: true }, threaded);
    const how = lanes === 4 ? 'SIMD, 4 float32 lanes' : lanes === 2 ? 'SIMD, 2 lanes' : 'scalar';
    return { title: `elementwise loop in WebAssembly (${how}; ${k.extents.length} loop${k.extents.length === 1 ? '' : 's'} after merging dims)`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}

/** Arrays the caller passes that are not in the memory: shadows copied in before and out after. */
function shadowed(arena: Arena, inputs: readonly TypedArray[], outputs: readonly TypedArray[]) {
  const shadow = new Map<TypedArray, TypedArray>();
  const inMemory = (a: TypedArray): TypedArray => {
    if (arena.owns(a)) return a;
    let s = shadow.get(a);
    if (!s) shadow.set(a, (s = arena.allocate(dtypeOf(a), a.length)));
    return s;
  };
  const ins = inputs.map(inMemory);
  const outs = outputs.map(inMemory);
  const copyIn = inputs.flatMap((a, i) => (ins[i] !== a ? [[a, ins[i]!] as const] : []));
  const copyOut = outputs.flatMap((a, i) => (outs[i] !== a ? [[outs[i]!, a] as const] : []));
  return {
    ins, outs,
    before: (): void => copyIn.forEach(([from, to]) => to.set(from)),
    after: (): void => copyOut.forEach(([from, to]) => to.set(from)),
    release: (): void => shadow.forEach((s) => arena.dispose(s)),
  };
}

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** The options of `setBackend('wasm', options)`. */
export interface WasmOptions {
  /** Threads (the caller's and workers), default: this machine's cores. */
  readonly threads?: number;
  /** Elements of work below which a stage stays on the calling thread (default 16384). */
  readonly minWork?: number;
  /**
   * 'float64' (default): the cpu backend's numbers bit for bit (float32 values computed in
   * float64, rounded when stored). 'float32': float32 loops run four float32 lanes, each op
   * rounded to float32: faster, and within float32 rounding of the cpu's results.
   */
  readonly precision?: Precision;
}

function checkOptions(options: Readonly<Record<string, unknown>>): { threads: number; minWork: number; precision: Precision } {
  for (const key of Object.keys(options)) {
    if (key !== 'threads' && key !== 'minWork' && key !== 'precision') throw new InvalidArgumentError(`setBackend('wasm'): unknown option '${key}'; expected threads, minWork or precision`);
  }
  const precision = options['precision'] ?? 'float64';
  if (precision !== 'float64' && precision !== 'float32') {
    throw new InvalidArgumentError(`setBackend('wasm'): precision is ${describeValue(precision)}; expected 'float64' (the cpu's numbers, bit for bit) or 'float32' (four float32 lanes)`);
  }
  const threads = options['threads'] ?? availableParallelism();
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InvalidArgumentError(`setBackend('wasm'): threads is ${describeValue(threads)}; expected an integer from 1 to 256 (default: this machine's ${availableParallelism()} cores)`);
  }
  const minWork = options['minWork'] ?? 16384;
  if (typeof minWork !== 'number' || !Number.isInteger(minWork) || minWork < 1) {
    throw new InvalidArgumentError(`setBackend('wasm'): minWork is ${describeValue(minWork)}; expected a positive integer (elements of work below which a stage runs on one thread)`);
  }
  return { threads, minWork, precision };
}

export function createWasmBackend(options: Readonly<Record<string, unknown>> = {}): Backend {
  const { threads, minWork, precision } = checkOptions(options);
  const arena = new Arena();
  const pool = threads > 1 ? createPool(arena, threads, MATH_SOURCE, MATH_IMPORTS) : undefined;
  const dispatch = createDispatch(arena, pool, minWork);
  const loops = nativeLoop(arena, dispatch, precision);
  const products = nativeProduct(arena, dispatch);
  const jit = nativeJitProduct(arena, dispatch);
  const plasticity = nativePlasticity(arena, dispatch);
  const base = createJsBackend({
    name: 'wasm',
    lowerings: CPU_LOWERINGS,
    // the cpu's numerics exactly: float64 inside loops (scalar and f64x2 lanes), float64 sums
    capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], fusion: true, float32Tolerance: precision === 'float32' ? 2e-5 : 1e-5, float64Sums: true, eventLists: true, float32Arithmetic: precision },
    allocate: (dtype, size) => arena.allocate(dtype, size),
    constant: (dtype, data) => arena.constant(dtype, data),
    nativeStage: (ctx, stage, s) => loops(ctx, stage, s) ?? products(ctx, stage, s) ?? jit(ctx, stage, s) ?? plasticity(ctx, stage, s),
    afterRealize: (allocated) => allocated.forEach((a) => arena.dispose(a)),
  });
  return {
    ...base,
    compile(program: Program): Executable {
      const ex = base.compile(program);
      return {
        ...ex,
        run(inputs, outputs) {
          const sh = shadowed(arena, inputs, outputs);
          sh.before();
          ex.run(sh.ins, sh.outs);
          sh.after();
          sh.release();
        },
        bind(inputs, outputs): BoundStep {
          const sh = shadowed(arena, inputs, outputs);
          const step = ex.bind!(sh.ins, sh.outs);
          if (sh.ins.every((a, i) => a === inputs[i]) && sh.outs.every((a, i) => a === outputs[i])) return step;
          return () => {
            sh.before();
            step();
            sh.after();
          };
        },
        allocate: (dtype: DType, size: number) => arena.allocate(dtype, size),
      };
    },
  };
}

registerBackend('wasm', (options) => createWasmBackend(options));

