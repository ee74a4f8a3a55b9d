/**
 * ef.compile: trace a simulation step once into a graph, compile it on the current
 * backend, and run it for many steps with every buffer allocated up front (state is
 * double-buffered, so each step reads the old state and writes the new one in place).
 */
import type { Executable, Program } from '../backends/backend.js';
import { getBackend, realize } from '../backends/registry.js';
import { InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { LazyArray } from './array.js';
import { fromTyped } from './create.js';
import { allocate, type TypedArray } from './dtype.js';
import { hoistConstants } from './hoist.js';
import { freshInputUid, intern, topoSort, type Node } from './node.js';
import { showShape, sizeOf } from './shape.js';
import { Unit } from '../units/unit.js';

export type ArrayRecord = Readonly<Record<string, LazyArray>>;
/** A step returns the next state, or `{ state, record }` to also record per-step values. */
export type StepResult = ArrayRecord | { readonly state: ArrayRecord; readonly record?: ArrayRecord };
/** `t` is the step index, an int32 scalar. */
export type StepFn = (state: ArrayRecord, inputs: ArrayRecord, t: LazyArray) => StepResult;

/** Per-step input: an array stacked over steps, shape [steps, ...shape]; step t reads row t. */
export type StepInput = LazyArray;

export interface RunOptions {
  readonly steps: number;
  readonly inputs?: Readonly<Record<string, StepInput>>;
  /** Called every `progressEvery` steps (default: every 1% of the run) and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

export interface RunResult {
  readonly state: Record<string, LazyArray>;
  /** Each recorded value stacked over steps: shape [steps, ...shape]. */
  readonly records: Record<string, LazyArray>;
}

interface Signature {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly unit: Unit;
}

interface Traced {
  readonly key: string;
  readonly stateKeys: readonly string[];
  readonly inputKeys: readonly string[];
  readonly recordKeys: readonly string[];
  readonly stateSigs: readonly Signature[];
  readonly inputSigs: readonly Signature[];
  readonly recordNodes: readonly Node[];
  readonly executable: Executable;
  readonly backend: string;
  /** State slots updated in place: their input and output share one buffer. */
  readonly inPlace: ReadonlySet<number>;
}

/**
 * State slots whose next value is an event-driven weight update (or a chain of them) of
 * their own current value can share one buffer (the update then touches only the entries of
 * active neurons). Safe when nothing computed from the first update also reads the old value,
 * and the old value is not itself an output (kernels order the other readers of the old
 * value before the update).
 */
function inPlaceSlots(inputs: readonly Node[], outputs: readonly Node[], stateCount: number): Set<number> {
  const slots = new Set<number>();
  const order = topoSort(outputs);
  for (let k = 0; k < stateCount; k++) {
    const next = outputs[k]!;
    const old = inputs[k]!;
    // The first update of a chain onPost(onPre(old)) (backends give a chain one buffer).
    let first = next;
    while (first.op === 'plasticityUpdate' && first.src[0]!.op === 'plasticityUpdate') first = first.src[0]!;
    if (first.op !== 'plasticityUpdate' || first.src[0] !== old || outputs.includes(old)) continue;
    const later = new Set<Node>([first]);
    for (const n of order) if (n.src.some((s) => later.has(s))) later.add(n);
    const clash = order.some((n) => n !== first && later.has(n) && n.src.includes(old));
    if (!clash && !outputs.some((o, j) => j !== k && o === next)) slots.add(k);
  }
  return slots;
}

const sig = (x: LazyArray): Signature => ({ shape: x.shape, dtype: x.dtype, unit: x.unit });
const sigText = (s: Signature): string => `${showShape(s.shape)} ${s.dtype} ${s.unit.toString()}`;

function checkRecord(what: string, r: unknown): ArrayRecord {
  if (typeof r !== 'object' || r === null || r instanceof LazyArray) {
    throw new InvalidArgumentError(`${what} must be an object of named arrays, got ${r instanceof LazyArray ? 'a single array' : String(r)}`);
  }
  for (const [k, v] of Object.entries(r)) {
    if (!(v instanceof LazyArray)) throw new InvalidArgumentError(`${what}.${k} must be a LazyArray, got ${typeof v}`);
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

function inputLeaf(name: string, s: Signature): LazyArray {
  return new LazyArray(intern('input', s.dtype as Node['dtype'], s.shape, s.unit, [], { kind: 'input', name, uid: freshInputUid() }));
}

export class Runner {
  private traced: Traced | undefined;

  constructor(private readonly step: StepFn) {}

  /** Trace the step for this state (and per-step input) signature and compile it. */
  private trace(state: ArrayRecord, inputSigs: Readonly<Record<string, Signature>>): Traced {
    const stateKeys = Object.keys(state).sort();
    const inputKeys = Object.keys(inputSigs).sort();
    const stateSigs = stateKeys.map((k) => sig(state[k]!));
    const key = [getBackend().name, ...stateKeys.map((k, i) => `${k}:${sigText(stateSigs[i]!)}`), '|', ...inputKeys.map((k) => `${k}:${sigText(inputSigs[k]!)}`)].join(';');
    if (this.traced?.key === key) return this.traced;

    const stateIn = Object.fromEntries(stateKeys.map((k, i) => [k, inputLeaf(`state.${k}`, stateSigs[i]!)]));
    const inputsIn = Object.fromEntries(inputKeys.map((k) => [k, inputLeaf(`inputs.${k}`, inputSigs[k]!)]));
    const t = inputLeaf('t', { shape: [], dtype: 'int32', unit: Unit.dimensionless });
    const { state: next, record } = splitResult(this.step(stateIn, inputsIn, t));

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
    const outputs = hoistConstants([...stateKeys.map((k) => next[k]!.node), ...recordKeys.map((k) => record[k]!.node)], realize);
    const program: Program = {
      inputs: [...stateKeys.map((k) => stateIn[k]!.node), ...inputKeys.map((k) => inputsIn[k]!.node), t.node],
      outputs,
    };
    this.traced = {
      key, stateKeys, inputKeys, recordKeys, stateSigs,
      inputSigs: inputKeys.map((k) => inputSigs[k]!),
      recordNodes: outputs.slice(stateKeys.length),
      executable: getBackend().compile(program),
      backend: getBackend().name,
      inPlace: inPlaceSlots(program.inputs, program.outputs, stateKeys.length),
    };
    return this.traced;
  }

  /** Trace and compile for this initial state without running (errors surface here). */
  prepare(initState: ArrayRecord, inputs: RunOptions['inputs'] = {}): this {
    this.trace(checkRecord('the initial state', initState), inputSignatures(inputs));
    return this;
  }

  explain(): string {
    if (!this.traced) throw new InvalidArgumentError('explain: this runner has not been traced yet; call runner.prepare(initState) or run it first');
    const inPlace = [...this.traced.inPlace].map((i) => this.traced!.stateKeys[i]!);
    const note = inPlace.length ? `\nstate updated in place (one buffer, no copy): ${inPlace.join(', ')}` : '';
    return `compiled step on backend '${this.traced.backend}'${note}\n${this.traced.executable.explain()}`;
  }

  async run(initState: ArrayRecord, options: RunOptions): Promise<RunResult> {
    const steps = options.steps;
    if (!Number.isInteger(steps) || steps < 0) throw new InvalidArgumentError(`run: steps must be a non-negative integer, got ${steps}`);
    const inputs = options.inputs ?? {};
    const tr = this.trace(checkRecord('the initial state', initState), inputSignatures(inputs));

    // All buffers up front: two per state variable, one per input, record and step counter.
    const current = realize(tr.stateKeys.map((k) => initState[k]!.node)).map((v) => v.slice());
    const other = current.map((v, i) => (tr.inPlace.has(i) ? v : allocate(tr.stateSigs[i]!.dtype as Node['dtype'], v.length)));
    const inputBufs = tr.inputSigs.map((s) => allocate(s.dtype as Node['dtype'], sizeOf(s.shape)));
    const feeders = tr.inputKeys.map((k, i) => feeder(k, inputs[k]!, inputBufs[i]!, steps));
    const recordBufs = tr.recordNodes.map((n) => allocate(n.dtype, n.size));
    const recordAll = tr.recordNodes.map((n) => allocate(n.dtype, n.size * steps));
    const t = new Int32Array(1);
    const argsA = { inputs: [...current, ...inputBufs, t], outputs: [...other, ...recordBufs] };
    const argsB = { inputs: [...other, ...inputBufs, t], outputs: [...current, ...recordBufs] };

    const every = Math.max(1, options.progressEvery ?? Math.ceil(steps / 100));
    if (tr.executable.runSteps) return this.runOnDevice(tr, current, inputs, steps, every, options);
    let final: TypedArray[] = current;
    for (let s = 0; s < steps; s++) {
      t[0] = s;
      for (let i = 0; i < feeders.length; i++) feeders[i]!(s);
      const args = s % 2 === 0 ? argsA : argsB;
      tr.executable.run(args.inputs, args.outputs);
      for (let r = 0; r < recordBufs.length; r++) recordAll[r]!.set(recordBufs[r]!, s * recordBufs[r]!.length);
      final = s % 2 === 0 ? other : current;
      if ((s + 1) % every === 0 && s + 1 < steps) {
        options.onProgress?.(s + 1, steps);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    options.onProgress?.(steps, steps);
    const state = Object.fromEntries(tr.stateKeys.map((k, i) => [k, fromTyped(final[i]!.slice(), tr.stateSigs[i]!.shape, tr.stateSigs[i]!.unit)]));
    const records = Object.fromEntries(tr.recordKeys.map((k, i) => [k, fromTyped(recordAll[i]!, [steps, ...tr.recordNodes[i]!.shape], tr.recordNodes[i]!.unit)]));
    return { state, records };
  }
  /**
   * Runs on a backend that keeps state where it computes (gpujs): whole chunks of steps per
   * call, reading back only records and, at the end of each chunk, the state. Chunks exist
   * only for progress reports.
   */
  private async runOnDevice(tr: Traced, initial: TypedArray[], inputs: NonNullable<RunOptions['inputs']>, steps: number, every: number, options: RunOptions): Promise<RunResult> {
    const stacked = tr.inputKeys.map((k, i) => stackedInput(k, inputs[k]!, steps, sizeOf(tr.inputSigs[i]!.shape)));
    const recordAll = tr.recordNodes.map((n) => allocate(n.dtype, n.size * steps));
    const chunk = options.onProgress ? every : Math.max(steps, 1);
    let state: readonly TypedArray[] = initial;
    for (let s0 = 0; s0 < steps; s0 += chunk) {
      const n = Math.min(chunk, steps - s0);
      const t = Int32Array.from({ length: n }, (_, j) => s0 + j);
      const res = tr.executable.runSteps!({
        steps: n,
        stateCount: tr.stateKeys.length,
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
    const records = Object.fromEntries(tr.recordKeys.map((k, i) => [k, fromTyped(recordAll[i]!, [steps, ...tr.recordNodes[i]!.shape], tr.recordNodes[i]!.unit)]));
    return { state: stateOut, records };
  }
}

/** All steps of a stacked input, checked to cover `steps`. */
function stackedInput(name: string, input: StepInput, steps: number, size: number): TypedArray {
  if (input.shape[0]! < steps) {
    throw new ShapeMismatchError(`run: input '${name}' has ${input.shape[0]} steps; expected at least ${steps}`);
  }
  return realize([input.node])[0]!.subarray(0, steps * size);
}

function inputSignatures(inputs: RunOptions['inputs']): Record<string, Signature> {
  return Object.fromEntries(Object.entries(inputs ?? {}).map(([k, v]) => {
    if (v instanceof LazyArray) {
      if (v.ndim < 1) throw new ShapeMismatchError(`run: input '${k}' must be stacked over steps (shape [steps, ...]), got a scalar`);
      return [k, { shape: v.shape.slice(1), dtype: v.dtype, unit: v.unit }];
    }
    throw new InvalidArgumentError(`run: input '${k}' must be a LazyArray stacked over steps; got ${typeof v}`);
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
export function compile(step: StepFn): Runner {
  if (typeof step !== 'function') throw new InvalidArgumentError(`compile: expected a step function, got ${typeof step}`);
  return new Runner(step);
}
