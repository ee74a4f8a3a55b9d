/** eventfuse: event-driven, unit-aware lazy arrays for brain dynamics. Public re-exports only. */
import './backends/reference/index.js';
import './backends/cpu/index.js';

export { LazyArray } from './ir/array.js';
export type { Operand, ReduceOptions, LinearOperator } from './ir/array.js';
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
export { dense, DenseMatrix } from './formats/dense.js';
export type { DenseOptions } from './formats/dense.js';
export { csr, csc, coo } from './formats/sparse/construct.js';
export type { CompressedInput, CooInput } from './formats/sparse/construct.js';
export { SparseMatrix, CSR, CSC, COO } from './formats/sparse/matrix.js';
export type { SparseFormat } from './formats/sparse/matrix.js';
export type { MatrixData, FloatDType } from './formats/data.js';
export { binary, BinaryArray } from './formats/events/binary.js';
export type { PackedEvents } from './formats/events/bitpack.js';
export * as events from './formats/events/api.js';
