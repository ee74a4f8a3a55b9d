/**
 * dataSync()/data() typing: this file must compile under strict tsc (npm run typecheck), so the
 * type-level checks are the lines themselves; @ts-expect-error lines must stay errors. The
 * runtime checks confirm the types tell the truth about what comes back, on every backend.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { forEachBackend } from '../helpers/suite.js';

forEachBackend(test, 'the issue example: ef.array([1, 2]).dataSync().reduce((a, b) => a + b, 0) compiles and is 3', () => {
  const total: number = ef.array([1, 2]).dataSync().reduce((a, b) => a + b, 0);
  assert.is(total, 3);
  const noInitial: number = ef.array([1, 2, 3]).dataSync().reduce((a, b) => a * b);
  assert.is(noInitial, 6);
  const joined: string = ef.array([1, 2]).dataSync().reduce((s, v, i) => `${s}${i}:${v};`, '');
  assert.is(joined, '0:1;1:2;');
  const right: number = ef.array([1, 2, 4]).dataSync().reduceRight((a, b) => a - b);
  assert.is(right, 1);
});

forEachBackend(test, 'the other typed-array methods and helpers accept the default type', () => {
  const d = ef.array([3, 1, 2], 'mV').dataSync();
  const doubled = d.map((v) => v * 2);
  assert.equal(Array.from(doubled), [6, 2, 4]);
  assert.is(d.some((v) => v > 2), true);
  assert.is(Math.max(...d), 3);
  const asUnion: ef.TypedArray = d; // still assignable to the plain union
  assert.ok(asUnion instanceof Float32Array);
});

forEachBackend(test, 'dataSync<D>() narrows to the typed array of dtype D, as TF.js does', async () => {
  const ints: Int32Array = ef.arange(4).dataSync<'int32'>();
  assert.ok(ints instanceof Int32Array);
  const bools: Uint8Array = ef.array([true, false]).dataSync<'bool'>();
  assert.ok(bools instanceof Uint8Array);
  const wide: Float64Array = await ef.array([1.5], 'mV', { dtype: 'float64' }).data<'float64'>();
  assert.ok(wide instanceof Float64Array);
  const map: ef.DataTypeMap['float32'] = ef.array([1]).dataSync<'float32'>();
  assert.ok(map instanceof Float32Array);
  // @ts-expect-error: without a dtype argument the result may be any of the four typed arrays
  const narrow: Float32Array = ef.array([1]).dataSync();
  assert.ok(narrow instanceof Float32Array);
  // @ts-expect-error: not a dtype
  ef.array([1]).dataSync<'int64'>();
});

forEachBackend(test, 'async data() has the same type and values', async () => {
  const total: number = (await ef.array([1, 2, 3]).data()).reduce((a, b) => a + b, 0);
  assert.is(total, 6);
});

test.run();
