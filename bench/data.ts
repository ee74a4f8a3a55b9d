/**
 * Data the benchmarks share: random CSR arrays drawn by geometric gaps, seeded sets of active
 * neurons, and the relative error used to check a benchmark computed the right thing.
 */
import { rng } from './harness.js';

export interface CsrArrays {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  /** Per-entry weights, or undefined when every entry has one shared weight. */
  readonly data: Float32Array | undefined;
}

/**
 * Each entry (i, j) of rows with keep(i) present independently with probability p, by
 * skipping geometric gaps (exactly the Bernoulli distribution, without N² draws).
 * Per-entry weights uniform in [wLo, wHi) when `weights` is given.
 */
export function randomCsr(
  rows: number, cols: number, p: number, seed: number,
  options: { keep?: (i: number) => boolean; weights?: readonly [number, number] } = {},
): CsrArrays {
  const r = rng(seed);
  const logq = Math.log(1 - p);
  const expected = rows * cols * p;
  let cap = Math.ceil(expected + 10 * Math.sqrt(expected) + 1024);
  let indices = new Int32Array(cap);
  const indptr = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    if (!options.keep || options.keep(i)) {
      let j = -1;
      for (;;) {
        j += 1 + Math.floor(Math.log(1 - r()) / logq); // 1 - r() is in (0, 1]
        if (j >= cols) break;
        if (nnz === cap) {
          cap *= 2;
          const grown = new Int32Array(cap);
          grown.set(indices);
          indices = grown;
        }
        indices[nnz++] = j;
      }
    }
    indptr[i + 1] = nnz;
  }
  indices = indices.slice(0, nnz);
  let data: Float32Array | undefined;
  if (options.weights) {
    const [lo, hi] = options.weights;
    data = new Float32Array(nnz);
    for (let k = 0; k < nnz; k++) data[k] = lo + (hi - lo) * r();
  }
  return { rows, cols, indptr, indices, data };
}

/** Largest |a - b| relative to the largest |b| (a scale-free float32 check). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0, s = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    s = Math.max(s, Math.abs(b[i]!));
  }
  return s === 0 ? d : d / s;
}

/** `count` distinct neurons out of n (seeded partial Fisher-Yates), as 0/1 bytes. */
export function activeBits(n: number, count: number, seed: number): Uint8Array {
  const r = rng(seed);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const bits = new Uint8Array(n);
  for (let k = 0; k < count; k++) {
    const j = k + Math.floor(r() * (n - k));
    const t = perm[k]!;
    perm[k] = perm[j]!;
    perm[j] = t;
    bits[perm[k]!] = 1;
  }
  return bits;
}
