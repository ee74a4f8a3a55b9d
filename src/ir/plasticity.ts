/** The operand layout of plasticityUpdate (primitives/plasticity-update.ts), shared with its lowerings. */
import type { PlasticityArg } from './args.js';

/** Positions of the optional operands after data, spikes, trace, ptr, idx. */
export function plasticityOperands(arg: PlasticityArg): { perm?: number; wMin?: number; wMax?: number } {
  let k = 5;
  const out: { perm?: number; wMin?: number; wMax?: number } = {};
  if (arg.permuted) out.perm = k++;
  if (arg.clipMin) out.wMin = k++;
  if (arg.clipMax) out.wMax = k++;
  return out;
}
