/**
 * The CPU backend: plans a graph with the fusion pass, lowers each kernel to JavaScript
 * (codegen.ts), compiles it once with `new Function` and caches it by its source, which
 * is a structural key. Compiled programs preallocate every buffer, so running them again
 * allocates nothing.
 *
 * A compiled runner binds its buffers once (`bind`): each kernel is then a closure whose
 * buffers are constants V8 can see, which compiles typed-array loops about twice as fast as
 * the same source reading them from parameters (../shared/perf/kernel-binding.mjs: 39 vs 19
 * µs per COBA step). Each binding gets source of its own (a numbered comment), so V8 does not
 * share, and deoptimize, one compiled function across bindings of different buffers.
 */
import { allocate, type TypedArray } from '../../ir/dtype.js';
import { topoSort, type Node } from '../../ir/node.js';
import { isLeafNode, isLiteral, storageOf, updatedOperand } from '../../ir/traits.js';
import { planGraph } from '../../fusion/plan.js';
import type { Plan } from '../../fusion/kernel.js';
import type { Backend, BoundStep, Executable, KnownValues, Program } from '../backend.js';
import { registerBackend } from '../registry.js';
import { generateKernel, type Extern, type KernelProgram, type NativeStage } from './codegen.js';
import type { BackendCapabilities } from '../backend.js';
import type { LoweringTable } from '../lowering.js';
import type { DType } from '../../ir/dtype.js';
import { CPU_LOWERINGS } from './stages.js';
import { explainPlan } from '../../fusion/explain.js';
import { inPlaceSlots } from '../../fusion/inplace.js';

type KernelFn = (B: TypedArray[], D: number[], W: Float64Array[], X: readonly Extern[]) => void;

const cache = new Map<string, KernelFn>();
const stats = { compiled: 0, hits: 0 };

/** How many kernels were compiled and how many builds found one in the cache. */
export const cpuCacheStats = (): Readonly<typeof stats> => ({ ...stats });

function compileSource(source: string): KernelFn {
  const hit = cache.get(source);
  if (hit) {
    stats.hits++;
    return hit;
  }
  stats.compiled++;
  const fn = new Function('B', 'D', 'W', 'X', `'use strict';\n${source}`) as KernelFn;
  cache.set(source, fn);
  return fn;
}

let bindings = 0;

/** The kernel as a closure over these very buffers (see the module comment). */
function bindKernel(program: KernelProgram, B: readonly TypedArray[], D: readonly number[], W: readonly Float64Array[]): BoundStep {
  const make = new Function('B', 'D', 'W', 'X', `'use strict';\n// binding ${bindings++}\n${program.header}\nreturn function kernel() {\n${program.run}\n};`);
  return make(B, D, W, program.externs) as BoundStep;
}


/** A kernel ready to call: its function and argument arrays, filled once and reused. */
interface BoundKernel {
  readonly fn: KernelFn;
  readonly program: KernelProgram;
  readonly B: TypedArray[];
  readonly D: number[];
  readonly W: Float64Array[];
}

function lowerWith(hooks: JsBackendHooks, plan: Plan, updates?: ReadonlyMap<Node, Node>): BoundKernel[] {
  return plan.kernels.map((k) => {
    const program = generateKernel(k, isLiteral, updates, hooks.nativeStage);
    return {
      fn: compileSource(program.source),
      program,
      B: new Array<TypedArray>(program.buffers.length),
      D: [...program.dims],
      W: program.workspace.map((n) => hooks.allocate('float64', n) as Float64Array),
    };
  });
}

/** The value of a leaf node (constant or scalar); inputs are bound by the caller. */
function leafValueOf(hooks: JsBackendHooks, n: Node): TypedArray | undefined {
  if (n.arg?.kind === 'const') return hooks.constant(n.dtype, n.arg.data);
  if (n.arg?.kind === 'scalar') {
    const t = hooks.allocate(n.dtype, 1);
    t[0] = n.arg.value;
    return t;
  }
  return undefined;
}

/**
 * Chained weight updates (onPost(onPre(W))) share one buffer: an update whose only reader
 * is the next update of the chain writes straight into that update's buffer, which then
 * updates it in place (no copy). Returns each such intermediate's owning node.
 */
function updateChainOwners(outputs: readonly Node[], isOutput: ReadonlyMap<Node, number>): Map<Node, Node> {
  const order = topoSort(outputs);
  const readers = new Map<Node, Node[]>(order.map((n) => [n, []]));
  for (const n of order) for (const s of new Set(n.src)) readers.get(s)!.push(n);
  const owner = new Map<Node, Node>();
  for (let k = order.length - 1; k >= 0; k--) {
    const u = order[k]!;
    const r = readers.get(u)!;
    if (updatedOperand(u) === undefined || isOutput.has(u) || r.length !== 1) continue;
    const v = r[0]!;
    if (updatedOperand(v) === u && v.src.filter((s) => s === u).length === 1 && v.dtype === u.dtype) owner.set(u, owner.get(v) ?? v);
  }
  return owner;
}

/**
 * What a backend built on this JavaScript renderer chooses: where its buffers live, and which
 * stages it lowers itself (the wasm backend: WebAssembly memory and kernels).
 */
export interface JsBackendHooks {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  readonly lowerings: LoweringTable;
  /** A zero-filled buffer. */
  readonly allocate: (dtype: DType, size: number) => TypedArray;
  /** The storage a constant's data is read from (its own array, or a copy where kernels can reach it). */
  readonly constant: (dtype: DType, data: TypedArray) => TypedArray;
  /** Stages the backend lowers itself (see NativeStage in codegen.ts). */
  readonly nativeStage?: NativeStage;
  /** Called after `realize` with the buffers it allocated (other than known values), roots included. */
  readonly afterRealize?: (allocated: readonly TypedArray[]) => void;
}

const plainHooks = {
  allocate,
  constant: (_: DType, data: TypedArray): TypedArray => data,
};

export function createCpuBackend(): Backend {
  return createJsBackend({
    name: 'cpu',
    lowerings: CPU_LOWERINGS,
    capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], fusion: true, float32Tolerance: 1e-5, float64Sums: true, eventLists: true },
    ...plainHooks,
  });
}

export function createJsBackend(hooks: JsBackendHooks): Backend {
  const lower = (plan: Plan, updates?: ReadonlyMap<Node, Node>): BoundKernel[] => lowerWith(hooks, plan, updates);
  const leafValue = (n: Node): TypedArray | undefined => leafValueOf(hooks, n);
  return {
    name: hooks.name,
    lowerings: hooks.lowerings,
    capabilities: hooks.capabilities,

    realize(roots: readonly Node[], known: KnownValues): TypedArray[] {
      const plan = planGraph(roots, (n) => isLeafNode(n) || known(n) !== undefined);
      const kernels = lower(plan);
      const values = new Map<Node, TypedArray>();
      const allocated: TypedArray[] = [];
      // Buffers the kernels bind, and the roots (scratch kept in kernel workspaces needs none).
      for (const node of new Set([...roots, ...kernels.flatMap((k) => k.program.buffers)])) {
        const given = known(node);
        const v = given === undefined ? leafValue(node) : hooks.constant(node.dtype, given);
        const buffer = v ?? hooks.allocate(node.dtype, node.size);
        if (v === undefined || node.arg?.kind === 'scalar') allocated.push(buffer);
        values.set(node, buffer);
      }
      for (const k of kernels) {
        k.program.buffers.forEach((n, i) => (k.B[i] = values.get(n)!));
        k.fn(k.B, k.D, k.W, k.program.externs);
      }
      const out = roots.map((r) => values.get(r)!);
      if (hooks.afterRealize) {
        const copies = out.map((a) => a.slice());
        hooks.afterRealize([...allocated, ...kernels.flatMap((k) => k.W)]);
        return copies;
      }
      return out;
    },

    compile(program: Program): Executable {
      // An output that is a view (reshape) is written as its operand, straight into the caller's buffer.
      const outputs = program.outputs.map(storageOf);
      const plan = planGraph(outputs, isLeafNode);
      const inPlace = inPlaceSlots(plan, program.inputs, outputs, program.stateCount);
      // Stores that would write back the unchanged value of a slot updated in place are skipped.
      const updates = new Map([...inPlace].map((k) => [outputs[k]!, program.inputs[k]!] as const));
      const kernels = lower(plan, updates);
      /** Slots updated in place but given two buffers: the output starts as a copy of the input. */
      const seedCopies = (inputs: readonly TypedArray[], outputs: readonly TypedArray[]): BoundStep[] =>
        [...inPlace].filter((k) => inputs[k] !== outputs[k]).map((k) => () => outputs[k]!.set(inputs[k]!));
      // Intermediate buffers live as long as the executable; inputs and outputs are bound per call.
      const inputSlot = new Map(program.inputs.map((n, i) => [n, i]));
      // Kernels write computed outputs straight into the caller's buffers; leaf outputs are copied after.
      const firstOutput = new Map<Node, number>();
      outputs.forEach((n, i) => isLeafNode(n) || firstOutput.has(n) || firstOutput.set(n, i));
      const owner = updateChainOwners(outputs, firstOutput);
      const fixed = new Map<Node, TypedArray>();
      for (const node of new Set(kernels.flatMap((k) => k.program.buffers).map((n) => owner.get(n) ?? n))) {
        if (inputSlot.has(node) || firstOutput.has(node)) continue;
        fixed.set(node, leafValue(node) ?? hooks.allocate(node.dtype, node.size));
      }
      const ownerOf = (n: Node): Node => owner.get(n) ?? n;
      for (const k of kernels) k.program.buffers.forEach((n, i) => fixed.has(ownerOf(n)) && (k.B[i] = fixed.get(ownerOf(n))!));
      const perCall = kernels.flatMap((k, kernel) =>
        k.program.buffers.flatMap((n, i) =>
          inputSlot.has(n) ? [{ kernel, i, input: inputSlot.get(n)!, output: -1 }]
          : firstOutput.has(ownerOf(n)) ? [{ kernel, i, input: -1, output: firstOutput.get(ownerOf(n))! }] : []),
      );
      // Outputs no kernel writes: a passed-through input, a constant, or a repeated node.
      type Copy = (inputs: readonly TypedArray[], outputs: readonly TypedArray[]) => void;
      const copies = outputs.flatMap((n, i): Copy[] => {
        const fromInput = inputSlot.get(n);
        if (fromInput !== undefined) return [(inputs, outputs) => outputs[i]!.set(inputs[fromInput]!)];
        const value = leafValue(n);
        if (value) return [(_, outputs) => outputs[i]!.set(value)];
        const first = firstOutput.get(n)!;
        return first !== i ? [(_, outputs) => outputs[i]!.set(outputs[first]!)] : [];
      });
      return {
        run(inputs, outputs) {
          for (const copy of seedCopies(inputs, outputs)) copy();
          for (const p of perCall) kernels[p.kernel]!.B[p.i] = p.input >= 0 ? inputs[p.input]! : outputs[p.output]!;
          for (const k of kernels) k.fn(k.B, k.D, k.W, k.program.externs);
          for (const copy of copies) copy(inputs, outputs);
        },
        bind(inputs, outputs): BoundStep {
          const Bs = kernels.map((k) => [...k.B]);
          for (const p of perCall) Bs[p.kernel]![p.i] = p.input >= 0 ? inputs[p.input]! : outputs[p.output]!;
          const fns = kernels.map((k, i) => bindKernel(k.program, Bs[i]!, k.D, k.W));
          const bound = copies.map((copy): BoundStep => () => copy(inputs, outputs));
          const all = [...seedCopies(inputs, outputs), ...fns, ...bound];
          if (all.length === 1) return all[0]!;
          return () => {
            for (let i = 0; i < all.length; i++) all[i]!();
          };
        },
        inPlace,
        plan,
        explain: () => explainPlan(plan, kernels.map((k) => k.program.source)),
      };
    },

    explain(roots: readonly Node[]): string {
      const plan = planGraph(roots, isLeafNode);
      return explainPlan(plan, lower(plan).map((k) => k.program.source));
    },
  };
}

registerBackend('cpu', () => createCpuBackend(), true);
