/**
 * What the structured primitives (primitives/: sparse and JIT products, densify, plasticity)
 * share: a product's geometry and float64 reference, entry walks, the event unit rule.
 *
 * A sparse M is `ptr` over its compressed axis and `idx` along the other axis; entry p
 * holds data[p] (data[perm[p]] when permuted), or data[0] when data is one shared weight.
 * Duplicate (row, col) entries add up. References sum in float64 over stored entries only.
 */
import { InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { indexNode } from './leaves.js';
import { Unit } from '../units/unit.js';
import type { Node, SparseArg } from './node.js';
import type { UnitResult } from '../units/rules.js';
import type { DType } from './dtype.js';
import { promote } from './promote.js';
import { showShape, type Shape } from './shape.js';

/** Calls `visit(row, col, value)` for every stored entry of a sparse operand set. */
export function forEachEntry(
  arg: SparseArg,
  data: Float64Array,
  dataIsShared: boolean,
  ptr: Float64Array,
  idx: Float64Array,
  perm: Float64Array | undefined,
  visit: (row: number, col: number, value: number) => void,
): void {
  const major = arg.compressed === 'row' ? arg.rows : arg.cols;
  for (let a = 0; a < major; a++) {
    for (let p = ptr[a]!; p < ptr[a + 1]!; p++) {
      const value = dataIsShared ? data[0]! : data[perm ? perm[p]! : p]!;
      if (arg.compressed === 'row') visit(a, idx[p]!, value);
      else visit(idx[p]!, a, value);
    }
  }
}

/**
 * A compressed structure (ptr over `ptr.length - 1` lines, indices below `minor`) compressed
 * along the other axis by a stable counting sort, O(nnz + minor): its ptr, its indices (the
 * old line of each entry) and perm (each entry's position in the old order).
 */
export function compressOther(ptr: ArrayLike<number>, idx: ArrayLike<number>, minor: number): { ptr: Int32Array; idx: Int32Array; perm: Int32Array } {
  const nnz = idx.length;
  const optr = new Int32Array(minor + 1);
  for (let p = 0; p < nnz; p++) optr[idx[p]! + 1]!++;
  for (let j = 0; j < minor; j++) optr[j + 1]! += optr[j]!;
  const next = optr.slice(0, minor);
  const oidx = new Int32Array(nnz);
  const perm = new Int32Array(nnz);
  for (let a = 0; a + 1 < ptr.length; a++) {
    for (let p = ptr[a]!; p < ptr[a + 1]!; p++) {
      const q = next[idx[p]!]!++;
      oidx[q] = a;
      perm[q] = p;
    }
  }
  return { ptr: optr, idx: oidx, perm };
}

export interface ProductSides {
  readonly rows: number;
  readonly cols: number;
  readonly side: 'left' | 'right' | 'none';
}

/** The contracted and produced sizes of a product, and its batch. */
export function productGeometry(arg: ProductSides, x: Shape): { nIn: number; nOut: number; batch: number; shape: Shape } {
  const left = arg.side === 'left';
  const nIn = left ? arg.rows : arg.cols;
  const nOut = left ? arg.cols : arg.rows;
  const m = `[${arg.rows}, ${arg.cols}]`;
  if (x.length < 1 || x.length > 2) {
    throw new ShapeMismatchError(`matmul: expected a vector or a matrix operand for the sparse ${m} matrix, got shape ${showShape(x)}`);
  }
  const contracted = left ? x[x.length - 1]! : x[0]!;
  if (contracted !== nIn) {
    const spelled = left ? `${showShape(x)} @ ${m}` : `${m} @ ${showShape(x)}`;
    throw new ShapeMismatchError(`matmul: inner dimensions differ: ${spelled} has ${contracted} != ${nIn}; expected equal`);
  }
  const batch = x.length === 2 ? (left ? x[0]! : x[1]!) : 1;
  const shape = x.length === 1 ? [nOut] : left ? [batch, nOut] : [nOut, batch];
  return { nIn, nOut, batch, shape };
}

/** How explain names a node. */
export const ref = (n: Node): string => `%${n.id}`;

/** A unit rule that converts no operand and gives `unit`. */
export const keepUnits = (src: readonly Node[], unit: Unit) => ({ unit, factors: src.map(() => 1), operands: src.map((s) => s.unit) });

/**
 * The reference of a product x @ M or M @ x whose entries `forEach` visits (row, col, weight):
 * float64 sums over the entries; an event operand (bool) adds the weights of active entries.
 */
export function productReference(
  node: Node, x: Float64Array, geometry: ProductSides,
  forEach: (visit: (row: number, col: number, weight: number) => void) => void,
): Float64Array {
  const { nIn, nOut, batch } = productGeometry(geometry, node.src[0]!.shape);
  const left = geometry.side === 'left';
  const events = node.src[0]!.dtype === 'bool';
  const out = new Float64Array(nOut * batch);
  forEach((r, c, w) => {
    const [i, o] = left ? [r, c] : [c, r];
    for (let b = 0; b < batch; b++) {
      const xv = x[left ? b * nIn + i : i * batch + b]!;
      const at = left ? b * nOut + o : o * batch + b;
      if (events) {
        if (xv !== 0) out[at]! += w;
      } else out[at]! += w * xv;
    }
  });
  return out;
}

/**
 * How a product x @ M or M @ x walks M compressed (or regenerated) along `axis`: it scatters
 * when the lines are along the contracted axis (each x entry adds its line), else gathers.
 */
export const productWalk = (side: ProductSides['side'], axis: 'row' | 'col'): 'scatter' | 'gather' =>
  ((side === 'left') === (axis === 'row') ? 'scatter' : 'gather');

/** The shape and dtype of a product (x, weights, ...) with this geometry. */
export const productInfer = (src: readonly Node[], arg: ProductSides): { shape: Shape; dtype: DType } =>
  ({ shape: productGeometry(arg, src[0]!.shape).shape, dtype: promote([src[0]!, src[1]!]) });

/** A product's unit: events are dimensionless, so spikes @ W[nS] is in nS; x[mV] @ W[nS] in nS·mV. */
export function productUnits(src: readonly Node[]): UnitResult {
  checkEventUnit('matmul', src[0]!);
  return keepUnits(src, src[0]!.unit.mul(src[1]!.unit));
}

/** A product's first operand is its event operand when it is bool. */
export const boolFirstOperand = (n: Node): number | undefined => (n.src[0]!.dtype === 'bool' ? 0 : undefined);

/** Events (bool operands of products) are dimensionless: a spike has no unit. */
export function checkEventUnit(op: string, x: Node): void {
  if (x.dtype === 'bool' && !x.unit.equals(Unit.dimensionless)) {
    throw new UnitMismatchError(`${op}: a bool operand is events, which are dimensionless, but it has unit ${x.unit.toString()} (${x.unit.dimensionName()}); expected no unit`);
  }
}

/** A constant operand's values (structures are constants in every format), or a typed error naming `what`. */
export function constValues(n: Node, what: string): ArrayLike<number> {
  if (n.arg?.kind !== 'const') throw new InvalidArgumentError(`${what}: the sparse structure's ${n.op} operand is computed; expected a constant index array (as every format builds)`);
  return n.arg.data;
}

const flatIndices = new WeakMap<Node, Map<string, Node>>();

/**
 * The flat dense position r · cols + c of every stored entry, in data order (entry p at
 * perm[p] when permuted): densify's cotangent gathers its dense cotangent there. Built once
 * per structure (cached on the index leaf).
 */
export function flatEntryIndex(arg: SparseArg, ptr: Node, idx: Node, perm: Node | undefined): Node {
  const key = `${ptr.id}:${perm ? perm.id : '-'}:${arg.compressed}:${arg.rows}:${arg.cols}`;
  let byIdx = flatIndices.get(idx);
  if (!byIdx) flatIndices.set(idx, (byIdx = new Map()));
  const cached = byIdx.get(key);
  if (cached) return cached;
  const [P, I] = [Float64Array.from(constValues(ptr, 'densify')), Float64Array.from(constValues(idx, 'densify'))];
  const Q = perm ? constValues(perm, 'densify') : undefined;
  const flat = new Int32Array(I.length);
  let p = 0;
  forEachEntry(arg, new Float64Array(1), true, P, I, undefined, (r, c) => {
    flat[Q ? Q[p]! : p] = r * arg.cols + c;
    p++;
  });
  const n = indexNode(flat);
  byIdx.set(key, n);
  return n;
}
