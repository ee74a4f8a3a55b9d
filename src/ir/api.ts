/**
 * The op functions of the public API. Every op is dual: data-first `ef.add(x, y)` and
 * data-last `pipe(x, ef.add(y))` for fp-ts pipelines.
 */
import { dual } from './dual.js';
import * as A from './array.js';
import type { LazyArray, LinearOperator, Operand, ReduceOptions } from './array.js';
import type { BinaryOp, UnaryOp } from './ops.js';

type Binary = {
  (a: Operand, b: Operand): LazyArray;
  (b: Operand): (a: Operand) => LazyArray;
};
const binaryOp = (op: BinaryOp): Binary => dual(2, (a: Operand, b: Operand) => A.binary(op, a, b));
const unaryOp = (op: UnaryOp) => (x: Operand): LazyArray => A.unary(op, x);

export const add = binaryOp('add');
export const sub = binaryOp('sub');
export const mul = binaryOp('mul');
export const div = binaryOp('div');
export const pow = binaryOp('pow');
export const maximum = binaryOp('maximum');
export const minimum = binaryOp('minimum');
export const greater = binaryOp('greater');
export const greaterEqual = binaryOp('greaterEqual');
export const less = binaryOp('less');
export const lessEqual = binaryOp('lessEqual');
export const equal = binaryOp('equal');
export const notEqual = binaryOp('notEqual');

export const neg = unaryOp('neg');
export const abs = unaryOp('abs');
export const exp = unaryOp('exp');
export const log = unaryOp('log');
export const sqrt = unaryOp('sqrt');
export const sin = unaryOp('sin');
export const cos = unaryOp('cos');
export const tanh = unaryOp('tanh');
export const not = unaryOp('not');

/** where(cond, a, b), or data-last where(a, b)(cond). */
export const where: {
  (cond: Operand, a: Operand, b: Operand): LazyArray;
  (a: Operand, b: Operand): (cond: Operand) => LazyArray;
} = dual(3, A.where);

/** clip(x, lo, hi), or data-last clip(lo, hi)(x). */
export const clip: {
  (x: Operand, lo: Operand, hi: Operand): LazyArray;
  (lo: Operand, hi: Operand): (x: Operand) => LazyArray;
} = dual(3, A.clip);

/** matmul(a, b), or data-last matmul(b)(a). */
export const matmul: {
  (a: LazyArray | LinearOperator, b: LazyArray | LinearOperator): LazyArray;
  (b: LazyArray | LinearOperator): (a: LazyArray | LinearOperator) => LazyArray;
} = dual(2, A.matmul);

type Reduction = {
  (x: LazyArray, axis?: number, options?: ReduceOptions): LazyArray;
  (axis?: number, options?: ReduceOptions): (x: LazyArray) => LazyArray;
};
/** Data-first when the first argument is an array; otherwise the axis (or nothing) comes first. */
const reduction = (f: (x: LazyArray, axis?: number, options?: ReduceOptions) => LazyArray): Reduction =>
  ((...args: unknown[]) =>
    A.isLazyArray(args[0])
      ? f(args[0], args[1] as number | undefined, args[2] as ReduceOptions | undefined)
      : (x: LazyArray) => f(x, args[0] as number | undefined, args[1] as ReduceOptions | undefined)) as Reduction;

export const sum = reduction((x, axis, o) => A.reduce('sum', x, axis, o));
export const max = reduction((x, axis, o) => A.reduce('max', x, axis, o));
export const min = reduction((x, axis, o) => A.reduce('min', x, axis, o));
export const mean = reduction(A.mean);
