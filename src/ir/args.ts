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
  /**
   * Present when the matrix's lines are picked from a larger matrix (J.rows / J.cols along
   * `line`): that matrix's number of lines. The node's last operand is then the line map, an
   * int32 array giving for each line l the line whose streams generate it (source ≤ its values).
   */
  readonly source?: number;
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

/**
 * An eligibility-trace update e ← e·decay + x_i·y_j on every stored entry (i, j): the
 * structure (ptr, idx[, perm]) is compressed along `line` ('row': line a is row i = a;
 * 'col': line a is column j = a). `events`: x is bool and `line` is 'row'; every entry is
 * decayed, then only the lines of active x add y_j.
 */
export interface EligibilityArg {
  readonly kind: 'eligibility';
  readonly rows: number;
  readonly cols: number;
  readonly line: 'row' | 'col';
  readonly permuted: boolean;
  readonly events: boolean;
}

/**
 * A random array (src/rng/distributions.ts): element i of `shape` drawn from the stream
 * (seed, counter); operands are the counter (0-d int32) and the distribution's parameters
 * (uniform: low, high; normal: mean, std; bernoulli: p; poisson: lam; binomial: n, p), broadcast
 * to `shape`.
 */
export interface RandomArg {
  readonly kind: 'random';
  readonly dist: 'uniform' | 'normal' | 'bernoulli' | 'poisson' | 'binomial';
  readonly seed: number;
  readonly shape: readonly number[];
  /** The result type of uniform and normal draws (bernoulli: bool, poisson and binomial: int32). */
  readonly dtype: 'float32' | 'float64';
}

/**
 * Poisson events at one step (src/ir/primitives/poisson-events.ts): n sources, each active
 * with probability `prob` (the largest p_i when `thinned`: source i is then kept with
 * probability p_i / prob), drawn block by block (`block` sources each) by geometric skips.
 */
export interface PoissonEventsArg {
  readonly kind: 'poissonEvents';
  readonly n: number;
  readonly seed: number;
  readonly prob: number;
  readonly block: number;
  readonly thinned: boolean;
}
/**
 * Bit-packed events read as a bool array of `shape` ([n] or [rows, n]): event (r, i) is bit
 * (i & 31) of word r·wordsPerRow + (i >>> 5) of the int32 operand (src/formats/events/bitpack.ts).
 */
export interface UnpackArg { readonly kind: 'unpack'; readonly shape: readonly number[]; readonly wordsPerRow: number }
/** reshape: the new shape (same size, same row-major order: a view of the operand's buffer). */
export interface ReshapeArg { readonly kind: 'reshape'; readonly shape: readonly number[] }
/** concat: the axis along which the operands (equal shapes elsewhere) are joined. */
export interface ConcatArg { readonly kind: 'concat'; readonly axis: number }

/**
 * scatterAdd(values, idx): a zero array of `shape` into whose flat position idx[k] each
 * values[k] is added (repeated indices add up): the transpose of gather.
 */
export interface ScatterArg { readonly kind: 'scatter'; readonly shape: readonly number[] }
/** The smooth derivative a surrogate spike uses backward (primitives/surrogate.ts). */
export type SurrogateFn = 'sigmoid' | 'fastSigmoid' | 'arctan' | 'triangle';
/**
 * A surrogate spike `v > 0` whose backward pass uses the derivative `fn` with sharpness
 * `alpha`, a positive finite number in the inverse of v's unit (1/mV for v in mV).
 */
export interface SurrogateArg { readonly kind: 'surrogate'; readonly fn: SurrogateFn; readonly alpha: number }

/** Ops with an argument; every other op has none (null). */
interface ArgMap {
  const: ConstArg;
  scalar: ScalarArg;
  input: InputArg;
  cast: CastArg;
  random: RandomArg;
  surrogate: SurrogateArg;
  sum: ReduceArg;
  max: ReduceArg;
  min: ReduceArg;
  argmax: ReduceArg;
  argmin: ReduceArg;
  cumsum: ScanArg;
  sparseProduct: SparseArg;
  densify: SparseArg;
  sampledProduct: SparseArg;
  scatterAdd: ScatterArg;
  jitcProduct: JitcArg;
  jitcDensify: JitcArg;
  plasticityUpdate: PlasticityArg;
  eligibilityUpdate: EligibilityArg;
  poissonEvents: PoissonEventsArg;
  unpackEvents: UnpackArg;
  reshape: ReshapeArg;
  concat: ConcatArg;
}

export type ArgOf<O extends OpName> = O extends keyof ArgMap ? ArgMap[O] : null;
export type NodeArg = ArgOf<OpName>;
