/** The options of a compiled runner's run(), and their checks (before any tracing or allocation). */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ResourceError } from '../errors.js';
import { MAX_ELEMENTS } from '../limits.js';
import { optionsObject } from '../options.js';
import { LazyArray } from './array.js';

/** Per-step input: an array stacked over steps, shape [steps, ...shape]; step t reads row t. */
export type StepInput = LazyArray;

export interface RunOptions {
  readonly steps: number;
  /**
   * The step index t of the first step (default 0): a run continuing an earlier one passes
   * the steps done so far, so t (and random draws keyed by it) go on where they stopped.
   */
  readonly startStep?: number;
  readonly inputs?: Readonly<Record<string, StepInput>>;
  /**
   * What the step receives as its fourth argument: a LazyArray, a matrix with stored data, or
   * a record of these (float arrays). They enter the compiled step as inputs, so new values
   * (a training loop's) need no new trace; a matrix's structure is part of the trace.
   */
  readonly params?: unknown;
  /** Called every `progressEvery` steps (default: every 1% of the run) and at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/** run()'s options, checked before any tracing or allocation. */
export function checkRunOptions(options: unknown): asserts options is RunOptions {
  const o = optionsObject('run', options, ['steps', 'startStep', 'inputs', 'params', 'onProgress', 'progressEvery'], '{ steps, startStep?, inputs?, params?, onProgress?, progressEvery? }');
  const steps = o.steps;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0) {
    throw new InvalidArgumentError(`run: steps must be a non-negative integer, got ${describeValue(steps)}`);
  }
  // The step index t is an int32 scalar inside every kernel.
  if (steps > MAX_ELEMENTS) throw new ResourceError(`run: steps ${steps} exceeds the step counter's limit of 2^31 − 1 (t is int32); run fewer steps per call`);
  const start = o.startStep ?? 0;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) {
    throw new InvalidArgumentError(`run: startStep must be a non-negative integer (t of the first step), got ${describeValue(start)}`);
  }
  if (start + steps > MAX_ELEMENTS + 1) {
    throw new ResourceError(`run: startStep ${start} + steps ${steps} runs past the step counter's limit of 2^31 − 1 (t is int32)`);
  }
  const every = o.progressEvery;
  if (every !== undefined && (typeof every !== 'number' || !Number.isInteger(every) || every < 1)) {
    throw new InvalidArgumentError(`run: progressEvery must be a positive integer, got ${describeValue(every)}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new InvalidArgumentError(`run: onProgress must be a function (done, total) => void, got ${describeValue(o.onProgress)}`);
  }
  checkInputs('run', o.inputs);
}

/** Per-step inputs: an object of named arrays (checked before tracing). */
export function checkInputs(op: string, inputs: unknown): void {
  if (inputs !== undefined && (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs) || inputs instanceof LazyArray)) {
    throw new InvalidArgumentError(`${op}: inputs must be an object of named arrays stacked over steps, got ${describeValue(inputs)}`);
  }
}

