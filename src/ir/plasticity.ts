/** The operand layouts of plasticityUpdate and eligibilityUpdate (primitives/), shared with their lowerings. */
import type { EligibilityArg, PlasticityArg } from './args.js';

/** Positions of the optional operands after data, spikes, trace, ptr, idx. */
export function plasticityOperands(arg: PlasticityArg): { perm?: number; wMin?: number; wMax?: number } {
  let k = 5;
  const out: { perm?: number; wMin?: number; wMax?: number } = {};
  if (arg.permuted) out.perm = k++;
  if (arg.clipMin) out.wMin = k++;
  if (arg.clipMax) out.wMax = k++;
  return out;
}

/** Positions of perm (when permuted) and decay after data, x, y, ptr, idx of eligibilityUpdate. */
export function eligibilityOperands(arg: EligibilityArg): { perm?: number; decay: number } {
  return arg.permuted ? { perm: 5, decay: 6 } : { decay: 5 };
}
