/** The input leaves a compiled step is traced on, and the param leaves a run binds (shared by trace.ts and bptt.ts). */
import { flatten } from '../autodiff/args.js';
import { freshInputUid, intern, type Node } from '../ir/node.js';
import type { Unit } from '../units/unit.js';
import { LazyArray } from './array.js';

/** @internal The shape, dtype and unit of one state, input or param slot. */
export interface Signature {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly unit: Unit;
}

/** A fresh input leaf of this signature. */
export function inputLeaf(name: string, s: Signature): LazyArray {
  return new LazyArray(intern('input', s.dtype as Node['dtype'], s.shape, s.unit, [], { kind: 'input', name, uid: freshInputUid() }));
}

/** The nodes of the param leaves, in trace order (none without params). */
export function paramNodesOf(params: unknown): Node[] {
  return params === undefined ? [] : flatten(params, 'params', 'run').leaves.map((l) => l.array.node);
}
