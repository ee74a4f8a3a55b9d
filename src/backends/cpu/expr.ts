/** JavaScript source for one elementwise op on already-computed operand expressions. */
import type { DType } from '../../ir/dtype.js';
import type { RandomArg } from '../../ir/args.js';
import type { ElementwiseOp } from '../../ir/ops.js';

/** A number as a JS literal that reads back to the same double. */
export function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${String(v)})` : String(v);
}

/**
 * Source for `op` over operand sources `a`, `b`, `c`; `dtype` is the node's result type and
 * `types[i]` operand i's. Bool values are JavaScript booleans inside a loop: V8 branches on
 * them directly (the COBA loop ran 17 → 13 µs per step in one side-by-side run, against 0/1
 * numbers compared with `!== 0`). Arithmetic and ordering coerce them to 0/1, so only
 * identity (`===`), `not`, `cast` and what `where` passes through need them as numbers.
 */
export function elementwiseSource(op: ElementwiseOp, dtype: DType, a: string, b = '', c = '', types: readonly DType[] = []): string {
  const bools = types.map((t) => t === 'bool');
  // int32 results of selects and max/min of int32 (or bool) operands are int32 already.
  const exactInt = dtype === 'int32' && (op === 'where' || op === 'maximum' || op === 'minimum')
    && types.every((t, i) => (op === 'where' && i === 0) || t === 'int32' || t === 'bool');
  const num = (x: string, i: number): string => (bools[i] ? `(${x} ? 1 : 0)` : x);
  const truth = (x: string, i: number): string => (bools[i] ? x : `${x} !== 0`);
  const e = ((): string => {
    switch (op) {
      case 'neg': return `-${a}`;
      case 'abs': return `Math.abs(${a})`;
      case 'exp': return `Math.exp(${a})`;
      case 'log': return `Math.log(${a})`;
      case 'sqrt': return `Math.sqrt(${a})`;
      case 'sin': return `Math.sin(${a})`;
      case 'cos': return `Math.cos(${a})`;
      case 'tanh': return `Math.tanh(${a})`;
      case 'not': return bools[0] ? `!${a}` : `${a} === 0`;
      case 'cast': return dtype === 'bool' ? truth(a, 0) : num(a, 0);
      case 'floor': return `Math.floor(${a})`;
      case 'ceil': return `Math.ceil(${a})`;
      // half to even: x - floor(x) is exact, so the tie test is too (see roundHalfEven)
      case 'round': return `(${a} - Math.floor(${a}) === 0.5 ? 2 * Math.round(${a} * 0.5) : Math.round(${a}))`;
      // not Math.sign: NumPy's sign(-0) is +0
      case 'sign': return `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a} === 0 ? 0 : ${a})`;
      case 'add': return `${a} + ${b}`;
      case 'sub': return `${a} - ${b}`;
      case 'mul': return `${a} * ${b}`;
      case 'div': return `${a} / ${b}`;
      case 'pow': return `Math.pow(${a}, ${b})`;
      // (no NaN or -0 among integers, so a compare-and-select is Math.max/min, without the call)
      case 'maximum': return exactInt ? `(${a} >= ${b} ? ${num(a, 0)} : ${num(b, 1)})` : `Math.max(${a}, ${b})`;
      case 'minimum': return exactInt ? `(${a} <= ${b} ? ${num(a, 0)} : ${num(b, 1)})` : `Math.min(${a}, ${b})`;
      // floored, as floorMod: `%` truncates (and is NaN for a zero divisor); operands are locals or literals
      case 'mod': {
        const m = `(${a} % ${b})`;
        return `(${m} === 0 ? (${b} < 0 ? -0 : 0) : (${m} < 0) !== (${b} < 0) ? ${m} + ${b} : ${m})`;
      }
      case 'greater': return `${a} > ${b}`;
      case 'greaterEqual': return `${a} >= ${b}`;
      case 'less': return `${a} < ${b}`;
      case 'lessEqual': return `${a} <= ${b}`;
      case 'equal': return `${num(a, 0)} === ${num(b, 1)}`;
      case 'notEqual': return `${num(a, 0)} !== ${num(b, 1)}`;
      // `!!` keeps the value a boolean when an operand is a bool literal (1 or 0)
      case 'logicalAnd': return `(!!${a} && !!${b})`;
      case 'logicalOr': return `(!!${a} || !!${b})`;
      case 'logicalXor': return `!${a} !== !${b}`;
      case 'where': {
        const pass = (x: string, i: number): string => (dtype === 'bool' ? x : num(x, i));
        return `(${truth(a, 0)} ? ${pass(b, 1)} : ${pass(c, 2)})`;
      }
    }
  })();
  // int32 results wrap like the reference's `| 0`.
  return dtype === 'int32' && !exactInt ? `(${e}) | 0` : e;
}

/**
 * Source for element `at` of a `dist` random array drawn from stream `key`, with its parameters'
 * sources (src/rng/distributions.ts; the same formulas as the primitive's reference).
 */
export function randomSource(dist: RandomArg['dist'], key: string, at: string, params: readonly string[]): string {
  const [a, b] = params;
  switch (dist) {
    case 'uniform': return `${a} + (${b} - ${a}) * ef_uniform(${key}, ${at})`;
    case 'normal': return `${a} + ${b} * ef_normal(${key}, ${at})`;
    case 'bernoulli': return `ef_bernoulli(${key}, ${at}, ${a})`;
    case 'poisson': return `ef_poisson(${key}, ${at}, ${a})`;
    case 'binomial': return `ef_binomial(${key}, ${at}, ${a}, ${b})`;
  }
}
