/**
 * What a primitive is. Each primitive (or family of elementwise ops) is declared once, in its
 * own module under primitives/, with `definePrimitive`: its typed argument, shape/dtype rule,
 * unit rule, dense float64 reference, and the traits the passes ask for. Passes (fusion,
 * tracing, explain) read traits through src/ir/traits.ts and never test op names.
 */
import type { UnitResult } from '../units/rules.js';
import type { ArgOf } from './args.js';
import type { DType } from './dtype.js';
import type { Node } from './node.js';
import type { LeafOp, OpName } from './ops.js';
import type { Shape } from './shape.js';

/**
 * Where the fusion pass places a node:
 * - 'leaf': a value given to the program (constant, scalar literal, bound input);
 * - 'inline': elementwise, computed inside the loops that read it;
 * - 'reduce': accumulated by the loop over its operand's index space;
 * - 'list': the active index list of a bool value, appended by the loop that computes it;
 * - 'barrier': a stage of its own whose operands are read at data-dependent positions
 *   (products, densify, gather, concat, plasticity updates);
 * - 'view': the operand's own buffer under a new shape (reshape): no stage, no copy; the
 *   operand is stored (or is a leaf) and readers index its buffer with the view's shape.
 */
export type StageKind = 'leaf' | 'inline' | 'reduce' | 'list' | 'barrier' | 'view';

/**
 * How a product walks the structure it holds: 'scatter' takes each input line in turn and adds
 * it into the outputs it reaches (event-driven: only the active lines); 'gather' computes each
 * output from its own line.
 */
export type Walk = 'scatter' | 'gather';

export interface Traits<O extends OpName> {
  readonly stage: StageKind;
  /** Leaves: folded into generated code ('literal'), bound once ('constant'), or bound per call ('input'). */
  readonly leaf?: 'literal' | 'constant' | 'input';
  /** What users called, for error messages (the IR op `sparseProduct` is `matmul` to a user). */
  readonly publicName?: string;
  /** Elementwise: far costlier than a load, so a value used by several loops is stored, not recomputed. */
  readonly expensive?: boolean;
  /**
   * Inline, but its value depends on its own position (random arrays), not only on its
   * operands': loops compute it at the node's own broadcast offset and never hoist it.
   */
  readonly indexed?: boolean;
  /** Elementwise `a + b` or `a - b`: a product operand may add into (or subtract from) this node's buffer. */
  readonly accumulator?: 'add' | 'subtract';
  /** A barrier whose lowerings can add into an output buffer seeded by a loop (fusion/plan.ts). */
  readonly accumulates?: boolean;
  /** The operand index holding events when the node is event-driven (costs work per active event). */
  readonly eventOperand?: (node: Node<O>) => number | undefined;
  /** How the node walks the structure view it holds. */
  readonly walk?: (node: Node<O>) => Walk;
  /**
   * A barrier computing bool events that can append their active positions to an index list
   * while it draws them (Poisson events): products read that list, and no loop scans the array.
   */
  readonly listsEvents?: boolean;
  /** The operand whose buffer the result may reuse: the result is that operand with some entries changed. */
  readonly updates?: number;
  /** The result is the dense form of a sparse or JIT matrix (advice when it is too large). */
  readonly densifies?: boolean;
  /** One line for `explain`; `events` is the active index list the stage reads, if it has one. */
  readonly describe?: (node: Node<O>, events: Node | undefined) => string;
}

/**
 * What a VJP rule may build with. Rules live beside their primitives, below `build.ts` (which
 * imports the primitive table), so the reverse-mode engine (src/autodiff/) hands them `build`
 * and a few shape helpers instead of their importing them (no import cycle).
 */
export interface VjpTools {
  /** `build` of ir/build.ts: unit rule, shape rule, intern. */
  readonly build: <O extends Exclude<OpName, LeafOp>>(op: O, src: readonly Node[], ...rest: null extends ArgOf<O> ? [arg?: ArgOf<O>] : [arg: ArgOf<O>]) => Node<O>;
  /** `ct` summed over the axes it was broadcast along, to `shape` (the reverse of broadcasting). */
  readonly sumTo: (ct: Node, shape: Shape) => Node;
  /** `ct` broadcast up to `shape` (shape must be a broadcast of ct.shape). */
  readonly broadcastTo: (ct: Node, shape: Shape) => Node;
  /** A dense transpose (axes reversed): a gather. */
  readonly transpose: (x: Node) => Node;
  /** Zero in `like`'s unit and float dtype, as a scalar leaf (broadcasts in elementwise ops). */
  readonly zero: (like: Node) => Node;
  /** Which operands the engine wants a cotangent for (the others lead to no requested input): a rule may skip building those. */
  readonly wants: readonly boolean[];
}

/**
 * Reverse-mode rule: the cotangents of the operands, given the node and the cotangent of its
 * result (same shape as the node, a float dtype); null where an operand gets none (a zero, or
 * no derivative: comparisons, indices, rounding). A cotangent must have its operand's shape.
 * Its values are the derivative of the numbers (dL/dx as plain numbers, every unit scale
 * included); the engine labels it unit(L)/unit(operand), so a rule need not fix units.
 * "No cotangent" belongs to the rule, not to the dtype: a rule may pass a float cotangent to a
 * bool operand (events into a product), and a rule on a bool-valued node (a surrogate spike)
 * may pass one on to its float operand.
 */
export type VjpRule<O extends OpName> = (node: Node<O>, cotangent: Node, tools: VjpTools) => readonly (Node | null)[];

export interface Primitive<O extends OpName> {
  readonly op: O;
  /** Result shape and dtype from the (unit-converted) operands. Throws ShapeMismatchError. */
  readonly infer: (src: readonly Node[], arg: ArgOf<O>) => { shape: Shape; dtype: DType };
  /** Result unit and operand conversions. Throws UnitMismatchError. */
  readonly units: (src: readonly Node[], arg: ArgOf<O>) => UnitResult;
  /** Dense float64 reference: operand values (row-major, node.src order) -> result values. */
  readonly reference: (node: Node<O>, inputs: readonly Float64Array[]) => Float64Array;
  readonly traits: Traits<O>;
  readonly vjp?: VjpRule<O>;
}

/** Declares a primitive (frozen): the one place its facts live. */
export const definePrimitive = <O extends OpName>(p: Primitive<O>): Primitive<O> =>
  Object.freeze({ ...p, traits: Object.freeze({ ...p.traits }) });
