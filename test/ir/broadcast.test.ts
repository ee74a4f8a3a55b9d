/**
 * Elementwise ops against the index-by-index oracle, on every backend: broadcasting (rank
 * differences, size-1 and size-0 dims), every dtype, plain-number operands, data-first vs
 * data-last, methods vs functions.
 */
import fc from 'fast-check';
import { pipe } from 'fp-ts/function';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import {
  broadcastPair, broadcastShapes, dtype, floatDType, lazyArray, lazyArrays, plainNumber, shape,
  type LazyCase, type ValueOptions,
} from '../arbitraries/index.js';
import { applyOp, dense, type Dense } from '../helpers/oracle.js';
import {
  ARITHMETIC, BINARY, COMPARISON, UNARY, binaryFn, binaryLast, binaryMethod, unaryFn, unaryMethod,
  type BinaryName, type UnaryName,
} from '../helpers/ops.js';
import { RUN_OPTS, expectDense, expectIdentical, forEachBackend } from '../helpers/suite.js';

const SHAPES = { maxRank: 4, maxDim: 3 };

/** Value ranges per op: keep pow/exp finite-ish, make ties likely for comparisons and max/min. */
const VALUES: Partial<Record<BinaryName | UnaryName, [ValueOptions, ValueOptions?]>> = {
  pow: [{ min: 0, max: 8 }, { min: -3, max: 3 }],
  exp: [{ min: -30, max: 30 }],
  maximum: [{ min: -3, max: 3, integer: true }],
  minimum: [{ min: -3, max: 3, integer: true }],
  ...Object.fromEntries(COMPARISON.map((op) => [op, [{ min: -3, max: 3, integer: true }]])),
};

/** Two arrays of broadcastable shapes with independently drawn dtypes. */
function pair(op: BinaryName): fc.Arbitrary<[LazyCase, LazyCase]> {
  const [va = {}, vb = va] = VALUES[op] ?? [];
  return broadcastPair(SHAPES).chain(([sa, sb]) =>
    fc.tuple(lazyArray({ shape: sa, dtype, values: va }), lazyArray({ shape: sb, dtype, values: vb })),
  );
}

for (const op of BINARY) {
  forEachBackend(test, `${op}: broadcasting over every dtype pair matches the oracle`, (backend) => {
    fc.assert(fc.property(pair(op), ([x, y]) => {
      expectDense(backend, binaryFn(op)(x.array, y.array), applyOp(op, [dense(x), dense(y)]), `${op}(${x.array}, ${y.array})`);
    }), RUN_OPTS);
  });

  forEachBackend(test, `${op}: plain-number operands on either side`, (backend) => {
    const [va = {}] = VALUES[op] ?? [];
    const num = op === 'pow' ? fc.integer({ min: -2, max: 3 }) : plainNumber;
    fc.assert(fc.property(lazyArray({ shapeOptions: SHAPES, dtype, values: va }), num, (x, n) => {
      expectDense(backend, binaryFn(op)(x.array, n), applyOp(op, [dense(x), n]), `${op}(${x.array}, ${n})`);
      expectDense(backend, binaryFn(op)(n, x.array), applyOp(op, [n, dense(x)]), `${op}(${n}, ${x.array})`);
    }), RUN_OPTS);
  });

  forEachBackend(test, `${op}: data-first, data-last (pipe) and the method agree bit for bit`, () => {
    fc.assert(fc.property(pair(op), ([x, y]) => {
      const first = binaryFn(op)(x.array, y.array);
      expectIdentical(pipe(x.array, binaryLast(op)(y.array)), first, `pipe ${op}`);
      expectIdentical(binaryMethod(op)(x.array, y.array), first, `method ${op}`);
    }), RUN_OPTS);
  });
}

forEachBackend(test, 'pow: whole-number bases and exponents of either sign', (backend) => {
  fc.assert(fc.property(
    broadcastPair(SHAPES).chain(([sa, sb]) => lazyArrays([sa, sb], dtype, { min: -4, max: 4, integer: true })),
    ([x, y]) => expectDense(backend, ef.pow(x.array, y.array), applyOp('pow', [dense(x), dense(y)]), 'pow'),
  ), RUN_OPTS);
});

for (const op of UNARY) {
  forEachBackend(test, `${op}: every dtype and shape matches the oracle`, (backend) => {
    const [values = {}] = VALUES[op] ?? [];
    fc.assert(fc.property(lazyArray({ shapeOptions: SHAPES, dtype, values }), (x) => {
      expectDense(backend, unaryFn(op)(x.array), applyOp(op, [dense(x)]), `${op}(${x.array})`);
      expectIdentical(unaryMethod(op)(x.array), unaryFn(op)(x.array), `method ${op}`);
      expectIdentical(pipe(x.array, unaryFn(op)), unaryFn(op)(x.array), `pipe ${op}`);
    }), RUN_OPTS);
  });
}

forEachBackend(test, 'log and sqrt of positive values', (backend) => {
  fc.assert(fc.property(lazyArray({ shapeOptions: SHAPES, dtype: floatDType, values: { min: 1e-3, max: 1e3 } }), (x) => {
    expectDense(backend, ef.log(x.array), applyOp('log', [dense(x)]), 'log');
    expectDense(backend, ef.sqrt(x.array), applyOp('sqrt', [dense(x)]), 'sqrt');
  }), RUN_OPTS);
});

const triple = (values: ValueOptions = {}): fc.Arbitrary<LazyCase[]> =>
  broadcastShapes(3, SHAPES).chain((shapes) => lazyArrays(shapes, dtype, values));

forEachBackend(test, 'where(cond, a, b) broadcasts all three operands', (backend) => {
  fc.assert(fc.property(triple({ min: -2, max: 2, integer: true }), ([c, a, b]) => {
    const expected = applyOp('where', [dense(c), dense(a), dense(b)]);
    expectDense(backend, ef.where(c.array, a.array, b.array), expected, 'where');
    expectIdentical(c.array.where(a.array, b.array), ef.where(c.array, a.array, b.array), 'where method');
    expectIdentical(pipe(c.array, ef.where(a.array, b.array)), ef.where(c.array, a.array, b.array), 'where pipe');
  }), RUN_OPTS);
});

forEachBackend(test, 'where with plain-number branches', (backend) => {
  fc.assert(fc.property(lazyArray({ shapeOptions: SHAPES, dtype }), plainNumber, plainNumber, (c, a, b) => {
    expectDense(backend, ef.where(c.array, a, b), applyOp('where', [dense(c), a, b]), 'where numbers');
  }), RUN_OPTS);
});

forEachBackend(test, 'clip(x, lo, hi) broadcasts x and both bounds', (backend) => {
  fc.assert(fc.property(triple(), ([x, lo, hi]) => {
    const expected = applyOp('clip', [dense(x), dense(lo), dense(hi)]);
    expectDense(backend, ef.clip(x.array, lo.array, hi.array), expected, 'clip');
    expectIdentical(x.array.clip(lo.array, hi.array), ef.clip(x.array, lo.array, hi.array), 'clip method');
    expectIdentical(pipe(x.array, ef.clip(lo.array, hi.array)), ef.clip(x.array, lo.array, hi.array), 'clip pipe');
  }), RUN_OPTS);
});

forEachBackend(test, 'clip with plain-number bounds', (backend) => {
  fc.assert(fc.property(lazyArray({ shapeOptions: SHAPES, dtype }), plainNumber, plainNumber, (x, a, b) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    expectDense(backend, x.array.clip(lo, hi), applyOp('clip', [dense(x), lo, hi]), `clip(${lo}, ${hi})`);
  }), RUN_OPTS);
});

forEachBackend(test, 'a chain of broadcast ops matches the oracle composed step by step', (backend) => {
  fc.assert(fc.property(
    // one float dtype for all three: whether float32 intermediates are rounded is not specified
    fc.tuple(broadcastShapes(3, SHAPES), floatDType).chain(([s, d]) => lazyArrays(s, d, { min: -10, max: 10 })),
    ([a, b, c]) => {
      const got = a.array.mul(b.array).add(c.array).maximum(0).sub(ef.neg(a.array));
      const ab: Dense = applyOp('mul', [dense(a), dense(b)]);
      const expected = applyOp('sub', [applyOp('maximum', [applyOp('add', [ab, dense(c)]), 0]), applyOp('neg', [dense(a)])]);
      // intermediates may or may not be rounded to float32: allow for |a*b| + |c| + |a|
      expectDense(backend, got, expected, 'chain', 120);
    },
  ), RUN_OPTS);
});

forEachBackend(test, 'a plain number with a plain number gives a float32 scalar', (backend) => {
  fc.assert(fc.property(plainNumber, plainNumber, fc.constantFrom(...ARITHMETIC), (a, b, op) => {
    expectDense(backend, binaryFn(op)(a, b), applyOp(op, [a, b]), `${op}(${a}, ${b})`);
  }), RUN_OPTS);
});

forEachBackend(test, 'broadcasting against an empty (size-0) dimension gives an empty result', (backend) => {
  fc.assert(fc.property(shape({ minRank: 1, maxRank: 3, maxDim: 3 }), fc.nat({ max: 2 }), (s, at) => {
    const withZero = [...s];
    withZero[Math.min(at, s.length - 1)] = 0;
    const x = ef.zeros(withZero);
    const y = ef.ones(withZero.map(() => 1));
    const expected: Dense = { values: [], shape: withZero, dtype: 'float32' };
    expectDense(backend, x.add(y), expected, 'empty add');
    expectDense(backend, y.mul(x), expected, 'empty mul');
  }), RUN_OPTS);
});

test.run();
