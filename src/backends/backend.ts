/** What a backend is: something that computes IR nodes and compiles traced programs. */
import type { DType, TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';
import type { Plan } from '../fusion/kernel.js';
import type { LoweringTable } from './lowering.js';

/** What a backend can do; shared tests skip by capability, never by name. */
export interface BackendCapabilities {
  /** dtypes it computes exactly as specified (others may be computed with less precision). */
  readonly dtypes: readonly DType[];
  /** Does it fuse graphs into kernels (so `explain` shows a plan)? */
  readonly fusion: boolean;
  /** Relative tolerance of its float32 results against the float64 reference. */
  readonly float32Tolerance: number;
  /**
   * Do sums (products, duplicate entries, reductions) accumulate in float64 and round once?
   * (Except a product a fusion plan adds straight into `seed ± product`, which rounds each
   * addition to the output's dtype: docs/fusion.md, accumulation into the output.)
   */
  readonly float64Sums: boolean;
  /**
   * How float32 values are computed inside fused loops: 'float64' (absent means this) as
   * JavaScript numbers, rounded once when stored; 'float32' each op rounded to float32 (the
   * wasm backend with `precision: 'float32'`).
   */
  readonly float32Arithmetic?: 'float64' | 'float32';
  /**
   * Can compiled programs output the active index list of a bool value (`compactEvents`)?
   * Runners then record spikes as lists, O(events) per step, instead of a [steps, n] array.
   */
  readonly eventLists: boolean;
}

/**
 * A traced step: input leaves (in binding order) and the nodes it must write each call. The
 * first `stateCount` outputs are the next values of the first `stateCount` inputs.
 */
export interface Program {
  readonly inputs: readonly Node[];
  readonly outputs: readonly Node[];
  readonly stateCount: number;
}

/** One step with its buffers bound for good: call it to run the step once. */
export type BoundStep = () => void;

/**
 * Many steps of a traced program whose first `stateCount` outputs feed the same-numbered
 * inputs of the next step. `initial` holds the state inputs' values; `stacked[k]` holds
 * input stateCount + k for every step (row s is step s's value).
 */
export interface StepsRequest {
  readonly steps: number;
  readonly stateCount: number;
  readonly initial: readonly TypedArray[];
  readonly stacked: readonly TypedArray[];
}

export interface StepsResult {
  /** The state after the last step, one array per state output. */
  readonly final: readonly TypedArray[];
  /** Each record output (outputs after the state) stacked over the steps. */
  readonly records: readonly TypedArray[];
}

/** A program compiled for one backend; `run` writes every output buffer in place. */
export interface Executable {
  run(inputs: readonly TypedArray[], outputs: readonly TypedArray[]): void;
  /**
   * Optional: the step with these buffers bound once (the same arrays every call), which a
   * backend can compile better than `run`. The arrays must stay the caller's for as long as
   * the bound step is used.
   */
  bind?(inputs: readonly TypedArray[], outputs: readonly TypedArray[]): BoundStep;
  /**
   * State slots whose input and output may be the very same buffer (updated in place). When
   * absent, only the graph's own rule applies (src/ir/inplace.ts).
   */
  readonly inPlace?: ReadonlySet<number>;
  /** The fusion plan, for backends that fuse. */
  readonly plan?: Plan;
  /**
   * Optional: where buffers that a runner binds for many steps should live (the wasm
   * backend's memory, which its kernels address directly). Other arrays work too, at the
   * cost of a copy in and out around each call.
   */
  allocate?(dtype: DType, size: number): TypedArray;
  /**
   * Optional: run whole step sequences with the state kept where the backend computes
   * (a device), reading back only the records and the final state.
   */
  runSteps?(request: StepsRequest): StepsResult;
  explain(): string;
}

/** Values already computed, which a backend may read instead of recomputing. */
export type KnownValues = (node: Node) => TypedArray | undefined;

export interface Backend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** How it lowers each op (every op: a test runs each primitive on each backend against this table). */
  readonly lowerings: LoweringTable;
  /** Compute `roots` (each row-major, in its dtype's typed array). The results are the backend's: callers copy. */
  realize(roots: readonly Node[], known: KnownValues): TypedArray[];
  compile(program: Program): Executable;
  /** The plan (and generated source, where there is one) that would compute `roots`. */
  explain(roots: readonly Node[]): string;
}
