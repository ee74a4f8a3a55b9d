/**
 * Fuzz: the op functions of src/api/functions.ts (data-first and data-last), the LazyArray methods,
 * explain and setBackend, with garbage in each argument. See test/fuzz/oracle.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { BINARY, UNARY } from '../helpers/ops.js';
import { junk, options } from './junk.js';
import { aFormat, anArray, anOperand, axes, dtypes, reduceOptions, units } from './pool.js';
import { fuzzCases, type FuzzCase } from './run.js';

type Fn = (...args: unknown[]) => unknown;
const fn = (name: string): Fn => (ef as unknown as Record<string, Fn>)[name]!;
const method = (x: unknown, name: string): Fn => {
  const m = (x as Record<string, Fn>)[name]!;
  return m.bind(x);
};

const operand = (name: string) => ({ names: [name, 'operand'], valid: anOperand });
const self = { names: ['array', 'this'], valid: anArray, fixed: true };
const matmulOperand = (name: string) => ({ names: [name, 'operand'], valid: fc.oneof(anArray, aFormat) });
const axis = { names: ['axis'], valid: axes };
const reduceOpts = { names: ['options', 'keepdims'], valid: reduceOptions, junk: options({ keepdims: fc.boolean() }) };

// The array basics (floor ... cumsum) are not in helpers/ops.ts's lists, which other suites loop over.
const BASIC_UNARY = ['floor', 'ceil', 'round', 'sign'] as const;
const BASIC_BINARY = ['mod', 'logicalAnd', 'logicalOr', 'logicalXor'] as const;

const binaryCases: FuzzCase[] = [...BINARY, ...BASIC_BINARY].flatMap((op) => [
  { name: op, slots: [operand('a'), operand('b')], run: ([a, b]) => fn(op)(a, b) },
  { name: `${op} (data-last)`, slots: [operand('b'), operand('a')], run: ([b, a]) => (fn(op)(b) as Fn)(a) },
  { name: `LazyArray.${op}`, slots: [self, operand('other')], run: ([x, o]) => method(x, op)(o) },
]);

const unaryCases: FuzzCase[] = [...UNARY, ...BASIC_UNARY].map((op) => ({ name: op, slots: [operand('x')], run: ([x]) => fn(op)(x) }));

const ternaryCases: FuzzCase[] = [
  { name: 'where', slots: [operand('cond'), operand('a'), operand('b')], run: ([c, a, b]) => ef.where(c as never, a as never, b as never) },
  { name: 'where (data-last)', slots: [operand('a'), operand('b'), operand('cond')], run: ([a, b, c]) => ef.where(a as never, b as never)(c as never) },
  { name: 'LazyArray.where', slots: [self, operand('a'), operand('b')], run: ([x, a, b]) => method(x, 'where')(a, b) },
  { name: 'clip', slots: [operand('x'), operand('lo'), operand('hi')], run: ([x, lo, hi]) => ef.clip(x as never, lo as never, hi as never) },
  { name: 'clip (data-last)', slots: [operand('lo'), operand('hi'), operand('x')], run: ([lo, hi, x]) => ef.clip(lo as never, hi as never)(x as never) },
  { name: 'LazyArray.clip', slots: [self, operand('lo'), operand('hi')], run: ([x, lo, hi]) => method(x, 'clip')(lo, hi) },
];

const matmulCases: FuzzCase[] = [
  { name: 'matmul', slots: [matmulOperand('a'), matmulOperand('b')], run: ([a, b]) => ef.matmul(a as never, b as never) },
  { name: 'matmul (data-last)', slots: [matmulOperand('b'), matmulOperand('a')], run: ([b, a]) => ef.matmul(b as never)(a as never) },
  { name: 'LazyArray.matmul', slots: [self, matmulOperand('other')], run: ([x, o]) => method(x, 'matmul')(o) },
];

// The function forms take { axis, keepdims } in one object; the methods take (axis, options).
const reductionOpts = {
  names: ['options', 'axis', 'keepdims'],
  valid: fc.oneof(fc.constant(undefined), fc.record({ axis: axes, keepdims: fc.boolean() }, { requiredKeys: [] })),
  junk: options({ axis: axes, keepdims: fc.boolean() }),
};
const reduceCases: FuzzCase[] = (['sum', 'max', 'min', 'mean', 'argmax', 'argmin'] as const).flatMap((op) => [
  { name: op, slots: [self, reductionOpts], run: ([x, o]) => fn(op)(x, o) },
  { name: `${op} (data-last)`, slots: [reductionOpts, self], run: ([o, x]) => (fn(op)(o) as Fn)(x) },
  { name: `LazyArray.${op}`, slots: [self, axis, reduceOpts], run: ([x, ax, o]) => method(x, op)(ax, o) },
]);

const scanOpts = { names: ['options', 'axis'], valid: fc.oneof(fc.constant(undefined), fc.record({ axis: axes }, { requiredKeys: [] })), junk: options({ axis: axes }) };
const scanCases: FuzzCase[] = [
  { name: 'cumsum', slots: [self, scanOpts], run: ([x, o]) => fn('cumsum')(x, o) },
  { name: 'cumsum (data-last)', slots: [scanOpts, self], run: ([o, x]) => (fn('cumsum')(o) as Fn)(x) },
  { name: 'LazyArray.cumsum', slots: [self, axis], run: ([x, ax]) => method(x, 'cumsum')(ax) },
];

const methodCases: FuzzCase[] = [
  { name: 'LazyArray.to', slots: [self, { names: ['unit'], valid: units }], run: ([x, u]) => method(x, 'to')(u) },
  { name: 'LazyArray.astype', slots: [self, { names: ['dtype'], valid: dtypes.filter((d) => d !== undefined) }], run: ([x, d]) => method(x, 'astype')(d) },
  { name: 'explain', slots: [{ names: ['explain'], valid: anArray }], run: ([x]) => ef.explain(x as never) },
  {
    name: 'setBackend',
    slots: [
      { names: ['backend', 'name'], valid: fc.constantFrom<unknown>('cpu', 'reference') },
      { names: ['options', 'mode'], valid: fc.constant(undefined), junk },
    ],
    run: ([name, opts]) => {
      // Whatever happens, the suite's backend comes back for the next case.
      const previous = ef.getBackend();
      try {
        return ef.setBackend(name as string, opts as never);
      } finally {
        // Junk options are remembered per backend: put the defaults back, then the suite's backend.
        if (name === 'cpu' || name === 'reference') ef.setBackend(name, {});
        ef.setBackend(previous);
      }
    },
  },
];

export const OPS: readonly FuzzCase[] = [...binaryCases, ...unaryCases, ...ternaryCases, ...matmulCases, ...reduceCases, ...scanCases, ...methodCases];
fuzzCases(test, OPS, 25);

test.run();
