/**
 * On every backend: the Either constructors (ef.safe.*) and the immutability of constructed
 * arrays and of returned data. The typed errors of bad input, thrown while the array is built:
 * test/api/errors.test.ts.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { TypedArray } from '../../src/index.js';
import { arrayOf, dtype, lazyArray, shape } from '../arbitraries/index.js';
import { assertAllClose } from '../helpers/close.js';
import { tolerance } from '../helpers/backends.js';
import { RUN_OPTS, forEachBackend } from '../helpers/suite.js';

// ------------------------------------------------------------------ Either forms

forEachBackend(test, 'ef.safe.array is Right(array) on success and Left(typed error) on bad input', (backend) => {
  const ok = ef.safe.array([[1, 2], [3, 4]], 'mV');
  assert.ok(E.isRight(ok));
  if (E.isRight(ok)) {
    assert.equal([...ok.right.shape], [2, 2]);
    assert.is(ok.right.unit.toString(), 'mV');
    assertAllClose(ok.right.dataSync(), [1, 2, 3, 4], tolerance(backend, 'float32'));
  }
  const cases: [E.Either<ef.EventfuseError, ef.LazyArray>, Function, string][] = [
    [ef.safe.array([[1, 2], [3]]), ef.InvalidArgumentError, 'ragged'],
    [ef.safe.array([1, 2], 'xyzzy'), ef.InvalidArgumentError, "'xyzzy'"],
    [ef.safe.array([1, 2, 3], undefined, { shape: [2, 2] }), ef.ShapeMismatchError, '[2, 2]'],
    [ef.safe.zeros([NaN]), ef.InvalidArgumentError, 'NaN'],
    [ef.safe.full([2], 1, 'degC'), ef.InvalidArgumentError, 'offset'],
    [ef.safe.scalar(1, 'nS', 'half' as ef.DType), ef.InvalidArgumentError, '"half"'],
  ];
  for (const [r, C, text] of cases) {
    assert.ok(E.isLeft(r), `expected Left for ${text}`);
    if (E.isLeft(r)) {
      assert.ok(r.left instanceof C, `${r.left} should be a ${C.name}`);
      assert.ok(r.left.message.includes(text), `${r.left.message} should mention ${text}`);
    }
  }
  const z = ef.safe.zeros([3], 'ms');
  assert.ok(E.isRight(z) && z.right.unit.toString() === 'ms' && z.right.size === 3);
  const s = ef.safe.scalar(2, 'nS');
  assert.ok(E.isRight(s) && s.right.item() === 2);
});

// ------------------------------------------------------------------ immutability

forEachBackend(test, 'the array constructor copies its input: later mutation changes nothing', () => {
  fc.assert(fc.property(arrayOf(shape({ minRank: 1, maxRank: 1, minDim: 1 }), 'float32'), fc.boolean(), (c, realizeFirst) => {
    const nested = [...c.values];
    const typed = Float32Array.from(c.values);
    const a = ef.array(nested);
    const b = ef.array(typed);
    const before = realizeFirst ? [Array.from(a.dataSync()), Array.from(b.dataSync())] : undefined;
    nested.fill(12345);
    typed.fill(54321);
    assert.equal(Array.from(a.dataSync()), c.values, 'nested input was copied');
    assert.equal(Array.from(b.dataSync()), c.values, 'typed input was copied');
    if (before) assert.equal([Array.from(a.dataSync()), Array.from(b.dataSync())], before);
  }), RUN_OPTS);
  const rows = [[1, 2], [3, 4]];
  const m = ef.array(rows);
  rows[0]![0] = 99;
  assert.equal(Array.from(m.add(0).dataSync()), [1, 2, 3, 4]);
});

forEachBackend(test, 'dataSync and data() return fresh copies', async () => {
  fc.assert(fc.property(lazyArray({ shapeOptions: { minRank: 1, minDim: 1 }, dtype }), (x) => {
    const first: TypedArray = x.array.dataSync();
    const copy = Array.from(first);
    first.fill(7);
    assert.equal(Array.from(x.array.dataSync()), copy, 'mutating a returned buffer does not change the array');
    const y = x.array.add(1);
    const expected = Array.from(y.dataSync());
    y.dataSync().fill(0);
    assert.equal(Array.from(y.dataSync()), expected, 'a computed result is not changed through a returned buffer');
  }), RUN_OPTS);
  const x = ef.array([1, 2, 3]);
  const d1 = await x.data();
  d1[0] = 100;
  assert.equal(Array.from(await x.data()), [1, 2, 3]);
  assert.ok(d1 !== x.dataSync());
});

test.run();
