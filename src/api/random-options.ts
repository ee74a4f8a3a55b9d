/** The options every random draw shares: the seed and the counter (docs/random.md). */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { scalarNode } from '../ir/leaves.js';
import type { Node } from '../ir/node.js';
import { MAX_ELEMENTS } from '../limits.js';
import { Unit } from '../units/unit.js';
import { LazyArray } from './array.js';

/** An integer in [0, 2^32 − 1]: the numbers are a function of the seed. */
const MAX_SEED = 2 ** 32 - 1;

export interface RandomOptions {
  /** An integer in [0, 2^32 − 1]. Arrays drawn with the same seed and counter share draws: give independent arrays different seeds. */
  readonly seed: number;
  /** Which draw: a non-negative integer, or a 0-d int32 array such as a compiled step's `t` (default 0). */
  readonly counter?: number | LazyArray;
}

/** A seed: an integer in [0, 2^32 − 1]. */
export function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InvalidArgumentError(`${op}: seed is ${describeValue(seed)}; expected an integer in [0, ${MAX_SEED}]`);
  }
  return seed;
}

/** The counter operand: 0 by default, a non-negative integer, or a dimensionless 0-d int32 array. */
export function counterNode(op: string, counter: unknown): Node {
  if (counter === undefined) return scalarNode(0, Unit.dimensionless, 'int32');
  if (counter instanceof LazyArray) {
    if (counter.ndim !== 0 || counter.dtype !== 'int32' || !counter.unit.equals(Unit.dimensionless)) {
      throw new InvalidArgumentError(`${op}: counter is ${counter.dtype === 'int32' ? 'an' : 'a'} ${counter.dtype} array of shape [${counter.shape.join(', ')}] in ${counter.unit.toString() || '1'}; expected a dimensionless 0-d int32 array (such as a compiled step's t) or a non-negative integer`);
    }
    return counter.node;
  }
  if (typeof counter !== 'number' || !Number.isInteger(counter) || counter < 0 || counter > MAX_ELEMENTS) {
    throw new InvalidArgumentError(`${op}: counter is ${describeValue(counter)}; expected a non-negative integer up to 2^31 − 1, or a 0-d int32 array`);
  }
  return scalarNode(counter, Unit.dimensionless, 'int32');
}

