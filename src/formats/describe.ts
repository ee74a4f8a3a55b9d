/**
 * Values as the format layer's messages show them, never throwing (a BigInt in
 * JSON.stringify, a symbol in a template, an object whose toString throws): short arrays
 * show their elements, so `shape is [3, -1]` reads as given; the rest is src/describe.ts.
 */
import { describeValue } from '../describe.js';

/** Arrays up to this length show their elements; longer ones only their length. */
const SHOWN = 8;

/**
 * `v` for a message. Strings are quoted unless `quote` is false (messages that always
 * printed strings bare keep doing so); numbers print as String does.
 */
export function show(v: unknown, quote = true): string {
  try {
    if (typeof v === 'string') return quote ? describeValue(v) : v.length > 40 ? `${v.slice(0, 40)}…` : v;
    if (Array.isArray(v)) {
      if (v.length > SHOWN) return `an array of length ${v.length}`;
      const parts: string[] = [];
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        parts.push(Array.isArray(x) || ArrayBuffer.isView(x) ? (Array.isArray(x) ? `an array of length ${x.length}` : describeValue(x)) : show(x, quote));
      }
      return `[${parts.join(', ')}]`;
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return `${describeValue(v)} of length ${(v as unknown as ArrayLike<unknown>).length}`;
    }
    return describeValue(v);
  } catch {
    return 'a value that cannot be described';
  }
}

/** The kind of a value, for "expected X, got <kind>" messages. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' || typeof v === 'function') return show(v);
  return typeof v === 'bigint' ? 'a BigInt' : typeof v;
}
