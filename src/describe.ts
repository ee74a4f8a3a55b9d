/**
 * Describe any value for an error message, without ever throwing: BigInts (which
 * JSON.stringify refuses), symbols, objects whose toString throws, cycles. Shared by every
 * layer's argument checks, so a message about bad input cannot itself fail.
 */
export function describeValue(x: unknown): string {
  try {
    switch (typeof x) {
      case 'undefined':
        return 'undefined';
      case 'bigint':
        return `${x.toString()}n (a BigInt)`;
      case 'symbol':
        return `${x.toString()} (a symbol)`;
      case 'function':
        return `a function${x.name ? ` (${x.name})` : ''}`;
      case 'string':
        return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
      case 'number':
      case 'boolean':
        return String(x);
    }
    if (x === null) return 'null';
    if (Array.isArray(x)) return `an array of length ${x.length}`;
    if (ArrayBuffer.isView(x)) return withArticle(x.constructor.name);
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? withArticle(name) : 'an object';
  } catch {
    return 'a value that cannot be described';
  }
}

/** "an Int32Array", "a Float32Array", "a Uint8Array" (a U sounds like "you" here). */
const withArticle = (name: string): string => `${/^[AEIO]/i.test(name) ? 'an' : 'a'} ${name}`;
