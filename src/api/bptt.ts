/**
 * runner.valueAndGrad: backpropagation through time of a scalar loss over a compiled runner's
 * steps, with checkpointing.
 *
 * Forward: the compiled step runs T steps from the initial state (records collected as in
 * `run`), and every k-th state (the state before steps 0, k, 2k, ...) is copied aside: ⌈T/k⌉
 * checkpoints. The loss is traced on placeholders of the records, the final state and the
 * params, and differentiated once (ef.grad's engine): the cotangents of every record row and
 * of the final state. Backward: for each segment, last first, the states before each of its
 * steps are recomputed from its checkpoint (k − 1 steps), then its steps are walked back with
 * the step's VJP, compiled once per trace as a program of its own: inputs the state before the
 * step, the params, the step's inputs and t, the cotangents of the next state and of the
 * step's record; outputs the cotangent of the state before the step and the params' gradient
 * accumulated so far (both carried from step to step like a runner's state). At most ⌈T/k⌉
 * checkpoints and k states of one segment are held: O(T/k · state + k · state) memory, for
 * about T extra forward steps (the recomputation) and T backward steps.
 *
 * Units: the VJP program is compiled for a dimensionless loss (cotangents in 1/unit(x)): the
 * numbers are those of any loss unit, so one program serves every loss, and the results are
 * labelled unit(L)/unit(x) at the end.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, NotDifferentiableError, ShapeMismatchError } from '../errors.js';
import { backward } from '../autodiff/backward.js';
import { flatten } from '../autodiff/args.js';
import { placeholder, substitute } from '../autodiff/substitute.js';
import type { BoundStep, Executable, Program } from '../backends/backend.js';
import { realize } from '../backends/registry.js';
import { allocate, isFloat, type TypedArray } from '../ir/dtype.js';
import { build } from '../ir/build.js';
import { hoistConstants } from '../ir/hoist.js';
import { inPlaceUpdateSlots } from '../ir/inplace.js';
import { scalarNode } from '../ir/leaves.js';
import { topoSort, type Node } from '../ir/node.js';
import { showShape, sizeOf } from '../ir/shape.js';
import { optionsObject } from '../options.js';
import { Unit } from '../units/unit.js';
import { LazyArray } from './array.js';
import { fromTyped } from './create.js';
import { checkInputs, type StepInput } from './run-options.js';
import type { ArrayRecord, Traced, Workspace } from './step-types.js';
import type { RunOptions } from './run-options.js';

/** What BPTT needs of a runner (src/api/trace.ts): its trace for these arguments, and workspaces. */
export interface BpttHost {
  traceFor(op: string, initState: unknown, inputs: RunOptions['inputs'], params: unknown): Traced;
  workspace(tr: Traced): Workspace;
  release(ws: Workspace): void;
}
import { inputLeaf, paramNodesOf } from './step-leaves.js';
import { MAX_ELEMENTS } from '../limits.js';

/** The loss: a 0-d float array of the records (stacked over steps), the final state and the params. */
export type BpttLoss<P> = (records: Record<string, LazyArray>, finalState: Record<string, LazyArray>, params: P) => LazyArray;

export interface BpttOptions<P> {
  readonly steps: number;
  /** What the step reads as its fourth argument and what is differentiated (required). */
  readonly params: P;
  readonly inputs?: Readonly<Record<string, StepInput>>;
  /** t of the first step (default 0), as in `run`. */
  readonly startStep?: number;
  /**
   * k: keep the state before every k-th step and recompute the others, segment by segment,
   * on the way back. 1 keeps every state (no recomputation); T keeps only the initial state
   * (T − 1 recomputed steps, k states held during the backward walk). Default ⌈√T⌉, which
   * holds about 2√T states.
   */
  readonly checkpointEvery?: number;
}

/** What the forward and backward passes did (memory is counted in whole states). */
export interface BpttStats {
  readonly steps: number;
  readonly checkpointEvery: number;
  /** Checkpoints stored by the forward pass (⌈T/k⌉, the initial state included). */
  readonly checkpoints: number;
  /** The most state copies held at once: checkpoints plus one segment's recomputed states. */
  readonly peakStates: number;
  /** Forward steps run again on the way back (T − ⌈T/k⌉: each segment's first state is its checkpoint). */
  readonly recomputedSteps: number;
  /** Steps of the compiled VJP program run (T). */
  readonly backwardSteps: number;
}

export interface BpttResult<P> {
  /** The loss, 0-d, in its unit. */
  readonly value: LazyArray;
  /** ∂L/∂params: the params' kind (array, matrix with the gradient as its data, record), each in unit(L)/unit(param). */
  readonly grad: P;
  /** ∂L/∂(initial state), in unit(L)/unit(state) (float32 for bool and int32 state). */
  readonly stateGrad: Record<string, LazyArray>;
  /** The run's final state and records, as `run` gives them. */
  readonly state: Record<string, LazyArray>;
  readonly records: Record<string, LazyArray>;
  readonly stats: BpttStats;
}

const OP = 'valueAndGrad';

/** The compiled VJP of one step: its program and the nodes it was built from. */
interface StepVjp {
  readonly executable: Executable;
  readonly inPlace: ReadonlySet<number>;
  /** Float dtypes of the carried slots: state cotangents, then param accumulators. */
  readonly slotDTypes: readonly Node['dtype'][];
  readonly recordCtDTypes: readonly Node['dtype'][];
}

const vjps = new WeakMap<Traced, StepVjp>();

function checkOptions(options: unknown): { steps: number; start: number; k: number; inputs: Readonly<Record<string, StepInput>> } {
  const o = optionsObject(OP, options, ['steps', 'params', 'inputs', 'startStep', 'checkpointEvery'], '{ steps, params, inputs?, startStep?, checkpointEvery? }');
  const steps = o['steps'];
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 1) throw new InvalidArgumentError(`${OP}: steps must be a positive integer, got ${describeValue(steps)}`);
  const start = o['startStep'] ?? 0;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0 || start + steps > MAX_ELEMENTS + 1) {
    throw new InvalidArgumentError(`${OP}: startStep must be a non-negative integer with startStep + steps ≤ 2^31 (t is int32), got ${describeValue(start)}`);
  }
  if (!('params' in o) || o['params'] === undefined) {
    throw new InvalidArgumentError(`${OP}: params are required: the arrays (or record of arrays, or matrices) the step reads as its fourth argument, (state, inputs, t, params) => ..., and which are differentiated`);
  }
  const kRaw = o['checkpointEvery'] ?? Math.ceil(Math.sqrt(steps));
  if (typeof kRaw !== 'number' || !Number.isInteger(kRaw) || kRaw < 1) {
    throw new InvalidArgumentError(`${OP}: checkpointEvery must be a positive integer k (keep every k-th state; 1 keeps them all), got ${describeValue(kRaw)}`);
  }
  checkInputs(OP, o['inputs']);
  return { steps, start, k: Math.min(kRaw, steps), inputs: (o['inputs'] ?? {}) as Readonly<Record<string, StepInput>> };
}

/** Rethrow a refusal from the engine so that it says it happened differentiating the step. */
function inStep<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof NotDifferentiableError) {
      throw new NotDifferentiableError(`${OP}: the ${what} cannot be differentiated through time: ${e.message}`, { cause: e });
    }
    throw e;
  }
}

/** Build (once per trace) and compile the step's VJP program. */
function stepVjp(tr: Traced, compileOn: (p: Program) => Executable): StepVjp {
  const have = vjps.get(tr);
  if (have) return have;
  const g = tr.graph;
  const one = Unit.dimensionless;
  // Cotangents of bool and int32 values (spikes behind a surrogate) in the widest float of the step.
  const wide: Node['dtype'] = [...g.state, ...g.params].some((n) => n.dtype === 'float64') ? 'float64' : 'float32';
  const ctType = (d: Node['dtype']): Node['dtype'] => (isFloat(d) ? d : wide);
  const ctNext = g.next.map((n, i) => inputLeaf(`ct.state.${tr.stateKeys[i]}`, { shape: n.shape, dtype: ctType(n.dtype), unit: one.div(n.unit) }).node);
  const ctRec = g.records.map((n, i) => inputLeaf(`ct.record.${tr.recordKeys[i]}`, { shape: n.shape, dtype: ctType(n.dtype), unit: one.div(n.unit) }).node);
  const acc = g.params.map((n, i) => inputLeaf(`grad.${tr.paramPaths[i]}`, { shape: n.shape, dtype: ctType(n.dtype), unit: one.div(n.unit) }).node);
  const outs = inStep('step', () => backward([...g.next, ...g.records], [...ctNext, ...ctRec], [...g.state, ...g.params]));
  const as = (x: Node, like: Node): Node => (x.dtype === like.dtype ? x : build('cast', [x], { kind: 'cast', dtype: like.dtype }));
  const ctPrev = outs.slice(0, g.state.length).map((c, i) => as(c, ctNext[i]!));
  const accNext = outs.slice(g.state.length).map((d, i) => as(build('add', [acc[i]!, d]), acc[i]!));
  const outputs = hoistConstants([...ctPrev, ...accNext], realize);
  const program: Program = {
    inputs: [...ctNext, ...acc, ...g.state, ...g.params, ...g.inputs, g.t, ...ctRec],
    outputs,
    stateCount: ctNext.length + acc.length,
  };
  const executable = compileOn(program);
  const made: StepVjp = {
    executable,
    inPlace: executable.inPlace ?? inPlaceUpdateSlots(program.inputs, program.outputs, program.stateCount),
    slotDTypes: [...ctNext, ...acc].map((n) => n.dtype),
    recordCtDTypes: ctRec.map((n) => n.dtype),
  };
  vjps.set(tr, made);
  return made;
}

/** A param leaf that neither the step nor the loss reads would get a gradient of 0 without saying why. */
function checkParamsRead(tr: Traced, lossOut: Node, lossParams: readonly Node[]): void {
  const stepReads = new Set(topoSort([...tr.graph.next, ...tr.graph.records]));
  const lossReads = new Set(topoSort([lossOut]));
  const unread = tr.paramPaths.filter((_, i) => !stepReads.has(tr.graph.params[i]!) && !lossReads.has(lossParams[i]!));
  if (unread.length) {
    throw new InvalidArgumentError(`${OP}: ${unread.join(', ')} ${unread.length === 1 ? 'is' : 'are'} read neither by the step nor by the loss, so the gradient would be 0; read params through the step's fourth argument (state, inputs, t, params) rather than capturing arrays in a closure (captured arrays are constants)`);
  }
}

/** Copies of typed arrays (one state). */
const copyOf = (xs: readonly TypedArray[], n: number): TypedArray[] => xs.slice(0, n).map((x) => x.slice());

export async function valueAndGradThroughTime<P>(runner: BpttHost, loss: BpttLoss<P>, initState: ArrayRecord, options: BpttOptions<P>): Promise<BpttResult<P>> {
  if (typeof loss !== 'function') throw new InvalidArgumentError(`${OP}: expected a loss function (records, finalState, params) => 0-d array, got ${describeValue(loss)}`);
  const { steps: T, start, k, inputs } = checkOptions(options);
  const params = options.params;
  const tr = runner.traceFor(OP, initState, inputs, params);
  const nS = tr.stateKeys.length, nP = tr.paramSigs.length;
  const paramNodes = paramNodesOf(params);
  const paramValues = realize(paramNodes);
  const initial = realize(tr.stateKeys.map((key) => initState[key]!.node));
  const stacked = tr.inputKeys.map((key, i) => {
    const x = inputs[key]!;
    if (x.shape[0]! < T) throw new ShapeMismatchError(`${OP}: input '${key}' has ${x.shape[0]} steps; expected at least ${T}`);
    return realize([x.node])[0]!.subarray(0, T * sizeOf(tr.inputSigs[i]!.shape));
  });

  const ws: Workspace = runner.workspace(tr);
  let peak = 0;
  try {
    // ---- the forward stepper: state (then params) in ws.state before a step; parity says where it is after
    let parity = 0;
    const load = (state: readonly TypedArray[]): void => {
      state.forEach((v, i) => ws.state[i]!.set(v));
      paramValues.forEach((v, i) => ws.state[nS + i]!.set(v));
      parity = 0;
    };
    const current = (): TypedArray[] => (parity ? ws.other : ws.state);
    const forward = (s: number): void => {
      ws.t[0] = start + s;
      ws.inputs.forEach((buf, i) => buf.set(stacked[i]!.subarray(s * buf.length, (s + 1) * buf.length)));
      (parity ? ws.odd : ws.even)();
      parity ^= 1;
    };

    // ---- forward pass: records of every step, the state before every k-th step
    const checkpoints: TypedArray[][] = [];
    load(initial);
    for (const r of ws.records) r.begin(T);
    for (let s = 0; s < T; s++) {
      if (s % k === 0) checkpoints.push(copyOf(current(), nS));
      forward(s);
      for (let r = 0; r < ws.records.length; r++) ws.records[r]!.collect(s);
    }
    const nCheckpoints = checkpoints.length;
    peak = nCheckpoints;
    const finalValues = copyOf(current(), nS);
    const state = Object.fromEntries(tr.stateKeys.map((key, i) => [key, fromTyped(finalValues[i]!, tr.stateSigs[i]!.shape, tr.stateSigs[i]!.unit)]));
    const records = Object.fromEntries(tr.recordKeys.map((key, i) => [key, ws.records[i]!.finish(T)]));

    // ---- the loss and its cotangents (records, final state, params)
    const recPh = tr.recordKeys.map((key) => placeholder(records[key]!.node, `records.${key}`));
    const finPh = tr.stateKeys.map((key) => placeholder(state[key]!.node, `finalState.${key}`));
    const flat = flatten(params, 'params', OP);
    const parPh = flat.leaves.map((l) => placeholder(l.array.node, l.path));
    const L = loss(
      Object.fromEntries(tr.recordKeys.map((key, i) => [key, new LazyArray(recPh[i]!)])),
      Object.fromEntries(tr.stateKeys.map((key, i) => [key, new LazyArray(finPh[i]!)])),
      flat.rebuild(parPh.map((p) => new LazyArray(p))) as P,
    );
    if (!(L instanceof LazyArray)) throw new InvalidArgumentError(`${OP}: the loss must return a LazyArray, got ${describeValue(L)}`);
    if (L.ndim !== 0) throw new ShapeMismatchError(`${OP}: the loss must return a 0-d (scalar) array, got shape ${showShape(L.shape)} (${L.dtype}); reduce it (sum, mean)`);
    if (!isFloat(L.dtype)) throw new NotDifferentiableError(`${OP}: the loss must return a float32 or float64 scalar, got a ${L.dtype} one (cast it with astype('float32'))`);
    checkParamsRead(tr, L.node, parPh);
    const lossGrads = inStep('loss', () => backward([L.node], [scalarNode(1, Unit.dimensionless, L.dtype, true)], [...recPh, ...finPh, ...parPh]));
    const by = new Map<number, Node>();
    [...recPh, ...finPh, ...parPh].forEach((ph, i) => {
      if (ph.arg?.kind === 'input') by.set(ph.arg.uid, [...tr.recordKeys.map((key) => records[key]!.node), ...tr.stateKeys.map((key) => state[key]!.node), ...paramNodes][i]!);
    });
    const [value, ...ctValues] = realize(substitute([L.node, ...lossGrads], by));
    const lossUnit = L.unit;
    const ctRecords = ctValues.slice(0, recPh.length);
    const ctFinal = ctValues.slice(recPh.length, recPh.length + nS);
    const ctParams = ctValues.slice(recPh.length + nS);

    // ---- backward: the step's VJP, carried slots [ct of the state..., params' gradient...]
    const vjp = stepVjp(tr, (p) => tr.compiledBy.compile(p));
    const slots = vjp.slotDTypes.map((d, i) => allocate(d, i < nS ? sizeOf(tr.stateSigs[i]!.shape) : sizeOf(tr.paramSigs[i - nS]!.shape)));
    const others = slots.map((v, i) => (vjp.inPlace.has(i) ? v : allocate(vjp.slotDTypes[i]!, v.length)));
    const fwdState = tr.stateSigs.map((s) => allocate(s.dtype as Node['dtype'], sizeOf(s.shape)));
    const paramBufs = paramValues.map((v) => v.slice());
    const ctRecBufs = vjp.recordCtDTypes.map((d, i) => allocate(d, tr.recordNodes[i]!.size));
    const bindVjp = (from: TypedArray[], to: TypedArray[]): BoundStep => {
      const ins = [...from, ...fwdState, ...paramBufs, ...ws.inputs, ws.t, ...ctRecBufs];
      const ex = vjp.executable;
      return ex.bind ? ex.bind(ins, to) : () => ex.run(ins, to);
    };
    const even = bindVjp(slots, others);
    const odd = slots.every((v, i) => v === others[i]) ? even : bindVjp(others, slots);
    ctFinal.forEach((v, i) => slots[i]!.set(v));
    ctParams.forEach((v, i) => slots[nS + i]!.set(v));
    let back = 0;
    const backStep = (s: number, before: readonly TypedArray[]): void => {
      before.forEach((v, i) => fwdState[i]!.set(v));
      ws.t[0] = start + s;
      ws.inputs.forEach((buf, i) => buf.set(stacked[i]!.subarray(s * buf.length, (s + 1) * buf.length)));
      ctRecBufs.forEach((buf, i) => buf.set(ctRecords[i]!.subarray(s * buf.length, (s + 1) * buf.length)));
      ((back & 1) === 0 ? even : odd)();
      back++;
    };

    let recomputed = 0;
    for (let j = nCheckpoints - 1; j >= 0; j--) {
      const s0 = j * k, s1 = Math.min(T, s0 + k);
      // the states before steps s0 .. s1 − 1: the checkpoint, then recomputed
      const segment: TypedArray[][] = [checkpoints.pop()!];
      load(segment[0]!);
      for (let s = s0; s < s1 - 1; s++) {
        forward(s);
        recomputed++;
        segment.push(copyOf(current(), nS));
        peak = Math.max(peak, checkpoints.length + segment.length);
      }
      for (let s = s1 - 1; s >= s0; s--) backStep(s, segment[s - s0]!);
      if (j % 8 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }

    const carried = (back & 1) === 1 ? others : slots;
    const gradArrays = flat.leaves.map((l, i) => fromTyped(carried[nS + i]!.slice(), l.array.shape, lossUnit.div(l.array.unit)));
    const stateGrad = Object.fromEntries(tr.stateKeys.map((key, i) => [key, fromTyped(carried[i]!.slice(), tr.stateSigs[i]!.shape, lossUnit.div(tr.stateSigs[i]!.unit))]));
    return {
      value: fromTyped(value!.slice(), [], lossUnit),
      grad: flat.rebuild(gradArrays) as P,
      stateGrad,
      state,
      records,
      stats: Object.freeze({ steps: T, checkpointEvery: k, checkpoints: nCheckpoints, peakStates: peak, recomputedSteps: recomputed, backwardSteps: back }),
    };
  } finally {
    runner.release(ws);
  }
}
