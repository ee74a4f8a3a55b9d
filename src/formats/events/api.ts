/** The `ef.events` namespace: other spellings of spikes (index lists, bit-packed words). */
export { fromIndices } from './indices.js';
export { pack, unpack, fromPacked } from './bitpack.js';
export type { PackedEvents } from './bitpack.js';
