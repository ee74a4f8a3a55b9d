/**
 * State slots of a traced step whose input and output may share one buffer, by the graph
 * alone (no plan): a slot whose next value is an event-driven weight update (or a chain
 * of them) of its own current value. The update then touches only the entries of active
 * neurons. Safe when nothing computed from the first update also reads the old value, and
 * the old value is not itself an output (kernels order the other readers of the old value
 * before the update). Fusing backends add the slots their plan proves safe
 * (src/fusion/inplace.ts).
 */
import { topoSort, type Node } from './node.js';
import { updatedOperand } from './traits.js';

export function inPlaceUpdateSlots(inputs: readonly Node[], outputs: readonly Node[], stateCount: number): Set<number> {
  const slots = new Set<number>();
  const order = topoSort(outputs);
  for (let k = 0; k < stateCount; k++) {
    const next = outputs[k]!;
    const old = inputs[k]!;
    // The first update of a chain onPost(onPre(old)) (backends give a chain one buffer).
    let first = next;
    for (let u = updatedOperand(first); u !== undefined && updatedOperand(u) !== undefined; u = updatedOperand(first)) first = u;
    if (updatedOperand(first) !== old || outputs.includes(old)) continue;
    const later = new Set<Node>([first]);
    for (const n of order) if (n.src.some((s) => later.has(s))) later.add(n);
    const clash = order.some((n) => n !== first && later.has(n) && n.src.includes(old));
    if (!clash && !outputs.some((o, j) => j !== k && o === next)) slots.add(k);
  }
  return slots;
}
