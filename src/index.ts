/** eventfuse: event-driven, unit-aware lazy arrays for brain dynamics. Public re-exports only. */
import './backends/reference/index.js';
import './backends/cpu/index.js';

export { LazyArray } from './ir/array.js';
export type { Operand, ReduceOptions } from './ir/array.js';
export { array, scalar, zeros, ones, full, arange } from './ir/create.js';
export type { ArrayData, ArrayOptions } from './ir/create.js';
export * from './ir/api.js';
export type { DType, TypedArray } from './ir/dtype.js';
export type { Shape } from './ir/shape.js';
export { Unit } from './units/unit.js';
export { setBackend, getBackend, backendNames } from './backends/registry.js';
export type { Backend, BackendCapabilities } from './backends/backend.js';
export * from './errors.js';
export * as safe from './safe.js';
export { compile, Runner } from './ir/trace.js';
export type { StepFn, StepResult, StepInput, RunOptions, RunResult, ArrayRecord } from './ir/trace.js';
export { explain } from './explain.js';
