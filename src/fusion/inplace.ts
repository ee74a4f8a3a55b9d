/**
 * State updated in place, decided from the plan: a state slot's input and output may share
 * one buffer when every stage that reads the old value runs before the first write of the new
 * one, except the loop that writes it, which reads each element at its own index before it
 * stores that element (so no element is read after it was overwritten). The state then needs
 * no second buffer and no copy: `v`, `ge`, `gi` and `ref` of a COBA step all qualify.
 */
import { inPlaceUpdateSlots } from '../ir/inplace.js';
import type { Node } from '../ir/node.js';
import type { Plan, Stage } from './kernel.js';
import { stageReads } from './reads.js';

/** Does this loop stage write `n`'s buffer (a store or an accumulator seed)? */
const loopWrites = (st: Stage, n: Node): boolean =>
  st.kind === 'loop' && (st.stores.includes(n) || st.seeds.some((x) => x.into === n));

export function inPlaceSlots(plan: Plan, inputs: readonly Node[], outputs: readonly Node[], stateCount: number): Set<number> {
  const slots = inPlaceUpdateSlots(inputs, outputs, stateCount);
  const sequence = plan.kernels.flatMap((k) => k.stages);
  const reads = sequence.map(stageReads);
  for (let k = 0; k < stateCount; k++) {
    const old = inputs[k]!;
    const next = outputs[k]!;
    // A copy after the kernels reads the old value when it is also another output.
    if (next === old || outputs.some((o, j) => j !== k && o === old)) continue;
    const writer = sequence.findIndex((st) => loopWrites(st, next));
    if (writer < 0) continue; // written by a product (plasticity is handled above) or a copy
    const safe = sequence.every((st, i) => !reads[i]!.has(old) || i < writer || (i === writer && old.shape.join() === next.shape.join()));
    if (safe) slots.add(k);
  }
  return slots;
}
