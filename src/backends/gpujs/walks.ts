/** What the gpujs product lowerings share: host values of structures, line lengths, output and operand positions. */
import type { Node } from '../../ir/node.js';
import { InvalidArgumentError } from '../../errors.js';
import { EXACT_INT, type LowerContext } from './builder.js';
import { exactQuotient, floatLiteral } from './source.js';

/**
 * A structure array's host values; structures must be constants (they are in every format).
 * Formats validate them (indices in range, ptr monotone up to nnz), so every value is at most
 * max(rows, cols, nnz): checking the array's length, its last value (a ptr's nnz) and the
 * matrix shape keeps them exact without a scan.
 */
export function structure(ctx: LowerContext, n: Node, what: string, dims: readonly number[] = []): ArrayLike<number> {
  const v = ctx.hostValue(n);
  if (!v) throw new InvalidArgumentError(`gpujs: the ${what} of a sparse structure must be a constant array; got a computed ${n.op} value`);
  const largest = Math.max(v.length, v.length ? v[v.length - 1]! : 0, ...dims);
  if (largest > EXACT_INT) {
    throw new InvalidArgumentError(`gpujs: a sparse structure with ${what} reaching ${largest} is beyond 2^24 (16777216), where float32 integers stop being exact; use the cpu backend for structures this large`);
  }
  return v;
}

/** The longest line of a compressed structure. */
export function longestLine(ptr: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i + 1 < ptr.length; i++) m = Math.max(m, ptr[i + 1]! - ptr[i]!);
  return m;
}

/** Decode flat output position x into (o, bb) for y of shape [nOut], [nb, nOut] (left) or [nOut, nb] (right). */
export function outputPosition(vector: boolean, left: boolean, nOut: number, nb: number): string[] {
  if (vector) return ['const o = x;', 'const bb = 0.0;'];
  if (left) return [...exactQuotient('bb', 'x', nOut), `const o = x - bb * ${floatLiteral(nOut)};`];
  return [...exactQuotient('o', 'x', nb), `const bb = x - o * ${floatLiteral(nb)};`];
}

/** Position of x[i, bb] in the operand: [nIn], [nb, nIn] (left) or [nIn, nb] (right). */
export function operandAt(vector: boolean, left: boolean, nIn: number, nb: number): (i: string) => string {
  if (vector) return (i) => i;
  return left ? (i) => `bb * ${floatLiteral(nIn)} + ${i}` : (i) => `${i} * ${floatLiteral(nb)} + bb`;
}
