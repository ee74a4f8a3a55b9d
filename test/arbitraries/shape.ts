/**
 * Shapes for property tests: plain shapes, shapes that broadcast together (NumPy rule:
 * align on the right, size-1 dims stretch, missing leading dims count as 1) and shapes
 * that do not.
 */
import fc from 'fast-check';

export type ShapeT = number[];

export interface ShapeOptions {
  /** Smallest rank (default 0: scalars included). */
  readonly minRank?: number;
  /** Largest rank (default 3). */
  readonly maxRank?: number;
  /** Smallest dimension (default 0: empty arrays included). */
  readonly minDim?: number;
  /** Largest dimension (default 4). */
  readonly maxDim?: number;
}

/** Any shape; dims may be 0 and 1 unless `minDim` says otherwise. */
export function shape(opts: ShapeOptions = {}): fc.Arbitrary<ShapeT> {
  const { minRank = 0, maxRank = 3, minDim = 0, maxDim = 4 } = opts;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * One operand shape that broadcasts to `out`: a suffix of `out` (rank difference) with some
 * dims replaced by 1.
 */
export function broadcastableTo(out: readonly number[]): fc.Arbitrary<ShapeT> {
  return fc
    .integer({ min: 0, max: out.length })
    .chain((r) =>
      fc
        .array(fc.boolean(), { minLength: r, maxLength: r })
        .map((ones) => out.slice(out.length - r).map((d, i) => (ones[i] ? 1 : d))),
    );
}

/** `k` shapes that broadcast together (ranks may differ, size-1 dims stretch). */
export function broadcastShapes(k: number, opts: ShapeOptions = {}): fc.Arbitrary<ShapeT[]> {
  return shape(opts).chain((out) => fc.array(broadcastableTo(out), { minLength: k, maxLength: k }));
}

/** Two shapes that broadcast together. */
export function broadcastPair(opts: ShapeOptions = {}): fc.Arbitrary<[ShapeT, ShapeT]> {
  return broadcastShapes(2, opts).map(([a, b]) => [a!, b!] as [ShapeT, ShapeT]);
}

/**
 * Two shapes that do NOT broadcast: at one aligned position both dims are >= 2 and differ.
 * Returns the shapes and the conflicting sizes.
 */
export function incompatiblePair(opts: ShapeOptions = {}): fc.Arbitrary<{ a: ShapeT; b: ShapeT; sizes: [number, number] }> {
  const { maxRank = 3, maxDim = 4 } = opts;
  return fc
    .record({
      out: shape({ ...opts, minRank: Math.max(1, opts.minRank ?? 1), maxRank, maxDim }),
      x: fc.integer({ min: 2, max: Math.max(3, maxDim) }),
      dx: fc.integer({ min: 1, max: 3 }),
      flip: fc.boolean(),
    })
    .chain(({ out, x, dx, flip }) =>
      fc.record({ pos: fc.integer({ min: 0, max: out.length - 1 }), a: broadcastableTo(out), b: broadcastableTo(out) }).map(({ pos, a, b }) => {
        // Force both operands to full rank at `pos` and make them disagree there.
        const full = (s: number[]): number[] => [...out.slice(0, out.length - s.length).map(() => 1), ...s];
        const fa = full(a);
        const fb = full(b);
        fa[pos] = x;
        fb[pos] = x + dx;
        return flip ? { a: fb, b: fa, sizes: [x + dx, x] as [number, number] } : { a: fa, b: fb, sizes: [x, x + dx] as [number, number] };
      }),
    );
}

export const sizeOf = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
