/**
 * The program runner: loads a DeviceProgram (program.ts) onto a Device (device.ts) and runs
 * its calls and steps, owning every slot value on the device. Written once as coroutines
 * (coroutine.ts) so the same logic runs synchronously in process ('cpu', 'webgl') and
 * asynchronously in the WebGPU worker.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { DeviceCall, DeviceProgram, DeviceSteps, DeviceStepsResult } from './program.js';
import { settle, type Co } from './coroutine.js';
import type { CompiledKernel, Device } from './device.js';

interface Loaded<H> {
  readonly program: DeviceProgram;
  readonly kernels: (CompiledKernel<H> | null)[];
  /** Uploaded `init` values, for the program's life. */
  readonly constants: (H | null)[];
  /** Zeros per length (≥ 1), for slots read before anything was written or bound. */
  readonly zeros: Map<number, H>;
  /** Values owned by the current call/steps: bound inputs, kernel outputs, carried shares. */
  readonly values: (H | null)[];
}

/** Reads of device values kept in flight at once during `steps` (async devices). */
const READS_IN_FLIGHT = 64;

/**
 * The program logic over a Device. Every `call` and `steps` starts from the loaded state: slots
 * hold their `init` values or zeros until bound or written; kernel outputs and bound inputs are
 * freed when the call ends.
 */
export class ProgramRunner<H> {
  private readonly programs = new Map<number, Loaded<H>>();
  private nextHandle = 1;

  constructor(readonly device: Device<H>) {}

  *load(program: DeviceProgram): Co<number> {
    validateProgram(program, this.device);
    const n = program.slots.length;
    const p: Loaded<H> = {
      program,
      kernels: [],
      constants: new Array<H | null>(n).fill(null),
      zeros: new Map(),
      values: new Array<H | null>(n).fill(null),
    };
    try {
      for (let i = 0; i < n; i++) {
        const slot = program.slots[i];
        if (slot.init !== undefined && slot.length > 0) {
          p.constants[i] = yield* settle(this.device.upload(slot.init));
        }
      }
      program.kernels.forEach((k, i) => {
        const length = program.slots[k.target].length;
        p.kernels.push(length === 0 ? null : this.device.compile(k, i, length));
      });
      // Run each kernel once on the loaded state: builds it (gpu.js builds on the first call;
      // webgpu compiles asynchronously) and proves its class before any real call.
      yield* this.runKernels(p);
    } catch (e) {
      this.free(p);
      throw e;
    } finally {
      this.clear(p);
    }
    const handle = this.nextHandle++;
    this.programs.set(handle, p);
    return handle;
  }

  *call(handle: number, call: DeviceCall): Co<Float32Array[]> {
    const p = this.loaded(handle);
    const slots = p.program.slots;
    for (const input of call.inputs) checkBinding(slots, input.slot, input.data.length, 'call input');
    for (const slot of call.read) checkSlot(slots, slot, 'call read');
    this.clear(p);
    try {
      for (const input of call.inputs) yield* this.bind(p, input.slot, input.data);
      yield* this.runKernels(p);
      const out: Float32Array[] = [];
      for (const slot of call.read) out.push(yield* settle(this.readSlot(p, slot)));
      return out;
    } finally {
      this.clear(p);
    }
  }

  *steps(handle: number, steps: DeviceSteps): Co<DeviceStepsResult> {
    const p = this.loaded(handle);
    const slots = p.program.slots;
    const count = steps.steps;
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidArgumentError(`steps must be a non-negative integer, got ${count}`);
    }
    for (const b of steps.initial) checkBinding(slots, b.slot, b.data.length, 'initial input');
    for (const b of steps.stepped) {
      checkSlot(slots, b.slot, 'stepped input');
      const want = count * slots[b.slot].length;
      if (b.data.length !== want) {
        throw new InvalidArgumentError(
          `stepped input for slot ${b.slot}: ${b.data.length} values, expected ${count} steps × ${slots[b.slot].length} = ${want}`,
        );
      }
    }
    for (const c of steps.carry) {
      checkSlot(slots, c.from, 'carry from');
      checkSlot(slots, c.to, 'carry to');
      if (slots[c.from].length !== slots[c.to].length) {
        throw new InvalidArgumentError(
          `carry from slot ${c.from} (${slots[c.from].length} values) to slot ${c.to} (${slots[c.to].length} values): lengths differ`,
        );
      }
    }
    for (const slot of steps.record) checkSlot(slots, slot, 'record');
    for (const slot of steps.final) checkSlot(slots, slot, 'final');

    const records = steps.record.map((slot) => new Float32Array(count * slots[slot].length));
    const pending: Promise<void>[] = [];
    this.clear(p);
    try {
      for (const b of steps.initial) yield* this.bind(p, b.slot, b.data);
      for (let s = 0; s < count; s++) {
        for (const b of steps.stepped) {
          const length = slots[b.slot].length;
          yield* this.bind(p, b.slot, b.data.subarray(s * length, (s + 1) * length));
        }
        yield* this.runKernels(p);
        for (let r = 0; r < steps.record.length; r++) {
          const record = records[r];
          const offset = s * slots[steps.record[r]].length;
          const values = this.readSlot(p, steps.record[r]);
          if (values instanceof Promise) {
            const done = values.then((v) => record.set(v, offset));
            done.catch(() => undefined); // awaited below; an early exit must not leave it unhandled
            pending.push(done);
            if (pending.length >= READS_IN_FLIGHT) yield* settle(pending.shift() as Promise<void>);
          } else {
            record.set(values, offset);
          }
        }
        // all carries at once: each `to` gets the `from` value of this step
        const moved: [number, H][] = [];
        for (const c of steps.carry) moved.push([c.to, this.device.share(yield* this.value(p, c.from))]);
        for (const [to, value] of moved) this.set(p, to, value);
      }
      const final: Float32Array[] = [];
      for (const slot of steps.final) final.push(yield* settle(this.readSlot(p, slot)));
      if (pending.length > 0) yield* settle(Promise.all(pending));
      return { records, final };
    } finally {
      this.clear(p);
    }
  }

  unload(handle: number): void {
    const p = this.programs.get(handle);
    if (p === undefined) return;
    this.programs.delete(handle);
    this.free(p);
  }

  private loaded(handle: number): Loaded<H> {
    const p = this.programs.get(handle);
    if (p === undefined) throw new InvalidArgumentError(`no device program is loaded under handle ${handle}`);
    return p;
  }

  private *runKernels(p: Loaded<H>): Co<void> {
    const { kernels, program } = p;
    for (let i = 0; i < kernels.length; i++) {
      const compiled = kernels[i];
      if (compiled === null) continue;
      const kernel = program.kernels[i];
      const args: H[] = [];
      for (const slot of kernel.args) args.push(yield* this.value(p, slot));
      const out = yield* settle(compiled.run(args));
      this.set(p, kernel.target, out);
    }
  }

  private *bind(p: Loaded<H>, slot: number, data: Float32Array): Co<void> {
    if (data.length === 0) {
      this.set(p, slot, null);
      return;
    }
    this.set(p, slot, yield* settle(this.device.upload(data)));
  }

  /** A slot's current device value: bound/written, else its init, else zeros (length ≥ 1). */
  private *value(p: Loaded<H>, slot: number): Co<H> {
    const own = p.values[slot];
    if (own !== null) return own;
    const constant = p.constants[slot];
    if (constant !== null) return constant;
    const length = Math.max(1, p.program.slots[slot].length);
    let zeros = p.zeros.get(length);
    if (zeros === undefined) {
      zeros = yield* settle(this.device.upload(new Float32Array(length)));
      p.zeros.set(length, zeros);
    }
    return zeros;
  }

  private readSlot(p: Loaded<H>, slot: number): Float32Array | Promise<Float32Array> {
    const { length, init } = p.program.slots[slot];
    if (length === 0) return new Float32Array(0);
    const own = p.values[slot];
    if (own !== null) return this.device.read(own, length);
    if (init !== undefined) return init.slice();
    return new Float32Array(length);
  }

  private set(p: Loaded<H>, slot: number, value: H | null): void {
    const old = p.values[slot];
    p.values[slot] = value;
    if (old !== null) this.device.release(old);
  }

  private clear(p: Loaded<H>): void {
    for (let i = 0; i < p.values.length; i++) this.set(p, i, null);
  }

  private free(p: Loaded<H>): void {
    this.clear(p);
    for (let i = 0; i < p.constants.length; i++) {
      const c = p.constants[i];
      p.constants[i] = null;
      if (c !== null) this.device.release(c);
    }
    for (const z of p.zeros.values()) this.device.release(z);
    p.zeros.clear();
    for (const k of p.kernels) k?.destroy();
    p.kernels.length = 0;
  }
}

function checkSlot(slots: DeviceProgram['slots'], slot: number, what: string): void {
  if (!Number.isInteger(slot) || slot < 0 || slot >= slots.length) {
    throw new InvalidArgumentError(`${what}: slot ${slot} is not one of the program's ${slots.length} slots`);
  }
}

function checkBinding(slots: DeviceProgram['slots'], slot: number, length: number, what: string): void {
  checkSlot(slots, slot, what);
  if (length !== slots[slot].length) {
    throw new InvalidArgumentError(`${what} for slot ${slot}: ${length} values, the slot holds ${slots[slot].length}`);
  }
}

function validateProgram<H>(program: DeviceProgram, device: Device<H>): void {
  const { slots, kernels } = program;
  slots.forEach((slot, i) => {
    if (!Number.isInteger(slot.length) || slot.length < 0) {
      throw new InvalidArgumentError(`slot ${i}: length must be a non-negative integer, got ${slot.length}`);
    }
    if (slot.init !== undefined && slot.init.length !== slot.length) {
      throw new InvalidArgumentError(`slot ${i}: init has ${slot.init.length} values, the slot holds ${slot.length}`);
    }
    device.checkLength(slot.length, `slot ${i}`);
  });
  kernels.forEach((k, i) => {
    checkSlot(slots, k.target, `kernel ${i} target`);
    k.args.forEach((a) => checkSlot(slots, a, `kernel ${i} argument`));
    if (typeof k.source !== 'string' || k.source.length === 0) {
      throw new InvalidArgumentError(`kernel ${i}: source must be a function text`);
    }
    if (!(k.loopMaxIterations >= 0)) {
      throw new InvalidArgumentError(`kernel ${i}: loopMaxIterations must be a non-negative number, got ${k.loopMaxIterations}`);
    }
  });
}
