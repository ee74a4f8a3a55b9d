/**
 * Shape and indexing ops on every backend: reshape, expandDims, squeeze, transpose, slice,
 * take, concat and stack against (a) an independent NumPy model (test/helpers/numpy-model.ts:
 * Python slice rules, negative indices, empty slices) and (b) the float64 reference backend;
 * chained with elementwise ops before and after, broadcasting after a reshape, and inside a
 * compiled runner (views and gathers as state and records).
 */
import fc from 'fast-check';
import { pipe } from 'fp-ts/function';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import { dtype, lazyArray, shape as anyShape, type LazyCase } from '../arbitraries/index.js';
import { runs, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { applyOp, dense, type Dense } from '../helpers/oracle.js';
import { modelConcat, modelReshape, modelSlice, modelStack, modelTake, modelTranspose, type ModelSpec } from '../helpers/numpy-model.js';
import { expectDense, expectIdentical, forEachBackend } from '../helpers/suite.js';
import { stepByHand } from '../compile/models.js';

/**
 * Small shapes (so gpu.js modes compile few distinct kernels): mostly without empty axes,
 * which would hide what a slice or take does to the others; sometimes with them.
 */
const SHAPE = fc.oneof(
  { arbitrary: anyShape({ maxRank: 3, minDim: 1, maxDim: 4 }), weight: 3 },
  { arbitrary: anyShape({ maxRank: 3, maxDim: 3 }), weight: 1 },
);
const OPTS = { numRuns: runs(40) };
const anyArray = lazyArray({ shape: SHAPE, dtype });

/** The reference backend's values of `x` (the primitives' float64 references). */
const referenceOf = (x: ef.LazyArray): Dense => ({ values: withBackend('reference', () => Array.from(x.dataSync())), shape: [...x.shape], dtype: x.dtype });

/** Check `x` against the NumPy model and the reference backend. */
function check(backend: string, x: ef.LazyArray, model: Dense, what: string): void {
  expectDense(backend, x, model, `${what} (model)`);
  if (backend !== 'reference') expectDense(backend, x, referenceOf(x), `${what} (reference)`);
}

/** A target shape for `size` elements: flat, -1 forms, and splits by a divisor. */
const reshapeTarget = (c: LazyCase): fc.Arbitrary<number[]> => {
  const n = c.values.length;
  const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
  const forms: fc.Arbitrary<number[]>[] = [fc.constant([n]), fc.constant([-1]), fc.constant([1, n, 1]), fc.constant([...c.shape].reverse())];
  if (divisors.length) forms.push(fc.constantFrom(...divisors).chain((d) => fc.constantFrom([d, n / d], [-1, d], [d, 1, -1])));
  return fc.oneof(...forms);
};

forEachBackend(test, 'reshape: same values under a new shape (one -1 inferred); function, pipe and method agree', (backend) => {
  fc.assert(fc.property(anyArray.chain((c) => fc.tuple(fc.constant(c), reshapeTarget(c))), ([c, shape]) => {
    const y = c.array.reshape(shape);
    check(backend, y, modelReshape(dense(c), shape), `reshape(${c.array}, [${shape}])`);
    expectIdentical(ef.reshape(c.array, shape), y, 'ef.reshape');
    expectIdentical(pipe(c.array, ef.reshape(shape)), y, 'pipe reshape');
  }), OPTS);
});

forEachBackend(test, 'expandDims and squeeze: size-1 axes added and removed', (backend) => {
  const withAxis = anyArray.chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: -c.shape.length - 1, max: c.shape.length })));
  fc.assert(fc.property(withAxis, ([c, axis]) => {
    const at = axis < 0 ? axis + c.shape.length + 1 : axis;
    const shape = [...c.shape.slice(0, at), 1, ...c.shape.slice(at)];
    const e = c.array.expandDims(axis);
    check(backend, e, { ...dense(c), shape }, `expandDims(${c.array}, ${axis})`);
    expectIdentical(e.squeeze(at), c.array, 'squeeze undoes expandDims');
    check(backend, e.squeeze(), { ...dense(c), shape: shape.filter((d) => d !== 1) }, 'squeeze()');
    expectIdentical(pipe(c.array, ef.expandDims(axis), ef.squeeze(at)), c.array, 'pipe');
  }), OPTS);
});

forEachBackend(test, 'transpose: any permutation (negative axes too) and the default reversal', (backend) => {
  const withPerm = anyArray.chain((c) => fc.tuple(
    fc.constant(c),
    fc.shuffledSubarray(c.shape.map((_, i) => i), { minLength: c.shape.length, maxLength: c.shape.length }),
    fc.boolean(),
  ));
  fc.assert(fc.property(withPerm, ([c, perm, negative]) => {
    const given = negative ? perm.map((a) => a - c.shape.length) : perm;
    check(backend, c.array.transpose(given), modelTranspose(dense(c), perm), `transpose(${c.array}, [${given}])`);
    check(backend, ef.transpose(c.array), modelTranspose(dense(c)), `transpose(${c.array})`);
  }), OPTS);
});

/** One axis spec of length `len`: an index in range, null, or a slice with bounds beyond the axis. */
const specFor = (len: number): fc.Arbitrary<ModelSpec> => {
  // Omitted bounds often (their defaults differ by the sign of the step), negative steps half the time.
  const bound = fc.option(fc.integer({ min: -len - 2, max: len + 2 }), { nil: undefined, freq: 2 });
  const step = fc.option(fc.constantFrom(1, 2, 3, -1, -2, -3), { nil: undefined, freq: 3 });
  const forms: { arbitrary: fc.Arbitrary<ModelSpec>; weight: number }[] = [
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.record({ start: bound, stop: bound, step }, { requiredKeys: [] }), weight: 4 },
  ];
  if (len > 0) forms.push({ arbitrary: fc.integer({ min: -len, max: len - 1 }), weight: 1 });
  return fc.oneof(...forms);
};

/** Python's own answers for list(range(5))[start:stop:step], written out (not computed by either side). */
const PYTHON_SLICES: readonly [ModelSpec, number[]][] = [
  [{ step: -1 }, [4, 3, 2, 1, 0]],
  [{ step: -2 }, [4, 2, 0]],
  [{ start: -2 }, [3, 4]],
  [{ start: -100, stop: 100 }, [0, 1, 2, 3, 4]],
  [{ start: 3, stop: 1 }, []],
  [{ start: 3, stop: 1, step: -1 }, [3, 2]],
  [{ start: -1, stop: -6, step: -2 }, [4, 2, 0]],
  [{ start: 10, stop: -10, step: -3 }, [4, 1]],
  [{ stop: -1, step: 2 }, [0, 2]],
  [{ start: 1, step: 3 }, [1, 4]],
  [{ start: -10, step: -1 }, []],
  [-1, [4]],
];

forEachBackend(test, 'slice: known Python results on list(range(5))', (backend) => {
  const x = ef.array([0, 1, 2, 3, 4], '1', { dtype: 'int32' });
  for (const [spec, want] of PYTHON_SLICES) {
    const shape = typeof spec === 'number' ? [] : [want.length];
    check(backend, x.slice(spec), { values: want, shape, dtype: 'int32' }, `range(5)[${JSON.stringify(spec)}]`);
    assert.equal(modelSlice(dense({ values: [0, 1, 2, 3, 4], shape: [5], dtype: 'int32' }), [spec]).values, want, 'the model agrees');
  }
});

forEachBackend(test, 'slice: indices, whole axes, Python slices (negative, clipped, reversed, empty), fewer specs than axes', (backend) => {
  const withSpecs = anyArray.chain((c) => fc.tuple(
    fc.constant(c),
    fc.integer({ min: 0, max: c.shape.length }).chain((k) => fc.tuple(...c.shape.slice(0, k).map(specFor))),
  ));
  fc.assert(fc.property(withSpecs, ([c, specs]) => {
    check(backend, c.array.slice(...specs), modelSlice(dense(c), specs), `${c.array}.slice(${JSON.stringify(specs)})`);
  }), OPTS);
});

forEachBackend(test, 'take: along an axis or flattened; number[], Int32Array and a 2-d constant int32 array of indices', (backend) => {
  const withIndices = anyArray.chain((c) => {
    const axes = fc.option(fc.integer({ min: -Math.max(1, c.shape.length), max: Math.max(0, c.shape.length - 1) }), { nil: undefined });
    return axes.chain((axis) => {
      if (c.shape.length === 0 && axis !== undefined) return fc.constant(null);
      const len = axis === undefined ? c.values.length : c.shape[axis < 0 ? axis + c.shape.length : axis]!;
      const index = len === 0 ? fc.constant(0) : fc.integer({ min: -len, max: len - 1 });
      return fc.tuple(fc.constant(c), fc.constant(axis), fc.array(index, { minLength: len === 0 ? 0 : 0, maxLength: len === 0 ? 0 : 4 }), fc.constantFrom('list', 'int32', 'matrix'));
    });
  }).filter((t) => t !== null);
  fc.assert(fc.property(withIndices, (t) => {
    const [c, axis, ind, form] = t!;
    const shape = form === 'matrix' && ind.length % 2 === 0 ? [2, ind.length / 2] : [ind.length];
    const given = form === 'list' ? ind : form === 'int32' ? Int32Array.from(ind) : ef.array(ind, '1', { dtype: 'int32', shape });
    const indShape = form === 'matrix' ? shape : [ind.length];
    check(backend, c.array.take(given, axis), modelTake(dense(c), ind, indShape, axis ?? null), `take(${c.array}, [${ind}] ${form}, ${axis})`);
  }), OPTS);
});

/** 1 to 3 arrays of one rank (>= 1), equal except along `axis`; dtypes drawn independently. */
const concatCase = fc.record({ base: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), k: fc.integer({ min: 1, max: 3 }) })
  .chain(({ base, k }) => fc.integer({ min: -base.length, max: base.length - 1 }).chain((axis) => {
    const at = axis < 0 ? axis + base.length : axis;
    const shapes = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: k, maxLength: k }).map((ls) => ls.map((l) => base.map((d, i) => (i === at ? l : d))));
    return shapes.chain((ss) => fc.tuple(fc.constant(axis), fc.tuple(...ss.map((s) => lazyArray({ shape: s, dtype, unit: 'mV' })))));
  }));

forEachBackend(test, 'concat: shapes equal except along the axis (some empty), dtypes widened, unit kept', (backend) => {
  fc.assert(fc.property(concatCase, ([axis, cs]) => {
    const y = ef.concat(cs.map((c) => c.array), axis);
    check(backend, y, modelConcat(cs.map(dense), axis), `concat(${cs.map((c) => c.array).join(', ')}, ${axis})`);
    assert.is(y.unit.toString(), 'mV');
  }), OPTS);
});

forEachBackend(test, 'stack: equal shapes joined along a new axis (negative axes too)', (backend) => {
  const stackCase = anyArray.chain((c) => fc.tuple(
    fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(...Array.from({ length: k }, () => lazyArray({ shape: c.shape, dtype })))),
    fc.integer({ min: -c.shape.length - 1, max: c.shape.length }),
  ));
  fc.assert(fc.property(stackCase, ([cs, axis]) => {
    check(backend, ef.stack(cs.map((c) => c.array), axis), modelStack(cs.map(dense), axis), `stack(${cs.length} arrays, ${axis})`);
  }), OPTS);
});

forEachBackend(test, 'chains: elementwise ops before and after a view or a gather, broadcasting after a reshape', (backend) => {
  const chain = lazyArray({ shape: fc.constantFrom([2, 3], [3, 2, 2], [4, 3]), dtype: 'float32', values: { min: -8, max: 8 } })
    .chain((c) => fc.tuple(fc.constant(c), lazyArray({ shape: [c.values.length / 2], dtype: 'float32', values: { min: -8, max: 8 } })));
  fc.assert(fc.property(chain, ([c, b]) => {
    const n = c.values.length;
    const x = dense(c);
    // x·2 viewed as [2, n/2], plus a row broadcast over it, then exp of a reversed slice of it
    const viewed = c.array.mul(2).reshape([2, -1]).add(b.array);
    const want = applyOp('add', [modelReshape(applyOp('mul', [x, 2]), [2, n / 2]), dense(b)]);
    check(backend, viewed, want, 'x·2 → reshape → + row');
    const sliced = viewed.slice(null, { step: -2 }).mul(0.5).sub(1);
    check(backend, sliced, applyOp('sub', [applyOp('mul', [modelSlice(want, [null, { step: -2 }]), 0.5]), 1]), '→ slice → ·0.5 − 1');
    const t = viewed.transpose().sum(1);
    assertAllClose(t.dataSync(), withBackend('reference', () => t.dataSync()), tolerance(backend, 'float32'), 'transpose → sum');
    const joined = ef.concat([viewed.reshape([-1]), c.array.take([0, -1])]).add(1);
    check(backend, joined, applyOp('add', [modelConcat([modelReshape(want, [n]), modelTake(x, [0, -1], [2], null)], 0), 1]), 'concat of a view and a take, + 1');
  }), { numRuns: runs(20) });
});

/** A step whose state and records go through views and gathers. */
const viewStep: StepFn = (s) => {
  const v = s.v!;
  const mixed = v.mul(0.5).add(v.transpose().reshape([2, 3]).mul(0.25));
  return {
    state: { v: mixed.reshape([6]).reshape([2, 3]).add(ef.scalar(1, 'mV')) },
    record: { picked: v.take([5, 0, 3]), flat: v.reshape([-1]), row: v.slice(1), col: v.slice(null, -1).expandDims(0) },
  };
};

forEachBackend(test, 'compiled runner: views and gathers as next state and as records equal stepping by hand', async (backend) => {
  const init: ArrayRecord = { v: ef.array([[1, -2, 3], [0.5, 4, -1]], 'mV') };
  const steps = 6;
  const out = await ef.compile(viewStep).run(init, { steps });
  const want = stepByHand(viewStep, init, steps);
  const tol = tolerance(backend, 'float32');
  assertAllClose(out.state['v']!.dataSync(), want.state['v']!, tol, 'final v');
  assert.equal([...out.records['picked']!.shape], [steps, 3]);
  assert.equal([...out.records['col']!.shape], [steps, 1, 2]);
  for (const k of ['picked', 'flat', 'row', 'col']) assertAllClose(out.records[k]!.dataSync(), want.records[k]!, tol, `record ${k}`);
});

test.run();
