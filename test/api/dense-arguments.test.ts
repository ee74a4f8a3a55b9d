/**
 * ef.dense and dense.withData refuse what is not a [rows, cols] matrix of the right shape, with
 * the class docs/formats.md gives (values that are not nested rows or a LazyArray:
 * InvalidArgumentError; values that are not a matrix, or new values of another shape:
 * ShapeMismatchError), and messages named after the function the user called: errors raised
 * inside array() and LazyArray.to() come back as `dense: ...` (`dense: unit: ...` for the unit
 * conversion), never `array:` or `to:`. These checks run while the matrix is built, before
 * any backend; the values withData accepts are checked on every backend in
 * test/formats/dense-withdata.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const IA = ef.InvalidArgumentError;
const SM = ef.ShapeMismatchError;
const DENSE_VALUES = 'expected nested rows of numbers [[...], ...] or a [rows, cols] LazyArray';

/** The whole message of what `f` throws, checked for its class. */
const messageOf = (f: () => unknown, cls: new (...a: never[]) => Error): string => expectError(f, cls).message;

test('dense.withData: new values of any other shape are a ShapeMismatchError naming both shapes, one wrong dimension is enough', () => {
  const M = ef.dense([[1, 2, 3], [4, 5, 6]], 'nS'); // [2, 3]
  const wrong: [string, number[][]][] = [
    ['one row more', [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
    ['one row less', [[1, 2, 3]]],
    ['one column more', [[1, 2, 3, 4], [5, 6, 7, 8]]],
    ['one column less', [[1, 2], [3, 4]]],
    ['transposed', [[1, 2], [3, 4], [5, 6]]],
  ];
  for (const [what, rows] of wrong) {
    const shape = `[${rows.length}, ${rows[0]!.length}]`;
    assert.is(messageOf(() => M.withData(rows), SM), `dense.withData: new values have shape ${shape}; expected [2, 3]`, what);
    assert.is(messageOf(() => M.withData(ef.array(rows, 'nS')), SM), `dense.withData: new values have shape ${shape}; expected [2, 3]`, `${what} (LazyArray)`);
  }
  // the same shape is taken, nested rows or lazy (the values: test/formats/dense-withdata)
  assert.equal([...M.withData([[6, 5, 4], [3, 2, 1]]).shape], [2, 3]);
  assert.equal([...M.transpose().withData([[1, 2], [3, 4], [5, 6]]).shape], [3, 2]);
  const lazy = M.withData(ef.array([[6, 5, 4], [3, 2, 1]], 'uS'));
  assert.ok(lazy.unit.equals(ef.Unit.of('uS')), 'a LazyArray brings its own unit');
  assert.ok(M.withData(ef.array([[6, 5, 4], [3, 2, 1]], 'uS'), 'nS').unit.equals(ef.Unit.of('nS')), 'and is converted to a unit named');
});

test('dense.withData: values that are neither nested rows nor a LazyArray are an InvalidArgumentError about `data`; a flat typed array is not a matrix', () => {
  const M = ef.dense([[1, 2, 3], [4, 5, 6]], 'nS');
  const expected = 'expected nested rows of numbers or a [rows, cols] LazyArray';
  assert.is(messageOf(() => M.withData(5 as unknown as number[][]), IA), `dense.withData: data is number; ${expected}`);
  assert.is(messageOf(() => M.withData('abc' as unknown as number[][]), IA), `dense.withData: data is string; ${expected}`);
  assert.is(messageOf(() => M.withData(null as unknown as number[][]), IA), `dense.withData: data is null; ${expected}`);
  assert.is(messageOf(() => M.withData({ rows: 2 } as unknown as number[][]), IA), `dense.withData: data is an object; ${expected}`);
  // a typed array is an array of numbers, but flat: rank 1, not [rows, cols]
  assert.is(messageOf(() => M.withData(Float32Array.of(1, 2, 3, 4, 5, 6)), SM), 'dense.withData: expected nested rows [rows, cols], got shape [6]');
});

test('ef.dense: a typed array is flat (ShapeMismatchError with its shape); DataView and BigInt arrays are not numbers (InvalidArgumentError)', () => {
  assert.is(messageOf(() => ef.dense(Float32Array.of(1, 2, 3, 4)), SM), 'dense: expected nested rows [rows, cols], got shape [4]');
  assert.is(messageOf(() => ef.dense(Float64Array.of(1, 2)), SM), 'dense: expected nested rows [rows, cols], got shape [2]');
  assert.is(messageOf(() => ef.dense(Int32Array.of(7)), SM), 'dense: expected nested rows [rows, cols], got shape [1]');
  assert.is(messageOf(() => ef.dense(new DataView(new ArrayBuffer(8)) as unknown as number[][]), IA), `dense: values is a DataView; ${DENSE_VALUES}`);
  assert.is(messageOf(() => ef.dense(BigInt64Array.of(1n) as unknown as number[][]), IA), `dense: values is a BigInt64Array of length 1; ${DENSE_VALUES}`);
  assert.is(messageOf(() => ef.dense(BigUint64Array.of(1n, 2n) as unknown as number[][]), IA), `dense: values is a BigUint64Array of length 2; ${DENSE_VALUES}`);
});

test('ef.dense: errors of the values and of the unit conversion are named dense (never array: or to:), with the rest of the message intact', () => {
  // raised by array(): the message continues right after `dense: `
  assert.is(messageOf(() => ef.dense([[1], [1, 2]]), IA), 'dense: ragged data: values[1] has length 2; expected length 1 (shape [2, 1])');
  assert.is(messageOf(() => ef.dense([[1, 'a']] as unknown as number[][]), IA), 'dense: values[0][1] is "a"; expected a number or boolean (data of shape [1, 2])');
  // raised by LazyArray.to(): a unit of another dimension, under `dense: unit: `
  const nS = ef.array([[1, 2]], 'nS');
  const e = expectError(() => ef.dense(nS, 'mV'), ef.UnitMismatchError);
  assert.is(e.message, 'dense: unit: cannot combine nS (conductance) with mV (voltage); expected operands of the same dimension');
  // the same through withData, under withData's name
  const M = ef.dense([[1, 2]], 'nS');
  assert.is(messageOf(() => M.withData(nS, 'mV'), ef.UnitMismatchError), 'dense.withData: unit: cannot combine nS (conductance) with mV (voltage); expected operands of the same dimension');
  assert.is(messageOf(() => M.withData([[1], [1, 2]]), IA), 'dense.withData: ragged data: values[1] has length 2; expected length 1 (shape [2, 1])');
});

test.run();
