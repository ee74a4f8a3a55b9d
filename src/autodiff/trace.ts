/**
 * One call of a differentiated function: its chosen arguments replaced by placeholders
 * (substitute.ts), f called on them, and the way back: gradients of the placeholders as
 * values of the arguments' own kinds, with the placeholders replaced by the arguments.
 */
import { describeValue } from '../describe.js';
import { InvalidArgumentError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import type { Node } from '../ir/node.js';
import { flatten, type Flat } from './args.js';
import { backward } from './backward.js';
import { placeholder, substitute } from './substitute.js';

export interface Call {
  /** f's result, in terms of the arguments (placeholders replaced). */
  readonly value: LazyArray;
  /** The gradient of each chosen argument, of that argument's kind, for the cotangent `seed` of f's result. */
  readonly pullback: (seed: Node) => unknown[];
  /** f's result in terms of the placeholders. */
  readonly out: Node;
}

export function trace(who: string, f: (...args: never[]) => unknown, args: readonly unknown[], argnums: readonly number[]): Call {
  if (typeof f !== 'function') throw new InvalidArgumentError(`${who}: expected a function, got ${describeValue(f)}`);
  const flats: Flat[] = argnums.map((i) => flatten(args[i], `argument ${i}`, who));
  const holders = flats.map((fl) => fl.leaves.map((l) => placeholder(l.array.node, l.path)));
  const by = new Map<number, Node>();
  flats.forEach((fl, j) => fl.leaves.forEach((l, k) => {
    const h = holders[j]![k]!;
    if (h.arg?.kind === 'input') by.set(h.arg.uid, l.array.node);
  }));
  const callArgs = [...args];
  argnums.forEach((i, j) => (callArgs[i] = flats[j]!.rebuild(holders[j]!.map((h) => new LazyArray(h)))));
  let result: unknown;
  try {
    result = (f as (...a: unknown[]) => unknown)(...callArgs);
  } catch (e) {
    if (e instanceof InvalidArgumentError && /has no value outside a compiled step/.test(e.message)) {
      throw new InvalidArgumentError(`${who}: f read the values of a differentiated argument (dataSync, item, ...); f is traced on placeholders, so it must only build array expressions`, { cause: e });
    }
    throw e;
  }
  if (!(result instanceof LazyArray)) throw new InvalidArgumentError(`${who}: f must return a LazyArray, got ${describeValue(result)}`);
  const out = result.node;
  const [value] = substitute([out], by);
  const pullback = (seed: Node): unknown[] => {
    const grads = substitute(backward([out], [seed], holders.flat()), by);
    let at = 0;
    return flats.map((fl) => {
      const n = fl.leaves.length;
      const part = grads.slice(at, at + n).map((g) => new LazyArray(g));
      at += n;
      return fl.rebuild(part);
    });
  };
  return { value: new LazyArray(value!), pullback, out };
}
