/**
 * Bit-packed events: 32 neurons per Uint32 word, a compact form for storing and sending
 * spike rasters (1/8 of the bool bytes). Layout: event (row r, neuron i) is bit (i & 31),
 * least significant first, of word r * wordsPerRow + (i >>> 5); wordsPerRow = ceil(n / 32);
 * padding bits past n are zero; a vector is one row.
 */
import { InvalidFormatError } from '../../errors.js';
import { showShape } from '../../ir/shape.js';
import { fromBits, type BinaryArray } from './binary.js';

export interface PackedEvents {
  readonly bits: Uint32Array;
  readonly shape: readonly number[];
  readonly wordsPerRow: number;
}

const wordsFor = (n: number): number => Math.ceil(n / 32);

/** Pack a BinaryArray (realizes it). The result is a frozen object with a fresh `bits`. */
export function pack(b: BinaryArray): PackedEvents {
  const data = b.dataSync();
  const n = b.shape[b.ndim - 1]!;
  const rows = b.ndim === 1 ? 1 : b.shape[0]!;
  const wordsPerRow = wordsFor(n);
  const bits = new Uint32Array(rows * wordsPerRow);
  for (let r = 0; r < rows; r++) {
    const base = r * wordsPerRow;
    for (let i = 0; i < n; i++) if (data[r * n + i] !== 0) bits[base + (i >>> 5)]! |= 1 << (i & 31);
  }
  return Object.freeze({ bits, shape: Object.freeze([...b.shape]), wordsPerRow });
}

function checkPacked(p: PackedEvents): { rows: number; n: number } {
  if (typeof p !== 'object' || p === null) throw new InvalidFormatError(`unpack: expected a PackedEvents object { bits, shape, wordsPerRow }, got ${String(p)}`);
  const { shape, bits, wordsPerRow } = p;
  if (!Array.isArray(shape) || (shape.length !== 1 && shape.length !== 2) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidFormatError(`unpack: shape is ${Array.isArray(shape) ? showShape(shape) : String(shape)}; expected [n] or [batch, n] of non-negative integers`);
  }
  if (!(bits instanceof Uint32Array)) {
    throw new InvalidFormatError(`unpack: bits is ${(bits as object | undefined)?.constructor?.name ?? String(bits)}; expected a Uint32Array`);
  }
  const n = shape[shape.length - 1] as number;
  const rows = shape.length === 1 ? 1 : (shape[0] as number);
  if (wordsPerRow !== wordsFor(n)) {
    throw new InvalidFormatError(`unpack: wordsPerRow is ${String(wordsPerRow)}; expected ceil(${n} / 32) = ${wordsFor(n)} for shape ${showShape(shape)}`);
  }
  if (bits.length !== rows * wordsPerRow) {
    throw new InvalidFormatError(`unpack: bits has ${bits.length} words; expected rows * wordsPerRow = ${rows} * ${wordsPerRow} = ${rows * wordsPerRow} for shape ${showShape(shape)}`);
  }
  const used = n & 31;
  if (used !== 0) {
    const padding = ~((1 << used) - 1) >>> 0;
    for (let r = 0; r < rows; r++) {
      const w = r * wordsPerRow + wordsPerRow - 1;
      const extra = bits[w]! & padding;
      if (extra !== 0) {
        const bit = 31 - Math.clz32(extra & -extra);
        throw new InvalidFormatError(`unpack: padding bit ${bit} of word ${w} (row ${r}) is set: it would be neuron ${(wordsPerRow - 1) * 32 + bit}, but n is ${n}; expected padding bits to be zero`);
      }
    }
  }
  return { rows, n };
}

/** Unpack into a BinaryArray (validated; lossless inverse of pack). */
export function unpack(p: PackedEvents): BinaryArray {
  const { rows, n } = checkPacked(p);
  const out = new Uint8Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const base = r * p.wordsPerRow;
    for (let i = 0; i < n; i++) out[r * n + i] = (p.bits[base + (i >>> 5)]! >>> (i & 31)) & 1;
  }
  return fromBits(out, [...p.shape]);
}
