/**
 * The typed argument of each op: what a node carries besides its operands. `ArgOf<Op>` is
 * the argument of one op, so a lowering of `Node<'sparseProduct'>` reads a SparseArg with no cast.
 */
import type { DType, TypedArray } from './dtype.js';
import type { OpName } from './ops.js';

export interface ConstArg { readonly kind: 'const'; readonly data: TypedArray }
export interface ScalarArg { readonly kind: 'scalar'; readonly value: number; readonly weak: boolean }
export interface InputArg { readonly kind: 'input'; readonly name: string; readonly uid: number }
export interface CastArg { readonly kind: 'cast'; readonly dtype: DType }
export interface ReduceArg { readonly kind: 'reduce'; readonly axis: number | null; readonly keepdims: boolean }
/** A prefix scan along `axis` (null: over the flattened array, giving a 1-D result). */
export interface ScanArg { readonly kind: 'scan'; readonly axis: number | null }
/**
 * A sparse structure's geometry (its index arrays are operand nodes): an M of rows × cols whose
 * `ptr` runs over the `compressed` axis; `permuted` entries read data[perm[p]]; `side` says
 * whether a product is x @ M ('left') or M @ x ('right'), 'none' for densify.
 */
export interface SparseArg {
  readonly kind: 'sparse';
  readonly rows: number;
  readonly cols: number;
  readonly compressed: 'row' | 'col';
  readonly permuted: boolean;
  readonly side: 'left' | 'right' | 'none';
}
/**
 * A just-in-time random matrix of rows × cols: lines along `line` ('row': each row is one
 * line of cols positions) are regenerated from `seed`; weights are a, a + b·uniform or
 * a + b·normal by `dist`. `side` as for SparseArg.
 */
export interface JitcArg {
  readonly kind: 'jitc';
  readonly rows: number;
  readonly cols: number;
  readonly line: 'row' | 'col';
  readonly seed: number;
  readonly prob: number;
  readonly dist: 'scalar' | 'uniform' | 'normal';
  readonly side: 'left' | 'right' | 'none';
}
/**
 * An event-driven weight update: the spikes run along `spikes` ('row': onPre, one spike per
 * row; 'col': onPost); the structure (ptr, idx[, perm]) is compressed along that axis.
 */
export interface PlasticityArg {
  readonly kind: 'plasticity';
  readonly rows: number;
  readonly cols: number;
  readonly spikes: 'row' | 'col';
  readonly permuted: boolean;
  readonly clipMin: boolean;
  readonly clipMax: boolean;
}

/** Ops with an argument; every other op has none (null). */
interface ArgMap {
  const: ConstArg;
  scalar: ScalarArg;
  input: InputArg;
  cast: CastArg;
  sum: ReduceArg;
  max: ReduceArg;
  min: ReduceArg;
  argmax: ReduceArg;
  argmin: ReduceArg;
  cumsum: ScanArg;
  sparseProduct: SparseArg;
  densify: SparseArg;
  jitcProduct: JitcArg;
  jitcDensify: JitcArg;
  plasticityUpdate: PlasticityArg;
}

export type ArgOf<O extends OpName> = O extends keyof ArgMap ? ArgMap[O] : null;
export type NodeArg = ArgOf<OpName>;
