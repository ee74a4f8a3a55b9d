/**
 * An independent oracle for the dense ops: every output element is computed on its own from
 * its multi-index, mapped to each operand's index by the NumPy broadcasting rule. It shares
 * no code with src/ (not even the shape helpers); its dtype rules restate the documented ones.
 */
import type { DType } from '../../src/index.js';

export interface Dense {
  readonly values: number[];
  readonly shape: number[];
  readonly dtype: DType;
}

// ------------------------------------------------------------------ storage and dtypes

/** The value a `dtype` buffer holds after storing `v` (JS typed-array conversion rules). */
export function storeAs(dtype: DType, v: number): number {
  switch (dtype) {
    case 'float64':
      return v;
    case 'float32':
      return Math.fround(v);
    case 'int32':
      return v | 0; // ToInt32: truncate toward zero, wrap, NaN/Infinity -> 0
    case 'bool':
      return v === 0 ? 0 : 1; // NaN is true, like NumPy's bool(nan)
  }
}

/** An input as the library stores it. */
export const dense = (c: { values: readonly number[]; shape: readonly number[]; dtype: DType }): Dense => ({
  values: c.values.map((v) => storeAs(c.dtype, v)),
  shape: [...c.shape],
  dtype: c.dtype,
});

const ORDER: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];
const isFloatType = (d: DType): boolean => d === 'float32' || d === 'float64';

/** An operand for dtype rules: an array's dtype, or a plain JS number (a weak scalar). */
export type DTypeOperand = DType | number;

/**
 * The documented promotion: the widest array dtype wins (bool < int32 < float32 < float64);
 * plain numbers adapt, except that a non-integer number lifts bool/int32 to float32; with no
 * arrays at all the result is float32; arithmetic on bools gives int32.
 */
export function promoteTypes(ops: readonly DTypeOperand[]): DType {
  const arrays = ops.filter((o): o is DType => typeof o === 'string');
  const fractional = ops.some((o) => typeof o === 'number' && !Number.isInteger(o));
  if (arrays.length === 0) return 'float32';
  const widest = arrays.reduce((a, b) => (ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a));
  if (fractional && !isFloatType(widest)) return 'float32';
  return widest === 'bool' ? 'int32' : widest;
}

export const COMPARISONS = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'] as const;
export const FLOAT_RESULT_OPS = ['div', 'pow', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh'] as const;

/** The result dtype of an elementwise op (or clip) from its operands. */
export function resultDType(op: string, ops: readonly DTypeOperand[]): DType {
  if ((COMPARISONS as readonly string[]).includes(op) || op === 'not') return 'bool';
  // Choosing between two bool arrays keeps bool; otherwise the branches promote.
  if (op === 'where') return ops[1] === 'bool' && ops[2] === 'bool' ? 'bool' : promoteTypes(ops.slice(1));
  const p = promoteTypes(ops);
  if ((FLOAT_RESULT_OPS as readonly string[]).includes(op)) return isFloatType(p) ? p : 'float32';
  return p;
}

export function reduceDType(op: 'sum' | 'max' | 'min' | 'mean', d: DType): DType {
  if (op === 'mean') return d === 'float64' ? 'float64' : 'float32';
  if (op === 'sum' && d === 'bool') return 'int32';
  return d;
}

// ------------------------------------------------------------------ scalar semantics

const nanOr = (a: number, b: number, pick: number): number => (Number.isNaN(a) || Number.isNaN(b) ? NaN : pick);

/** What each op means on one element (bools are 0/1). */
export const SCALAR: Readonly<Record<string, (...x: number[]) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => nanOr(a, b, a >= b ? a : b),
  minimum: (a, b) => nanOr(a, b, a <= b ? a : b),
  greater: (a, b) => Number(a > b),
  greaterEqual: (a, b) => Number(a >= b),
  less: (a, b) => Number(a < b),
  lessEqual: (a, b) => Number(a <= b),
  equal: (a, b) => Number(a === b),
  notEqual: (a, b) => Number(a !== b),
  where: (c, a, b) => (c !== 0 ? a : b),
  clip: (x, lo, hi) => { const m = nanOr(x, lo, x >= lo ? x : lo); return nanOr(m, hi, m <= hi ? m : hi); },
  neg: (a) => -a,
  abs: (a) => (a < 0 ? -a : a === 0 ? 0 : a),
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  not: (a) => Number(a === 0),
};

// ------------------------------------------------------------------ indexing

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Multi-index of flat position `k` in a row-major array of `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

/** Flat row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let k = 0;
  for (let d = 0; d < shape.length; d++) k = k * shape[d]! + idx[d]!;
  return k;
}

/** NumPy broadcast of shapes; undefined when they do not broadcast. */
export function broadcastShape(shapes: readonly (readonly number[])[]): number[] | undefined {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let p = 0; p < rank; p++) {
    // dims at aligned position p (counting from the left of the output)
    const dims = shapes.map((s) => s[p - (rank - s.length)]).filter((d): d is number => d !== undefined && d !== 1);
    const distinct = [...new Set(dims)];
    if (distinct.length > 1) return undefined;
    out.push(distinct.length ? distinct[0]! : 1);
  }
  return out;
}

/** Where output element `outIdx` reads from an operand of `shape` (NumPy rule). */
export function sourceIndex(outIdx: readonly number[], shape: readonly number[]): number {
  const lead = outIdx.length - shape.length;
  return ravel(shape.map((d, j) => (d === 1 ? 0 : outIdx[lead + j]!)), shape);
}

// ------------------------------------------------------------------ ops

export type Operand = Dense | number;

/** Apply `f` elementwise over the broadcast of the operands; store in `dtype`. */
export function elementwise(f: (...x: number[]) => number, operands: readonly Operand[], dtype: DType): Dense {
  const shapes = operands.map((o) => (typeof o === 'number' ? [] : o.shape));
  const shape = broadcastShape(shapes);
  if (!shape) throw new Error(`oracle: shapes ${JSON.stringify(shapes)} do not broadcast`);
  const values: number[] = [];
  for (let k = 0; k < sizeOf(shape); k++) {
    const idx = unravel(k, shape);
    const args = operands.map((o) => (typeof o === 'number' ? o : o.values[sourceIndex(idx, o.shape)]!));
    values.push(storeAs(dtype, f(...args)));
  }
  return { values, shape, dtype };
}

/** An elementwise op by name, with the documented result dtype. */
export function applyOp(op: string, operands: readonly Operand[]): Dense {
  const dtype = resultDType(op, operands.map((o) => (typeof o === 'number' ? o : o.dtype)));
  return elementwise(SCALAR[op]!, operands, dtype);
}

/** sum / mean / max / min over all elements (axis null) or one axis (negative counts from the end). */
export function reduce(op: 'sum' | 'mean' | 'max' | 'min', x: Dense, axis: number | null, keepdims = false): Dense {
  const rank = x.shape.length;
  const ax = axis === null ? null : axis < 0 ? axis + rank : axis;
  const shape =
    ax === null
      ? keepdims ? x.shape.map(() => 1) : []
      : x.shape.flatMap((d, i) => (i === ax ? (keepdims ? [1] : []) : [d]));
  const groups: number[][] = Array.from({ length: sizeOf(shape) }, () => []);
  x.values.forEach((v, k) => {
    const idx = unravel(k, x.shape);
    const outIdx = ax === null ? (keepdims ? idx.map(() => 0) : []) : keepdims ? idx.map((i, d) => (d === ax ? 0 : i)) : idx.filter((_, d) => d !== ax);
    groups[ravel(outIdx, shape)]!.push(v);
  });
  const dtype = reduceDType(op, x.dtype);
  const fold = (vs: number[]): number => {
    switch (op) {
      case 'sum':
        return vs.reduce((a, b) => a + b, 0);
      case 'mean':
        return vs.reduce((a, b) => a + b, 0) / vs.length;
      case 'max':
        return vs.some(Number.isNaN) ? NaN : Math.max(...vs);
      case 'min':
        return vs.some(Number.isNaN) ? NaN : Math.min(...vs);
    }
  };
  return { values: groups.map((g) => storeAs(dtype, fold(g))), shape, dtype };
}

/** Dense matmul of 1-D/2-D operands: a vector is a row on the left and a column on the right. */
export function matmul(a: Dense, b: Dense): Dense {
  const rows = a.shape.length === 2 ? a.shape[0]! : 1;
  const inner = a.shape[a.shape.length - 1]!;
  const cols = b.shape.length === 2 ? b.shape[1]! : 1;
  const dtype = promoteTypes([a.dtype, b.dtype]);
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let q = 0; q < inner; q++) {
        // a[i, q] (a vector: a[q]); b[q, j] (a vector: b[q])
        const av = a.shape.length === 1 ? a.values[q]! : a.values[ravel([i, q], a.shape)]!;
        const bv = b.shape.length === 1 ? b.values[q]! : b.values[ravel([q, j], b.shape)]!;
        acc += av * bv;
      }
      values.push(storeAs(dtype, acc));
    }
  }
  const shape = [...(a.shape.length === 2 ? [rows] : []), ...(b.shape.length === 2 ? [cols] : [])];
  return { values, shape, dtype };
}

/** Multiply every element by a constant (a unit conversion), keeping dtype. */
export const scaled = (x: Dense, factor: number): Dense => ({ ...x, values: x.values.map((v) => v * factor) });
