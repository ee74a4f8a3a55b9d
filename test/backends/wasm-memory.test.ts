/**
 * The wasm backend's memory (src/backends/wasm/memory.ts, Arena): every view it hands out is
 * zero-filled, 16-byte aligned, inside its one shared WebAssembly.Memory and apart from every
 * other live view; freed space is coalesced and reused; growth never detaches a view;
 * constants are copied once per array; `dispose` ignores arrays it did not hand out; the
 * 4 GiB limit of wasm32 is a ResourceError raised before the memory grows. And compiled runners
 * on wasm: their buffers come from the executable's memory (Executable.allocate), and an
 * executable given ordinary arrays (copied in and out around each call) computes what the
 * cpu computes, bit for bit.
 * wasm only: outside the shared suites (the cpu+reference process runs it once).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, LazyArray, StepFn } from '../../src/index.js';
import type { Backend, Executable, Program } from '../../src/backends/backend.js';
import { Arena } from '../../src/backends/wasm/memory.js';
import { ResourceError } from '../../src/errors.js';
import type { DType, TypedArray } from '../../src/ir/dtype.js';
import { runs, withBackend } from '../helpers/backends.js';
import { onBackend } from '../compile/models.js';
import '../helpers/seed.js';

const ALIGN = 16;
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
const TYPE: Record<DType, new (n: number) => TypedArray> = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array };
const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

/** The bytes a block of `length` elements of `dtype` takes: at least one element, rounded up to 16. */
const rounded = (dtype: DType, length: number): number => Math.ceil((Math.max(1, length) * BYTES[dtype]) / ALIGN) * ALIGN;
const bytesOf = (v: TypedArray): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

/** A fresh view's checks: its type and length, in the arena, aligned, every byte zero. */
function checkFresh(arena: Arena, v: TypedArray, dtype: DType, length: number, what: string): void {
  assert.ok(v instanceof TYPE[dtype], `${what}: a ${TYPE[dtype].name}`);
  assert.is(v.length, length, `${what}: length`);
  assert.ok(arena.owns(v), `${what}: in the arena's memory`);
  assert.ok(v.buffer instanceof SharedArrayBuffer, `${what}: over the shared memory`);
  assert.is(v.byteOffset % ALIGN, 0, `${what}: byteOffset ${v.byteOffset} is 16-byte aligned`);
  assert.ok(v.byteOffset > 0, `${what}: never at address 0`);
  const nonzero = bytesOf(v).findIndex((b) => b !== 0);
  assert.is(nonzero, -1, `${what}: zero-filled (byte ${nonzero} is not)`);
}

test('allocate gives zero-filled, 16-byte aligned views of every dtype in the arena\'s memory', () => {
  const arena = new Arena();
  for (const dtype of DTYPES) {
    for (const length of [0, 1, 2, 3, 5, 16, 17, 100]) {
      const v = arena.allocate(dtype, length);
      checkFresh(arena, v, dtype, length, `${dtype}[${length}]`);
    }
  }
  assert.not.ok(arena.owns(new Float32Array(4)), 'an ordinary array is not in the arena');
  assert.not.ok(arena.owns(new Float32Array(new SharedArrayBuffer(16))), 'nor another shared buffer');
  assert.not.ok(arena.owns(new Arena().allocate('float32', 4)), "nor another arena's view");
});

interface Live {
  readonly v: TypedArray;
  readonly at: number;
  readonly bytes: number;
  /** The byte every element of the view was filled with after the checks. */
  readonly mark: number;
}

type Op = { readonly kind: 'alloc'; readonly dtype: DType; readonly length: number } | { readonly kind: 'dispose'; readonly pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('alloc' as const),
      dtype: fc.constantFrom(...DTYPES),
      // mostly small blocks; now and then one that grows the 64 KiB memory
      length: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 70 }) }, { weight: 1, arbitrary: fc.integer({ min: 8000, max: 40000 }) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dispose' as const), pick: fc.nat() }) },
);

/** The free gaps below the highest live block (where a request could be reused), from the live blocks. */
function gaps(live: readonly Live[], lowest: number): { at: number; bytes: number }[] {
  const sorted = [...live].sort((a, b) => a.at - b.at);
  const out: { at: number; bytes: number }[] = [];
  let end = lowest;
  for (const b of sorted) {
    if (b.at > end) out.push({ at: end, bytes: b.at - end });
    end = Math.max(end, b.at + b.bytes);
  }
  return out;
}

test('random allocate/dispose sequences: live views never overlap, keep their contents, bytesInUse is their rounded sum; freed space is reused and coalesced', () => {
  fc.assert(
    fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (ops, order) => {
      const arena = new Arena();
      const live: Live[] = [];
      let lowest = Infinity;
      let marks = 0;
      let peak = 0;
      const checkIntact = (b: Live, what: string): void => {
        const bad = bytesOf(b.v).findIndex((x) => x !== b.mark);
        assert.is(bad, -1, `${what}: the view at ${b.at} kept its contents (byte ${bad} changed)`);
      };
      ops.forEach((op, step) => {
        if (op.kind === 'alloc') {
          const bytes = rounded(op.dtype, op.length);
          // Reuse: where a gap between live blocks (coalesced free space) fits the request, it goes there.
          const fits = live.length && Number.isFinite(lowest) ? gaps(live, lowest).filter((g) => g.bytes >= bytes) : [];
          const v = arena.allocate(op.dtype, op.length);
          const what = `op ${step}: allocate ${op.dtype}[${op.length}]`;
          checkFresh(arena, v, op.dtype, op.length, what);
          const b: Live = { v, at: v.byteOffset, bytes, mark: (marks++ % 255) + 1 };
          for (const o of live) {
            assert.ok(b.at + b.bytes <= o.at || o.at + o.bytes <= b.at, `${what}: [${b.at}, ${b.at + b.bytes}) overlaps the live block [${o.at}, ${o.at + o.bytes})`);
          }
          if (fits.length) {
            assert.ok(fits.some((g) => b.at >= g.at && b.at + b.bytes <= g.at + g.bytes),
              `${what}: ${bytes} bytes at ${b.at}, but freed gaps fit it: ${fits.map((g) => `${g.bytes}@${g.at}`).join(', ')}`);
          }
          lowest = Math.min(lowest, b.at);
          bytesOf(v).fill(b.mark);
          live.push(b);
        } else if (live.length) {
          const [b] = live.splice(op.pick % live.length, 1);
          checkIntact(b!, `op ${step}: before dispose`);
          arena.dispose(b!.v);
        }
        const sum = live.reduce((s, b) => s + b.bytes, 0);
        peak = Math.max(peak, sum);
        assert.is(arena.bytesInUse, sum, `op ${step}: bytesInUse is the sum of the live blocks' rounded sizes`);
      });
      live.forEach((b) => checkIntact(b, 'at the end'));
      // Everything back, in a random order: one coalesced free range from the lowest address.
      order.slice(0, live.length).forEach((k) => arena.dispose(live.splice(k % live.length, 1)[0]!.v));
      assert.is(arena.bytesInUse, 0, 'nothing in use after disposing everything');
      const big = arena.allocate('float64', Math.max(1, peak) / 8 + 64);
      if (Number.isFinite(lowest)) assert.is(big.byteOffset, lowest, `a block larger than all that was live goes to the lowest address ${lowest}`);
    }),
    { numRuns: runs(200) },
  );
});

test('a reused block comes back zero-filled, and coalesced neighbours hold a request larger than either', () => {
  const arena = new Arena();
  const a = arena.allocate('float64', 4); // 32 bytes
  const b = arena.allocate('float32', 8); // 32 bytes
  const c = arena.allocate('int32', 4); // 16 bytes, keeps a and b below the top
  a.fill(-1);
  b.fill(NaN);
  c.fill(7);
  const [atA, atB] = [a.byteOffset, b.byteOffset];
  assert.is(atB, atA + 32, 'b follows a');
  arena.dispose(b);
  const again = arena.allocate('float32', 8);
  assert.is(again.byteOffset, atB, "b's block is reused (first fit)");
  assert.equal(Array.from(again), new Array(8).fill(0), 'and zero-filled');
  arena.dispose(again);
  arena.dispose(a);
  // a + b: 64 free bytes below c, in one range only if the two were coalesced
  const wide = arena.allocate('float64', 8);
  assert.is(wide.byteOffset, atA, "a and b's blocks coalesced into one range of 64 bytes");
  assert.equal(Array.from(wide), new Array(8).fill(0), 'zero-filled');
  assert.equal(Array.from(c), [7, 7, 7, 7], 'the neighbour kept its values');
  assert.is(arena.bytesInUse, 64 + 16);
});

test('growth: views made before it stay valid, in the arena, and share their bytes with views made after', () => {
  const arena = new Arena();
  const before = arena.allocate('float64', 5);
  before.set([1, 2, 3, 4, 5]);
  const bytesBefore = arena.memory.buffer.byteLength;
  assert.is(bytesBefore, 65536, 'the memory starts at one page');
  const big = arena.allocate('float32', 1 << 19); // 2 MiB: the memory must grow
  const bytesAfter = arena.memory.buffer.byteLength;
  assert.ok(bytesAfter >= bytesBefore + (1 << 21), `the memory grew (${bytesBefore} → ${bytesAfter} bytes)`);
  checkFresh(arena, big, 'float32', 1 << 19, 'the 2 MiB view');
  assert.is(before.length, 5, 'the earlier view is not detached');
  assert.equal(Array.from(before), [1, 2, 3, 4, 5], 'and keeps its values');
  assert.ok(arena.owns(before), 'and still counts as in the arena');
  // a view over the grown memory made after growth sees the same bytes, both ways
  const after = new Float64Array(arena.memory.buffer, before.byteOffset, 5);
  after[2] = -30;
  assert.is(before[2], -30, 'a write through a view made after growth is seen through the earlier one');
  before[4] = 50;
  assert.is(after[4], 50, 'and the other way');
  big[big.length - 1] = 9;
  assert.is(new Float32Array(arena.memory.buffer)[big.byteOffset / 4 + big.length - 1], 9, 'the end of the new view is in the memory');
  // an earlier view can be given back after growth (owns sees the old buffer object)
  const inUse = arena.bytesInUse;
  arena.dispose(before);
  assert.is(arena.bytesInUse, inUse - 48, 'disposing a view made before growth frees its block');
  const reuse = arena.allocate('float64', 5);
  assert.is(reuse.byteOffset, before.byteOffset, 'and its block is reused');
  assert.equal(Array.from(reuse), [0, 0, 0, 0, 0], 'zero-filled');
});

test('constant() copies an array once (the same view for the same array), keeps arena arrays as they are', () => {
  const arena = new Arena();
  const data = Float32Array.from([1.5, -2, 3.25, 0, 7]);
  const c1 = arena.constant('float32', data);
  const used = arena.bytesInUse;
  assert.is(used, 32, 'one 32-byte block for 5 float32');
  const c2 = arena.constant('float32', data);
  assert.ok(c1 === c2, 'the same view for the same array');
  assert.is(arena.bytesInUse, used, 'no second copy');
  assert.ok(c1 !== data, 'a copy, not the array itself');
  assert.ok(arena.owns(c1), 'in the arena');
  assert.ok(c1 instanceof Float32Array);
  assert.equal(Array.from(c1), Array.from(data), 'equal contents');
  const twin = arena.constant('float32', Float32Array.from(data));
  assert.ok(twin !== c1, 'another array (equal contents) gets its own copy');
  const ints = Int32Array.from([3, -4]);
  assert.equal(Array.from(arena.constant('int32', ints)), [3, -4]);
  assert.ok(arena.constant('int32', ints) === arena.constant('int32', ints), 'int32 too');
  const inside = arena.allocate('float64', 3);
  inside.set([1, 2, 3]);
  const before = arena.bytesInUse;
  assert.ok(arena.constant('float64', inside) === inside, 'an array already in the arena comes back unchanged');
  assert.is(arena.bytesInUse, before, 'without a copy');
});

test('dispose ignores arrays it did not hand out: ordinary arrays, other arenas\' views, subarrays, a second dispose', () => {
  const arena = new Arena();
  const other = new Arena();
  const keep = arena.allocate('float64', 6);
  keep.fill(3);
  const gone = arena.allocate('int32', 4);
  const used = arena.bytesInUse;
  arena.dispose(new Float32Array(8));
  arena.dispose(new Float64Array(new SharedArrayBuffer(64)));
  arena.dispose(other.allocate('float64', 6));
  arena.dispose(keep.subarray(2, 4));
  assert.is(arena.bytesInUse, used, 'nothing freed by foreign arrays or a subarray');
  arena.dispose(gone);
  assert.is(arena.bytesInUse, used - 16, 'a view it handed out is freed');
  arena.dispose(gone);
  assert.is(arena.bytesInUse, used - 16, 'a second dispose frees nothing more');
  // Nothing freed by mistake: new blocks never land on the live view.
  for (let i = 0; i < 8; i++) {
    const v = arena.allocate('float64', 2);
    assert.ok(v.byteOffset + 16 <= keep.byteOffset || keep.byteOffset + 48 <= v.byteOffset, `block ${i} at ${v.byteOffset} misses the live view at ${keep.byteOffset}`);
  }
  assert.equal(Array.from(keep), [3, 3, 3, 3, 3, 3], 'the live view is untouched');
});

test('a view dropped without dispose is freed once garbage collected (FinalizationRegistry)', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const arena = new Arena();
  const kept = arena.allocate('float32', 10);
  ((): void => {
    for (let i = 0; i < 20; i++) arena.allocate('float64', 100);
  })();
  assert.is(arena.bytesInUse, 48 + 20 * 800);
  for (let i = 0; i < 50 && arena.bytesInUse > 48; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.is(arena.bytesInUse, 48, 'only the view still referenced is in use');
  assert.is(arena.allocate('float64', 20 * 100).byteOffset, kept.byteOffset + 48, 'the collected blocks are free again (coalesced)');
});

const GiB4 = 2 ** 32;

test('the 4 GiB limit: a ResourceError before the memory grows; the arena still works after', () => {
  const arena = new Arena();
  const bytes = (): number => arena.memory.buffer.byteLength;
  const grown = bytes();
  // exactly 2^32 bytes from address 16 passes the end of wasm32's memory
  assert.throws(() => arena.allocate('float64', GiB4 / 8), (e: unknown) => e instanceof ResourceError && /4 GiB/.test((e as Error).message));
  assert.is(bytes(), grown, 'the memory did not grow for a request it refused');
  const first = arena.allocate('int32', 4);
  // 2^32 - 16 bytes would end at 2^32 from address 16, but 16 bytes are in use: it passes by 16
  assert.throws(() => arena.allocate('float32', GiB4 / 4 - 4), (e: unknown) => e instanceof ResourceError);
  assert.throws(() => arena.allocate('bool', 2 ** 40), (e: unknown) => e instanceof ResourceError);
  assert.is(bytes(), grown, 'still one page');
  const next = arena.allocate('float64', 2);
  assert.is(next.byteOffset, first.byteOffset + 16, 'a refused request takes no space');
  checkFresh(arena, next, 'float64', 2, 'after refusals');
});

// BUG (src/backends/wasm/memory.ts, Arena.take): `this.live += bytes` runs before the 4 GiB
// check, and the ResourceError leaves it there, so every refused request adds its whole size
// to bytesInUse for good (one refused float64[2^29] makes bytesInUse 2^32 + the real use; the
// next refusal's message then reports that as "in use"). Unskip once take() counts a block
// only after it is handed out.
test('a refused request leaves bytesInUse unchanged', () => {
  const arena = new Arena();
  arena.allocate('float32', 4);
  const used = arena.bytesInUse;
  assert.throws(() => arena.allocate('float64', GiB4 / 8), (e: unknown) => e instanceof ResourceError);
  assert.is(arena.bytesInUse, used, 'bytesInUse after a refused request');
  let message = '';
  try {
    arena.allocate('float64', GiB4 / 8);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, `in use: ${used} bytes`, 'the next refusal reports what is really in use');
});

// ------------------------------------------------------------------ compiled runners

const N = 37; // odd: SIMD bodies and a scalar tail
const STEPS = 30;
const seeded = (k: number): number => Math.sin(k * 12.9898) * 43758.5453 % 1;
/** A random N × N CSR (about 4 entries a row), float32 weights. */
const W = ((): ef.CSR => {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) if (Math.abs(seeded(i * N + j)) < 0.11) { indices.push(j); data.push(0.2 + 0.9 * Math.abs(seeded(j * N + i + 7))); }
    indptr.push(indices.length);
  }
  return ef.csr({ indptr, indices, data, shape: [N, N] }, '1');
})();

/** An integrate-and-fire step: int32 refractory count, float32 voltage and conductance, spikes recorded as events. */
const step: StepFn = (s, inputs) => {
  const free = s.ref!.lessEqual(0);
  const v = ef.where(free, s.v!.add(s.g!.mul(0.3).add(inputs.I!).mul(0.7)), s.v!);
  const spike = v.greater(1);
  return {
    state: {
      v: ef.where(spike, 0, v),
      ref: ef.where(spike, 4, ef.maximum(s.ref!.sub(1), 0)),
      g: s.g!.mul(0.8).add(ef.matmul(spike, W)),
    },
    record: { spike, v },
  };
};
const init = (): ArrayRecord => ({
  v: ef.array(Float32Array.from({ length: N }, (_, i) => Math.abs(seeded(i + 3))), '1', { dtype: 'float32' }),
  ref: ef.array(Int32Array.from({ length: N }, (_, i) => i % 3), '1', { dtype: 'int32' }),
  g: ef.zeros([N], '1', 'float32'),
});
const drive: LazyArray = ef.array(Float32Array.from({ length: STEPS * N }, (_, i) => 0.35 + 0.3 * Math.abs(seeded(i + 1000))), '1', { dtype: 'float32', shape: [STEPS, N] });

/** Element by element with Object.is (so -0 is not +0), and the same storage type. */
function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.is(got.constructor, want.constructor, `${what}: storage`);
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) assert.unreachable(`${what}[${i}]: wasm ${got[i]}, cpu ${want[i]}`);
}

test('a compiled runner on wasm binds buffers of the executable\'s memory, and runs as the cpu runs, bit for bit', async () => {
  const runner = withBackend('wasm', () => ef.compile(step).prepare(init(), { I: drive }));
  const traced = runner.traced!;
  const ex = traced.executable;
  assert.type(ex.allocate, 'function', 'the wasm executable says where runner buffers go');
  // The workspace asks the executable for every buffer it binds.
  const asked: string[] = [];
  const allocate = ex.allocate!.bind(ex);
  (ex as { allocate?: Executable['allocate'] }).allocate = (dtype, size) => {
    asked.push(`${dtype}[${size}]`);
    return allocate(dtype, size);
  };
  let ws;
  try {
    ws = runner.workspace(traced);
  } finally {
    (ex as { allocate?: Executable['allocate'] }).allocate = allocate;
  }
  const bound = [...ws.state, ...ws.other, ...ws.inputs, ws.t];
  assert.ok(asked.length >= new Set(bound).size, `every buffer through Executable.allocate (asked for ${asked.join(', ')})`);
  // ... and they are all views of one shared memory: a view over a later allocation's buffer sees their bytes.
  const whole = new Uint8Array(allocate('bool', 1).buffer);
  for (const b of bound) {
    assert.ok(b.buffer instanceof SharedArrayBuffer, 'a view of the shared memory');
    assert.is(b.byteOffset % 16, 0, 'aligned');
    const bytes = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const saved = bytes.slice();
    bytes.fill(0xa5);
    assert.ok(whole.subarray(b.byteOffset, b.byteOffset + b.byteLength).every((x) => x === 0xa5), 'the same bytes as the memory the executable allocates from');
    bytes.set(saved);
  }
  runner.release(ws);
  const explain = withBackend('wasm', () => runner.explain());
  assert.match(explain, /elementwise loop in WebAssembly/);
  assert.match(explain, /event product in WebAssembly/);

  const runOn = (backend: string) => onBackend(backend, async () => {
    const r = backend === 'wasm' ? runner : ef.compile(step);
    const out = await r.run(init(), { steps: STEPS, inputs: { I: drive } });
    return {
      state: Object.fromEntries(Object.entries(out.state).map(([k, v]) => [k, v.dataSync()])),
      records: Object.fromEntries(Object.entries(out.records).map(([k, v]) => [k, v.dataSync()])),
    };
  });
  const want = await runOn('cpu');
  const got = await runOn('wasm');
  const spikes = Array.from(want.records.spike!).reduce((a, b) => a + b, 0);
  assert.ok(spikes > 5 && spikes < STEPS * N / 2, `the network spikes, not always (${spikes} spikes)`);
  for (const k of ['v', 'ref', 'g']) sameBits(got.state[k]!, want.state[k]!, `final ${k}`);
  for (const k of ['spike', 'v']) sameBits(got.records[k]!, want.records[k]!, `record ${k}`);
  // a second run reuses the runner's workspace (buffers in the memory) and gives the same again
  const again = await runOn('wasm');
  for (const k of ['v', 'ref', 'g']) sameBits(again.state[k]!, want.state[k]!, `second run: final ${k}`);
});

/** The program ef.compile hands the wasm backend for `step` (default: the one above), and both backends. */
function programOf(theStep: StepFn = step, state: ArrayRecord = init(), inputs: Record<string, LazyArray> = { I: drive }): { program: Program; wasm: Backend; cpu: Backend } {
  const wasm = withBackend('wasm', () => ef.backend());
  const cpu = withBackend('cpu', () => ef.backend());
  const compile = wasm.compile;
  let program: Program | undefined;
  (wasm as { compile: Backend['compile'] }).compile = (p) => {
    program = p;
    return compile.call(wasm, p);
  };
  try {
    withBackend('wasm', () => ef.compile(theStep).prepare(state, inputs));
  } finally {
    (wasm as { compile: Backend['compile'] }).compile = compile;
  }
  assert.ok(program, 'the runner compiled a program on wasm');
  return { program, wasm, cpu };
}

const ordinary = (dtype: DType, n: number): TypedArray => new TYPE[dtype](n);

/**
 * Output k of the program as a value: an active index list ([count, i...], compactEvents) is
 * its count and indices only (the elements after them are not part of it: the cpu leaves them
 * as they were, the wasm copy-out writes what its scratch copy held).
 */
function valueOf(program: Program, k: number, a: TypedArray): TypedArray {
  return program.outputs[k]!.op === 'compactEvents' ? a.subarray(0, 1 + a[0]!) : a;
}

test('an executable on wasm given ordinary arrays (run and bind, two buffers or one per in-place slot) computes what the cpu computes', () => {
  const { program, wasm, cpu } = programOf();
  const wasmEx = wasm.compile(program);
  const cpuEx = cpu.compile(program);
  const sc = program.stateCount;
  // the program's state slots are the state's keys, sorted
  const start = Object.keys(init()).sort().map((k) => withBackend('cpu', () => init()[k]!.dataSync().slice()));
  assert.is(start.length, sc);
  const inputsAt = (state: readonly TypedArray[], s: number): TypedArray[] =>
    program.inputs.map((n, i) => (i < sc ? state[i]!.slice() : n.dtype === 'int32' ? Int32Array.of(s) : Float32Array.from(drive.dataSync().subarray(s * N, (s + 1) * N))));
  const outputsFor = (): TypedArray[] => program.outputs.map((n) => ordinary(n.dtype, n.size).fill(n.dtype === 'int32' || n.dtype === 'bool' ? 7 : NaN));

  // run, two buffers per slot
  let a: TypedArray[] = start.map((x) => x.slice());
  let b: TypedArray[] = start.map((x) => x.slice());
  for (let s = 0; s < STEPS; s++) {
    const [wo, co] = [outputsFor(), outputsFor()];
    const wi = inputsAt(a, s);
    const wiCopy = wi.map((x) => x.slice());
    wasmEx.run(wi, wo);
    cpuEx.run(inputsAt(b, s), co);
    program.outputs.forEach((_, k) => sameBits(valueOf(program, k, wo[k]!), valueOf(program, k, co[k]!), `run, step ${s}, output ${k}`));
    wi.forEach((x, i) => sameBits(x, wiCopy[i]!, `run, step ${s}: input ${i} left as it was`));
    assert.ok(wo.every((x) => !(x.buffer instanceof SharedArrayBuffer)), 'the caller\'s arrays stay ordinary');
    a = wo.slice(0, sc);
    b = co.slice(0, sc);
  }

  // run, one buffer per in-place slot (as a runner passes it)
  const inPlace = wasmEx.inPlace ?? new Set<number>();
  assert.ok(inPlace.size > 0, 'the step updates some state in place');
  const wState = start.map((x) => x.slice());
  let cState: TypedArray[] = start.map((x) => x.slice());
  for (let s = 0; s < STEPS; s++) {
    const ins = inputsAt(wState, s);
    wState.forEach((x, i) => (ins[i] = x));
    const outs = outputsFor();
    inPlace.forEach((k) => k < sc && (outs[k] = wState[k]!));
    wasmEx.run(ins, outs);
    outs.slice(0, sc).forEach((o, k) => o !== wState[k] && wState[k]!.set(o));
    const co = outputsFor();
    cpuEx.run(inputsAt(cState, s), co);
    wState.forEach((x, k) => sameBits(x, co[k]!, `in place, step ${s}, state ${k}`));
    program.outputs.slice(sc).forEach((_, r) => sameBits(valueOf(program, sc + r, outs[sc + r]!), valueOf(program, sc + r, co[sc + r]!), `in place, step ${s}, record ${r}`));
    cState = co.slice(0, sc);
  }

  // bind, ordinary arrays bound once; t and I change between calls; the memory grows in between
  const ins = inputsAt(start, 0);
  const outs = outputsFor();
  const back = [...outs.slice(0, sc), ...ins.slice(sc)];
  const forth = ins.slice(0, sc);
  const even = wasmEx.bind!(ins, outs);
  const odd = wasmEx.bind!(back, [...forth, ...outs.slice(sc)]);
  let cpuState: TypedArray[] = start.map((x) => x.slice());
  for (let s = 0; s < STEPS; s++) {
    const t = ins[ins.length - 1] as Int32Array;
    t[0] = s;
    ins[sc]!.set(drive.dataSync().subarray(s * N, (s + 1) * N));
    if (s === 7) wasmEx.allocate!('float64', 1 << 20); // 8 MiB: the memory grows under the bound step
    (s % 2 === 0 ? even : odd)();
    const co = outputsFor();
    cpuEx.run(inputsAt(cpuState, s), co);
    const state = s % 2 === 0 ? outs.slice(0, sc) : forth;
    state.forEach((x, k) => sameBits(x, co[k]!, `bind, step ${s}, state ${k}`));
    outs.slice(sc).forEach((x, r) => sameBits(valueOf(program, sc + r, x), valueOf(program, sc + r, co[sc + r]!), `bind, step ${s}, record ${r}`));
    cpuState = co.slice(0, sc);
  }
});

// BUG (src/backends/wasm/render-loop.ts, renderLoop): `if (size === 0) return f;` returns
// before the code that writes each reduction's result (and each active list's count), so a
// loop over an empty index space leaves those outputs as they were: a sum over an empty axis
// of a [2, 0] array keeps whatever the caller's buffer held, where the cpu writes 0 (and the
// backend contract says `run` writes every output). Runners and realize hand out zero-filled
// buffers, so it shows only with an output buffer that already holds something, as here.
// Unskip once renderLoop stores the reductions' initial values (and the counts) for empty loops.
test('a reduction over an empty axis writes its output (0 for a sum) into a buffer that held something', () => {
  const empty: StepFn = (s) => ({ state: { x: s.x!.add(1) }, record: { total: ef.sum(s.x!, { axis: 1 }) } });
  const { program, wasm, cpu } = programOf(empty, { x: ef.zeros([2, 0], '1', 'float32') }, {});
  const run = (ex: Executable, alloc: (d: DType, n: number) => TypedArray): TypedArray[] => {
    const outs = program.outputs.map((n) => alloc(n.dtype, n.size).fill(7));
    ex.run(program.inputs.map((n) => alloc(n.dtype, n.size)), outs);
    return outs;
  };
  const wasmEx = wasm.compile(program);
  const want = run(cpu.compile(program), ordinary);
  const got = run(wasmEx, (d, n) => wasmEx.allocate!(d, n));
  program.outputs.forEach((n, k) => sameBits(got[k]!, want[k]!, `output ${k} (${n.op})`));
});

test.run();
