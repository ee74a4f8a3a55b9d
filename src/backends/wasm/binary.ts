/**
 * The byte-level pieces shared by the WebAssembly encoder: value types, the error it throws,
 * LEB128 integers, and vectors.
 */

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128';
export interface FuncType { readonly params: readonly ValType[]; readonly results: readonly ValType[] }

/** A module or body the encoder refuses to emit; the message says what and where. */
export class EncoderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncoderError';
  }
}

/** Value type bytes (binary format, section 5.3.1 of the core spec). */
export const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export const isU32 = (v: number): boolean => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** LEB128 of a u32 (index, count, alignment, offset). */
export function unsignedLeb128(v: number): number[] {
  if (!isU32(v)) throw new EncoderError(`unsignedLeb128: ${v} is not a u32 (an integer in 0..2^32-1)`);
  const out: number[] = [];
  for (;;) {
    const byte = v & 0x7f; // `&` reads v as int32, which keeps its low 7 bits for any u32
    v = Math.floor(v / 128);
    if (v === 0) return out.push(byte), out;
    out.push(byte | 0x80);
  }
}

/** Signed LEB128: a number must be an s32, a bigint an s64. */
export function signedLeb128(v: number | bigint): number[] {
  const out: number[] = [];
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new EncoderError(`signedLeb128: ${v} is not an s64`);
    for (;;) {
      const byte = Number(v & 0x7fn);
      v >>= 7n; // arithmetic: the sign fills in from the left
      if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) return out.push(byte), out;
      out.push(byte | 0x80);
    }
  }
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
    throw new EncoderError(`signedLeb128: ${v} is not an s32 (for s64 pass a bigint)`);
  }
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) return out.push(byte), out;
    out.push(byte | 0x80);
  }
}

/** Appends without spreading, so a large body cannot overflow the argument stack. */
export function append(out: number[], bytes: ArrayLike<number>): number[] {
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]!);
  return out;
}

export function checkValType(t: unknown, where: string, fail = (m: string): never => { throw new EncoderError(m); }): void {
  if (typeof t !== 'string' || !Object.hasOwn(VALTYPE, t)) fail(`${where}: ${String(t)} is not a value type (i32, i64, f32, f64, v128)`);
}

/** A vector: its length, then each item's bytes. */
export const vec = (items: readonly (readonly number[])[]): number[] =>
  items.reduce<number[]>((out, item) => append(out, item), unsignedLeb128(items.length));
