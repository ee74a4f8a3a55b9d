/**
 * Bit-packed events: 32 neurons per Uint32 word, a compact form for storing and sending
 * spike rasters (1/8 of the bool bytes). Layout: event (row r, neuron i) is bit (i & 31),
 * least significant first, of word r * wordsPerRow + (i >>> 5); wordsPerRow = ceil(n / 32);
 * padding bits past n are zero; a vector is one row.
 */
import { InvalidFormatError, ResourceError } from '../../errors.js';
import { registerPackedReader } from '../../api/array.js';
import type { ArrayData } from '../../api/create.js';
import { showShape } from '../../ir/shape.js';
import { BYTES, MAX_ELEMENTS, checkAllocation } from '../../limits.js';
import { show } from '../describe.js';
import { registerFormat } from '../hub.js';
import { build } from '../../ir/build.js';
import { indexNode } from '../../ir/leaves.js';
import type { LazyArray } from '../../api/array.js';
import { fromBits, toBinary, wrapNode, type BinaryArray } from './binary.js';

declare module '../hub.js' {
  interface FormatTypes {
    packed: PackedEvents;
  }
}

export interface PackedEvents {
  readonly bits: Uint32Array;
  readonly shape: readonly number[];
  readonly wordsPerRow: number;
}

const wordsFor = (n: number): number => Math.ceil(n / 32);

/**
 * Pack spikes (realizes them). `spikes` is a BinaryArray, or anything ef.binary accepts,
 * checked exactly as ef.binary checks it (NaN, ragged data and ranks other than 1 and 2 are
 * refused). The result is a frozen object with a fresh `bits`.
 */
export function pack(spikes: BinaryArray | LazyArray | ArrayData): PackedEvents {
  const b = toBinary(spikes, undefined, { op: 'pack', arg: 'spikes' });
  const data = b.dataSync();
  const n = b.shape[b.ndim - 1]!;
  const rows = b.ndim === 1 ? 1 : b.shape[0]!;
  const wordsPerRow = wordsFor(n);
  checkAllocation('pack', `the bits of spikes of shape ${showShape(b.shape)}`, rows * wordsPerRow, BYTES.int32);
  const bits = new Uint32Array(rows * wordsPerRow);
  for (let r = 0; r < rows; r++) {
    const base = r * wordsPerRow;
    for (let i = 0; i < n; i++) if (data[r * n + i] !== 0) bits[base + (i >>> 5)]! |= 1 << (i & 31);
  }
  return Object.freeze({ bits, shape: Object.freeze([...b.shape]), wordsPerRow });
}

registerFormat('packed', { fromSpikes: pack });

function checkPacked(p: PackedEvents, op = 'unpack'): { rows: number; n: number } {
  if (typeof p !== 'object' || p === null) throw new InvalidFormatError(`${op}: expected a PackedEvents object { bits, shape, wordsPerRow }, got ${show(p)}`);
  const { shape, bits, wordsPerRow } = p;
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 2) || !shape.every((d: unknown) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidFormatError(`${op}: shape is ${show(shape)}; expected [n] or [batch, n] of non-negative integers`);
  }
  // A dimension past int32 is refused even when the other is 0 (nothing to hold, but no index for it).
  for (const d of shape as number[]) {
    if (d > MAX_ELEMENTS) {
      throw new ResourceError(`${op}: shape ${showShape(shape)} has a dimension of ${d}; the limit is 2^31 − 1 = ${MAX_ELEMENTS} (int32 indices)`);
    }
  }
  if (!(bits instanceof Uint32Array)) {
    throw new InvalidFormatError(`${op}: bits is ${show(bits)}; expected a Uint32Array`);
  }
  const n = shape[shape.length - 1] as number;
  const rows = shape.length === 1 ? 1 : (shape[0] as number);
  checkAllocation(op, `spikes of shape ${showShape(shape)}`, rows * n, BYTES.bool, 'unpack fewer rows at a time');
  if (wordsPerRow !== wordsFor(n)) {
    throw new InvalidFormatError(`${op}: wordsPerRow is ${show(wordsPerRow)}; expected ceil(${n} / 32) = ${wordsFor(n)} for shape ${showShape(shape)}`);
  }
  if (bits.length !== rows * wordsPerRow) {
    throw new InvalidFormatError(`${op}: bits has ${bits.length} words; expected rows * wordsPerRow = ${rows} * ${wordsPerRow} = ${rows * wordsPerRow} for shape ${showShape(shape)}`);
  }
  const used = n & 31;
  if (used !== 0) {
    const padding = ~((1 << used) - 1) >>> 0;
    for (let r = 0; r < rows; r++) {
      const w = r * wordsPerRow + wordsPerRow - 1;
      const extra = bits[w]! & padding;
      if (extra !== 0) {
        const bit = 31 - Math.clz32(extra & -extra);
        throw new InvalidFormatError(`${op}: padding bit ${bit} of word ${w} (row ${r}) is set: it would be neuron ${(wordsPerRow - 1) * 32 + bit}, but n is ${n}; expected padding bits to be zero`);
      }
    }
  }
  return { rows, n };
}

/** Unpack into a BinaryArray (validated; lossless inverse of pack). */
export function unpack(p: PackedEvents): BinaryArray {
  const { rows, n } = checkPacked(p);
  const out = new Uint8Array(rows * n);
  // (n = 0: nothing to read, and rows may be up to 2^31 − 1)
  for (let r = 0; n > 0 && r < rows; r++) {
    const base = r * p.wordsPerRow;
    for (let i = 0; i < n; i++) out[r * n + i] = (p.bits[base + (i >>> 5)]! >>> (i & 31)) & 1;
  }
  return fromBits(out, [...p.shape]);
}

/**
 * Packed events as a lazy BinaryArray that reads the 32-bit words themselves (validated as
 * unpack validates them; the words are copied into a constant). Products on it walk the set
 * bits of nonzero words: `ef.matmul(packed, W)` and `ef.matmul(W, packed)` call this.
 */
export function fromPacked(p: PackedEvents): BinaryArray {
  checkPacked(p, 'events.fromPacked');
  const words = new Int32Array(p.bits.length);
  words.set(new Int32Array(p.bits.buffer, p.bits.byteOffset, p.bits.length));
  return wrapNode(build('unpackEvents', [indexNode(words)], { kind: 'unpack', shape: [...p.shape], wordsPerRow: p.wordsPerRow }));
}

registerPackedReader(fromPacked);
