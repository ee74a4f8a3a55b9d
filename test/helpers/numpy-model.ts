/**
 * An independent model of NumPy's shape and indexing semantics, on Dense values (row-major
 * numbers with a shape): every output element is found from its multi-index, axis by axis,
 * with Python's list-slicing rules written out as CPython applies them. It shares no code
 * with src/ (not the slice arithmetic, not the shape helpers).
 */
import type { DType } from '../../src/index.js';
import type { Dense } from './oracle.js';

export type ModelSpec = number | null | { start?: number | null; stop?: number | null; step?: number | null };

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major flat position of a multi-index. */
function flatAt(idx: readonly number[], shape: readonly number[]): number {
  let at = 0;
  for (let d = 0; d < shape.length; d++) at = at * shape[d]! + idx[d]!;
  return at;
}

/** Every multi-index of `shape`, row-major. */
function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((d) => d === 0)) return;
  const idx = shape.map(() => 0);
  for (;;) {
    yield [...idx];
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d]! === shape[d]) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** Build a Dense by reading `x` at `source(outIndex)` for every output element. */
function mapIndex(x: Dense, shape: number[], source: (o: number[]) => number[], dtype: DType = x.dtype): Dense {
  const values: number[] = [];
  for (const o of indices(shape)) values.push(x.values[flatAt(source(o), x.shape)]!);
  return { values, shape, dtype };
}

/** The positions `list[start:stop:step]` picks from a list of `len` items (CPython's rules). */
export function pythonSlice(len: number, start: number | null | undefined, stop: number | null | undefined, step: number | null | undefined): number[] {
  const st = step ?? 1;
  if (st === 0) throw new Error('slice step cannot be zero');
  const out: number[] = [];
  if (st > 0) {
    let a = start ?? 0;
    let b = stop ?? len;
    a = a < 0 ? Math.max(0, a + len) : Math.min(a, len);
    b = b < 0 ? Math.max(0, b + len) : Math.min(b, len);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    let a = start ?? len - 1;
    let b = stop ?? -1 - len; // "to the very start": below every position
    a = a < 0 ? Math.max(-1, a + len) : Math.min(a, len - 1);
    b = b < 0 ? Math.max(-1, b + len) : Math.min(b, len - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** x[specs...]: numbers index (and drop the axis), null keeps it, objects slice it. */
export function modelSlice(x: Dense, specs: readonly ModelSpec[]): Dense {
  const picks = x.shape.map((len, d) => {
    const s = specs[d] ?? null;
    if (typeof s === 'number') return { keep: false, at: [s < 0 ? s + len : s] };
    if (s === null) return { keep: true, at: pythonSlice(len, null, null, 1) };
    return { keep: true, at: pythonSlice(len, s.start, s.stop, s.step) };
  });
  const shape = picks.filter((p) => p.keep).map((p) => p.at.length);
  return mapIndex(x, shape, (o) => {
    let k = 0;
    return picks.map((p) => (p.keep ? p.at[o[k++]!]! : p.at[0]!));
  });
}

/** np.take(x, ind, axis); axis null takes from the flattened array. */
export function modelTake(x: Dense, ind: readonly number[], indShape: readonly number[], axis: number | null): Dense {
  const src = axis === null ? { ...x, shape: [size(x.shape)] } : x;
  const ax = axis === null ? 0 : axis < 0 ? axis + x.shape.length : axis;
  const len = src.shape[ax]!;
  const shape = [...src.shape.slice(0, ax), ...indShape, ...src.shape.slice(ax + 1)];
  return mapIndex(src, shape, (o) => {
    const j = ind[flatAt(o.slice(ax, ax + indShape.length), indShape)]!;
    return [...o.slice(0, ax), j < 0 ? j + len : j, ...o.slice(ax + indShape.length)];
  });
}

/** np.transpose(x, perm): output axis k is input axis perm[k]. */
export function modelTranspose(x: Dense, perm?: readonly number[]): Dense {
  const rank = x.shape.length;
  const p = (perm ?? x.shape.map((_, i) => rank - 1 - i)).map((a) => (a < 0 ? a + rank : a));
  return mapIndex(x, p.map((a) => x.shape[a]!), (o) => {
    const inIdx = new Array<number>(rank);
    p.forEach((a, k) => (inIdx[a] = o[k]!));
    return inIdx;
  });
}

/** The same values under a new shape (one -1 inferred). */
export function modelReshape(x: Dense, shape: readonly number[]): Dense {
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return { values: [...x.values], shape: shape.map((d) => (d === -1 ? x.values.length / known : d)), dtype: x.dtype };
}

const ORDER: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** np.concatenate along `axis`, values already in one unit; dtype: the widest (all bool stays bool). */
export function modelConcat(xs: readonly Dense[], axis: number): Dense {
  const rank = xs[0]!.shape.length;
  const ax = axis < 0 ? axis + rank : axis;
  const lengths = xs.map((x) => x.shape[ax]!);
  const shape = xs[0]!.shape.map((d, k) => (k === ax ? lengths.reduce((a, b) => a + b, 0) : d));
  const dtype = xs.map((x) => x.dtype).reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a));
  const values: number[] = [];
  for (const o of indices(shape)) {
    let j = o[ax]!;
    let i = 0;
    while (j >= lengths[i]!) j -= lengths[i++]!;
    const x = xs[i]!;
    values.push(x.values[flatAt(o.map((v, k) => (k === ax ? j : v)), x.shape)]!);
  }
  return { values, shape, dtype };
}

/** np.stack along a new axis `axis`. */
export function modelStack(xs: readonly Dense[], axis: number): Dense {
  const rank = xs[0]!.shape.length + 1;
  const ax = axis < 0 ? axis + rank : axis;
  const shape = [...xs[0]!.shape.slice(0, ax), xs.length, ...xs[0]!.shape.slice(ax)];
  const dtype = xs.map((x) => x.dtype).reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a));
  const values: number[] = [];
  for (const o of indices(shape)) {
    const x = xs[o[ax]!]!;
    values.push(x.values[flatAt(o.filter((_, k) => k !== ax), x.shape)]!);
  }
  return { values, shape, dtype };
}
