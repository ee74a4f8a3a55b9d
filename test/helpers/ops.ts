/** The public op functions by name, typed for table-driven suites (not a test file). */
import * as ef from '../../src/index.js';
import type { LazyArray, Operand } from '../../src/index.js';

export const ARITHMETIC = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
export const COMPARISON = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual'] as const;
export const BINARY = [...ARITHMETIC, ...COMPARISON] as const;
export const UNARY = ['neg', 'abs', 'exp', 'log', 'sqrt', 'sin', 'cos', 'tanh', 'not'] as const;

export type BinaryName = (typeof BINARY)[number];
export type UnaryName = (typeof UNARY)[number];

type DataFirst2 = (a: Operand, b: Operand) => LazyArray;
type DataLast2 = (b: Operand) => (a: Operand) => LazyArray;

/** Data-first binary functions. */
export const binaryFn = (op: BinaryName): DataFirst2 => ef[op] as DataFirst2;
/** Data-last binary functions (for pipe). */
export const binaryLast = (op: BinaryName): DataLast2 => ef[op] as DataLast2;
/** The method of the same name. */
export const binaryMethod = (op: BinaryName) => (a: LazyArray, b: Operand): LazyArray => a[op](b);

export const unaryFn = (op: UnaryName): ((x: Operand) => LazyArray) => ef[op];
export const unaryMethod = (op: UnaryName) => (x: LazyArray): LazyArray => x[op]();
