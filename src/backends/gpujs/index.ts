/**
 * The gpujs backend: plans a graph with the fusion pass (without compaction lists: a GPU
 * thread cannot append to a shared list without atomics), lowers every stored value,
 * reduction and product to a gpu.js kernel (one thread per output element, elementwise
 * chains inlined) and runs the resulting device program with an executor for the chosen
 * mode ('webgl', 'webgpu' or gpu.js's own 'cpu' mode). Compiled runners keep their state
 * on the device between steps and read back only records and the final state.
 */
import { allocate, type DType, type TypedArray } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import { isLeafNode, storageOf } from '../../ir/traits.js';
import { planGraph } from '../../fusion/plan.js';
import type { Plan } from '../../fusion/kernel.js';
import { explainPlan } from '../../fusion/explain.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Backend, Executable, KnownValues, Program, StepsRequest, StepsResult } from '../backend.js';
import { registerBackend } from '../registry.js';
import { EXACT_INT, type LowerContext } from './builder.js';
import { lowerLoop } from './loops.js';
import { GPUJS_LOWERINGS, lowerProduct } from './stages.js';
import { floatLiteral } from './source.js';
import { createExecutor } from './executor.js';
import type { DeviceExecutor, DeviceKernel, DeviceProgram, DeviceSlot, GpuMode } from './program.js';

const MODES: readonly GpuMode[] = ['webgl', 'webgpu', 'cpu'];

/** Host ↔ device traffic since the process started (what tests check "reads back only what is asked" by). */
const traffic = { calls: 0, stepRuns: 0, valuesRead: 0 };
export const gpujsTraffic = (): Readonly<typeof traffic> => ({ ...traffic });
const countRead = (arrays: readonly Float32Array[]): void => {
  for (const a of arrays) traffic.valuesRead += a.length;
};

/** Host-derived constants (other views, entry maps), keyed by node ids; bounded. */
const derivedCache = new Map<string, Float32Array>();
function derivedData(key: string, make: () => Float32Array): Float32Array {
  let data = derivedCache.get(key);
  if (!data) {
    data = make();
    if (derivedCache.size >= 64) derivedCache.delete(derivedCache.keys().next().value!);
    derivedCache.set(key, data);
  }
  return data;
}

/** Float32 subnormals are below this: GPUs hold them as 0, and so do all gpujs modes. */
const TINY = 2 ** -126;
/** The float32 a device holds for `v`. */
const held = (v: number): number => (Math.abs(v) < TINY ? 0 : Math.fround(v));

/** Values uploaded as float32: integers and bools must stay exact there; subnormals become 0. */
function toDevice(n: Node, data: ArrayLike<number>): Float32Array {
  if (n.dtype === 'int32') {
    for (let i = 0; i < data.length; i++) {
      if (Math.abs(data[i]!) > EXACT_INT) {
        throw new InvalidArgumentError(`gpujs: int32 value ${data[i]} at position ${i} is beyond 2^24 (16777216), where float32 integers stop being exact; use the cpu backend`);
      }
    }
  }
  // As GPUs do, the device holds float32 subnormals as 0 (gpu.js's JS mode too, so modes agree).
  const out = data instanceof Float32Array ? data : Float32Array.from(data);
  for (let i = 0; i < out.length; i++) {
    if (out[i] !== 0 && Math.abs(out[i]!) < TINY) return out.map(held);
  }
  return out;
}

/** Float32 device values into a typed array of `dtype`. */
function fromDevice(dtype: DType, values: Float32Array, out?: TypedArray): TypedArray {
  const target = out ?? allocate(dtype, values.length);
  if (dtype === 'int32') for (let i = 0; i < values.length; i++) target[i] = Math.round(values[i]!);
  else if (dtype === 'bool') for (let i = 0; i < values.length; i++) target[i] = values[i] !== 0 ? 1 : 0;
  else target.set(values);
  return target;
}

interface Lowered {
  readonly program: DeviceProgram;
  readonly slotOf: ReadonlyMap<Node, number>;
}

/**
 * Lower a plan to a device program. `bound(n)` says whether a leaf is bound per call (program
 * inputs); other leaves and `known` values become constant slots.
 */
function lowerPlan(mode: GpuMode, plan: Plan, known: KnownValues, bound: (n: Node) => boolean, ensure: readonly Node[] = []): Lowered {
  const slots: DeviceSlot[] = [];
  const slotOf = new Map<Node, number>();
  const derivedSlots = new Map<string, { slot: number; data: Float32Array }>();
  const kernels: DeviceKernel[] = [];
  // A literal is the float32 the device would hold (subnormals flushed, as GPUs do), so the
  // same value gives the same result inlined or read from a slot, in every mode.
  const literal = (n: Node): string | undefined => {
    const v = n.scalarValue;
    if (v === undefined || bound(n)) return undefined;
    const h = held(v);
    return Number.isFinite(h) ? floatLiteral(h) : undefined;
  };
  // A view (reshape) is its operand's slot: every slot is flat, row-major.
  const slot = (view: Node): number => {
    const n = storageOf(view);
    let s = slotOf.get(n);
    if (s !== undefined) return s;
    const value = bound(n) ? undefined : known(n) ?? (n.arg?.kind === 'const' ? n.arg.data : n.arg?.kind === 'scalar' ? [n.arg.value] : undefined);
    s = slots.push(value ? { length: n.size, init: toDevice(n, value) } : { length: n.size }) - 1;
    slotOf.set(n, s);
    return s;
  };
  const ctx: LowerContext = {
    integerXor: mode !== 'webgl',
    roundToFloat32: mode === 'cpu',
    // 16 storage buffers per WebGPU kernel: the output, up to two helper tables, the reads
    ...(mode === 'webgpu' ? { maxReads: 12 } : {}),
    slot,
    literal,
    hostValue: (view) => {
      const n = storageOf(view);
      return bound(n) ? undefined : known(n) ?? (n.arg?.kind === 'const' ? n.arg.data : undefined);
    },
    derived: (key, make) => {
      let d = derivedSlots.get(key);
      if (!d) {
        const data = derivedData(key, make);
        d = { slot: slots.push({ length: data.length, init: data }) - 1, data };
        derivedSlots.set(key, d);
      }
      return d;
    },
    scratch: (length) => slots.push({ length }) - 1,
    emit: (k) => {
      if (slots[k.target]!.length > 0) kernels.push(k);
    },
  };
  for (const kernel of plan.kernels) {
    for (const stage of kernel.stages) {
      if (stage.kind === 'loop') lowerLoop(ctx, stage);
      else lowerProduct(ctx, stage);
    }
  }
  for (const r of [...plan.roots, ...ensure]) slot(r);
  return { program: { slots, kernels }, slotOf };
}

function describe(plan: Plan, program: DeviceProgram, executor: DeviceExecutor): string {
  const kernels = program.kernels.map((k, i) => `// device kernel ${i}: ${k.note}\n// writes slot ${k.target} (${program.slots[k.target]!.length} threads), reads slots [${k.args.join(', ')}]\n${k.source}`);
  return `${explainPlan(plan, [])}\n(the plan's product walks are the cpu backend's; on gpujs every product is a gather, as each device kernel says)\ngpujs mode '${executor.mode}' (${executor.kernelClass}): ${program.kernels.length} device kernels, one thread per output element\n${kernels.join('\n')}`;
}

export function createGpujsBackend(options: Readonly<Record<string, unknown>>): Backend {
  const mode = (options['mode'] ?? 'webgl') as GpuMode;
  if (!MODES.includes(mode)) {
    throw new InvalidArgumentError(`gpujs: unknown mode '${String(options['mode'])}': expected one of ${MODES.join(', ')}`);
  }
  const executor = createExecutor(mode);
  const plan = (roots: readonly Node[], isLeaf: (n: Node) => boolean): Plan => planGraph(roots, isLeaf, { compactEvents: false, accumulate: false });

  return {
    name: 'gpujs',
    lowerings: GPUJS_LOWERINGS,
    // Every value is float32 on the device: float64 is computed in float32, int32 exact below 2^24.
    capabilities: { dtypes: ['float32', 'int32', 'bool'], fusion: true, float32Tolerance: 2e-5, float64Sums: false, eventLists: false },

    realize(roots: readonly Node[], known: KnownValues): TypedArray[] {
      const isLeaf = (n: Node): boolean => isLeafNode(n) || known(n) !== undefined;
      const computed = roots.filter((r) => !isLeaf(r));
      const values = new Map<Node, TypedArray>();
      if (computed.length) {
        const p = plan(computed, isLeaf);
        const { program, slotOf } = lowerPlan(mode, p, known, () => false);
        const handle = executor.load(program);
        try {
          const read = computed.map((r) => slotOf.get(r)!);
          const out = executor.call(handle, { inputs: [], read });
          traffic.calls++;
          countRead(out);
          computed.forEach((r, i) => values.set(r, fromDevice(r.dtype, out[i]!)));
        } finally {
          executor.unload(handle);
        }
      }
      return roots.map((r) => {
        const v = values.get(r) ?? known(r) ?? (r.arg?.kind === 'const' ? r.arg.data : undefined);
        if (v) return v;
        const t = allocate(r.dtype, 1);
        t[0] = r.scalarValue!;
        return t;
      });
    },

    compile(program: Program): Executable {
      const p = plan(program.outputs, isLeafNode);
      const inputs = new Set(program.inputs);
      const lowered = lowerPlan(mode, p, () => undefined, (n) => inputs.has(n), program.inputs);
      const { slotOf } = lowered;
      const handle = executor.load(lowered.program);
      const slotFor = (n: Node): number => slotOf.get(storageOf(n))!;
      const bind = (values: readonly TypedArray[]): { slot: number; data: Float32Array }[] =>
        program.inputs.map((n, i) => ({ slot: slotFor(n), data: toDevice(n, values[i]!) }));
      const outputSlots = program.outputs.map(slotFor);
      return {
        plan: p,
        run(values, outputs) {
          const out = executor.call(handle, { inputs: bind(values), read: outputSlots });
          traffic.calls++;
          countRead(out);
          program.outputs.forEach((n, i) => fromDevice(n.dtype, out[i]!, outputs[i]));
        },
        runSteps(request: StepsRequest): StepsResult {
          const { steps, stateCount } = request;
          const stateNodes = program.inputs.slice(0, stateCount);
          const stepped = program.inputs.slice(stateCount);
          const res = executor.steps(handle, {
            steps,
            // State no kernel reads still has a slot here, so it carries through unchanged.
            initial: stateNodes.map((n, i) => ({ slot: slotFor(n), data: toDevice(n, request.initial[i]!) })),
            stepped: stepped.map((n, k) => ({ slot: slotFor(n), data: toDevice(n, request.stacked[k]!.subarray(0, steps * n.size)) })),
            carry: stateNodes.map((n, i) => ({ from: outputSlots[i]!, to: slotFor(n) })),
            record: outputSlots.slice(stateCount),
            final: stateNodes.map(slotFor),
          });
          traffic.stepRuns++;
          countRead([...res.records, ...res.final]);
          return {
            final: stateNodes.map((n, i) => fromDevice(n.dtype, res.final[i]!)),
            records: program.outputs.slice(stateCount).map((n, i) => fromDevice(n.dtype, res.records[i]!)),
          };
        },
        explain: () => describe(p, lowered.program, executor),
      };
    },

    explain(roots: readonly Node[]): string {
      const p = plan(roots, isLeafNode);
      return describe(p, lowerPlan(mode, p, () => undefined, () => false).program, executor);
    },
  };
}

registerBackend('gpujs', createGpujsBackend);
