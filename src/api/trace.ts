/**
 * ef.compile: trace a simulation step once into a graph, compile it on the current
 * backend, and run it for many steps. A runner keeps its buffers (a workspace) from run to
 * run: state the plan can update in place has one buffer, other state two (each step reads
 * one and writes the other), and the step is bound to those buffers once, so the steps
 * allocate nothing. Spike records are kept as index lists (src/api/records.ts).
 */
import type { Backend, BoundStep, Executable, Program } from '../backends/backend.js';
import type { Plan } from '../fusion/kernel.js';
import { backend as currentBackend, realize } from '../backends/registry.js';
import { describeValue } from '../describe.js';
import { EventfuseError, InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { BYTES, checkAllocation, checkBytes } from '../limits.js';
import { LazyArray } from './array.js';
import { checkInputs, checkRunOptions, type RunOptions, type StepInput } from './run-options.js';
import { fromTyped } from './create.js';
import { allocate, type TypedArray } from '../ir/dtype.js';
import { hoistConstants } from '../ir/hoist.js';
import { inPlaceUpdateSlots } from '../ir/inplace.js';
import { freshInputUid, intern, type Node } from '../ir/node.js';
import { build } from '../ir/build.js';
import { isEventList } from '../ir/traits.js';
import { denseCollector, eventListCollector, isEventRecord, stackedRecord, type RecordCollector } from './records.js';
import { showShape, sizeOf } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { flatten } from '../autodiff/args.js';
import { inputLeaf, paramNodesOf, type Signature } from './step-leaves.js';
import type { ArrayRecord, Traced, Workspace } from './step-types.js';
import { valueAndGradThroughTime, type BpttLoss, type BpttOptions, type BpttResult } from './bptt.js';

export type { ArrayRecord } from './step-types.js';
/** A step returns the next state, or `{ state, record }` to also record per-step values. */
export type StepResult = ArrayRecord | { readonly state: ArrayRecord; readonly record?: ArrayRecord };
/**
 * `t` is the step index, an int32 scalar. `params` are what `run` and `valueAndGrad` are given
 * as `params` (a LazyArray, a matrix with stored data, or a record of these), read by the step
 * as program inputs, so that they can change from run to run without a new trace and be
 * differentiated through time (src/api/bptt.ts). A step that needs none ignores it.
 */
export type StepFn<P = undefined> = (state: ArrayRecord, inputs: ArrayRecord, t: LazyArray, ...params: undefined extends P ? [params?: P] : [params: P]) => StepResult;

export type { StepInput, RunOptions } from './run-options.js';

export interface RunResult {
  readonly state: Record<string, LazyArray>;
  /** Each recorded value stacked over steps: shape [steps, ...shape]. */
  readonly records: Record<string, LazyArray>;
}



const sig = (x: LazyArray): Signature => ({ shape: x.shape, dtype: x.dtype, unit: x.unit });
const sigText = (s: Signature): string => `${showShape(s.shape)} ${s.dtype} ${s.unit.toString()}`;

function checkRecord(what: string, r: unknown): ArrayRecord {
  if (typeof r !== 'object' || r === null || r instanceof LazyArray) {
    throw new InvalidArgumentError(`${what} must be an object of named arrays, got ${r instanceof LazyArray ? 'a single array' : describeValue(r)}`);
  }
  for (const [k, v] of Object.entries(r)) {
    if (!(v instanceof LazyArray)) throw new InvalidArgumentError(`${what}.${k} must be a LazyArray, got ${describeValue(v)}`);
  }
  return r as ArrayRecord;
}

function splitResult(result: StepResult): { state: ArrayRecord; record: ArrayRecord } {
  const keys = Object.keys(result ?? {});
  // `{ state, record }` unless 'state' is itself a state variable (an array).
  const structured = keys.includes('state') && keys.every((k) => k === 'state' || k === 'record') && !((result as { state: unknown }).state instanceof LazyArray);
  if (structured) {
    const r = result as { state: ArrayRecord; record?: ArrayRecord };
    return { state: checkRecord('the returned state', r.state), record: checkRecord('the returned record', r.record ?? {}) };
  }
  return { state: checkRecord('the returned state', result), record: {} };
}

/**
 * The record a step receives. Reading a name it does not hold gives `undefined`, as for any
 * object (so `if (state.lo)` stays an optional read), but is remembered in `missing`: if the
 * trace then fails, the error says which name was missing and where it should have come from.
 */
function watchedRecord(r: Record<string, LazyArray>, what: string, from: string, missing: string[]): ArrayRecord {
  return new Proxy(r, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        const given = Object.keys(target);
        missing.push(`the step read ${what} '${key}', but ${from} no ${what} '${key}' (given: ${given.length ? given.join(', ') : 'none'})`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
}


export class Runner<P = undefined> {
  /** @internal */
  traced: Traced | undefined;
  /** Workspaces of the current trace not in use (a run that starts while another runs gets its own). */
  private pool: Workspace[] = [];

  constructor(private readonly step: StepFn<P>) {}

  /** @internal The trace for this initial state, inputs and params (traced and compiled when new). */
  traceFor(op: string, initState: unknown, inputs: RunOptions['inputs'], params: unknown): Traced {
    return this.trace(checkRecord(`${op}: the initial state`, initState), inputSignatures(inputs, op), params);
  }

  /** Trace the step for this state, per-step input and params signature and compile it. */
  private trace(state: ArrayRecord, inputSigs: Readonly<Record<string, Signature>>, params: unknown): Traced {
    const stateKeys = Object.keys(state).sort();
    const inputKeys = Object.keys(inputSigs).sort();
    const stateSigs = stateKeys.map((k) => sig(state[k]!));
    const flat = params === undefined ? undefined : flatten(params, 'params', 'compile');
    const paramLeaves = flat?.leaves ?? [];
    const paramSigs = paramLeaves.map((l) => sig(l.array));
    const key = [
      currentBackend().name, ...stateKeys.map((k, i) => `${k}:${sigText(stateSigs[i]!)}`), '|', ...inputKeys.map((k) => `${k}:${sigText(inputSigs[k]!)}`),
      '|', paramsKey(params, paramLeaves.map((l) => l.path), paramSigs),
    ].join(';');
    if (this.traced?.key === key && this.traced.compiledBy === currentBackend()) return this.traced;

    const stateIn = Object.fromEntries(stateKeys.map((k, i) => [k, inputLeaf(`state.${k}`, stateSigs[i]!)]));
    const inputsIn = Object.fromEntries(inputKeys.map((k) => [k, inputLeaf(`inputs.${k}`, inputSigs[k]!)]));
    const paramsIn = paramLeaves.map((l, i) => inputLeaf(l.path, paramSigs[i]!));
    const t = inputLeaf('t', { shape: [], dtype: 'int32', unit: Unit.dimensionless });
    const missingReads: string[] = [];
    const stepParams = flat === undefined
      ? watchedRecord({}, 'param', 'run() was given', missingReads)
      : watchParams(flat.rebuild(paramsIn), missingReads);
    let result: { state: ArrayRecord; record: ArrayRecord };
    try {
      result = splitResult((this.step as (s: ArrayRecord, i: ArrayRecord, t: LazyArray, p: unknown) => StepResult)(
        watchedRecord(stateIn, 'state', 'the initial state has', missingReads),
        watchedRecord(inputsIn, 'input', 'run() was given', missingReads),
        t,
        stepParams,
      ));
    } catch (e) {
      // With a name missing, the failure (even a TypeError on `undefined.mul`) is most likely its consequence.
      if (missingReads.length === 0) throw e;
      const failure = e instanceof Error ? `${e instanceof EventfuseError ? '' : `${e.name}: `}${e.message}` : describeValue(e);
      throw new InvalidArgumentError(`compile: ${[...new Set(missingReads)].join('; ')}; the step then failed: ${failure}`, { cause: e });
    }
    const { state: next, record } = result;

    const missing = stateKeys.filter((k) => !(k in next));
    const extra = Object.keys(next).filter((k) => !stateKeys.includes(k));
    if (missing.length || extra.length) {
      throw new InvalidArgumentError(`compile: the step must return the same state keys it receives; missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`);
    }
    stateKeys.forEach((k, i) => {
      const want = stateSigs[i]!;
      const got = sig(next[k]!);
      if (!want.unit.equals(got.unit)) {
        throw new UnitMismatchError(`compile: state '${k}' enters the step in ${want.unit.toString()} but leaves it in ${got.unit.toString()} (${got.unit.dimensionName()}); expected the same unit (use .to('${want.unit.toString()}'))`);
      }
      if (want.dtype !== got.dtype || showShape(want.shape) !== showShape(got.shape)) {
        throw new ShapeMismatchError(`compile: state '${k}' enters the step as ${sigText(want)} but leaves it as ${sigText(got)}; expected the same shape and dtype`);
      }
    });
    const recordKeys = Object.keys(record).sort();
    const nextNodes = stateKeys.map((k) => next[k]!.node);
    const rawRecords = recordKeys.map((k) => record[k]!.node);
    const hoisted = hoistConstants([...nextNodes, ...rawRecords], realize);
    const recordNodes = hoisted.slice(stateKeys.length);
    const backend = currentBackend();
    const recordOutputs = recordNodes.map((n) => (backend.capabilities.eventLists && isEventRecord(n) ? build('compactEvents', [n]) : n));
    // Params are state the step hands on unchanged (one buffer: the slot is updated in place).
    const paramNodes = paramsIn.map((p) => p.node);
    const program: Program = {
      inputs: [...stateKeys.map((k) => stateIn[k]!.node), ...paramNodes, ...inputKeys.map((k) => inputsIn[k]!.node), t.node],
      outputs: [...hoisted.slice(0, stateKeys.length), ...paramNodes, ...recordOutputs],
      stateCount: stateKeys.length + paramNodes.length,
    };
    const executable = backend.compile(program);
    this.traced = {
      key, stateKeys, inputKeys, recordKeys, stateSigs,
      paramPaths: paramLeaves.map((l) => l.path), paramSigs,
      graph: { state: stateKeys.map((k) => stateIn[k]!.node), params: paramNodes, inputs: inputKeys.map((k) => inputsIn[k]!.node), t: t.node, next: nextNodes, records: rawRecords },
      inputSigs: inputKeys.map((k) => inputSigs[k]!),
      recordNodes, recordOutputs, executable,
      backend: backend.name,
      compiledBy: backend,
      inPlace: executable.inPlace ?? inPlaceUpdateSlots(program.inputs, program.outputs, program.stateCount),
    };
    this.pool = [];
    return this.traced;
  }

  /**
   * Backpropagation through time: run `options.steps` steps from `initState`, evaluate
   * `loss(records, finalState, params)` (a 0-d float array) and give its gradient with respect
   * to `options.params` (what the step reads as its fourth argument) and to the initial state,
   * keeping every `checkpointEvery`-th state and recomputing the others (docs/gradients.md,
   * "Backpropagation through time").
   */
  valueAndGrad(loss: BpttLoss<P>, initState: ArrayRecord, options: BpttOptions<P>): Promise<BpttResult<P>> {
    return valueAndGradThroughTime(this, loss, initState, options);
  }

  /** Trace and compile for this initial state without running (errors surface here). */
  prepare(initState: ArrayRecord, inputs: RunOptions['inputs'] = {}, params?: P): this {
    checkInputs('prepare', inputs);
    this.trace(checkRecord('the initial state', initState), inputSignatures(inputs, 'prepare'), params);
    return this;
  }

  explain(): string {
    if (!this.traced) throw new InvalidArgumentError('explain: this runner has not been traced yet; call runner.prepare(initState) or run it first');
    const inPlace = [...this.traced.inPlace].filter((i) => i < this.traced!.stateKeys.length).map((i) => this.traced!.stateKeys[i]!);
    const note = inPlace.length ? `\nstate updated in place (one buffer, no copy): ${inPlace.join(', ')}` : '';
    const lists = this.traced.recordKeys.filter((_, i) => isEventList(this.traced!.recordOutputs[i]!) && !isEventList(this.traced!.recordNodes[i]!));
    const listNote = lists.length ? `\nrecorded as event lists (O(events) per step): ${lists.join(', ')}` : '';
    return `compiled step on backend '${this.traced.backend}'${note}${listNote}\n${this.traced.executable.explain()}`;
  }

  /** The fusion plan of the compiled step, on backends that fuse (undefined before tracing). */
  plan(): Plan | undefined {
    return this.traced?.executable.plan;
  }

  /** @internal A workspace for this trace (give it back with `release`). */
  workspace(tr: Traced): Workspace {
    const reuse = this.pool.pop();
    if (reuse) return reuse;
    const slots = [...tr.stateSigs, ...tr.paramSigs];
    const ex = tr.executable;
    // Buffers where the backend's kernels read them directly (wasm: its memory).
    const alloc = (dtype: Node['dtype'], size: number): TypedArray => (ex.allocate ? ex.allocate(dtype, size) : allocate(dtype, size));
    const state = slots.map((s) => alloc(s.dtype as Node['dtype'], sizeOf(s.shape)));
    const other = state.map((v, i) => (tr.inPlace.has(i) ? v : alloc(slots[i]!.dtype as Node['dtype'], v.length)));
    const inputs = tr.inputSigs.map((s) => alloc(s.dtype as Node['dtype'], sizeOf(s.shape)));
    const outs = tr.recordOutputs.map((n) => alloc(n.dtype, n.size));
    const t = alloc('int32', 1) as Int32Array;
    const bind = (from: TypedArray[], to: TypedArray[]): BoundStep => {
      const ins = [...from, ...inputs, t];
      const res = [...to, ...outs];
      return ex.bind ? ex.bind(ins, res) : () => ex.run(ins, res);
    };
    const even = bind(state, other);
    const odd = state.every((v, i) => v === other[i]) ? even : bind(other, state);
    const records = tr.recordOutputs.map((n, i) => (isEventList(n) && tr.recordNodes[i] !== n
      ? eventListCollector(tr.recordNodes[i]!, outs[i] as Int32Array)
      : denseCollector(tr.recordNodes[i]!, outs[i]!)));
    return { traced: tr, state, other, inputs, t, even, odd, records };
  }

  /** @internal */
  release(ws: Workspace): void {
    if (ws.traced === this.traced) this.pool.push(ws);
  }

  async run(initState: ArrayRecord, options: RunOptions): Promise<RunResult> {
    checkRunOptions(options);
    const steps = options.steps;
    const start = options.startStep ?? 0;
    const inputs = options.inputs ?? {};
    const tr = this.trace(checkRecord('the initial state', initState), inputSignatures(inputs), options.params);
    checkRecordSizes(tr, steps);
    const initial = realize([...tr.stateKeys.map((k) => initState[k]!.node), ...paramNodesOf(options.params)]);
    const every = Math.max(1, options.progressEvery ?? Math.ceil(steps / 100));
    if (tr.executable.runSteps) return this.runOnDevice(tr, initial.map((v) => v.slice()), inputs, steps, every, options);

    const ws = this.workspace(tr);
    try {
      initial.forEach((v, i) => ws.state[i]!.set(v));
      const feeders = tr.inputKeys.map((k, i) => feeder(k, inputs[k]!, ws.inputs[i]!, steps));
      const { t, even, odd, records } = ws;
      for (const r of records) r.begin(steps);
      for (let s = 0; s < steps; s++) {
        t[0] = start + s;
        for (let i = 0; i < feeders.length; i++) feeders[i]!(s);
        if ((s & 1) === 0) even();
        else odd();
        for (let r = 0; r < records.length; r++) records[r]!.collect(s);
        if ((s + 1) % every === 0 && s + 1 < steps) {
          options.onProgress?.(s + 1, steps);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      options.onProgress?.(steps, steps);
      const final = steps % 2 === 1 ? ws.other : ws.state;
      const state = Object.fromEntries(tr.stateKeys.map((k, i) => [k, fromTyped(final[i]!.slice(), tr.stateSigs[i]!.shape, tr.stateSigs[i]!.unit)]));
      return { state, records: Object.fromEntries(tr.recordKeys.map((k, i) => [k, records[i]!.finish(steps)])) };
    } finally {
      this.release(ws);
    }
  }
  /**
   * Runs on a backend that keeps state where it computes (gpujs): whole chunks of steps per
   * call, reading back only records and, at the end of each chunk, the state. Chunks exist
   * only for progress reports.
   */
  private async runOnDevice(tr: Traced, initial: TypedArray[], inputs: NonNullable<RunOptions['inputs']>, steps: number, every: number, options: RunOptions): Promise<RunResult> {
    const stacked = tr.inputKeys.map((k, i) => stackedInput(k, inputs[k]!, steps, sizeOf(tr.inputSigs[i]!.shape)));
    const recordAll = tr.recordOutputs.map((n) => allocate(n.dtype, n.size * steps));
    const chunk = options.onProgress ? every : Math.max(steps, 1);
    let state: readonly TypedArray[] = initial;
    for (let s0 = 0; s0 < steps; s0 += chunk) {
      const n = Math.min(chunk, steps - s0);
      const t = Int32Array.from({ length: n }, (_, j) => (options.startStep ?? 0) + s0 + j);
      const res = tr.executable.runSteps!({
        steps: n,
        stateCount: tr.stateKeys.length + tr.paramSigs.length,
        initial: state,
        stacked: [...stacked.map((all, i) => all.subarray(s0 * sizeOf(tr.inputSigs[i]!.shape), (s0 + n) * sizeOf(tr.inputSigs[i]!.shape))), t],
      });
      state = res.final;
      res.records.forEach((r, k) => recordAll[k]!.set(r, s0 * tr.recordNodes[k]!.size));
      if (s0 + n < steps) {
        options.onProgress?.(s0 + n, steps);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    options.onProgress?.(steps, steps);
    const stateOut = Object.fromEntries(tr.stateKeys.map((k, i) => [k, fromTyped(state[i]!.slice(), tr.stateSigs[i]!.shape, tr.stateSigs[i]!.unit)]));
    const records = Object.fromEntries(tr.recordKeys.map((k, i) => [k, stackedRecord(tr.recordNodes[i]!, recordAll[i]!, steps)]));
    return { state: stateOut, records };
  }
}


/** Structure objects (a sparse matrix's indices) by identity: a trace bakes them in as constants. */
const structureIds = new WeakMap<object, number>();
let nextStructureId = 0;

/** What a trace depends on in `params`: each leaf's path and signature, and which structure each matrix has. */
function paramsKey(params: unknown, paths: readonly string[], sigs: readonly Signature[]): string {
  const structures: string[] = [];
  const walk = (x: unknown, path: string): void => {
    if (typeof x !== 'object' || x === null || x instanceof LazyArray) return;
    const st = (x as { structure?: unknown }).structure;
    if (typeof st === 'object' && st !== null) {
      let id = structureIds.get(st);
      if (id === undefined) structureIds.set(st, (id = nextStructureId++));
      structures.push(`${path}#${id}`);
    }
    if (Object.getPrototypeOf(x) === Object.prototype) for (const [k, v] of Object.entries(x)) walk(v, `${path}.${k}`);
    else structures.push(`${path}:${(x as object).constructor.name}`);
  };
  walk(params, 'params');
  return [...paths.map((p, i) => `${p}:${sigText(sigs[i]!)}`), ...structures].join(';');
}

/** Top-level params of a record, watched like the state (a read of a missing name is reported). */
function watchParams(params: unknown, missing: string[]): unknown {
  if (typeof params !== 'object' || params === null || Object.getPrototypeOf(params) !== Object.prototype) return params;
  return watchedRecord(params as Record<string, LazyArray>, 'param', 'the params have', missing);
}

/** Records stacked over `steps` must fit, before the run starts: checked per record and in total. */
function checkRecordSizes(tr: Traced, steps: number): void {
  let bytes = 0;
  tr.recordNodes.forEach((n, i) => {
    const what = `the record '${tr.recordKeys[i]}' over ${steps} steps`;
    // An event list holds at most every element of every step, plus one offset per step.
    const count = steps * n.size;
    checkAllocation('run', what, count, BYTES[n.dtype], 'run in chunks of fewer steps and keep what you need of each');
    bytes += isEventList(tr.recordOutputs[i]!) && tr.recordNodes[i] !== tr.recordOutputs[i] ? (steps + 1) * 4 : count * BYTES[n.dtype];
  });
  checkBytes('run', `the records over ${steps} steps`, bytes, 'run in chunks of fewer steps');
}

/** All steps of a stacked input, checked to cover `steps`. */
function stackedInput(name: string, input: StepInput, steps: number, size: number): TypedArray {
  if (input.shape[0]! < steps) {
    throw new ShapeMismatchError(`run: input '${name}' has ${input.shape[0]} steps; expected at least ${steps}`);
  }
  return realize([input.node])[0]!.subarray(0, steps * size);
}

function inputSignatures(inputs: RunOptions['inputs'], op = 'run'): Record<string, Signature> {
  return Object.fromEntries(Object.entries(inputs ?? {}).map(([k, v]) => {
    if (v instanceof LazyArray) {
      if (v.ndim < 1) throw new ShapeMismatchError(`${op}: input '${k}' must be stacked over steps (shape [steps, ...]), got a scalar`);
      return [k, { shape: v.shape.slice(1), dtype: v.dtype, unit: v.unit }];
    }
    throw new InvalidArgumentError(`${op}: input '${k}' must be a LazyArray stacked over steps; got ${describeValue(v)}`);
  }));
}

/** Copies step `s` of a stacked input into its buffer (a plain loop: no views allocated). */
function feeder(name: string, input: StepInput, buf: TypedArray, steps: number): (s: number) => void {
  const all = stackedInput(name, input, steps, buf.length);
  const n = buf.length;
  return (s) => {
    const off = s * n;
    for (let k = 0; k < n; k++) buf[k] = all[off + k]!;
  };
}

/** Trace `step` into a compiled runner (traced at `prepare` or at the first `run`). */
export function compile<P = undefined>(step: StepFn<P>): Runner<P> {
  if (typeof step !== 'function') throw new InvalidArgumentError(`compile: expected a step function, got ${describeValue(step)}`);
  return new Runner(step);
}
