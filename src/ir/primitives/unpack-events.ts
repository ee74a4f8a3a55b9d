/**
 * unpackEvents(words): bit-packed events (32 per int32 word, least significant bit first,
 * rows padded to whole words) read as a bool array of arg.shape. A barrier that lists its
 * events (like Poisson events): a product walking active lines reads the list the stage
 * appends while it visits the set bits of nonzero words, and the bool array is written only
 * where something reads it. Cost O(words + active).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Unit } from '../../units/unit.js';
import { definePrimitive } from '../primitive.js';
import { showShape, sizeOf } from '../shape.js';
import { keepUnits, ref } from '../structured.js';

export const unpackEventsPrimitive = definePrimitive({
  op: 'unpackEvents',
  infer: (src, arg) => {
    const words = src[0]!;
    const n = arg.shape[arg.shape.length - 1]!;
    const rows = arg.shape.length === 1 ? 1 : arg.shape[0]!;
    if (words.dtype !== 'int32' || words.shape.length !== 1 || words.size !== rows * arg.wordsPerRow || arg.wordsPerRow !== Math.ceil(n / 32)) {
      throw new InvalidArgumentError(`unpackEvents: words are ${words.dtype} ${showShape(words.shape)}; expected int32 [${rows} · ceil(${n} / 32)] for events of shape ${showShape(arg.shape)}`);
    }
    return { shape: [...arg.shape], dtype: 'bool' };
  },
  units: (src) => keepUnits(src, Unit.dimensionless),
  reference: (node, inputs) => {
    const words = inputs[0]!;
    const n = node.arg.shape[node.arg.shape.length - 1]!;
    const out = new Float64Array(sizeOf(node.arg.shape));
    for (let k = 0; k < out.length; k++) {
      const r = Math.floor(k / n), i = k - r * n;
      out[k] = (words[r * node.arg.wordsPerRow + (i >>> 5)]! >>> (i & 31)) & 1;
    }
    return out;
  },
  /** Events are not differentiable (surrogate spikes give them a derivative): no operand gets a cotangent. */
  vjp: (node) => node.src.map(() => null),
  traits: {
    stage: 'barrier',
    listsEvents: true,
    publicName: 'events.fromPacked',
    describe: (n) => `unpack events ${ref(n)} ${showShape(n.arg.shape)} from ${ref(n.src[0]!)} (${n.arg.wordsPerRow} word${n.arg.wordsPerRow === 1 ? '' : 's'} per row, zero words skipped)`,
  },
});
