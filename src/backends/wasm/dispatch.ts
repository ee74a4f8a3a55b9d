/**
 * How a WebAssembly stage is called from its kernel's JavaScript: on the calling thread alone
 * (small work, reductions, no pool: the kernel calls the function itself, over the whole
 * range), or split over the thread pool by ranges of its output lines (`dispatcher`). Loops that append to active lists get each range's piece written at the range's own
 * place; the pieces are then joined in range order, so a list is the same for any thread count.
 */
import type { Extern } from './js-stages.js';
import type { Arena } from './memory.js';
import type { Instantiated } from './modules.js';
import { MAX_LISTS, type ThreadPool } from './threads.js';

export interface StageCall {
  readonly run: Extern;
  /** The function's id in the pool. */
  readonly id: number;
  /** Arguments the kernel passes (buffer addresses); the range and counts address follow. */
  readonly arity: number;
  /** Lines of output the range counts, and the multiple each share is rounded to. */
  readonly units: number;
  readonly align: number;
  /** Argument positions of the list buffers it appends to, and flat positions per line. */
  readonly lists: readonly number[];
  readonly perUnit: number;
  /** Does the function take a counts address after its range (loops do, walks do not)? */
  readonly counted: boolean;
}

export function dispatcher(arena: Arena, pool: ThreadPool, call: StageCall): Extern {
  const { run, arity, units, align, lists, perUnit } = call;
  const a: number[] = new Array<number>(arity + 3).fill(0);
  const threads = pool.threads;
  const chunk = Math.ceil(units / threads / align) * align;
  const own = (lo: number, hi: number, counts: number): void => {
    a[arity] = lo;
    a[arity + 1] = hi;
    a[arity + 2] = counts;
    if (lo < hi) run.apply(null, a);
  };
  const id = call.id;
  // The arguments the workers read, in the shared memory (this closure holds the view, so the block lives as long as the stage).
  const shared = arena.allocate('int32', arity) as Int32Array;
  return withArguments(arity, a, shared, (): void => {
    const counts = pool.run(id, shared, arity, units, align, lists.length, own);
    if (!lists.length) return;
    // Join the pieces: thread t's appends start at 1 + (its first flat position).
    const heap = arena.heap32();
    for (let j = 0; j < lists.length; j++) {
      const list = a[lists[j]!]! >> 2;
      let total = 0;
      for (let t = 0; t < threads; t++) {
        const start = Math.min(units, t * chunk) * perUnit;
        const c = heap[(counts >> 2) + t * MAX_LISTS + j]!;
        if (c && start !== total) heap.copyWithin(list + 1 + total, list + 1 + start, list + 1 + start + c);
        total += c;
      }
      heap[list] = total;
      // Where a moved piece was and the joined list does not reach goes back to 0: a fresh
      // list then holds what one thread leaves (zeros past the count). Only those entries:
      // zeroing everything up to the last piece cost a pass over half the list every step.
      for (let t = 1; t < threads; t++) {
        const start = Math.min(units, t * chunk) * perUnit;
        const c = heap[(counts >> 2) + t * MAX_LISTS + j]!;
        const from = Math.max(start, total);
        if (c && start + c > from) heap.fill(0, list + 1 + from, list + 1 + start + c);
      }
    }
  });
}

const wrappers = new Map<number, (a: number[], shared: Int32Array | undefined, then: () => void) => Extern>();

/**
 * A function of exactly `arity` parameters that stores them in `a` (and `shared`) and calls
 * `then`: the kernel calls it once per step, so it must not allocate (a rest parameter would).
 */
function withArguments(arity: number, a: number[], shared: Int32Array | undefined, then: () => void): Extern {
  let make = wrappers.get(arity);
  if (!make) {
    const params = Array.from({ length: arity }, (_, i) => `p${i}`);
    const stores = params.map((p, i) => `a[${i}] = ${p}; if (shared) shared[${i}] = ${p};`).join(' ');
    make = new Function('a', 'shared', 'then', `'use strict'; return function stage(${params.join(', ')}) { ${stores} then(); };`) as (a: number[], shared: Int32Array | undefined, then: () => void) => Extern;
    wrappers.set(arity, make);
  }
  return make(a, shared, then);
}

/** What the stage renderers need to turn an instantiated kernel into the call in its JavaScript. */
export interface Dispatch {
  readonly threads: number;
  /** Will a stage of this much work (and units of output) run split over threads? `split`: may it be (no reduction)? */
  threaded(work: number, units: number, split: boolean): boolean;
  /**
   * The function the kernel calls and the arguments it appends to the buffer addresses. On
   * one thread the kernel calls the WebAssembly function itself, with the whole range.
   */
  call(key: string, made: Instantiated, call: Omit<StageCall, 'run' | 'id'>, threaded: boolean): { readonly fn: Extern; readonly extra: string };
}

/** Stages with at least `minWork` elements of work are split over the pool's threads. */
export function createDispatch(arena: Arena, pool: ThreadPool | undefined, minWork: number): Dispatch {
  const ids = new Map<string, number>();
  return {
    threads: pool?.threads ?? 1,
    threaded: (work, units, split) => pool !== undefined && pool.threads > 1 && split && work >= minWork && units >= 2,
    call(key, made, call, threaded) {
      if (!threaded || !pool) return { fn: made.run, extra: `, 0, ${call.units}${call.counted ? ', 0' : ''}` };
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = pool.register(made.module)));
      return { fn: dispatcher(arena, pool, { ...call, run: made.run, id }), extra: '' };
    },
  };
}
