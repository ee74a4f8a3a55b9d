/** How the gpujs backend lowers each barrier op: one lowering each, a table exhaustive by its type. */
import type { ProductStage } from '../../fusion/kernel.js';
import { fusedLowerings, lowerStage, type LoweringTable, type StageLowerings } from '../lowering.js';
import type { LowerContext } from './builder.js';
import { ACTIVE_LISTS_UNSUPPORTED } from './loops.js';
import { lowerJitcDensify, lowerJitcProduct } from './jitc.js';
import { lowerEligibility, lowerPlasticity } from './plasticity.js';
import { lowerPoissonEvents } from './poisson.js';
import { lowerConcat, lowerDensify, lowerGather, lowerMatmul, lowerSparseProduct } from './products.js';
import { lowerSampledProduct, lowerScatterAdd } from './sampled.js';
import { lowerCumsum } from './scan.js';
import { lowerUnpackEvents } from './unpack.js';

const LOWERINGS: StageLowerings<LowerContext, void> = {
  matmul: lowerMatmul,
  sparseProduct: lowerSparseProduct,
  densify: lowerDensify,
  gather: lowerGather,
  concat: lowerConcat,
  jitcProduct: lowerJitcProduct,
  jitcDensify: lowerJitcDensify,
  plasticityUpdate: lowerPlasticity,
  eligibilityUpdate: lowerEligibility,
  poissonEvents: lowerPoissonEvents,
  unpackEvents: lowerUnpackEvents,
  cumsum: lowerCumsum,
  sampledProduct: lowerSampledProduct,
  scatterAdd: lowerScatterAdd,
};

export const GPUJS_LOWERINGS: LoweringTable = fusedLowerings(LOWERINGS, { list: ACTIVE_LISTS_UNSUPPORTED });

export function lowerProduct(ctx: LowerContext, stage: ProductStage): void {
  lowerStage('gpujs', LOWERINGS, ctx, stage, 0);
}
