/**
 * What every gpujs lowering rule gets: slots for node values, constants derived on the host
 * (e.g. a sparse structure's other view) and a builder for one device kernel. A kernel
 * computes one output element per thread; `x` is its flat output position.
 */
import type { Node } from '../../ir/node.js';
import { InvalidArgumentError } from '../../errors.js';
import type { DeviceKernel } from './program.js';

/** Integers in float32 are exact only up to 2^24. */
export const EXACT_INT = 16777216;

export interface LowerContext {
  /** The slot holding a node's value. */
  readonly slot: (n: Node) => number;
  /** A finite scalar leaf as a literal; undefined for anything read from a slot. */
  readonly literal: (n: Node) => string | undefined;
  /** The host value of a constant leaf (structure arrays), if the node is one. */
  readonly hostValue: (n: Node) => ArrayLike<number> | undefined;
  /** A slot for data derived on the host from constants, built once per key (keys name node ids). */
  readonly derived: (key: string, make: () => Float32Array) => { readonly slot: number; readonly data: Float32Array };
  /** Does the target have integer XOR (WebGPU, JavaScript)? WebGL 1 has not. */
  readonly integerXor: boolean;
  /**
   * Must elementwise results be rounded to float32 in the kernel? gpu.js's JavaScript mode
   * computes in float64 where a GPU computes in float32; rounding each result makes it the
   * same float32 device, so a value is the same whether it is inlined or stored.
   */
  readonly roundToFloat32: boolean;
  /** The most buffers one elementwise kernel may read (WebGPU: 16 storage buffers per kernel, output and helper tables included); undefined: no limit. */
  readonly maxReads?: number;
  /** A fresh slot for an intermediate that no node names (e.g. a table one kernel builds for the next). */
  readonly scratch: (length: number) => number;
  readonly emit: (kernel: DeviceKernel) => void;
}

/**
 * `acc = acc + term` in a product kernel. In gpu.js's JavaScript mode (roundToFloat32) the
 * term and the sum are rounded to float32 as a device rounds them, so products also sum in
 * float32 there (capability float64Sums: false), as reductions do.
 */
export function accumulate(ctx: LowerContext, term: string): string {
  return ctx.roundToFloat32 ? `acc = Math.fround(acc + Math.fround(${term}));` : `acc = acc + ${term};`;
}

export class KernelBuilder {
  private readonly args: number[] = [];
  private readonly names: string[] = [];
  private readonly fns = new Set<string>();
  private maxLoop = 1000;

  /** `note` says what the kernel computes and how (printed by explain). */
  constructor(private readonly ctx: LowerContext, private readonly note: string) {}

  /** The parameter name under which slot `s` is read. */
  slotArg(s: number): string {
    let i = this.args.indexOf(s);
    if (i < 0) {
      i = this.args.push(s) - 1;
      this.names.push(`a${i}`);
    }
    return this.names[i]!;
  }

  /** The parameter reading node `n`'s slot. */
  arg(n: Node): string {
    return this.slotArg(this.ctx.slot(n));
  }

  /** A 0-d operand: its literal, or element 0 of its slot. */
  scalar(n: Node): string {
    return this.ctx.literal(n) ?? `${this.arg(n)}[0]`;
  }

  use(fn: string): void {
    this.fns.add(fn);
  }

  /** Declare a dynamic loop of up to `n` iterations (gpu.js cuts longer ones silently). */
  loop(n: number): void {
    this.maxLoop = Math.max(this.maxLoop, Math.ceil(n) + 1);
  }

  /** Finish the kernel writing `target`: `body` computes `result` for flat position `x`. */
  finish(target: Node, body: readonly string[], result: string): void {
    this.finishInto(this.ctx.slot(target), target.size, `${target.op} result`, body, result);
  }

  /** Finish the kernel writing slot `slot` of `size` elements. */
  finishInto(slot: number, size: number, what: string, body: readonly string[], result: string): void {
    if (size > EXACT_INT) {
      throw new InvalidArgumentError(`gpujs: ${what} of ${size} elements is beyond 2^24 (16777216), where float32 positions stop being exact; split the work or use the cpu backend`);
    }
    const source = [
      `function (${this.names.join(', ')}) {`,
      '  const x = this.thread.x;',
      ...body.map((l) => `  ${l}`),
      `  return ${result};`,
      '}',
    ].join('\n');
    this.ctx.emit({ source, target: slot, args: [...this.args], loopMaxIterations: this.maxLoop, functions: [...this.fns], note: this.note });
  }
}

