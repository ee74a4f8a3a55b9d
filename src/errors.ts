/** Every error eventfuse throws derives from this, so callers can catch them as one family. */
export class EventfuseError extends Error {
  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Operands whose physical dimensions cannot be combined (mV + nS), or a unit where none fits. */
export class UnitMismatchError extends EventfuseError {}

/** Shapes that do not broadcast, or an axis/shape argument that does not fit the array. */
export class ShapeMismatchError extends EventfuseError {}

/** Malformed sparse or event data (indptr, indices, lengths, values). */
export class InvalidFormatError extends EventfuseError {}

/** A bad argument: unknown unit string, ragged data, NaN where a number is required, ... */
export class InvalidArgumentError extends EventfuseError {}

/** A backend (or one of its modes) that cannot run here; the message says what to install. */
export class BackendUnavailableError extends EventfuseError {}

/** A size beyond what eventfuse (int32 indices) or this machine can hold; raised before allocating. */
export class ResourceError extends EventfuseError {}

/** An iterative solver (ef.linalg.cg) that did not reach its tolerance, or broke down; the message gives the residual reached and the iterations. */
export class ConvergenceError extends EventfuseError {}

/** A matrix that a direct solver found singular (a zero pivot after pivoting); the message names the column. */
export class SingularMatrixError extends EventfuseError {}

/**
 * A gradient that cannot be taken: a primitive without a VJP rule on the path from a requested
 * argument to the output (the message names it), or an argument that is not a float array.
 */
export class NotDifferentiableError extends EventfuseError {}
