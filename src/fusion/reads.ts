/**
 * What a planned stage reads from buffers: for a loop, the operands of its values, seeds,
 * lists and reductions that it does not compute itself; for a product, its operands, with
 * the active index list in place of the events it was built from. Scalar leaves are folded
 * into the code as literals, so they are not read. The fusion pass orders kernels by these
 * reads, the in-place rule checks them, and the cpu backend loads them. A view (reshape) is
 * read from its operand's buffer: `loopReads` keeps the view (its shape says how to index),
 * `stageReads` names the buffer's node (what must be computed first).
 */
import type { Node } from '../ir/node.js';
import { isLiteral, storageOf } from '../ir/traits.js';
import type { LoopStage, Stage } from './kernel.js';

/** A loop stage's reads, in first-use order. */
export function loopReads(stage: Pick<LoopStage, 'body' | 'reductions' | 'seeds' | 'compactions'>): Node[] {
  const inBody = new Set(stage.body);
  const reads = new Set<Node>();
  const add = (n: Node): void => {
    if (!inBody.has(n) && !isLiteral(n)) reads.add(n);
  };
  for (const n of [...stage.body, ...stage.reductions]) n.src.forEach(add);
  for (const { value } of stage.seeds) add(value);
  for (const list of stage.compactions) add(list.src[0]!);
  return [...reads];
}

export function stageReads(stage: Stage): Set<Node> {
  if (stage.kind === 'loop') return new Set(loopReads(stage).map(storageOf));
  const { node, events } = stage;
  return new Set((events ? [...node.src.filter((s) => s !== events.src[0]), events] : node.src).map(storageOf));
}
