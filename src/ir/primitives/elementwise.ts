/**
 * The elementwise family: 32 ops with one broadcast rule and one reference loop; each op's
 * own facts (its float64 meaning, dtype rule, unit rule and traits) are one row of FACTS; its
 * VJP rule is one row of ELEMENTWISE_VJP (elementwise-vjp.ts, with the conventions at kinks).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Unit } from '../../units/unit.js';
import * as rules from '../../units/rules.js';
import type { UnitResult } from '../../units/rules.js';
import type { ArgOf } from '../args.js';
import { isFloat, roundTo, type DType } from '../dtype.js';
import type { Node } from '../node.js';
import { BINARY_OPS, TERNARY_OPS, UNARY_OPS, type ElementwiseOp } from '../ops.js';
import { definePrimitive, type Primitive, type Traits, type VjpRule } from '../primitive.js';
import { promote } from '../promote.js';
import { broadcastShapes, broadcastStrides } from '../shape.js';
import { ELEMENTWISE_VJP } from './elementwise-vjp.js';

type DTypeRule = 'bool' | 'promote' | 'float' | 'cast' | 'select';

interface Facts {
  /** The meaning on float64 values; bool inputs are 0/1. */
  readonly fn: (a: number, b: number, c: number) => number;
  readonly dtype: DTypeRule;
  readonly units: (u: readonly Unit[], src: readonly Node[]) => UnitResult;
  readonly expensive?: true;
  readonly accumulator?: 'add' | 'subtract';
}

const same = (op: string) => (u: readonly Unit[]) => rules.sameDimension(op, u);
const compare = (op: string) => (u: readonly Unit[]) => rules.comparison(op, u);
const plain = (op: string) => (u: readonly Unit[]) => rules.dimensionless(op, u[0]!);
const keep = (u: readonly Unit[]) => rules.keep(u);
const nan = (a: number, b: number): boolean => a !== a || b !== b;
const describeOperand = (s: Node): string => (s.arg?.kind === 'scalar' && s.arg.weak ? 'a plain number' : `${s.dtype === 'int32' ? 'an' : 'a'} ${s.dtype} array`);
/**
 * Logical ops: bool operands only (checked here, before units, as that is the likelier slip),
 * dimensionless (a comparison's result is).
 */
const logical = (op: string) => (u: readonly Unit[], src: readonly Node[]) => {
  const bad = src.findIndex((s) => s.dtype !== 'bool');
  if (bad >= 0) {
    throw new InvalidArgumentError(`${op}: expected bool arrays, e.g. from a comparison; got ${describeOperand(src[bad]!)} as the ${bad === 0 ? 'first' : 'second'} operand`);
  }
  u.forEach((x) => rules.dimensionless(op, x));
  return { unit: Unit.dimensionless, factors: u.map(() => 1), operands: u.map(() => Unit.dimensionless) };
};
/** NumPy's round: half to even (2.5 -> 2, -0.5 -> -0); exact, since x - floor(x) is. */
const roundHalfEven = (a: number): number => (a - Math.floor(a) === 0.5 ? 2 * Math.round(a * 0.5) : Math.round(a));
/** NumPy's mod: floored, the sign of the divisor (a zero result too); x mod 0 is NaN. */
function floorMod(a: number, b: number): number {
  const m = a % b;
  if (m === 0) return b < 0 ? -0 : 0;
  return m < 0 !== b < 0 ? m + b : m;
}

const FACTS: { readonly [O in ElementwiseOp]: Facts } = {
  neg: { fn: (a) => -a, dtype: 'promote', units: keep },
  abs: { fn: (a) => Math.abs(a), dtype: 'promote', units: keep },
  exp: { fn: (a) => Math.exp(a), dtype: 'float', units: plain('exp'), expensive: true },
  log: { fn: (a) => Math.log(a), dtype: 'float', units: plain('log'), expensive: true },
  sqrt: { fn: (a) => Math.sqrt(a), dtype: 'float', units: (u) => rules.sqrt(u[0]!), expensive: true },
  sin: { fn: (a) => Math.sin(a), dtype: 'float', units: plain('sin'), expensive: true },
  cos: { fn: (a) => Math.cos(a), dtype: 'float', units: plain('cos'), expensive: true },
  tanh: { fn: (a) => Math.tanh(a), dtype: 'float', units: plain('tanh'), expensive: true },
  not: { fn: (a) => (a === 0 ? 1 : 0), dtype: 'bool', units: (u) => ({ unit: Unit.dimensionless, factors: [1], operands: u }) },
  cast: { fn: (a) => a, dtype: 'cast', units: keep },
  // Rounding acts on the stored value, in the array's own unit (so floor of 1.5 mV is 1 mV).
  floor: { fn: (a) => Math.floor(a), dtype: 'promote', units: keep },
  ceil: { fn: (a) => Math.ceil(a), dtype: 'promote', units: keep },
  round: { fn: roundHalfEven, dtype: 'promote', units: keep },
  // NumPy: sign(±0) is +0, sign(NaN) is NaN; the result is a plain number whatever the unit.
  sign: { fn: (a) => (a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : a), dtype: 'promote', units: (u) => ({ unit: Unit.dimensionless, factors: [1], operands: u }) },
  add: { fn: (a, b) => a + b, dtype: 'promote', units: same('add'), accumulator: 'add' },
  sub: { fn: (a, b) => a - b, dtype: 'promote', units: same('sub'), accumulator: 'subtract' },
  mul: { fn: (a, b) => a * b, dtype: 'promote', units: (u) => rules.product(u) },
  div: { fn: (a, b) => a / b, dtype: 'float', units: (u) => rules.quotient(u[0]!, u[1]!) },
  pow: { fn: (a, b) => Math.pow(a, b), dtype: 'float', units: (u, src) => rules.power(u[0]!, u[1]!, src[1]!.scalarValue), expensive: true },
  maximum: { fn: (a, b) => (nan(a, b) ? NaN : Math.max(a, b)), dtype: 'promote', units: same('maximum') },
  minimum: { fn: (a, b) => (nan(a, b) ? NaN : Math.min(a, b)), dtype: 'promote', units: same('minimum') },
  mod: { fn: floorMod, dtype: 'promote', units: same('mod') },
  greater: { fn: (a, b) => (a > b ? 1 : 0), dtype: 'bool', units: compare('greater') },
  greaterEqual: { fn: (a, b) => (a >= b ? 1 : 0), dtype: 'bool', units: compare('greaterEqual') },
  less: { fn: (a, b) => (a < b ? 1 : 0), dtype: 'bool', units: compare('less') },
  lessEqual: { fn: (a, b) => (a <= b ? 1 : 0), dtype: 'bool', units: compare('lessEqual') },
  equal: { fn: (a, b) => (a === b ? 1 : 0), dtype: 'bool', units: compare('equal') },
  notEqual: { fn: (a, b) => (a !== b ? 1 : 0), dtype: 'bool', units: compare('notEqual') },
  logicalAnd: { fn: (a, b) => (a !== 0 && b !== 0 ? 1 : 0), dtype: 'bool', units: logical('logicalAnd') },
  logicalOr: { fn: (a, b) => (a !== 0 || b !== 0 ? 1 : 0), dtype: 'bool', units: logical('logicalOr') },
  logicalXor: { fn: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0), dtype: 'bool', units: logical('logicalXor') },
  where: {
    fn: (c, a, b) => (c !== 0 ? a : b),
    dtype: 'select',
    units: (u) => {
      const r = rules.sameDimension('where', u, [1, 2]);
      return { unit: u[1]!, factors: r.factors, operands: r.operands };
    },
  },
};

/** The meaning of each elementwise op on float64 values; bool inputs are 0/1. */
export const SCALAR_FN: { readonly [O in ElementwiseOp]: (a: number, b: number, c: number) => number } =
  Object.fromEntries(Object.entries(FACTS).map(([op, f]) => [op, f.fn])) as { [O in ElementwiseOp]: Facts['fn'] };

const floatOf = (d: DType): DType => (isFloat(d) ? d : 'float32');

function resultDType(rule: DTypeRule, src: readonly Node[], cast: DType | undefined): DType {
  switch (rule) {
    case 'bool': return 'bool';
    case 'promote': return promote(src);
    case 'float': return floatOf(promote(src));
    case 'cast': return cast!;
    case 'select': return src[1]!.dtype === 'bool' && src[2]!.dtype === 'bool' ? 'bool' : promote(src.slice(1));
  }
}

/** Apply f over the broadcast of the inputs, rounding to the node's dtype when it is integral. */
function elementwiseReference(f: Facts['fn'], node: Node, inputs: readonly Float64Array[]): Float64Array {
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

function elementwise<O extends ElementwiseOp>(op: O): Primitive<O> {
  const facts = FACTS[op];
  const traits: Traits<O> = {
    stage: 'inline',
    ...(facts.expensive ? { expensive: true } : {}),
    ...(facts.accumulator ? { accumulator: facts.accumulator } : {}),
  };
  return definePrimitive<O>({
    op,
    infer: (src, arg: ArgOf<O>) => ({
      shape: broadcastShapes(op, src.map((s) => s.shape)),
      dtype: resultDType(facts.dtype, src, arg?.dtype),
    }),
    units: (src) => facts.units(src.map((s) => s.unit), src),
    reference: (node, inputs) => elementwiseReference(facts.fn, node, inputs),
    traits,
    // Each op's rule (elementwise-vjp.ts); the table is indexed by op, which TypeScript cannot narrow to O.
    vjp: ELEMENTWISE_VJP[op] as unknown as VjpRule<O>,
  });
}

type ElementwiseTable = { readonly [O in ElementwiseOp]: Primitive<O> };

export const ELEMENTWISE_PRIMITIVES: ElementwiseTable = Object.fromEntries(
  [...UNARY_OPS, ...BINARY_OPS, ...TERNARY_OPS].map((op) => [op, elementwise(op)]),
) as unknown as ElementwiseTable;
