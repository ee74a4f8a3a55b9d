/**
 * ef.plasticity.eligibility's typed errors and unit rule, and batched plasticity's refusal
 * (no backend runs: every check throws when the node is built).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { PlasticMatrix } from '../../src/index.js';
import { expectError } from '../helpers/suite.js';

const E = ef.csr({ indptr: [0, 1, 2], indices: [0, 2], data: [1, 2], shape: [2, 3] }, 'nS*mV');
const pre = ef.array([1, 2], 'mV');
const post = ef.array([1, 2, 3], 'nS');

test('units: unit(E) = unit(pre)·unit(post) by dimension, scales folded; decay dimensionless', () => {
  assert.ok(ef.plasticity.eligibility(E, pre, post, { decay: 0.9 }).unit.equals(ef.Unit.of('nS*mV')));
  // pS·V is nS·mV: converted
  assert.ok(ef.plasticity.eligibility(E, ef.array([1, 2], 'V'), ef.array([1, 2, 3], 'pS'), { decay: ef.scalar(0.5) }).unit.equals(ef.Unit.of('nS*mV')));
  expectError(() => ef.plasticity.eligibility(E, pre, ef.array([1, 2, 3], 'mV'), { decay: 0.9 }), ef.UnitMismatchError, 'plasticity.eligibility', 'pre·post', 'mV^2', 'expected unit(E) = unit(pre)·unit(post)');
  // events are dimensionless, so post carries E's dimension
  expectError(() => ef.plasticity.eligibility(E, ef.binary([1, 0]), post, { decay: 0.9 }), ef.UnitMismatchError, 'pre·post');
  assert.ok(ef.plasticity.eligibility(E, ef.binary([1, 0]), ef.array([1, 2, 3], 'pA'), { decay: 0.9 }).unit.equals(ef.Unit.of('nS*mV')));
  expectError(() => ef.plasticity.eligibility(E, pre, post, { decay: ef.scalar(0.5, 'ms') }), ef.UnitMismatchError, 'decay', 'dimensionless');
  expectError(() => ef.plasticity.eligibility(E, ef.array([1, 0], 'mV', { dtype: 'bool' }), post, { decay: 0.5 }), ef.UnitMismatchError, 'events');
});

test('typed errors: JITC (tocsr advice), options, dtypes, shapes, decay values', () => {
  const J = ef.jitc.scalar({ shape: [2, 3], prob: 0.5, weight: 1, seed: 3 }, 'nS*mV') as unknown as PlasticMatrix;
  expectError(() => ef.plasticity.eligibility(J, pre, post, { decay: 0.5 }), ef.InvalidArgumentError, 'just-in-time', 'tocsr() first');
  expectError(() => ef.plasticity.eligibility(E, pre, post, undefined as never), ef.InvalidArgumentError, 'expected an object { decay }');
  expectError(() => ef.plasticity.eligibility(E, pre, post, {} as never), ef.InvalidArgumentError, '{ decay }');
  expectError(() => ef.plasticity.eligibility(E, pre, post, { decay: Number.NaN }), ef.InvalidArgumentError, 'decay is NaN');
  expectError(() => ef.plasticity.eligibility(E, pre, post, { decay: ef.zeros([2]) }), ef.ShapeMismatchError, 'decay has shape [2]');
  expectError(() => ef.plasticity.eligibility(E, ef.array([1, 2], 'mV', { dtype: 'int32' }), post, { decay: 0.5 }), ef.InvalidArgumentError, 'pre has dtype int32');
  expectError(() => ef.plasticity.eligibility(E, [1, 2] as never, post, { decay: 0.5 }), ef.InvalidArgumentError, 'pre must be an array');
  expectError(() => ef.plasticity.eligibility(E, ef.array([1, 2, 3], 'mV'), post, { decay: 0.5 }), ef.ShapeMismatchError, 'pre (x) has shape [3]; expected [2] (one per pre (row) neuron)');
  expectError(() => ef.plasticity.eligibility(E, pre, ef.array([1, 2], 'nS'), { decay: 0.5 }), ef.ShapeMismatchError, 'post (y) has shape [2]; expected [3] (one per post (column) neuron)');
});

test('batched plasticity is refused with a ShapeMismatchError that says why', () => {
  const W = ef.csr({ indptr: [0, 1, 2], indices: [0, 2], data: [1, 2], shape: [2, 3] }, 'nS');
  expectError(() => ef.plasticity.onPre(W, ef.binary([1, 0, 0, 1], [2, 2]), ef.zeros([3], 'nS')), ef.ShapeMismatchError, 'a batch of 2', 'one copy of its weights', 'batched updates are not supported');
  expectError(() => ef.plasticity.onPost(W, ef.binary([1, 0, 0, 1, 1, 1], [2, 3]), ef.zeros([2], 'nS')), ef.ShapeMismatchError, 'a batch of 2');
});

test.run();
