/**
 * Worker threads over the backend's shared memory. Thread 0 is the caller; threads 1..K-1 are
 * workers that instantiate every kernel module over the same memory and run their share of a
 * stage: the range [lo, hi) of its output lines, so every output element is computed by one
 * thread with the same arithmetic in the same order, and results are bit-identical for any
 * thread count. A stage is one round trip through a control block in the shared memory:
 *
 *   caller: write the function id and arguments, reset `done` and the claims, bump `gen`,
 *           wake sleeping workers (only if some sleep), run its own share, then run every
 *           share no worker has claimed yet (its worker is late), spin until `done` counts
 *           every other share;
 *   worker: spin on `gen` (a step of a small network takes microseconds, which a futex
 *           wake-up would double), then sleep in Atomics.wait after a while without work;
 *           claim its share (compare-exchange) and run it; Atomics.add `done`.
 *
 * Modules reach the workers as messages read synchronously (receiveMessageOnPort) when a
 * command names a function the worker does not have yet.
 */
import { Worker } from 'node:worker_threads';
import { BackendUnavailableError } from '../../errors.js';
import type { Arena } from './memory.js';

/** Control block layout (int32 slots). */
const GEN = 0;
const DONE = 1;
const SLEEPERS = 2;
const FN = 3;
const UNITS = 4;
const ALIGN = 5;
const NARGS = 6;
const COUNTS = 7; // byte address of the per-thread counts area (appended list lengths)
const NCOUNTS = 8;
const ERROR = 9; // set by a worker whose share threw (a trap): the caller reports it
const READY = 10; // workers started (each adds 1)
const WAITING = 11; // 1 while the caller sleeps on DONE (the last worker to finish wakes it)
const PAGES = 12; // the memory's size in pages when the command was issued
const ARGS_AT = 13; // byte address of the stage's arguments (any number: a loop may read hundreds of buffers)
const CLAIMS = 14; // the byte address of one claim slot per share: whoever claims share t runs it
const HOLD = 15; // tests: while nonzero, workers claim nothing (the caller runs every share)
const SLOTS = 16;
/**
 * Spins before a waiting thread sleeps (about a millisecond for the caller, a few for a
 * worker): a futex wake-up cost more than a small stage (COBA with 40,000 neurons on two
 * threads: 91 µs per step with workers spinning 4,000,000 times, 109 µs with 40,000; one run
 * each, on an earlier version).
 */
const CALLER_SPINS = 1000000;
const WORKER_SPINS = 4000000;
/** Appended lists per stage the counts area holds for each thread. */
export const MAX_LISTS = 8;

/** Shares the callers of every pool ran for a late worker (for tests and benchmarks). */
export const poolStats = { stolen: 0 };
const controls = new Set<WeakRef<Int32Array>>();
/** Tests: hold (or release) the workers of every live pool: while held, callers run every share. */
export function holdWorkers(on: boolean): void {
  for (const ref of controls) {
    const ctl = ref.deref();
    if (ctl) Atomics.store(ctl, HOLD, on ? 1 : 0);
    else controls.delete(ref);
  }
}

/** The worker's program (plain JavaScript: workers need no TypeScript loader). */
const WORKER_SOURCE = String.raw`
const { workerData, parentPort, receiveMessageOnPort } = require('node:worker_threads');
const { memory, control, tid, threads, math } = workerData;
const ctl = new Int32Array(memory.buffer, control, ${SLOTS});
const claims = new Int32Array(memory.buffer, ctl[${CLAIMS}], threads);
const fns = [];
const imports = { env: { memory }, math: Object.fromEntries(math.map((name) => [name, globalThis.__efMath[name]])) };
function register(m) {
  const instance = new WebAssembly.Instance(m.module, imports);
  fns[m.id] = instance.exports.run;
}
let heap = new Int32Array(memory.buffer);
let pages = 0;
let args = [];
let gen = Atomics.load(ctl, ${GEN});
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
function run(id) {
  // The caller may have grown the memory since: grow(0) makes this thread's view of the size
  // current before it runs (V8 otherwise updates other threads' instances at an interrupt).
  if (ctl[${PAGES}] !== pages) {
    memory.grow(0);
    pages = ctl[${PAGES}];
  }
  while (fns[id] === undefined) {
    const m = receiveMessageOnPort(parentPort);
    if (m) register(m.message);
  }
  const units = ctl[${UNITS}], align = ctl[${ALIGN}], n = ctl[${NARGS}];
  const chunk = Math.ceil(units / threads / align) * align;
  const lo = Math.min(units, tid * chunk), hi = Math.min(units, lo + chunk);
  if (heap.byteLength !== memory.buffer.byteLength) heap = new Int32Array(memory.buffer);
  const from = ctl[${ARGS_AT}] >> 2;
  if (args.length !== n + 3) args = new Array(n + 3);
  for (let i = 0; i < n; i++) args[i] = heap[from + i];
  args[n] = lo; args[n + 1] = hi; args[n + 2] = ctl[${COUNTS}] + tid * ${MAX_LISTS} * 4;
  if (lo < hi) fns[id].apply(null, args);
  else for (let j = 0; j < ctl[${NCOUNTS}]; j++) heap[(args[n + 2] >> 2) + j] = 0;
}
for (;;) {
  let spins = 0;
  while (Atomics.load(ctl, ${GEN}) === gen) {
    if (++spins > ${WORKER_SPINS}) {
      Atomics.add(ctl, ${SLEEPERS}, 1);
      Atomics.wait(ctl, ${GEN}, gen, 1000);
      Atomics.sub(ctl, ${SLEEPERS}, 1);
      spins = 0;
    }
  }
  gen = Atomics.load(ctl, ${GEN});
  if (ctl[${FN}] < 0) break;
  // Our share, unless the caller took it while we were late (descheduled, or asleep). A
  // successful claim is of the stage now posted: its parameters are read after the claim.
  if (Atomics.load(ctl, ${HOLD}) || Atomics.compareExchange(claims, tid, 0, 1) !== 0) continue;
  try {
    run(ctl[${FN}]);
  } catch (e) {
    // a trap, or anything else: the caller reports it (and is never left waiting)
    Atomics.store(ctl, ${ERROR}, 1);
  }
  if (Atomics.add(ctl, ${DONE}, 1) === threads - 2 && Atomics.load(ctl, ${WAITING})) Atomics.notify(ctl, ${DONE});
}
`;

/** The math imports a worker needs, installed in the worker's global scope by a preamble. */
function workerProgram(mathSource: string): string {
  return `globalThis.__efMath = ${mathSource};\n${WORKER_SOURCE}`;
}

export interface ThreadPool {
  readonly threads: number;
  /** The arena blocks the pool uses, kept alive with it. */
  readonly blocks: readonly Int32Array[];
  /** Register a compiled kernel module with every worker; returns its function id. */
  register(module: WebAssembly.Module): number;
  /**
   * Run function `id` with `args` (the first `nargs`, in the shared memory) on every thread, each over its share of `units` lines
   * (shares are multiples of `align`, but the last); thread 0 runs `own(lo, hi, countsAddr)`.
   * Returns the counts area's byte address (thread t's counts at + t·MAX_LISTS·4).
   */
  run(id: number, args: Int32Array, nargs: number, units: number, align: number, lists: number, own: (lo: number, hi: number, counts: number) => void): number;
}

/**
 * A pool of `threads - 1` workers over the arena's memory. `mathSource` is a JavaScript
 * expression for the object of math imports (the same functions as the caller's).
 */
export function createPool(arena: Arena, threads: number, mathSource: string, mathNames: readonly string[]): ThreadPool {
  // The control block on cache lines of its own (the arena aligns to 16 bytes): a worker spins
  // reading it, and a neighbour written by the caller would bounce the line on every write.
  // (`padded` must stay referenced: the arena frees a block when the view it returned is collected, and a subarray is another view)
  const padded = arena.allocate('int32', SLOTS + 32) as Int32Array;
  const ctlView = padded.subarray(16 - ((padded.byteOffset >> 2) & 15), 16 - ((padded.byteOffset >> 2) & 15) + SLOTS);
  const counts = arena.allocate('int32', threads * MAX_LISTS) as Int32Array;
  // the claim slots on cache lines of their own too (the workers write them)
  const claimBlock = arena.allocate('int32', threads + 32) as Int32Array;
  const claims = claimBlock.subarray(16 - ((claimBlock.byteOffset >> 2) & 15), 16 - ((claimBlock.byteOffset >> 2) & 15) + threads);
  ctlView[CLAIMS] = claims.byteOffset;
  controls.add(new WeakRef(ctlView));
  const workers: Worker[] = [];
  for (let tid = 1; tid < threads; tid++) {
    const w = new Worker(workerProgram(mathSource), {
      eval: true,
      workerData: { memory: arena.memory, control: ctlView.byteOffset, tid, threads, math: mathNames },
    });
    w.unref(); // idle workers never keep the process alive
    workers.push(w);
  }
  // Wait until every worker runs (a worker that cannot start would leave a stage waiting forever).
  const deadline = Date.now() + 30_000;
  while (Atomics.load(ctlView, READY) < threads - 1) {
    const seen = Atomics.load(ctlView, READY);
    if (Date.now() > deadline) {
      for (const w of workers) void w.terminate();
      throw new BackendUnavailableError(`wasm backend: ${threads - 1 - seen} of ${threads - 1} worker threads did not start within 30 s; use threads: 1`);
    }
    Atomics.wait(ctlView, READY, seen, 100);
  }
  let nextId = 0;
  return {
    threads,
    // held for the pool's life (see `padded`)
    blocks: [padded, counts, claimBlock],
    register(module) {
      const id = nextId++;
      for (const w of workers) w.postMessage({ id, module });
      return id;
    },
    run(id, args, nargs, units, align, lists, own) {
      const ctl = ctlView;
      ctl[FN] = id;
      ctl[UNITS] = units;
      ctl[ALIGN] = align;
      ctl[NARGS] = nargs;
      ctl[COUNTS] = counts.byteOffset;
      ctl[NCOUNTS] = lists;
      ctl[PAGES] = arena.memory.buffer.byteLength >>> 16;
      ctl[ARGS_AT] = args.byteOffset;
      Atomics.store(ctl, DONE, 0);
      for (let t = 1; t < threads; t++) Atomics.store(claims, t, 0);
      Atomics.add(ctl, GEN, 1);
      if (Atomics.load(ctl, SLEEPERS) > 0) Atomics.notify(ctl, GEN);
      const chunk = Math.ceil(units / threads / align) * align;
      own(0, Math.min(units, chunk), counts.byteOffset);
      // Shares no worker has claimed yet are ours: a worker descheduled while it waited for
      // this stage would otherwise stall it for a time slice (measured: start delays of up
      // to 4.6 ms, one or two per 300 steps of COBA 40,000, were most of the waiting).
      for (let t = 1; t < threads; t++) {
        if (Atomics.compareExchange(claims, t, 0, 1) !== 0) continue;
        const lo = Math.min(units, t * chunk);
        const hi = Math.min(units, lo + chunk);
        const at = counts.byteOffset + t * MAX_LISTS * 4;
        if (lo < hi) own(lo, hi, at);
        else counts.fill(0, t * MAX_LISTS, t * MAX_LISTS + lists);
        Atomics.add(ctl, DONE, 1);
        poolStats.stolen++;
      }
      const others = threads - 1;
      // Spin a little (the workers' shares take about as long as ours), then sleep until the last one wakes us.
      for (let spins = 0, done = Atomics.load(ctl, DONE); done < others; done = Atomics.load(ctl, DONE)) {
        if (++spins < CALLER_SPINS) continue;
        Atomics.store(ctl, WAITING, 1);
        if (Atomics.load(ctl, DONE) < others) Atomics.wait(ctl, DONE, Atomics.load(ctl, DONE), 50);
        Atomics.store(ctl, WAITING, 0);
      }
      if (ctl[ERROR]) {
        ctl[ERROR] = 0;
        throw new BackendUnavailableError('wasm backend: a worker thread failed while running its share of a kernel (a WebAssembly trap); run with threads: 1 to see the error on the calling thread');
      }
      return counts.byteOffset;
    },
  };
}
