/**
 * The wasm backend's memory: one shared `WebAssembly.Memory` per backend instance, holding
 * every buffer a kernel touches (constants, inputs, outputs, intermediates, workspaces), so
 * that a WebAssembly kernel addresses them by byte offset and JavaScript stages read them
 * through typed-array views of the same bytes.
 *
 * The memory is shared (a SharedArrayBuffer): worker threads can run kernels over it, and
 * growing it never detaches the views already handed out (a non-shared memory's buffer is
 * detached on growth). Blocks come from a first-fit free list, 16-byte aligned for v128
 * loads. A block is freed explicitly (realize temporaries) or when the view `allocate` returned
 * is garbage collected (buffers of compiled runners, cached copies of constants): whoever
 * uses a block keeps that very view (a subarray or a byte offset alone does not keep it).
 */
import { BackendUnavailableError, ResourceError } from '../../errors.js';
import type { DType, TypedArray } from '../../ir/dtype.js';
import { FunctionBuilder, ModuleBuilder, SIMD } from './encoder.js';

const PAGE = 65536;
/** wasm32 addresses 4 GiB; a shared memory must declare its maximum up front (it is only reserved). */
const MAX_PAGES = 65536;
const ALIGN = 16;

const BYTES: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function view(buffer: ArrayBufferLike, dtype: DType, byteOffset: number, length: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, length);
    case 'float64': return new Float64Array(buffer, byteOffset, length);
    case 'int32': return new Int32Array(buffer, byteOffset, length);
    case 'bool': return new Uint8Array(buffer, byteOffset, length);
  }
}

/** Can this runtime give the backend what it needs? Returns the reason when it cannot. */
export function missingRuntime(): string | undefined {
  if (typeof WebAssembly !== 'object') return 'this runtime has no WebAssembly';
  if (typeof SharedArrayBuffer !== 'function') return 'this runtime has no SharedArrayBuffer (shared WebAssembly memory)';
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(m.buffer instanceof SharedArrayBuffer)) return 'this runtime cannot share WebAssembly memory';
  } catch (e) {
    return `this runtime cannot create shared WebAssembly memory (${(e as Error).message})`;
  }
  // 128-bit SIMD: one function using a v128 value must validate
  const probe = new FunctionBuilder({ params: [], results: [] }).v128Const(new Uint8Array(16)).simd(SIMD.v128_any_true).drop();
  const simd = new ModuleBuilder();
  simd.addFunction(probe);
  if (!WebAssembly.validate(simd.toBytes())) return 'this runtime has no WebAssembly 128-bit SIMD';
  return undefined;
}

interface Block {
  readonly at: number;
  readonly bytes: number;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  /** Free ranges, sorted by address, never adjacent (coalesced). */
  private free: Block[] = [];
  /** The first byte never handed out; everything above it up to the memory's end is free. */
  private top = ALIGN; // address 0 stays unused, so a zero offset is never a live buffer
  private readonly owners = new FinalizationRegistry<Block>((b) => this.release(b));
  private readonly constants = new WeakMap<TypedArray, TypedArray>();
  private live = 0;

  constructor(initialBytes = PAGE) {
    const why = missingRuntime();
    if (why) throw new BackendUnavailableError(`wasm backend: ${why}; it needs WebAssembly with 128-bit SIMD and shared memory (Node.js 20 or later has both); use the cpu backend on this runtime`);
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)), maximum: MAX_PAGES, shared: true });
  }

  private heap: Int32Array | undefined;
  /** The whole memory as int32 (a new view after growth). */
  heap32(): Int32Array {
    if (!this.heap || this.heap.buffer.byteLength !== this.memory.buffer.byteLength) this.heap = new Int32Array(this.memory.buffer);
    return this.heap;
  }

  /** Bytes in use (for tests and explain). */
  get bytesInUse(): number {
    return this.live;
  }

  /** Does this typed array live in the arena's memory? */
  owns(a: TypedArray): boolean {
    return a.buffer === this.memory.buffer || (a.buffer instanceof SharedArrayBuffer && this.sameMemory(a.buffer));
  }

  /** After growth the memory has a new SharedArrayBuffer over the same bytes; older views keep the old object. */
  private readonly buffers = new Set<ArrayBufferLike>();
  private sameMemory(b: ArrayBufferLike): boolean {
    return this.buffers.has(b);
  }

  /** A zero-filled view of `length` elements, freed when the view is garbage collected. */
  allocate(dtype: DType, length: number): TypedArray {
    const block = this.take(Math.max(1, length) * BYTES[dtype]);
    const v = view(this.memory.buffer, dtype, block.at, length);
    this.buffers.add(this.memory.buffer);
    this.owners.register(v, block, v);
    return v;
  }

  /** Give a view's block back now (it must come from `allocate` and never be used again). */
  dispose(v: TypedArray): void {
    if (!this.owns(v)) return;
    if (this.owners.unregister(v)) this.release({ at: v.byteOffset, bytes: this.rounded(Math.max(1, v.length) * v.BYTES_PER_ELEMENT) });
  }

  /**
   * A copy of a constant in the arena, made once per constant array and kept while the
   * constant lives (a sparse matrix's indices are copied once, not per product).
   */
  constant(dtype: DType, data: TypedArray): TypedArray {
    if (this.owns(data)) return data;
    const hit = this.constants.get(data);
    if (hit) return hit;
    const copy = this.allocate(dtype, data.length);
    copy.set(data);
    this.constants.set(data, copy);
    return copy;
  }

  private rounded(bytes: number): number {
    return Math.ceil(bytes / ALIGN) * ALIGN;
  }

  private take(requested: number): Block {
    const bytes = this.rounded(requested);
    const i = this.free.findIndex((b) => b.bytes >= bytes);
    if (i >= 0) {
      this.live += bytes;
      const b = this.free[i]!;
      if (b.bytes === bytes) this.free.splice(i, 1);
      else this.free[i] = { at: b.at + bytes, bytes: b.bytes - bytes };
      return this.zeroed({ at: b.at, bytes });
    }
    const at = this.top;
    const end = at + bytes;
    if (end > MAX_PAGES * PAGE) {
      throw new ResourceError(`wasm backend: ${requested} more bytes would pass WebAssembly's 4 GiB memory (in use: ${this.live} bytes); use fewer or smaller arrays, or the cpu backend`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    this.live += bytes;
    return this.zeroed({ at, bytes });
  }

  /** Views start at zero: a reused block (or space given back to the top) may hold old values. */
  private zeroed(b: Block): Block {
    new Uint8Array(this.memory.buffer, b.at, b.bytes).fill(0);
    return b;
  }

  private release(b: Block): void {
    this.live -= b.bytes;
    let lo = 0;
    let hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid]!.at < b.at) lo = mid + 1;
      else hi = mid;
    }
    let block = b;
    const next = this.free[lo];
    if (next && block.at + block.bytes === next.at) {
      block = { at: block.at, bytes: block.bytes + next.bytes };
      this.free.splice(lo, 1);
    }
    const prev = this.free[lo - 1];
    if (prev && prev.at + prev.bytes === block.at) {
      this.free[lo - 1] = { at: prev.at, bytes: prev.bytes + block.bytes };
    } else this.free.splice(lo, 0, block);
    // A free range at the top goes back to the untouched space.
    const last = this.free[this.free.length - 1];
    if (last && last.at + last.bytes === this.top) {
      this.top = last.at;
      this.free.pop();
    }
  }
}
