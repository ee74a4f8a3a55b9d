/**
 * Connectivity of the benchmark networks, one matrix per presynaptic population over the
 * whole population array (N × N): rows of the other population are empty (CSR, fixed) or
 * never reached, because that population's spikes are masked out of the product (JITC).
 */
import * as ef from '../index.js';

export type ConnKind = 'csr' | 'jitc' | 'fixed';

export interface Projection {
  /** The N × N matrix whose rows [from, to) are the presynaptic population. */
  readonly matrix: ef.CSR | ef.JITCMatrix;
  /** Whether the spikes of the other population must be masked before the product. */
  readonly masked: boolean;
  /** Stored synapses (exact) or the expected number (JITC). */
  readonly synapses: number;
}

/**
 * An N × N CSR with the rows [from, to) of `source` and every other row empty. `source` has
 * N rows (offset 0) or exactly the rows of the population (offset = from).
 */
function keepRows(source: ef.CSR, n: number, from: number, to: number, offset: number, weight: number | ef.LazyArray): ef.CSR {
  const ptr = source.indptr;
  const all = source.indices;
  const start = ptr[from - offset]!;
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const r = Math.min(Math.max(i + 1, from), to) - offset;
    indptr[i + 1] = ptr[r]! - start;
  }
  return ef.csr({ indptr, indices: all.subarray(start, ptr[to - offset]!), data: weight, shape: [n, n] });
}

/** Population rows [from, to) of N neurons, each onto every neuron with probability p, weight w. */
export function project(kind: ConnKind, n: number, from: number, to: number, p: number, weight: ef.LazyArray, seed: number): Projection {
  const rows = to - from;
  switch (kind) {
    case 'jitc': {
      const J = ef.jitc.scalar({ shape: [n, n], prob: p, weight, seed, orient: 'row' });
      return { matrix: J, masked: true, synapses: rows * n * p };
    }
    case 'csr': {
      // Drawn once from the JITC generator and stored: the very matrix 'jitc' regenerates.
      const full = ef.jitc.scalar({ shape: [n, n], prob: p, weight: 1, seed }).tocsr();
      const M = keepRows(full, n, from, to, 0, weight);
      return { matrix: M, masked: false, synapses: M.nnz };
    }
    case 'fixed': {
      const num = Math.round(p * n);
      const F = ef.fixedPostNum({ shape: [rows, n], num, weight: 1, seed });
      const M = keepRows(F.tocsr(), n, from, to, from, weight);
      return { matrix: M, masked: false, synapses: M.nnz };
    }
  }
}
