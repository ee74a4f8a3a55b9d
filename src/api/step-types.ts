/**
 * @internal The types a compiled runner and its backpropagation through time share
 * (src/api/trace.ts, src/api/bptt.ts): a traced step and a runner's buffers for it.
 */
import type { Backend, BoundStep, Executable } from '../backends/backend.js';
import type { TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';
import type { LazyArray } from './array.js';
import type { RecordCollector } from './records.js';
import type { Signature } from './step-leaves.js';

export type ArrayRecord = Readonly<Record<string, LazyArray>>;

/** @internal A traced and compiled step (exported for src/api/bptt.ts). */
export interface Traced {
  readonly key: string;
  readonly stateKeys: readonly string[];
  /** Where each param leaf is (`params.w`, `params.W.data`): program inputs after the state, carried through unchanged. */
  readonly paramPaths: readonly string[];
  readonly paramSigs: readonly Signature[];
  /** The step's graph before hoisting, in terms of its input leaves (what BPTT differentiates). */
  readonly graph: {
    readonly state: readonly Node[];
    readonly params: readonly Node[];
    readonly inputs: readonly Node[];
    readonly t: Node;
    readonly next: readonly Node[];
    readonly records: readonly Node[];
  };
  readonly inputKeys: readonly string[];
  readonly recordKeys: readonly string[];
  readonly stateSigs: readonly Signature[];
  readonly inputSigs: readonly Signature[];
  readonly recordNodes: readonly Node[];
  /** What the program outputs for each record: the value, or its active index list. */
  readonly recordOutputs: readonly Node[];
  readonly executable: Executable;
  readonly backend: string;
  /** The backend instance compiled for (setBackend with other options makes another). */
  readonly compiledBy: Backend;
  /** State slots updated in place: their input and output share one buffer. */
  readonly inPlace: ReadonlySet<number>;
}

/** @internal A runner's buffers for one trace, with the step bound to them (reused by every run). */
export interface Workspace {
  readonly traced: Traced;
  /** The state (then the params, carried through) before step 0; after an odd step the state is in `other`. */
  readonly state: TypedArray[];
  /** The second buffer of each state slot (the same array for slots updated in place). */
  readonly other: TypedArray[];
  readonly inputs: TypedArray[];
  readonly t: Int32Array;
  /** Even steps read `state` and write `other`; odd steps the reverse. */
  readonly even: BoundStep;
  readonly odd: BoundStep;
  readonly records: RecordCollector[];
}
