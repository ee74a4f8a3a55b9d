/** Element types for property tests. */
import fc from 'fast-check';
import type { DType } from '../../src/index.js';

export const DTYPE_LIST: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];
export const dtype: fc.Arbitrary<DType> = fc.constantFrom(...DTYPE_LIST);
/** Numeric (non-bool) dtypes. */
export const numericDType: fc.Arbitrary<DType> = fc.constantFrom<DType>('int32', 'float32', 'float64');
export const floatDType: fc.Arbitrary<DType> = fc.constantFrom<DType>('float32', 'float64');
