/**
 * The primitive table: every op of ops.ts mapped to its declaration. The type makes it
 * exhaustive: an op without a primitive does not compile. Nothing else lists primitives.
 */
import type { Node } from '../node.js';
import type { OpName } from '../ops.js';
import type { Primitive } from '../primitive.js';
import { argmaxPrimitive, argminPrimitive } from './arg-reduce.js';
import { compactEventsPrimitive } from './compact-events.js';
import { concatPrimitive } from './concat.js';
import { densifyPrimitive } from './densify.js';
import { ELEMENTWISE_PRIMITIVES } from './elementwise.js';
import { gatherPrimitive } from './gather.js';
import { jitcDensifyPrimitive } from './jitc-densify.js';
import { jitcProductPrimitive } from './jitc-product.js';
import { constLeaf, inputLeaf, scalarLeaf } from './leaves.js';
import { matmulPrimitive } from './matmul.js';
import { plasticityUpdatePrimitive } from './plasticity-update.js';
import { eligibilityUpdatePrimitive } from './eligibility-update.js';
import { unpackEventsPrimitive } from './unpack-events.js';
import { poissonEventsPrimitive } from './poisson-events.js';
import { randomPrimitive } from './random.js';
import { maxPrimitive, minPrimitive, sumPrimitive } from './reduce.js';
import { reshapePrimitive } from './reshape.js';
import { cumsumPrimitive } from './scan.js';
import { sampledProductPrimitive } from './sampled-product.js';
import { scatterAddPrimitive } from './scatter-add.js';
import { sparseProductPrimitive } from './sparse-product.js';
import { surrogatePrimitive } from './surrogate.js';

export const PRIMITIVES: { readonly [O in OpName]: Primitive<O> } = Object.freeze({
  const: constLeaf,
  scalar: scalarLeaf,
  input: inputLeaf,
  ...ELEMENTWISE_PRIMITIVES,
  random: randomPrimitive,
  surrogate: surrogatePrimitive,
  sum: sumPrimitive,
  max: maxPrimitive,
  min: minPrimitive,
  argmax: argmaxPrimitive,
  argmin: argminPrimitive,
  cumsum: cumsumPrimitive,
  matmul: matmulPrimitive,
  sparseProduct: sparseProductPrimitive,
  densify: densifyPrimitive,
  gather: gatherPrimitive,
  concat: concatPrimitive,
  compactEvents: compactEventsPrimitive,
  jitcProduct: jitcProductPrimitive,
  jitcDensify: jitcDensifyPrimitive,
  plasticityUpdate: plasticityUpdatePrimitive,
  eligibilityUpdate: eligibilityUpdatePrimitive,
  unpackEvents: unpackEventsPrimitive,
  poissonEvents: poissonEventsPrimitive,
  reshape: reshapePrimitive,
  sampledProduct: sampledProductPrimitive,
  scatterAdd: scatterAddPrimitive,
});

/** The declaration of a node's op, typed for that node. */
export const primitiveOf = <O extends OpName>(n: Node<O>): Primitive<O> =>
  // PRIMITIVES[n.op] is Primitive<n.op>; TypeScript cannot see that an indexed mapped type at O is Primitive<O>.
  PRIMITIVES[n.op] as unknown as Primitive<O>;
