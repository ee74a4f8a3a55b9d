/** The dtype promotion rule shared by every arithmetic primitive. */
import { isFloat, rank, type DType } from './dtype.js';
import type { Node } from './node.js';

/**
 * Result dtype of an arithmetic op: the widest operand (bool < int32 < float32 < float64).
 * Weak scalars (plain JS numbers) adapt to the arrays they meet, except that a
 * non-integer number lifts integer arrays to float32. Arithmetic on bools gives int32.
 */
export function promote(src: readonly Node[]): DType {
  let strong: DType | undefined;
  let weakFloat = false;
  for (const s of src) {
    if (s.arg?.kind === 'scalar' && s.arg.weak) {
      if (!Number.isInteger(s.arg.value)) weakFloat = true;
    } else if (strong === undefined || rank(s.dtype) > rank(strong)) strong = s.dtype;
  }
  if (strong === undefined) return 'float32';
  if (weakFloat && !isFloat(strong)) return 'float32';
  return strong === 'bool' ? 'int32' : strong;
}

