/** Spike data for the event tests (test/formats/events.test.ts, test/api/events.test.ts). */
import fc from 'fast-check';

export const nArb = fc.integer({ min: 0, max: 80 });
export const bits = (len: number): fc.Arbitrary<number[]> =>
  fc.array(fc.oneof(fc.boolean(), fc.constant(true)).map((b) => (b ? 1 : 0)), { minLength: len, maxLength: len });
/** A spike vector as 0/1 numbers. */
export const vector = nArb.chain((n) => bits(n));
/** A spike matrix [batch, n] as rows of 0/1 numbers. */
export const matrix = fc.tuple(fc.integer({ min: 1, max: 4 }), nArb).chain(([batch, n]) =>
  fc.array(bits(n), { minLength: batch, maxLength: batch }).map((rows) => ({ batch, n, rows })));
/** Any value the nonzero rule must decide (no NaN). */
export const activeish = fc.oneof(
  fc.constantFrom<number | boolean>(0, -0, 1, -1, 0.5, -1e-300, 5e-324, Infinity, -Infinity, true, false),
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }),
);
/** Distinct indices in [0, n), in random order, and n. */
export const indexList = nArb.chain((n) =>
  fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i)).map((idx) => ({ n, idx })));

/** The expected words, by arithmetic (powers of two), not by the implementation's bit ops. */
export function expectedWords(rows: readonly number[][], n: number): number[] {
  const wpr = Math.ceil(n / 32);
  const words = new Array<number>(rows.length * wpr).fill(0);
  rows.forEach((row, r) => row.forEach((v, i) => {
    if (v !== 0) words[r * wpr + Math.floor(i / 32)]! += 2 ** (i % 32);
  }));
  return words;
}
