/**
 * Just-in-time connectivity: a random matrix defined by (shape, prob, seed, orient) and
 * its weight law, regenerated inside every kernel that uses it and never stored, so any
 * operation needs O(rows + cols) memory. `orient` names the lines the generator walks
 * ('row': each row independently; 'col': each column); each entry is present with
 * probability `prob`, so a line's count is Binomial(line length, prob).
 * Weights: 'scalar' a; 'uniform' a + b·u (a = low, b = high − low); 'normal' a + b·z
 * (a = mean, b = std). Scalar arithmetic scales a and b, exactly as on the dense matrix.
 */
import { InvalidArgumentError, InvalidFormatError, ResourceError } from '../../errors.js';
import { checkLines, type LineIndices } from '../sparse/select.js';
import { LazyArray, type LinearOperator } from '../../api/array.js';
import { fromTyped } from '../../api/create.js';
import type { DType } from '../../ir/dtype.js';
import { forEachJitcEntry } from '../../ir/jitc.js';
import { indexNode } from '../../ir/leaves.js';
import type { JitcArg, Node } from '../../ir/node.js';
import { build } from '../../ir/build.js';
import { gapTable, type GapTable } from '../../rng/gaps.js';
import { BYTES, MAX_ELEMENTS, checkAllocation } from '../../limits.js';
import { Unit } from '../../units/unit.js';
import { checkOperand, scalarOperand } from '../data.js';
import { fromArray, fromStructure, type FormatTypes } from '../hub.js';
import { Compressed } from '../sparse/structure.js';

export type JitcDist = 'scalar' | 'uniform' | 'normal';
export type Orient = 'row' | 'col';

const tableNodes = new WeakMap<GapTable, readonly [Node, Node]>();
/** The gap table as int32 leaves, one pair per table (shared by JIT matrices and Poisson events). */
export function gapTableNodes(table: GapTable): readonly [Node, Node] {
  let n = tableNodes.get(table);
  if (!n) {
    const leaf = (a: Int32Array): Node => indexNode(a);
    tableNodes.set(table, (n = [leaf(table.thresholds), leaf(table.guide)]));
  }
  return n;
}

/** Picked lines: line l of a matrix is line map[l] (of `source` lines) of the matrix it was picked from. */
export interface LineMap {
  readonly map: Int32Array;
  readonly source: number;
}

const mapNodes = new WeakMap<Int32Array, Node>();
/** The line map as one int32 leaf per array (so products of one matrix share it). */
function mapNode(map: Int32Array): Node {
  let n = mapNodes.get(map);
  if (!n) mapNodes.set(map, (n = indexNode(map)));
  return n;
}

export class JITCMatrix implements LinearOperator {
  readonly format = 'jitc' as const;

  /** @internal build with ef.jitc.scalar / uniform / normal. */
  constructor(
    readonly shape: readonly [number, number],
    readonly dist: JitcDist,
    readonly prob: number,
    readonly seed: number,
    readonly orient: Orient,
    /** The weight (scalar), low (uniform) or mean (normal): a 0-d array with the unit. */
    readonly a: LazyArray,
    /** high − low (uniform), std (normal), 0 (scalar): a 0-d array with the unit. */
    readonly b: LazyArray,
    /**
     * @internal set by rows()/cols() along the generated lines: line l of this matrix is line
     * map[l] of the matrix with `source` lines it was picked from (the same entries, regenerated).
     */
    readonly lineMap?: LineMap,
  ) {
    Object.freeze(this);
  }

  get unit(): Unit { return this.a.unit; }
  get dtype(): DType { return this.a.dtype; }

  /** @internal the gap table of the lines this matrix walks. */
  get table(): GapTable {
    return gapTable(this.prob, this.orient === 'row' ? this.shape[1] : this.shape[0]);
  }

  /** @internal the IR description of this matrix. */
  arg(side: JitcArg['side']): JitcArg {
    const [rows, cols] = this.shape;
    const arg: JitcArg = { kind: 'jitc', rows, cols, line: this.orient, seed: this.seed, prob: this.prob, dist: this.dist, side };
    return this.lineMap ? { ...arg, source: this.lineMap.source } : arg;
  }

  private operands(): Node[] {
    const nodes = [this.a.node, this.b.node, ...gapTableNodes(this.table)];
    return this.lineMap ? [...nodes, mapNode(this.lineMap.map)] : nodes;
  }

  /** x @ J: for events, regenerates only the rows of active events when orient is 'row'. */
  leftProduct(x: LazyArray): LazyArray {
    checkOperand('jitc.leftProduct', x);
    return new LazyArray(build('jitcProduct', [x.node, ...this.operands()], this.arg('left')));
  }

  /** J @ x: for events, regenerates only the columns of active events when orient is 'col'. */
  rightProduct(x: LazyArray): LazyArray {
    checkOperand('jitc.rightProduct', x);
    return new LazyArray(build('jitcProduct', [x.node, ...this.operands()], this.arg('right')));
  }

  /** The dense matrix (lazy). Refused, before anything is built, when it cannot be held. */
  todense(): FormatTypes['dense'] {
    const [rows, cols] = this.shape;
    checkAllocation('jitc.todense', `the dense form of a JIT matrix of shape [${rows}, ${cols}]`, rows * cols, BYTES[this.dtype === 'float64' ? 'float64' : 'float32'],
      'keep it a JIT matrix and use its products (ef.matmul(spikes, J)), which never store it');
    return fromArray('jitc.todense', 'dense', new LazyArray(build('jitcDensify', this.operands(), this.arg('none'))));
  }

  /** The same matrix stored as CSR (generates it; the weights stay lazy in a and b). */
  tocsr(): FormatTypes['csr'] { return this.stored('jitc.tocsr'); }
  tocsc(): FormatTypes['csc'] { return this.stored('jitc.tocsc').tocsc(); }
  tocoo(): FormatTypes['coo'] { return this.stored('jitc.tocoo').tocoo(); }

  /** CSR, with errors named after the conversion asked for (`op`). */
  private stored(op: string): FormatTypes['csr'] {
    const [rows, cols] = this.shape;
    const byRow = this.orient === 'row';
    const { ptr, idx, draws, count } = storedEntries(this, op);
    const structure = new Compressed(byRow ? 'row' : 'col', rows, cols, ptr, idx.slice(0, count));
    const data = this.dist === 'scalar'
      ? this.a
      : this.a.add(this.b.mul(fromTyped(draws.slice(0, count), [count]))).astype(this.dtype);
    return byRow ? fromStructure(op, 'csr', structure, data) : fromStructure(op, 'csc', structure, data).tocsr();
  }

  /** The transpose: the same lines read the other way (orient flips); exactly the transposed matrix. */
  transpose(): JITCMatrix {
    const [rows, cols] = this.shape;
    return new JITCMatrix([cols, rows], this.dist, this.prob, this.seed, this.orient === 'row' ? 'col' : 'row', this.a, this.b, this.lineMap);
  }

  mul(c: number | LazyArray): JITCMatrix { return this.scaled((v) => v.mul(scalarOperand('jitc', 'mul', c))); }
  div(c: number | LazyArray): JITCMatrix { return this.scaled((v) => v.div(scalarOperand('jitc', 'div', c))); }
  neg(): JITCMatrix { return this.scaled((v) => v.neg()); }

  /** Refused: a JIT matrix stores no weights to add to (see notStored). */
  add(_o?: unknown): never { throw notStored('add', 'add(...)'); }
  sub(_o?: unknown): never { throw notStored('sub', 'sub(...)'); }
  abs(): never { throw notStored('abs', 'abs()'); }
  map(_f?: unknown): never { throw notStored('map', 'map(f)'); }

  /**
   * The rows `indices` (negative count from the end; repeats and [] allowed) of a row-generated
   * matrix: a JIT matrix whose row k is row indices[k], the same entries regenerated from the
   * seed, never stored. A column-generated matrix spreads each row over every column, so its
   * rows are refused (see cols()).
   */
  rows(indices: LineIndices): JITCMatrix { return this.pick('row', indices); }
  /** The columns `indices` of a column-generated matrix (as rows()). */
  cols(indices: LineIndices): JITCMatrix { return this.pick('col', indices); }

  private pick(axis: Orient, indices: LineIndices): JITCMatrix {
    const op = `jitc.${axis === 'row' ? 'rows' : 'cols'}`;
    const [rows, cols] = this.shape;
    const [lines, other] = axis === 'row' ? ['rows', 'columns'] : ['columns', 'rows'];
    if (axis !== this.orient) {
      throw new InvalidArgumentError(`${op}: this JIT matrix is generated by ${other} (orient '${this.orient}'), so each of its ${lines} is spread over all ${axis === 'row' ? cols : rows} ${other} and cannot be picked without regenerating the whole matrix; ` +
        `pick ${other} instead (J.${axis === 'row' ? 'cols' : 'rows'}(...)), or store it first: J.tocsr().${axis === 'row' ? 'rows' : 'cols'}(indices) (O(nnz) memory) or J.todense().${axis === 'row' ? 'rows' : 'cols'}(indices)`);
    }
    const picked = checkLines(op, indices, axis === 'row' ? rows : cols, axis);
    const prev = this.lineMap;
    const map = prev ? picked.map((l) => prev.map[l]!) : picked;
    const source = prev ? prev.source : axis === 'row' ? rows : cols;
    const shape: [number, number] = axis === 'row' ? [picked.length, cols] : [rows, picked.length];
    return new JITCMatrix(shape, this.dist, this.prob, this.seed, this.orient, this.a, this.b, { map, source });
  }

  private scaled(f: (v: LazyArray) => LazyArray): JITCMatrix {
    return new JITCMatrix(this.shape, this.dist, this.prob, this.seed, this.orient, f(this.a), f(this.b), this.lineMap);
  }

  /** JITC weights are regenerated, never stored, so there is no data to replace. */
  withData(): never {
    throw new InvalidArgumentError('jitc.withData: a just-in-time matrix has no stored weights to replace; convert it first with tocsr() and call withData on the CSR');
  }

  toString(): string {
    const picked = this.lineMap ? `, ${this.orient}s picked from ${this.lineMap.source}` : '';
    return `JITC([${this.shape.join(', ')}], ${this.dist}, prob ${this.prob}, seed ${this.seed}, orient ${this.orient}${picked}, ${this.dtype}, ${this.unit.toString()})`;
  }
}

/** Elementwise arithmetic other than scaling needs stored weights, which a JIT matrix has none of. */
function notStored(op: string, call: string): InvalidFormatError {
  return new InvalidFormatError(`jitc.${op}: a just-in-time matrix stores no weights (they are regenerated from the seed in every use), so there are none to ${op === 'map' ? 'map' : op === 'abs' ? 'take the absolute value of' : op + ' to'}; ` +
    `convert it first with tocsr() and call ${call} on the CSR (scaling by a scalar, mul/div/neg, works on the JIT matrix itself)`);
}

/** A count for messages: grouped digits, or an exponent when it is beyond exact integers. */
const amount = (n: number): string => (n < 1e15 ? Math.round(n).toLocaleString('en-US') : n.toExponential(2));

/**
 * @internal the entries of `J`, generated line by line: pointers over its lines, the other
 * index of each entry and (uniform, normal) its uniform or normal number r (weight a + b·r).
 * Refused before generating when the expected count (rows · cols · prob, the mean of the
 * binomial total) or its bytes do not fit; an unlucky draw past `limit` stops generation
 * with a ResourceError rather than growing an array past what int32 indices address.
 */
export function storedEntries(J: JITCMatrix, op: string, limit = MAX_ELEMENTS): { ptr: Int32Array; idx: Int32Array; draws: Float64Array; count: number } {
  const [rows, cols] = J.shape;
  const byRow = J.orient === 'row';
  const lines = byRow ? rows : cols;
  const what = `the stored entries of a JIT matrix of shape [${rows}, ${cols}] at prob ${J.prob} (expected rows · cols · prob = ${amount(rows * cols * J.prob)})`;
  const instead = 'keep it a JIT matrix and use its products (ef.matmul), which never store it';
  const weighted = J.dist !== 'scalar';
  // Per entry: an int32 index, and for drawn weights a float64 draw plus the stored weight.
  const perEntry = BYTES.int32 + (weighted ? BYTES.float64 + BYTES[J.dtype === 'float64' ? 'float64' : 'float32'] : 0);
  checkAllocation(op, what, rows * cols * J.prob, perEntry, instead);
  checkAllocation(op, `the pointers over the ${lines} ${byRow ? 'rows' : 'columns'} of a JIT matrix`, lines + 1, BYTES.int32, instead);
  const ptr = new Int32Array(lines + 1);
  // Typed arrays grown by doubling: tens of millions of entries fit without JS number arrays.
  const first = Math.min(1024, limit);
  let idx = new Int32Array(first);
  let draws = new Float64Array(weighted ? first : 0);
  let count = 0;
  // Weights as a + b·r with r the entry's uniform or normal number (a = 0, b = 1 reads r).
  let line = 0;
  forEachJitcEntry(J.arg('none'), J.table, 0, 1, (r, c, w) => {
    const l = byRow ? r : c;
    while (line < l) ptr[++line] = count;
    if (count === idx.length) {
      if (count >= limit) {
        throw new ResourceError(`${op}: ${what} drew more than ${limit} entries; the limit is ${limit === MAX_ELEMENTS ? '2^31 − 1 = ' : ''}${limit} entries (int32 indices); ${instead}`);
      }
      const size = Math.min(idx.length * 2, limit);
      const grown = new Int32Array(size);
      grown.set(idx);
      idx = grown;
      if (weighted) {
        const d = new Float64Array(size);
        d.set(draws);
        draws = d;
      }
    }
    idx[count] = byRow ? c : r;
    if (weighted) draws[count] = w;
    count++;
  }, J.lineMap?.map);
  while (line < lines) ptr[++line] = count;
  return { ptr, idx, draws, count };
}
