/**
 * The primitive table: every op is declared once here with its shape/dtype rule, its unit
 * rule and its dense float64 reference. `build` is the only way nodes with operands are made.
 */
import { ShapeMismatchError, InvalidArgumentError } from '../errors.js';
import { BYTES, checkAllocation } from '../limits.js';
import * as rules from '../units/rules.js';
import type { UnitResult } from '../units/rules.js';
import { Unit } from '../units/unit.js';
import { isFloat, roundTo, type DType } from './dtype.js';
import { promote } from './promote.js';
import { STRUCTURED_PRIMITIVES, checkEventUnit } from './structured.js';
import { jitcDensify, jitcProduct } from './jitc.js';
import { plasticityUpdate } from './plasticity.js';
import { intern, type Node, type NodeArg, type ReduceArg } from './node.js';
import {
  BINARY_OPS, COMPARISON_OPS, UNARY_OPS, type ElementwiseOp, type OpName,
} from './ops.js';
import { broadcastShapes, broadcastStrides, showShape, sizeOf, type Shape } from './shape.js';

export interface Primitive {
  readonly op: OpName;
  /** Result shape and dtype from the (unit-converted) operands. Throws ShapeMismatchError. */
  readonly infer: (src: readonly Node[], arg: NodeArg) => { shape: Shape; dtype: DType };
  /** Result unit and operand conversions. Throws UnitMismatchError. */
  readonly units: (src: readonly Node[], arg: NodeArg) => UnitResult;
  /** Dense float64 reference: operand values (row-major, node.src order) -> result values. */
  readonly reference: (node: Node, inputs: readonly Float64Array[]) => Float64Array;
}

// ---------------------------------------------------------------- dtype rules

const floatOf = (d: DType): DType => (isFloat(d) ? d : 'float32');

// ---------------------------------------------------------------- elementwise semantics

/** The meaning of each elementwise op on float64 values; bool inputs are 0/1. */
export const SCALAR_FN: Readonly<Record<ElementwiseOp, (a: number, b: number, c: number) => number>> = {
  neg: (a) => -a,
  abs: (a) => Math.abs(a),
  exp: (a) => Math.exp(a),
  log: (a) => Math.log(a),
  sqrt: (a) => Math.sqrt(a),
  sin: (a) => Math.sin(a),
  cos: (a) => Math.cos(a),
  tanh: (a) => Math.tanh(a),
  not: (a) => (a === 0 ? 1 : 0),
  cast: (a) => a,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => Math.pow(a, b),
  maximum: (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)),
  minimum: (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  where: (c, a, b) => (c !== 0 ? a : b),
};

/** Apply f over the broadcast of the inputs, rounding to the node's dtype when it is integral. */
function elementwiseReference(node: Node, inputs: readonly Float64Array[]): Float64Array {
  const f = SCALAR_FN[node.op as ElementwiseOp];
  const out = new Float64Array(node.size);
  const shape = node.shape;
  const strides = node.src.map((s) => broadcastStrides(s.shape, shape));
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  const off = new Array<number>(inputs.length).fill(0);
  const integral = !isFloat(node.dtype);
  for (let k = 0; k < out.length; k++) {
    const v = f(inputs[0]![off[0]!]!, inputs[1]?.[off[1]!] ?? 0, inputs[2]?.[off[2]!] ?? 0);
    out[k] = integral ? roundTo(node.dtype, v) : v;
    // advance the multi-index (row-major) and every operand offset with it
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < off.length; j++) off[j]! += strides[j]![d]!;
      if (idx[d]! < shape[d]!) break;
      for (let j = 0; j < off.length; j++) off[j]! -= strides[j]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

function elementwiseInfer(op: ElementwiseOp, src: readonly Node[], arg: NodeArg): { shape: Shape; dtype: DType } {
  const shape = broadcastShapes(op, src.map((s) => s.shape));
  let dtype: DType;
  if ((COMPARISON_OPS as readonly string[]).includes(op) || op === 'not') dtype = 'bool';
  else if (op === 'cast') dtype = (arg as { dtype: DType }).dtype;
  else if (op === 'where') dtype = src[1]!.dtype === 'bool' && src[2]!.dtype === 'bool' ? 'bool' : promote(src.slice(1));
  else if (['div', 'pow', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh'].includes(op)) dtype = floatOf(promote(src));
  else dtype = promote(src);
  return { shape, dtype };
}

const units = (src: readonly Node[]): Unit[] => src.map((s) => s.unit);

function elementwiseUnits(op: ElementwiseOp, src: readonly Node[]): UnitResult {
  const u = units(src);
  switch (op) {
    case 'add': case 'sub': case 'maximum': case 'minimum':
      return rules.sameDimension(op, u);
    case 'greater': case 'greaterEqual': case 'less': case 'lessEqual': case 'equal': case 'notEqual':
      return rules.comparison(op, u);
    case 'mul':
      return rules.product(u);
    case 'div':
      return rules.quotient(u[0]!, u[1]!);
    case 'pow':
      return rules.power(u[0]!, u[1]!, src[1]!.scalarValue);
    case 'sqrt':
      return rules.sqrt(u[0]!);
    case 'exp': case 'log': case 'sin': case 'cos': case 'tanh':
      return rules.dimensionless(op, u[0]!);
    case 'not':
      return { unit: Unit.dimensionless, factors: [1], operands: u };
    case 'where': {
      const r = rules.sameDimension(op, u, [1, 2]);
      return { unit: u[1]!, factors: r.factors, operands: r.operands };
    }
    case 'neg': case 'abs': case 'cast':
      return rules.keep(u);
  }
}

// ---------------------------------------------------------------- reductions

function reduceInfer(op: 'sum' | 'max' | 'min', src: readonly Node[], arg: NodeArg): { shape: Shape; dtype: DType } {
  const { axis, keepdims } = arg as ReduceArg;
  const inShape = src[0]!.shape;
  const reduced = axis === null ? sizeOf(inShape) : inShape[axis]!;
  if (op !== 'sum' && reduced === 0) {
    throw new ShapeMismatchError(`${op}: cannot reduce an empty axis of shape ${showShape(inShape)}: ${op} has no identity; expected at least one element`);
  }
  const shape = axis === null
    ? (keepdims ? inShape.map(() => 1) : [])
    : inShape.flatMap((d, i) => (i === axis ? (keepdims ? [1] : []) : [d]));
  const d = src[0]!.dtype;
  return { shape, dtype: op === 'sum' && d === 'bool' ? 'int32' : d };
}

/** Split a shape around the reduced axis: outer × reduced × inner (all-axis: 1 × size × 1). */
export function reduceGeometry(inShape: Shape, axis: number | null): { outer: number; len: number; inner: number } {
  if (axis === null) return { outer: 1, len: sizeOf(inShape), inner: 1 };
  return { outer: sizeOf(inShape.slice(0, axis)), len: inShape[axis]!, inner: sizeOf(inShape.slice(axis + 1)) };
}

export const REDUCE_INIT: Readonly<Record<'sum' | 'max' | 'min', number>> = { sum: 0, max: -Infinity, min: Infinity };

function reduceReference(node: Node, inputs: readonly Float64Array[]): Float64Array {
  const { axis } = node.arg as ReduceArg;
  const { outer, len, inner } = reduceGeometry(node.src[0]!.shape, axis);
  const x = inputs[0]!;
  const out = new Float64Array(outer * inner);
  const combine = node.op === 'sum' ? (a: number, b: number) => a + b : SCALAR_FN[node.op === 'max' ? 'maximum' : 'minimum'];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = REDUCE_INIT[node.op as 'sum'];
      for (let k = 0; k < len; k++) acc = combine(acc, x[(o * len + k) * inner + i]!, 0);
      out[o * inner + i] = node.dtype === 'int32' ? acc | 0 : acc;
    }
  }
  return out;
}

// ---------------------------------------------------------------- dense matmul

/** m × k times k × n; a vector operand is a row (left) or column (right). */
export function matmulGeometry(a: Shape, b: Shape): { m: number; k: number; n: number; shape: Shape } {
  if (a.length < 1 || a.length > 2 || b.length < 1 || b.length > 2) {
    throw new ShapeMismatchError(`matmul: expected 1-D or 2-D operands, got shapes ${showShape(a)} and ${showShape(b)}`);
  }
  const m = a.length === 2 ? a[0]! : 1;
  const k = a[a.length - 1]!;
  const kb = b[0]!;
  const n = b.length === 2 ? b[1]! : 1;
  if (k !== kb) {
    throw new ShapeMismatchError(`matmul: inner dimensions differ: ${showShape(a)} @ ${showShape(b)} has ${k} != ${kb}; expected equal`);
  }
  const shape = [...(a.length === 2 ? [m] : []), ...(b.length === 2 ? [n] : [])];
  return { m, k, n, shape };
}

function matmulReference(node: Node, inputs: readonly Float64Array[]): Float64Array {
  const { m, k, n } = matmulGeometry(node.src[0]!.shape, node.src[1]!.shape);
  const [a, b] = inputs as [Float64Array, Float64Array];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let q = 0; q < k; q++) acc += a[i * k + q]! * b[q * n + j]!;
      out[i * n + j] = node.dtype === 'int32' ? acc | 0 : acc;
    }
  }
  return out;
}

// ---------------------------------------------------------------- the table

const leaf = (op: OpName): Primitive => ({
  op,
  infer: () => {
    throw new InvalidArgumentError(`${op} is a leaf: build it with its constructor`);
  },
  units: () => ({ unit: Unit.dimensionless, factors: [], operands: [] }),
  reference: (node) => {
    if (node.arg?.kind === 'const') return Float64Array.from(node.arg.data);
    if (node.arg?.kind === 'scalar') return Float64Array.of(node.arg.value);
    throw new InvalidArgumentError(`input '${(node.arg as { name: string }).name}' has no value outside a compiled step`);
  },
});

const elementwise = (op: ElementwiseOp): Primitive => ({
  op,
  infer: (src, arg) => elementwiseInfer(op, src, arg),
  units: (src) => elementwiseUnits(op, src),
  reference: elementwiseReference,
});

const reduce = (op: 'sum' | 'max' | 'min'): Primitive => ({
  op,
  infer: (src, arg) => reduceInfer(op, src, arg),
  units: (src) => rules.keep(units(src)),
  reference: reduceReference,
});

const table: Partial<Record<OpName, Primitive>> = {
  const: leaf('const'),
  scalar: leaf('scalar'),
  input: leaf('input'),
  sum: reduce('sum'),
  max: reduce('max'),
  min: reduce('min'),
  matmul: {
    op: 'matmul',
    infer: (src) => ({ shape: matmulGeometry(src[0]!.shape, src[1]!.shape).shape, dtype: promote(src) }),
    units: (src) => {
      src.forEach((s) => checkEventUnit('matmul', s));
      return rules.product(units(src));
    },
    reference: matmulReference,
  },
};
for (const op of [...UNARY_OPS, ...BINARY_OPS, 'where' as const]) table[op] = elementwise(op);
for (const prim of [...STRUCTURED_PRIMITIVES, jitcProduct, jitcDensify, plasticityUpdate]) table[prim.op] = prim;
export const PRIMITIVES: Readonly<Record<OpName, Primitive>> = Object.freeze(table as Record<OpName, Primitive>);

// ---------------------------------------------------------------- building nodes

export { promote };

/** A scalar leaf; weak scalars come from plain JS numbers and adapt their dtype. */
export function scalarNode(value: number, unit: Unit = Unit.dimensionless, dtype: DType = 'float32', weak = false): Node {
  return intern('scalar', dtype, [], unit, [], { kind: 'scalar', value, weak });
}

/** Multiply by a unit-conversion factor, giving the node the target unit; folds into scalar leaves. */
export function rescale(n: Node, factor: number, target: Unit): Node {
  if (factor === 1 && n.unit === target) return n;
  if (n.arg?.kind === 'scalar') {
    // Same dtype rule as the multiplication it replaces: a fractional factor lifts ints to float32.
    const dtype = promote([n, scalarNode(factor, Unit.dimensionless, 'float32', true)]);
    const value = n.arg.value * factor;
    return scalarNode(n.arg.weak ? value : roundTo(dtype, value), target, dtype, n.arg.weak);
  }
  if (factor === 1) return intern(n.op, n.dtype, n.shape, target, n.src, n.arg);
  const f = scalarNode(factor, Unit.dimensionless, 'float32', true);
  return intern('mul', promote([n, f]), n.shape, target, [n, f], null);
}

/** What the user called, for the IR ops that have no public function of their own name. */
const PUBLIC_NAMES: Partial<Record<OpName, string>> = {
  sparseProduct: 'matmul', jitcProduct: 'matmul', densify: 'todense', jitcDensify: 'todense', gather: 'transpose',
};

/** Build a node: unit rule (with conversions inserted), then shape/dtype rule, then intern. */
export function build(op: Exclude<OpName, 'const' | 'scalar' | 'input'>, src: readonly Node[], arg: NodeArg = null): Node {
  const prim = PRIMITIVES[op];
  const u = prim.units(src, arg);
  const converted = src.map((s, i) => rescale(s, u.factors[i]!, u.operands[i]!));
  const { shape, dtype } = prim.infer(converted, arg);
  // Every derived array is checked here, when the expression is built, not when a kernel allocates.
  const densifies = op === 'densify' || op === 'jitcDensify';
  checkAllocation(PUBLIC_NAMES[op] ?? op, `its result, of shape ${showShape(shape)} (${dtype})`, sizeOf(shape), BYTES[dtype],
    densifies ? 'keep the matrix in its sparse or JIT form and use its products' : 'compute it in smaller pieces');
  return intern(op, dtype, shape, u.unit, converted, arg);
}
