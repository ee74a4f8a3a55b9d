/**
 * Shape and indexing ops while the expression is built (no backend needed, so this runs in
 * the cpu+reference process only): a typed error for every bad input, naming what was given
 * and what was expected; units kept (and converted by concat); what costs no copy (views,
 * read through `ef.explain`); and a recorded subset costing only its own size per step. The
 * values on every backend: test/ir/shape-ops.test.ts.
 */
import { pipe } from 'fp-ts/function';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const x23 = (): ef.LazyArray => ef.array([[1, 2, 3], [4, 5, 6]], 'mV');
const values = (a: ef.LazyArray): number[] => Array.from(a.dataSync());

test('reshape: -1 count, size mismatch, and a malformed shape are typed errors', () => {
  expectError(() => x23().reshape([-1, -1]), ef.InvalidArgumentError, 'reshape: shape [-1, -1] has 2 entries -1; expected at most one');
  expectError(() => x23().reshape([4]), ef.ShapeMismatchError, 'shape [2, 3] (6 elements) as [4] (4 elements); expected the same number of elements');
  expectError(() => x23().reshape([4, -1]), ef.ShapeMismatchError, 'cannot view 6 elements', 'multiply to 4');
  expectError(() => ef.zeros([0, 3]).reshape([0, -1]), ef.ShapeMismatchError, 'multiply to 0');
  expectError(() => x23().reshape([2, -2]), ef.InvalidArgumentError, 'shape[1] must be a non-negative integer or -1, got -2');
  expectError(() => x23().reshape([1.5, 4]), ef.InvalidArgumentError, 'shape[0]', 'got 1.5');
  expectError(() => x23().reshape(6 as unknown as number[]), ef.InvalidArgumentError, 'reshape: shape must be an array', 'got 6');
  expectError(() => (ef.reshape as (...a: unknown[]) => unknown)(x23(), [6], [1]), ef.InvalidArgumentError, 'reshape takes 2 arguments, got 3');
});

test('expandDims, squeeze, transpose: bad axes and permutations are typed errors', () => {
  expectError(() => x23().expandDims(3), ef.ShapeMismatchError, 'expandDims: axis 3 is out of range for an array of rank 3; expected an integer in [-3, 2]');
  expectError(() => x23().expandDims(-4), ef.ShapeMismatchError, 'axis -4');
  expectError(() => x23().squeeze(1), ef.ShapeMismatchError, 'squeeze: axis 1 of shape [2, 3] has size 3; expected size 1');
  expectError(() => x23().squeeze(2), ef.ShapeMismatchError, 'squeeze: axis 2 is out of range');
  expectError(() => x23().reshape([1, 6, 1]).squeeze([0, -3]), ef.InvalidArgumentError, 'names an axis twice');
  expectError(() => x23().transpose([0, 0]), ef.ShapeMismatchError, 'transpose: perm [0, 0] is not a permutation of the axes 0..1');
  expectError(() => x23().transpose([1, 0, 2]), ef.ShapeMismatchError, 'transpose: perm must be an array of 2 axes', 'got an array of length 3');
  expectError(() => x23().transpose([0, 2]), ef.ShapeMismatchError, 'transpose: axis 2 is out of range for an array of rank 2');
});

test('slice: step 0, an index out of range, too many specs, bad bounds are typed errors', () => {
  expectError(() => x23().slice(null, { step: 0 }), ef.InvalidArgumentError, 'slice: step of axis 1 is 0; expected a nonzero integer');
  expectError(() => x23().slice(2), ef.InvalidArgumentError, 'slice: index 2 is out of range for axis 0 of size 2; expected an integer in [-2, 1]');
  expectError(() => x23().slice(0, -4), ef.InvalidArgumentError, 'index -4 is out of range for axis 1 of size 3; expected an integer in [-3, 2]');
  expectError(() => x23().slice(0, 0, 0), ef.ShapeMismatchError, 'slice: 3 axis specs for an array of shape [2, 3]; expected at most 2');
  expectError(() => x23().slice({ start: 0.5 }), ef.InvalidArgumentError, 'start of axis 0 must be an integer or null, got 0.5');
  expectError(() => x23().slice({ begin: 1 } as never), ef.InvalidArgumentError, "unknown key 'begin'");
  expectError(() => x23().slice('1:' as never), ef.InvalidArgumentError, 'the spec of axis 0 must be an integer index, null or { start, stop, step }, got "1:"');
});

test('take: out-of-range and non-integer indices, computed indices, bad axes are typed errors', () => {
  expectError(() => x23().take([5, 6]), ef.InvalidArgumentError, 'take: index 6 is out of range for axis 0 of size 6; expected an integer in [-6, 5]');
  expectError(() => x23().take([-3], 0), ef.InvalidArgumentError, 'index -3 is out of range for axis 0 of size 2; expected an integer in [-2, 1]');
  expectError(() => x23().take([0], 2), ef.ShapeMismatchError, 'take: axis 2 is out of range for an array of rank 2');
  expectError(() => x23().take([0.5]), ef.InvalidArgumentError, 'take: indices[0] must be an integer, got 0.5');
  expectError(() => x23().take(ef.array([0, 1])), ef.InvalidArgumentError, 'take: indices must be int32, got a float32 array');
  const computed = ef.array([0, 1], '1', { dtype: 'int32' }).add(1);
  expectError(() => x23().take(computed), ef.InvalidArgumentError, 'take: indices must be known when the expression is built');
  expectError(() => ef.zeros([0]).take([0]), ef.InvalidArgumentError, 'index 0 is out of range for axis 0 of size 0');
});

test('concat and stack: mismatched shapes, units, ranks and empty lists are typed errors', () => {
  expectError(() => ef.concat([x23(), ef.zeros([2, 2], 'mV')], 0), ef.ShapeMismatchError, 'concat: operand 1 has shape [2, 2] but operand 0 has [2, 3]; expected the same rank and equal sizes except along axis 0');
  expectError(() => ef.concat([x23(), ef.zeros([3], 'mV')]), ef.ShapeMismatchError, 'operand 1 has shape [3]');
  expectError(() => ef.concat([x23(), ef.zeros([2, 3], 'nS')]), ef.UnitMismatchError, 'concat: cannot combine mV (voltage) with nS (conductance)');
  expectError(() => ef.concat([x23(), x23()], 2), ef.ShapeMismatchError, 'concat: axis 2 is out of range for an array of rank 2');
  expectError(() => ef.concat([]), ef.InvalidArgumentError, 'concat: expected at least one array, got none');
  expectError(() => ef.concat([ef.scalar(1), ef.scalar(2)]), ef.ShapeMismatchError, 'concat: operand 0 is 0-d (shape [])');
  expectError(() => ef.concat([x23(), [1, 2] as never]), ef.InvalidArgumentError, 'concat: arrays[1] must be a LazyArray, got an array of length 2');
  expectError(() => ef.stack([x23(), x23().transpose()]), ef.ShapeMismatchError, 'stack: operand 1 has shape [3, 2] but operand 0 has [2, 3]; expected all shapes equal');
  expectError(() => ef.stack([x23(), x23()], 3), ef.ShapeMismatchError, 'stack: axis 3 is out of range for an array of rank 3');
  expectError(() => ef.stack(x23() as never), ef.InvalidArgumentError, 'stack: expected an array of LazyArrays');
});

test('units: kept by every shape op; concat converts to the first operand\'s unit', () => {
  const x = x23();
  for (const y of [x.reshape([6]), x.expandDims(0), x.reshape([1, 6]).squeeze(), x.transpose(), x.slice(1), x.take([0, 2], 1), ef.stack([x, x])]) {
    assert.is(y.unit.toString(), 'mV');
  }
  const joined = ef.concat([ef.array([1, 2], 'mV'), ef.array([0.5], 'V'), ef.array([250], 'uV')]);
  assert.is(joined.unit.toString(), 'mV');
  assert.equal(values(joined), [1, 2, 500, 0.25]);
  const asV = ef.concat([ef.array([0.5], 'V'), ef.array([250], 'mV')]);
  assert.is(asV.unit.toString(), 'V');
  assert.equal(values(asV), [0.5, 0.25]);
  // dtypes widen as arrays do; all-bool stays bool
  assert.is(ef.concat([ef.array([true]), ef.array([1], '1', { dtype: 'int32' })]).dtype, 'int32');
  assert.is(ef.concat([ef.array([true]), ef.array([false])]).dtype, 'bool');
  assert.is(ef.concat([ef.array([1], '1', { dtype: 'int32' }), ef.array([1], '1', { dtype: 'float64' })]).dtype, 'float64');
});

test('function forms: data-first and data-last (pipe) build the same nodes as the methods', () => {
  const x = x23();
  assert.is(pipe(x, ef.reshape([3, 2])).node, x.reshape([3, 2]).node);
  assert.is(pipe(x, ef.expandDims(1), ef.squeeze()).node, x.node);
  // (a transpose's index array is new each time, so compare its values)
  assert.equal(values(pipe(x, ef.transpose())), values(x.transpose()));
  assert.equal(values(ef.transpose(x, [1, 0])), [1, 4, 2, 5, 3, 6]);
  assert.is(ef.squeeze(x.expandDims(0), 0).node, x.node);
  expectError(() => ef.squeeze(1 as never, 0 as never), ef.InvalidArgumentError, 'squeeze: expected a LazyArray as the first argument');
  // slice and take: data-first when the first argument is an array (take's axis goes in options)
  assert.equal(values(ef.slice(x, null, { step: -1 })), values(x.slice(null, { step: -1 })));
  assert.equal(values(pipe(x, ef.slice(1))), [4, 5, 6]);
  assert.equal(values(ef.take(x, [2, -1], { axis: 1 })), [3, 3, 6, 6]);
  const idx = ef.array([0, 5], '1', { dtype: 'int32' });
  assert.equal(values(pipe(x, ef.take(idx))), [1, 6]);
  assert.equal(values(pipe(x, ef.take([1], { axis: 0 }))), [4, 5, 6]);
  expectError(() => ef.take(x, [0], { along: 1 } as never), ef.InvalidArgumentError, 'take');
});

test('no copy: reshape, expandDims and squeeze are views; a constant keeps its buffer', () => {
  const x = x23();
  // A constant under a new shape is the same data: no kernel at all.
  assert.match(ef.explain(x.reshape([3, 2]).expandDims(0).squeeze()), /0 kernels/);
  // A computed value is stored once by its own loop and read through the view.
  const y = x.mul(2).reshape([3, 2]).add(ef.array([10, 20], 'mV'));
  const text = ef.explain(y);
  assert.match(text, /view: %\d+ = reshape\(%\d+\) \[3×2\] float32: reads the buffer of %\d+ with shape \[3, 2\] \(no copy, no stage\)/);
  const stages = text.split('\n').filter((l) => /^\s+stage \d+:/.test(l)).map((l) => l.trim().replace(/%\d+/g, '%n'));
  assert.equal(stages, ['stage 0: loop over [2, 3]; 1 fused op (mul); stores %n', 'stage 0: loop over [3, 2]; 1 fused op (add); stores %n']);
  // A product's result viewed with another shape: its loop reads the product's own buffer.
  const m = ef.matmul(ef.array([[1, 2], [3, 4], [5, 6]], 'nS'), ef.array([1, -1], 'mV')).reshape([1, 3]).mul(2);
  const mt = ef.explain(m);
  assert.not.match(mt, /gather|concat/);
  assert.equal(values(m), [-2, -2, -2]);
  // transpose moving only size-1 axes is a view too; a real transpose is a gather of the output's size
  assert.match(ef.explain(x.mul(1).reshape([2, 1, 3]).transpose([1, 0, 2]).add(x)), /view: /);
  assert.match(ef.explain(x.mul(1).transpose().mul(2)), /gather %\d+ = %\d+\[%\d+\]/);
});

test('a recorded subset costs its own size per step: the record is a gather of k elements, the rest of the plan unchanged', async () => {
  const N = 1000;
  const idx = [3, 500, -1, 0, 7];
  const update = (v: ef.LazyArray): ef.LazyArray => v.mul(0.9).add(ef.scalar(1, 'mV'));
  const plain = ef.compile((s) => ({ v: update(s['v']!) }));
  const recorded = ef.compile((s) => ({ state: { v: update(s['v']!) }, record: { v: s['v']!.take(idx) } }));
  const init = { v: ef.array(Array.from({ length: N }, (_, i) => i % 13), 'mV') };
  const a = await plain.run(init, { steps: 4 });
  const b = await recorded.run(init, { steps: 4 });
  assert.equal(values(b.state['v']!), values(a.state['v']!));
  assert.equal([...b.records['v']!.shape], [4, idx.length]);
  const loops = (r: ef.Runner): string[] => r.plan()!.kernels.flatMap((k) => k.stages.flatMap((s) => (s.kind === 'loop' ? [`[${s.shape.join(',')}]`] : [])));
  const products = (r: ef.Runner) => r.plan()!.kernels.flatMap((k) => k.stages.flatMap((s) => (s.kind === 'product' ? [s.node] : [])));
  // The loops over N are the state update's, with or without the record.
  assert.equal(loops(recorded), loops(plain));
  const extra = products(recorded);
  assert.is(extra.length, 1);
  assert.is(extra[0]!.op, 'gather');
  assert.equal([...extra[0]!.shape], [idx.length]);
  assert.match(ef.explain(recorded), new RegExp(`gather\\(%\\d+, %\\d+\\) \\[${idx.length}\\] float32`));
  // and each step's row is the old state at those positions
  const stepped = [init.v];
  // each step's state stored in float32, as the runner's buffers hold it
  for (let t = 1; t < 4; t++) stepped.push(ef.array(update(stepped[t - 1]!).dataSync(), 'mV'));
  assert.equal(values(b.records['v']!), stepped.flatMap((v) => values(v.take(idx))));
});

test.run();
