/** What a backend is: something that computes IR nodes and compiles traced programs. */
import type { DType, TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';

/** What a backend can do; shared tests skip by capability, never by name. */
export interface BackendCapabilities {
  /** dtypes it computes exactly as specified (others may be computed with less precision). */
  readonly dtypes: readonly DType[];
  /** Does it fuse graphs into kernels (so `explain` shows a plan)? */
  readonly fusion: boolean;
  /** Relative tolerance of its float32 results against the float64 reference. */
  readonly float32Tolerance: number;
  /** Do sums (products, duplicate entries, reductions) accumulate in float64 and round once? */
  readonly float64Sums: boolean;
}

/** A traced step: input leaves (in binding order) and the nodes it must write each call. */
export interface Program {
  readonly inputs: readonly Node[];
  readonly outputs: readonly Node[];
}

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
  /** Compute `roots` (each row-major, in its dtype's typed array). The results are the backend's: callers copy. */
  realize(roots: readonly Node[], known: KnownValues): TypedArray[];
  compile(program: Program): Executable;
  /** The plan (and generated source, where there is one) that would compute `roots`. */
  explain(roots: readonly Node[]): string;
}
