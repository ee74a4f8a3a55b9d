/**
 * Kernel-source building blocks for gpu.js: float literals, elementwise ops and exact
 * integer division. gpu.js transpiles a JS function to GLSL or WGSL, where every value is
 * float32, so integers are floats that are exact below 2^24, `| 0` does not exist and
 * division may be approximate (GPU reciprocals): quotients are corrected after flooring.
 */
import type { DType } from '../../ir/dtype.js';
import type { ElementwiseOp } from '../../ir/ops.js';

/** A finite number as a float literal ("3.0", "0.5", "1e-7"): GLSL and WGSL type it as float. */
export function floatLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`gpujs: non-finite literal ${v} must be passed in a slot`);
  const s = String(Object.is(v, -0) ? 0 : v);
  const f = /[.e]/.test(s) ? s : `${s}.0`;
  return v < 0 ? `(${f})` : f;
}

/** Helper functions kernels may call (gpu.js `functions`); each a plain float function. */
export const TRUNC_FN = 'function ef_trunc(v) { return v < 0.0 ? Math.ceil(v) : Math.floor(v); }';

/**
 * Source for `op` on operand sources; `dtype` is the result's (int32 truncates like `| 0` in
 * range); `special` is an array holding [NaN, Infinity] (for sqrt, log, pow outside their
 * domains and division by zero; a zero divisor counts as +0).
 */
export function elementwiseGpu(op: ElementwiseOp, dtype: DType, a: string, b = '', c = '', special = ''): string {
  const nan = `${special}[0]`;
  const inf = `${special}[1]`;
  const e = ((): string => {
    switch (op) {
      case 'neg': return `(0.0 - ${a})`;
      case 'abs': return `Math.abs(${a})`;
      case 'exp': return `Math.exp(${a})`;
      case 'log': return `(${a} < 0.0 ? ${nan} : Math.log(${a}))`;
      case 'sqrt': return `(${a} < 0.0 ? ${nan} : Math.sqrt(${a}))`;
      case 'sin': return `Math.sin(${a})`;
      case 'cos': return `Math.cos(${a})`;
      case 'tanh': return `ef_tanh(${a})`;
      case 'not': return `(${a} === 0.0 ? 1.0 : 0.0)`;
      case 'cast': return dtype === 'bool' ? `(${a} !== 0.0 ? 1.0 : 0.0)` : a;
      case 'floor': return `Math.floor(${a})`;
      case 'ceil': return `Math.ceil(${a})`;
      case 'round': return `ef_round(${a})`;
      case 'sign': return `(${a} > 0.0 ? 1.0 : (${a} < 0.0 ? (0.0 - 1.0) : ${a}))`;
      case 'add': return `(${a} + ${b})`;
      case 'sub': return `(${a} - ${b})`;
      case 'mul': return `(${a} * ${b})`;
      case 'div': return `(${b} !== 0.0 ? ${a} / ${b} : (${a} > 0.0 ? ${inf} : (${a} < 0.0 ? 0.0 - ${inf} : ${nan})))`;
      case 'pow': return `ef_pow(${a}, ${b}, ${nan}, ${inf})`;
      case 'maximum': return `Math.max(${a}, ${b})`;
      case 'minimum': return `Math.min(${a}, ${b})`;
      // an int32 mod 0 is 0 (NumPy), a float one NaN
      case 'mod': return `ef_mod(${a}, ${b}, ${dtype === 'int32' ? '0.0' : nan})`;
      case 'greater': return `(${a} > ${b} ? 1.0 : 0.0)`;
      case 'greaterEqual': return `(${a} >= ${b} ? 1.0 : 0.0)`;
      case 'less': return `(${a} < ${b} ? 1.0 : 0.0)`;
      case 'lessEqual': return `(${a} <= ${b} ? 1.0 : 0.0)`;
      case 'equal': return `(${a} === ${b} ? 1.0 : 0.0)`;
      case 'notEqual': return `(${a} !== ${b} ? 1.0 : 0.0)`;
      case 'logicalAnd': return `(${a} !== 0.0 && ${b} !== 0.0 ? 1.0 : 0.0)`;
      case 'logicalOr': return `(${a} !== 0.0 || ${b} !== 0.0 ? 1.0 : 0.0)`;
      case 'logicalXor': return `((${a} !== 0.0 ? 1.0 : 0.0) !== (${b} !== 0.0 ? 1.0 : 0.0) ? 1.0 : 0.0)`;
      case 'where': return `(${a} !== 0.0 ? ${b} : ${c})`;
    }
  })();
  return dtype === 'int32' ? `ef_trunc(${e})` : e;
}

/**
 * tanh that saturates: gpu.js's GLSL tanh is (e^2x − 1)/(e^2x + 1), NaN once e^2x overflows
 * (x ≳ 44); beyond |x| = 9.5 float32 tanh is ±1 exactly.
 */
export const TANH_FN = 'function ef_tanh(v) { if (v > 9.5) { return 1.0; } if (v < -9.5) { return -1.0; } return Math.tanh(v); }';

/**
 * NumPy's round (half to even) without Math.round: gpu.js's GLSL round is floor(x + 0.5),
 * which rounds 0.49999997 up in float32. v - floor(v) is exact in float32 where a tie can be.
 */
export const ROUND_FN = [
  'function ef_round(v) {',
  '  const f = Math.floor(v);',
  '  const d = v - f;',
  '  if (d < 0.5) { return f; }',
  '  if (d > 0.5) { return f + 1.0; }',
  '  const h = f * 0.5;',
  '  return Math.floor(h) === h ? f : f + 1.0;',
  '}',
].join('\n');

/**
 * NumPy's mod (floored: the sign of the divisor) in float32. a - floor(a / b)·b with an
 * approximate GPU quotient may land one divisor off, so the remainder is moved back into
 * [0, b) (or (b, 0]); `zero` is the result for b = 0 (NaN, or 0 for int32).
 */
export const MOD_FN = [
  'function ef_mod(a, b, zero) {',
  '  if (b === 0.0) { return zero; }',
  '  let r = a - Math.floor(a / b) * b;',
  '  if (b > 0.0) {',
  '    if (r < 0.0) { r = r + b; }',
  '    if (r >= b) { r = r - b; }',
  '  } else {',
  '    if (r > 0.0) { r = r + b; }',
  '    if (r <= b) { r = r - b; }',
  '  }',
  '  return r;',
  '}',
].join('\n');

/**
 * pow with JavaScript's rules: GLSL/WGSL pow(x, y) is undefined for x ≤ 0, so 0 to a negative
 * power is Infinity, and a negative base is raised as |x| with the sign restored for odd
 * integer exponents (NaN for fractional ones).
 */
export const POW_FN = [
  'function ef_pow(x, y, nan, inf) {',
  '  if (y === 0.0) { return 1.0; }',
  '  if (x === 0.0) { return y > 0.0 ? 0.0 : inf; }',
  '  if (x >= 0.0) { return Math.pow(x, y); }',
  '  const m = Math.pow(0.0 - x, y);',
  '  if (Math.floor(y) !== y) { return nan; }',
  '  const h = y * 0.5;',
  '  return Math.floor(h) === h ? m : 0.0 - m;',
  '}',
].join('\n');

/**
 * Lines setting `q` to floor(x / d) exactly (x, d non-negative integers below 2^24, d a
 * literal): the float quotient is floored, then corrected by one either way.
 */
export function exactQuotient(q: string, x: string, d: number): string[] {
  if (d === 1) return [`let ${q} = ${x};`];
  const D = floatLiteral(d);
  return [
    `let ${q} = Math.floor(${x} / ${D});`,
    `if (${q} * ${D} > ${x}) { ${q} = ${q} - 1.0; }`,
    `if ((${q} + 1.0) * ${D} <= ${x}) { ${q} = ${q} + 1.0; }`,
  ];
}

