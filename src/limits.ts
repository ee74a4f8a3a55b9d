/**
 * Size limits, checked before anything is allocated. Kernels index with int32, so no array,
 * index list or structure may hold more than 2^31 − 1 elements; and no allocation may need
 * more bytes than this machine has (os.totalmem()). Counts are computed as plain doubles:
 * a product that overflows the safe-integer range is still far above the limit, so the
 * comparison stays right.
 */
import { totalmem } from 'node:os';
import { ResourceError } from './errors.js';

/** The most elements one array, index list or stored structure may hold (int32 indices). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Bytes one element of each storage kind takes. */
export const BYTES = { float32: 4, float64: 8, int32: 4, bool: 1 } as const;

/** The most bytes one allocation (or one estimate of a whole run) may need: this machine's memory. */
export const memoryLimit = (): number => totalmem();

const grouped = (n: number): string => (Number.isSafeInteger(n) ? n.toLocaleString('en-US') : n.toExponential(2));

/** A byte count for people: 1.5 GiB. */
export function showBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return Number.isFinite(v) ? `${i === 0 ? v : v.toFixed(1)} ${units[i]}` : `${bytes} B`;
}

/**
 * Refuse, with a ResourceError, an allocation of `count` elements of `bytesPerElement` bytes.
 * `what` names the thing ("an array of shape [3, 4]"), `instead` what to use instead.
 */
export function checkAllocation(op: string, what: string, count: number, bytesPerElement: number, instead?: string): void {
  const bytes = count * bytesPerElement;
  const tail = instead ? `; ${instead}` : '';
  if (!(count <= MAX_ELEMENTS)) {
    throw new ResourceError(
      `${op}: ${what} would hold ${grouped(count)} elements (${showBytes(bytes)}); the limit is 2^31 − 1 = ${grouped(MAX_ELEMENTS)} elements (int32 indices)${tail}`,
    );
  }
  checkBytes(op, what, bytes, instead);
}

/** Refuse, with a ResourceError, anything estimated to need more bytes than this machine has. */
export function checkBytes(op: string, what: string, bytes: number, instead?: string, limit = memoryLimit()): void {
  if (!(bytes <= limit)) {
    throw new ResourceError(
      `${op}: ${what} would need ${showBytes(bytes)}, more than this machine's ${showBytes(limit)} of memory${instead ? `; ${instead}` : ''}`,
    );
  }
}
