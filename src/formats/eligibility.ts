/**
 * `ef.plasticity.eligibility`: eligibility traces on the stored entries of a weight
 * structure, e_ij ← e_ij·decay + pre_i·post_j for every stored (i, j) (dense: every entry).
 * Float pre: one pass over all entries, in storage order. Bool pre (events): one decay pass
 * over all entries, then only the rows of active pre neurons add post_j. The result is a
 * new matrix of E's format sharing its structure; in a compiled runner the traces are
 * updated in place, as onPre/onPost weights are. JITC matrices store nothing and are refused.
 */
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';
import { LazyArray } from '../api/array.js';
import { scalar } from '../api/create.js';
import { build } from '../ir/build.js';
import { isFloat } from '../ir/dtype.js';
import { indexNode } from '../ir/leaves.js';
import type { EligibilityArg, Node } from '../ir/node.js';
import { showShape } from '../ir/shape.js';
import { Unit } from '../units/unit.js';
import { kindOf, show } from './describe.js';
import { isOptions } from './data.js';
import { DenseMatrix } from './dense.js';
import { JITCMatrix } from './jitc/matrix.js';
import { fullStructure, perEntryData, type PlasticMatrix } from './plasticity.js';
import { SparseMatrix } from './sparse/matrix.js';

const WHO = 'plasticity.eligibility';

export interface EligibilityOptions {
  /** The factor every trace is multiplied by first: a dimensionless number or 0-d array (e.g. exp(−dt/τ)). */
  readonly decay: number | LazyArray;
}

function decayNode(v: unknown, dtype: 'float32' | 'float64'): Node {
  if (v instanceof LazyArray) {
    if (v.ndim !== 0) throw new ShapeMismatchError(`${WHO}: decay has shape ${showShape(v.shape)}; expected a scalar (0-d array or number)`);
    return v.node;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${WHO}: decay is ${show(v, false)}; expected a finite dimensionless number (such as exp(−dt/τ)) or a 0-d array`);
  }
  return scalar(v, Unit.dimensionless, dtype).node;
}

/**
 * For every stored entry (i, j) of E: e_ij ← e_ij·decay + pre_i·post_j. `pre` has one entry
 * per row (float, or bool events: then only active rows add post), `post` one per column;
 * unit(E) must have the dimension of unit(pre)·unit(post), and decay is dimensionless.
 */
export function eligibility<M extends PlasticMatrix>(E: M, pre: LazyArray, post: LazyArray, options: EligibilityOptions): M {
  if (E instanceof JITCMatrix) {
    throw new InvalidArgumentError(`${WHO}: a just-in-time matrix stores no entries to hold traces (its weights are regenerated from the seed); convert it with tocsr() first`);
  }
  if (!(E instanceof DenseMatrix) && !(E instanceof SparseMatrix)) {
    throw new InvalidArgumentError(`${WHO}: E is ${show(E)}; expected a dense, COO, CSR, CSC or fixed-number matrix holding the traces`);
  }
  if (!isOptions(options) || !('decay' in options)) {
    throw new InvalidArgumentError(`${WHO}: options is ${kindOf(options)}; expected an object { decay } (decay: a dimensionless number or 0-d array)`);
  }
  for (const [name, x] of [['pre', pre], ['post', post]] as const) {
    if (!(x instanceof LazyArray)) throw new InvalidArgumentError(`${WHO}: ${name} must be an array, got ${kindOf(x)}`);
    if (x.dtype !== 'bool' && !isFloat(x.dtype)) {
      throw new InvalidArgumentError(`${WHO}: ${name} has dtype ${x.dtype}; expected float32 or float64 values, or bool events`);
    }
  }
  const [rows, cols] = E.shape;
  const structure = E instanceof DenseMatrix ? fullStructure(WHO, rows, cols) : E.structure;
  const events = pre.dtype === 'bool';
  // Events walk the rows of active pre neurons; float pre visits every entry in storage order.
  const { structure: view, perm } = structure.along(events ? 'row' : structure.axis, WHO);
  const src = [perEntryData(E).node, pre.node, post.node, indexNode(view.ptr), indexNode(view.idx),
    ...(perm ? [indexNode(perm)] : []), decayNode(options.decay, E.dtype === 'float64' ? 'float64' : 'float32')];
  const arg: EligibilityArg = { kind: 'eligibility', rows, cols, line: view.axis, permuted: perm !== undefined, events };
  const next = new LazyArray(build('eligibilityUpdate', src, arg));
  return (E instanceof DenseMatrix ? new DenseMatrix(next) : E.withData(next)) as M;
}
