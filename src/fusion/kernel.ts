/**
 * The kernel representation the fusion pass produces and backends lower.
 *
 * A plan is an ordered list of kernels; a kernel is one generated function made of stages
 * run in order. A loop stage walks one index space and computes any number of elementwise
 * values inline, storing some (multi-output), accumulating reductions and compacting bool
 * values into active index lists. A product stage (dense matmul, sparse and event products,
 * densify, gather) writes into a buffer that a following loop stage of the same kernel reads
 * as its epilogue, or, when its only reader is `seed ± product`, adds straight into that
 * output's buffer after the loop that wrote the seed there. See docs/fusion.md.
 */
import type { Node } from '../ir/node.js';
import type { ReduceOp } from '../ir/ops.js';
import type { Shape } from '../ir/shape.js';

/** Where a node's values live while a plan runs. */
export type BufferKind =
  | 'leaf'     // a constant, a bound program input, or a value computed earlier (read only)
  | 'output'   // a value the caller asked for
  | 'temp'     // an intermediate shared between kernels
  | 'scratch'; // a product's result read only by the epilogue in its own kernel

export interface BufferRef {
  readonly id: number;
  readonly node: Node;
  readonly kind: BufferKind;
}

/** Why a value was (or was not) given a buffer, as `explain` prints it. */
export interface FusionDecision {
  readonly node: Node;
  /** 'view': a reshape, read from its operand's buffer (no stage, no buffer of its own). */
  readonly action: 'materialize' | 'inline' | 'recompute' | 'view';
  readonly reason: string;
}

export interface LoopStage {
  readonly kind: 'loop';
  /** The index space walked, row-major. */
  readonly shape: Shape;
  /** Elementwise nodes computed inline, producers first. */
  readonly body: readonly Node[];
  /** Values of this loop written to buffers (same shape as the loop). */
  readonly stores: readonly Node[];
  /** Reductions accumulated over this loop's index space. */
  readonly reductions: readonly Node<ReduceOp>[];
  /** Bool values of this loop whose active positions are also appended to a list (compactEvents nodes). */
  readonly compactions: readonly Node[];
  /**
   * Accumulator seeds: `value` (a value of this loop) is written into the buffer of `into`, an
   * output `value ± product` whose product stage then adds straight into that buffer.
   */
  readonly seeds: readonly AccumulatorSeed[];
}

export interface AccumulatorSeed {
  readonly into: Node;
  readonly value: Node;
}

/** A product stage that adds its result into an output's buffer instead of a buffer of its own. */
export interface AccumulateInto {
  /** The output `seed ± product`; its buffer already holds the seed when the stage runs. */
  readonly node: Node;
  /** Subtract instead of add (`seed - product`). */
  readonly negate: boolean;
}

/** A barrier op run as one stage: its result is complete before anything reads it. */
export interface ProductStage {
  readonly kind: 'product';
  readonly node: Node;
  /** For an event product: the active index list of its event operand, built by the loop that computed it. */
  readonly events?: Node;
  /** Set when the product accumulates into its only reader's buffer (see AccumulateInto). */
  readonly into?: AccumulateInto;
  /**
   * For a barrier that computes events and lists them as it goes (traits.listsEvents): the
   * list it writes (a compactEvents node), and whether it also writes the events array
   * (not when every reader takes the list).
   */
  readonly lists?: { readonly node: Node; readonly dense: boolean };
}

export type Stage = LoopStage | ProductStage;

export interface Kernel {
  readonly id: number;
  readonly stages: readonly Stage[];
  /** Buffers this kernel reads that other kernels (or the caller) provide. */
  readonly reads: readonly Node[];
  /** Buffers this kernel writes for others (scratch excluded). */
  readonly writes: readonly Node[];
}

export interface Plan {
  readonly kernels: readonly Kernel[];
  /** Every node with a buffer: leaves, outputs, temps and scratch. */
  readonly buffers: ReadonlyMap<Node, BufferRef>;
  readonly decisions: readonly FusionDecision[];
  /** The values asked for, in order. */
  readonly roots: readonly Node[];
}
