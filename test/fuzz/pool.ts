/** Valid values the fuzz cases put in the positions that do not hold junk (small, built once). */
import fc from 'fast-check';
import * as ef from '../../src/index.js';
import { smallNumber } from './junk.js';

export const vec3 = ef.array([1, 2, 3], 'mV');
export const mat23 = ef.array([[1, 2, 3], [4, 5, 6]], 'mV');
export const spikes3 = ef.binary([1, 0, 1]);
export const spikes4 = ef.binary([0, 1, 1, 0]);
export const trace3 = ef.array([0.1, 0.2, 0.3], 'nS');
export const trace4 = ef.array([0.1, 0.2, 0.3, 0.4], 'nS');

/** Arrays of every dtype, rank 0 to 2, with and without units, one empty. */
export const arrays: readonly ef.LazyArray[] = [
  vec3, mat23, spikes3,
  ef.scalar(2, 'mV'),
  ef.scalar(3, undefined, 'int32'),
  ef.arange(3),
  ef.ones([3], 'nS', 'float64'),
  ef.zeros([0]),
  ef.array([[true], [false]]),
];
export const anArray = fc.constantFrom(...arrays);
export const anOperand: fc.Arbitrary<unknown> = fc.oneof(anArray, smallNumber);

export const units = fc.constantFrom<unknown>(undefined, 'mV', 'nS', '1/ms', '1', ef.Unit.of('mV'));
export const dtypes = fc.constantFrom<unknown>(undefined, 'float32', 'float64', 'int32', 'bool');
export const floatDTypes = fc.constantFrom<unknown>(undefined, 'float32', 'float64');
export const shapes = fc.constantFrom<unknown>([], [3], [2, 3], [0], [1, 2, 2]);
export const axes = fc.constantFrom<unknown>(undefined, 0, -1);
export const reduceOptions = fc.constantFrom<unknown>(undefined, {}, { keepdims: true });

/** Matrix formats, 3 × 4, of every kind. */
export function formats(): readonly ef.LinearOperator[] {
  return [
    ef.dense([[1, 0, 2, 0], [0, 3, 0, 0], [4, 0, 0, 5]], 'nS'),
    ef.csr({ indptr: [0, 2, 3, 5], indices: [0, 2, 1, 0, 3], data: [1, 2, 3, 4, 5], shape: [3, 4] }, 'nS'),
    ef.csc({ indptr: [0, 1, 2, 3, 3], indices: [0, 1, 2], data: 0.5, shape: [3, 4] }, 'nS'),
    ef.coo({ row: [0, 2, 2], col: [1, 3, 3], data: [1, 2, 3], shape: [3, 4] }, 'nS'),
    ef.fixedPostNum({ shape: [3, 4], num: 2, seed: 7, weight: 1 }, 'nS'),
    ef.fixedPreNum({ shape: [3, 4], num: 1, seed: 7, data: [1, 2, 3, 4] }, 'nS'),
    ef.jitc.scalar({ shape: [3, 4], prob: 0.5, seed: 1, weight: 1 }, 'nS'),
    ef.jitc.normal({ shape: [3, 4], prob: 0.5, seed: 1, mean: 1, std: 0.1, orient: 'col' }, 'nS'),
  ];
}
export const aFormat = fc.constantFrom(...formats());
/** The formats plasticity can update (stored weights), 3 × 4. */
export const aPlastic = fc.constantFrom(...formats().filter((m) => !(m instanceof ef.JITCMatrix)));
