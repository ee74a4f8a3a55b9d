/** How the cpu backend lowers each barrier op: one emitter each, a table exhaustive by its type. */
import { fusedLowerings, lowerStage, type LoweringTable, type StageLowerings } from '../lowering.js';
import type { ProductStage } from '../../fusion/kernel.js';
import type { EmitContext, StageSource } from './emit.js';
import { emitJitcDensify, emitJitcProduct } from './jitc.js';
import { emitEligibility, emitPlasticity } from './plasticity.js';
import { emitPoissonEvents } from './poisson.js';
import { emitConcat, emitDensify, emitGather, emitMatmul, emitSparseProduct } from './products.js';
import { emitSampledProduct, emitScatterAdd } from './sampled.js';
import { emitCumsum } from './scan.js';
import { emitUnpackEvents } from './unpack.js';

/** A product's source: its loops, and what runs after them (see StageSource). */
type ProductSource = readonly string[] | { readonly main: readonly string[]; readonly post: readonly string[] };

const EMITTERS: StageLowerings<EmitContext, ProductSource> = {
  matmul: emitMatmul,
  sparseProduct: emitSparseProduct,
  densify: emitDensify,
  gather: emitGather,
  concat: emitConcat,
  jitcProduct: emitJitcProduct,
  jitcDensify: emitJitcDensify,
  plasticityUpdate: emitPlasticity,
  eligibilityUpdate: emitEligibility,
  poissonEvents: emitPoissonEvents,
  unpackEvents: emitUnpackEvents,
  cumsum: emitCumsum,
  sampledProduct: emitSampledProduct,
  scatterAdd: emitScatterAdd,
};

export const CPU_LOWERINGS: LoweringTable = fusedLowerings(EMITTERS, { list: 'list' });

export function emitProduct(ctx: EmitContext, stage: ProductStage, s: number): StageSource {
  const src = lowerStage('cpu', EMITTERS, ctx, stage, s);
  return 'main' in src ? { title: '', main: src.main, post: src.post } : { title: '', main: src as readonly string[], post: [] };
}
