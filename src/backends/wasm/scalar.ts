/**
 * Scalar WebAssembly for the values of a kernel loop, with the cpu backend's semantics bit for
 * bit: floats are computed in f64 and rounded only when stored, int32 results wrap as
 * JavaScript's `| 0` does (computed in f64 first, as the cpu's `(a * b) | 0`), bools are
 * i32 0/1. Math functions WebAssembly lacks (exp, log, sin, cos, tanh, pow, mod) are imports
 * of the very JavaScript functions the cpu backend calls, so they agree exactly.
 */
import type { DType } from '../../ir/dtype.js';
import type { KValue } from '../../kernel/loop.js';
import { FunctionBuilder, MISC, OP, type ValType } from './encoder.js';

/** What a value is held as in scalar code. */
export const reprOf = (d: DType): ValType => (d === 'float32' || d === 'float64' ? 'f64' : 'i32');

/** The imports every kernel module declares, in function-index order (imports come first). */
export const MATH_IMPORTS = ['exp', 'log', 'sin', 'cos', 'tanh', 'pow', 'mod', 'toInt32'] as const;
export type MathImport = (typeof MATH_IMPORTS)[number];
export const mathIndex = (name: MathImport): number => MATH_IMPORTS.indexOf(name);

/** The floored mod the cpu backend inlines (expr.ts), as one function. */
const floorMod = (a: number, b: number): number => {
  const m = a % b;
  return m === 0 ? (b < 0 ? -0 : 0) : (m < 0) !== (b < 0) ? m + b : m;
};

export const MATH_FUNCTIONS: Readonly<Record<MathImport, (...x: number[]) => number>> = {
  exp: Math.exp, log: Math.log, sin: Math.sin, cos: Math.cos, tanh: Math.tanh, pow: Math.pow,
  mod: floorMod,
  toInt32: (x: number) => x | 0,
};

export const MATH_TYPES: Readonly<Record<MathImport, { params: ValType[]; results: ValType[] }>> = {
  exp: { params: ['f64'], results: ['f64'] }, log: { params: ['f64'], results: ['f64'] },
  sin: { params: ['f64'], results: ['f64'] }, cos: { params: ['f64'], results: ['f64'] },
  tanh: { params: ['f64'], results: ['f64'] }, pow: { params: ['f64', 'f64'], results: ['f64'] },
  mod: { params: ['f64', 'f64'], results: ['f64'] }, toInt32: { params: ['f64'], results: ['i32'] },
};

/**
 * `x | 0` for the f64 on the stack: exact truncation below 2^63 (NaN gives 0), the imported
 * JavaScript `| 0` beyond (infinities and huge values, where the wrap is modular).
 */
export function emitToInt32(f: FunctionBuilder, scratch: number): void {
  f.localTee(scratch).op(OP.f64_abs).f64Const(2 ** 63).op(OP.f64_lt);
  f.if('i32');
  f.localGet(scratch).misc(MISC.i64_trunc_sat_f64_s).op(OP.i32_wrap_i64);
  f.else();
  f.localGet(scratch).call(mathIndex('toInt32'));
  f.end();
}

/** Emits the computation of one value onto the stack; `local(k)` holds value k. */
export class ScalarValues {
  constructor(
    private readonly f: FunctionBuilder,
    private readonly values: readonly KValue[],
    private readonly local: (k: number) => number,
    private readonly scratch: number,
  ) {}

  /** Push value k as f64 (numbers as JavaScript sees them). */
  f64(k: number): void {
    const v = this.values[k]!;
    if (v.kind === 'literal') {
      this.f.f64Const(v.value);
      return;
    }
    this.f.localGet(this.local(k));
    if (reprOf(v.dtype) === 'i32') this.f.op(v.dtype === 'bool' ? OP.f64_convert_i32_u : OP.f64_convert_i32_s);
  }

  /** Push value k as i32 (an int32 or bool value). */
  i32(k: number): void {
    const v = this.values[k]!;
    if (v.kind === 'literal') this.f.i32Const(v.value | 0);
    else this.f.localGet(this.local(k));
  }

  /** Push value k's truth as i32 0/1 (nonzero, NaN included, is true). */
  truth(k: number): void {
    const v = this.values[k]!;
    if (v.dtype === 'bool' && v.kind !== 'literal') return void this.f.localGet(this.local(k));
    if (reprOf(v.dtype) === 'i32' && v.kind !== 'literal') {
      this.f.localGet(this.local(k)).i32Const(0).op(OP.i32_ne);
      return;
    }
    this.f64(k);
    this.f.f64Const(0).op(OP.f64_ne);
  }

  /** Push value k converted for a buffer of `dtype` (f64 for floats, i32 otherwise). */
  forBuffer(k: number, dtype: DType): void {
    const v = this.values[k]!;
    if (dtype === 'bool') return this.truth(k);
    if (dtype === 'float32' || dtype === 'float64') return this.f64(k);
    if (reprOf(v.dtype) === 'i32') return this.i32(k);
    this.f64(k);
    emitToInt32(this.f, this.scratch);
  }

  private isInt(k: number): boolean {
    const d = this.values[k]!.dtype;
    const v = this.values[k]!;
    return d === 'int32' || d === 'bool' || (v.kind === 'literal' && Number.isInteger(v.value) && (v.value | 0) === v.value && !Object.is(v.value, -0));
  }

  /** Push op value k in its representation. */
  op(k: number): void {
    const v = this.values[k]! as Extract<KValue, { kind: 'op' }>;
    const f = this.f;
    const [a, b, c] = v.args as [number, number, number];
    const f64Unary = (code: number): void => {
      this.f64(a);
      f.op(code);
    };
    const call = (name: MathImport, ...args: number[]): void => {
      for (const x of args) this.f64(x);
      f.call(mathIndex(name));
    };
    const f64Binary = (code: number): void => {
      this.f64(a);
      this.f64(b);
      f.op(code);
    };
    // int32 select and max/min of int32 (or bool) operands stay in i32 (cpu: exactInt).
    const exactInt = v.dtype === 'int32' && (v.op === 'where' ? this.isInt(b) && this.isInt(c) : (v.op === 'maximum' || v.op === 'minimum') && this.isInt(a) && this.isInt(b));
    if (exactInt) {
      if (v.op === 'where') {
        this.i32(b);
        this.i32(c);
        this.truth(a);
      } else {
        this.i32(a);
        this.i32(b);
        this.i32(a);
        this.i32(b);
        f.op(v.op === 'maximum' ? OP.i32_ge_s : OP.i32_le_s);
      }
      f.select();
      return;
    }
    switch (v.op) {
      case 'neg': f64Unary(OP.f64_neg); break;
      case 'abs': f64Unary(OP.f64_abs); break;
      case 'sqrt': f64Unary(OP.f64_sqrt); break;
      case 'floor': f64Unary(OP.f64_floor); break;
      case 'ceil': f64Unary(OP.f64_ceil); break;
      // ties to even, as the cpu's half-to-even formula
      case 'round': f64Unary(OP.f64_nearest); break;
      case 'exp': case 'log': case 'sin': case 'cos': case 'tanh': call(v.op, a); break;
      case 'pow': call('pow', a, b); break;
      case 'mod': call('mod', a, b); break;
      case 'sign':
        // a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : a (NaN stays NaN, -0 gives +0)
        f.f64Const(1);
        f.f64Const(-1);
        this.f64(a);
        f.f64Const(0).op(OP.f64_mul); // 0·a: 0 for numbers, NaN for NaN (and ±0 → ±0·0 = ±0, fixed below)
        f.f64Const(0).op(OP.f64_add); // -0 + 0 = +0
        this.f64(a);
        f.f64Const(0).op(OP.f64_lt);
        f.select();
        this.f64(a);
        f.f64Const(0).op(OP.f64_gt);
        f.select();
        break;
      case 'not':
        if (this.values[a]!.dtype === 'bool') {
          this.truth(a);
          f.op(OP.i32_eqz);
        } else {
          this.f64(a);
          f.f64Const(0).op(OP.f64_eq);
        }
        break;
      case 'cast':
        if (v.dtype === 'bool') this.truth(a);
        else this.f64(a);
        break;
      case 'add': f64Binary(OP.f64_add); break;
      case 'sub': f64Binary(OP.f64_sub); break;
      case 'mul': f64Binary(OP.f64_mul); break;
      case 'div': f64Binary(OP.f64_div); break;
      case 'maximum': f64Binary(OP.f64_max); break;
      case 'minimum': f64Binary(OP.f64_min); break;
      case 'greater': f64Binary(OP.f64_gt); break;
      case 'greaterEqual': f64Binary(OP.f64_ge); break;
      case 'less': f64Binary(OP.f64_lt); break;
      case 'lessEqual': f64Binary(OP.f64_le); break;
      case 'equal': f64Binary(OP.f64_eq); break;
      case 'notEqual': f64Binary(OP.f64_ne); break;
      case 'logicalAnd': case 'logicalOr': case 'logicalXor':
        this.truth(a);
        this.truth(b);
        f.op(v.op === 'logicalAnd' ? OP.i32_and : v.op === 'logicalOr' ? OP.i32_or : OP.i32_xor);
        break;
      case 'where':
        if (v.dtype === 'bool') {
          this.truth(b);
          this.truth(c);
        } else {
          this.f64(b);
          this.f64(c);
        }
        this.truth(a);
        f.select();
        break;
    }
    // int32 results wrap like the cpu's `| 0` (bool results are i32 0/1 already).
    const computedF64 = !['not', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr', 'logicalXor'].includes(v.op)
      && !(v.op === 'cast' && v.dtype === 'bool') && !(v.op === 'where' && v.dtype === 'bool');
    if (v.dtype === 'int32' && computedF64) emitToInt32(f, this.scratch);
  }
}
