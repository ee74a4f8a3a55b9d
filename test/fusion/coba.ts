/**
 * A two-population COBA-style network (not a test file) for the event-product plan suites:
 * fusion/events-plan.test.ts (spike trains on every backend), fusion/events-list.test.ts
 * (which products get an active list) and cpu/events-plan.test.ts (the cpu backend's kernel).
 */
import * as ef from '../../src/index.js';
import type { LazyArray, StepFn } from '../../src/index.js';

/** A seeded generator (LCG) so the network is fixed. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** n × n CSR with rows only for `rows(i)`, each entry present with probability p, one shared weight. */
export function connect(n: number, rows: (i: number) => boolean, p: number, weight: number, rand: () => number): ef.CSR {
  const indptr = [0];
  const indices: number[] = [];
  for (let i = 0; i < n; i++) {
    if (rows(i)) for (let j = 0; j < n; j++) if (rand() < p) indices.push(j);
    indptr.push(indices.length);
  }
  return ef.csr({ indptr, indices, data: weight, shape: [n, n] });
}

export const N = 300;
const NE = 240;
const rand = rng(7);
const WE = connect(N, (i) => i < NE, 0.05, 0.6, rand);
const WI = connect(N, (i) => i >= NE, 0.05, 6.7, rand);
const dt = ef.scalar(0.1, 'ms');
const taum = ef.scalar(20, 'ms');
const [El, Ee, Ei, vth] = [-60, 0, -80, -50].map((v) => ef.scalar(v, 'mV')) as [LazyArray, LazyArray, LazyArray, LazyArray];

export const coba: StepFn = (s) => {
  const { v, ge, gi, ref } = s as Record<'v' | 'ge' | 'gi' | 'ref', LazyArray>;
  const free = ref.lessEqual(0);
  const dv = ge.mul(Ee.sub(v)).add(gi.mul(Ei.sub(v))).sub(v.sub(El)).mul(dt.div(taum));
  const vInt = ef.where(free, v.add(dv), v);
  const spike = vInt.greater(vth);
  return {
    state: {
      v: ef.where(spike, El, vInt),
      ref: ef.where(spike, ef.scalar(50, '', 'int32'), ref.sub(1)),
      ge: ge.mul(Math.exp(-0.1 / 5)).add(ef.matmul(spike, WE)),
      gi: gi.mul(Math.exp(-0.1 / 10)).add(ef.matmul(spike, WI)),
    },
    record: { spike },
  };
};

export const init = (): Record<string, LazyArray> => {
  const r = rng(3);
  return {
    v: ef.array(Array.from({ length: N }, () => -60 + 12 * r() - 2), 'mV'),
    ge: ef.array(Array.from({ length: N }, () => 2 + 8 * r())),
    gi: ef.array(Array.from({ length: N }, () => 4 + 8 * r())),
    ref: ef.zeros([N], '', 'int32'),
  };
};
