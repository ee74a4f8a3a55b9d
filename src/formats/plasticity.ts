/**
 * `ef.plasticity.onPre` / `onPost`: event-driven weight updates on stored matrices.
 * onPre: for each active pre neuron i, every stored W[i, j] += postTrace[j];
 * onPost: for each active post neuron j, every stored W[i, j] += preTrace[i];
 * then clipped to [wMin, wMax]. Only stored entries change (the structure never does);
 * the result is a new matrix sharing the structure arrays. A shared weight is expanded to
 * per-entry data first. Inside a compiled runner the weights are updated in place.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { fromTyped, scalar } from '../api/create.js';
import { indexNode } from '../ir/leaves.js';
import type { Node, PlasticityArg } from '../ir/node.js';
import { build } from '../ir/build.js';
import { showShape } from '../ir/shape.js';
import type { DType } from '../ir/dtype.js';
import { Unit } from '../units/unit.js';
import { BYTES, checkAllocation } from '../limits.js';
import { kindOf, show } from './describe.js';
import { isOptions } from './data.js';
import { DenseMatrix } from './dense.js';
import { JITCMatrix } from './jitc/matrix.js';
import { SparseMatrix } from './sparse/matrix.js';
import { Compressed, type Axis } from './sparse/structure.js';

export interface PlasticityOptions {
  /** Lower bound of every updated weight: a number in the weight's unit, or a 0-d array. */
  readonly wMin?: number | LazyArray;
  /** Upper bound of every updated weight. */
  readonly wMax?: number | LazyArray;
}

/** The matrices whose weights are stored, so they can be updated. */
export type PlasticMatrix = DenseMatrix | SparseMatrix;

/** Every entry of a dense [rows, cols] matrix as a row-compressed structure (one per shape). */
const fullStructures = new Map<string, Compressed>();
export function fullStructure(who: string, rows: number, cols: number): Compressed {
  const key = `${rows}x${cols}`;
  let s = fullStructures.get(key);
  if (!s) {
    // Pointers over the rows and one index per entry: checked before either is allocated.
    checkAllocation(who, `the row pointers of a dense matrix of shape [${rows}, ${cols}]`, rows + 1, BYTES.int32, 'use a sparse matrix');
    checkAllocation(who, `the entry list of a dense matrix of shape [${rows}, ${cols}]`, rows * cols, BYTES.int32, 'use a sparse matrix');
    const ptr = Int32Array.from({ length: rows + 1 }, (_, i) => i * cols);
    const idx = Int32Array.from({ length: rows * cols }, (_, k) => k % cols);
    fullStructures.set(key, (s = new Compressed('row', rows, cols, ptr, idx)));
  }
  return s;
}

/** A shared weight as one value per entry (entries change one by one); other data as it is. */
export function perEntryData(W: PlasticMatrix): LazyArray {
  // (No size check: the structure already holds an int32 index per entry, as many bytes as these values.)
  return W instanceof SparseMatrix && W.data.ndim === 0 ? W.data.mul(fromTyped(new Float32Array(W.nnz).fill(1), [W.nnz])) : W.data;
}

function bound(who: string, name: string, v: number | LazyArray | undefined, unit: Unit, dtype: DType): Node | undefined {
  if (v === undefined) return undefined;
  if (v instanceof LazyArray) {
    if (v.ndim !== 0) throw new ShapeMismatchError(`${who}: ${name} has shape ${showShape(v.shape)}; expected a scalar`);
    return v.node;
  }
  if (typeof v !== 'number' || Number.isNaN(v)) throw new InvalidArgumentError(`${who}: ${name} is ${show(v, false)}; expected a number (in ${unit.toString()}) or a 0-d array`);
  // A plain number takes the weights' dtype, so float64 weights clip at the float64 value.
  return scalar(v, unit, dtype).node;
}

function update(who: string, spikesAxis: Axis, W: PlasticMatrix, spikes: LazyArray, trace: LazyArray, options: PlasticityOptions): PlasticMatrix {
  if (W instanceof JITCMatrix) {
    throw new InvalidArgumentError(`${who}: a just-in-time matrix has no stored weights to update (they are regenerated from the seed); convert it with tocsr() first`);
  }
  if (!(W instanceof DenseMatrix) && !(W instanceof SparseMatrix)) {
    throw new InvalidArgumentError(`${who}: W is ${show(W)}; expected a dense, COO, CSR, CSC or fixed-number matrix`);
  }
  // A missing options argument is the default; anything else must be an options object.
  if (!isOptions(options)) {
    throw new InvalidArgumentError(`${who}: options is ${kindOf(options)}; expected an object { wMin, wMax } or nothing`);
  }
  for (const [name, x] of [['spikes', spikes], ['trace', trace]] as const) {
    if (!(x instanceof LazyArray)) throw new InvalidArgumentError(`${who}: ${name} must be an array, got ${kindOf(x)}`);
  }
  if (spikes.ndim === 2 && spikes.shape[1] === (spikesAxis === 'row' ? W.shape[0] : W.shape[1])) {
    // docs/plasticity.md#batches: a matrix holds one copy of its weights
    throw new ShapeMismatchError(`${who}: spikes have shape ${showShape(spikes.shape)}, a batch of ${spikes.shape[0]}; a matrix holds one copy of its weights, so batched updates are not supported: update one copy per batch row (W.withData(w[b]) with spikes row b), or sum the batch's changes first`);
  }
  if (spikes.dtype !== 'bool') {
    throw new InvalidArgumentError(`${who}: spikes have dtype ${spikes.dtype}; expected events (bool: ef.binary(...) or a comparison)`);
  }
  const [rows, cols] = W.shape;
  const structure = W instanceof DenseMatrix ? fullStructure(who, rows, cols) : W.structure;
  const data = perEntryData(W);
  const { structure: view, perm } = structure.along(spikesAxis, who);
  const wMin = bound(who, 'wMin', options.wMin, W.unit, W.dtype);
  const wMax = bound(who, 'wMax', options.wMax, W.unit, W.dtype);
  const leaf = (a: Int32Array): Node => indexNode(a);
  const src = [data.node, spikes.node, trace.node, leaf(view.ptr), leaf(view.idx),
    ...(perm ? [leaf(perm)] : []), ...(wMin ? [wMin] : []), ...(wMax ? [wMax] : [])];
  const arg: PlasticityArg = { kind: 'plasticity', rows, cols, spikes: spikesAxis, permuted: perm !== undefined, clipMin: wMin !== undefined, clipMax: wMax !== undefined };
  const next = new LazyArray(build('plasticityUpdate', src, arg));
  return W instanceof DenseMatrix ? new DenseMatrix(next) : W.withData(next);
}

/** For each active pre neuron i (row), every stored W[i, j] += postTrace[j], then clipped. */
export function onPre<M extends PlasticMatrix>(W: M, preSpikes: LazyArray, postTrace: LazyArray, options: PlasticityOptions = {}): M {
  return update('plasticity.onPre', 'row', W, preSpikes, postTrace, options) as M;
}

/** For each active post neuron j (column), every stored W[i, j] += preTrace[i], then clipped. */
export function onPost<M extends PlasticMatrix>(W: M, postSpikes: LazyArray, preTrace: LazyArray, options: PlasticityOptions = {}): M {
  return update('plasticity.onPost', 'col', W, postSpikes, preTrace, options) as M;
}
