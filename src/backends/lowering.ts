/**
 * Lowering tables: how a backend lowers each op. A backend declares, for every op, how it
 * handles it (the `LoweringTable`, exhaustive by its type), and registers one emitter per
 * barrier op in a `StageLowerings` table (exhaustive too: a primitive without an emitter does
 * not compile, unless the entry says why the backend cannot run it). test/ir/lowerings.test.ts
 * walks every primitive on every backend and checks both tables against what runs.
 */
import { BackendUnavailableError } from '../errors.js';
import type { ProductStage } from '../fusion/kernel.js';
import type { Node } from '../ir/node.js';
import type { BarrierOp, OpName } from '../ir/ops.js';

/** An op the backend cannot run, with the reason users see (as a BackendUnavailableError). */
export interface Unsupported {
  readonly unsupported: string;
}

/**
 * - 'literal' / 'buffer': a leaf folded into code, or bound as a buffer;
 * - 'inline': computed inside the loops that read it; 'reduce': accumulated by a loop;
 * - 'list': appended to an active index list by the loop that computes its operand;
 * - 'stage': an emitter of the StageLowerings table;
 * - 'view': no code: readers index the operand's buffer with the view's shape (reshape);
 * - 'interpreted': the reference interpreter runs the primitive's float64 reference.
 */
export type Lowering = 'literal' | 'buffer' | 'inline' | 'reduce' | 'list' | 'stage' | 'view' | 'interpreted' | Unsupported;

export type LoweringTable = { readonly [O in OpName]: Lowering };

/** A product stage whose node is of op O (so the emitter reads a typed `arg`). */
export interface StageOf<O extends BarrierOp> extends ProductStage {
  readonly node: Node<O>;
}

/** One emitter per barrier op: `(ctx, stage, index) => R`, or the reason it is unsupported. */
export type StageLowerings<Ctx, R> = {
  readonly [O in BarrierOp]: ((ctx: Ctx, stage: StageOf<O>, s: number) => R) | Unsupported;
};

export const isUnsupported = (l: unknown): l is Unsupported => typeof l === 'object' && l !== null && 'unsupported' in l;

export function unsupportedError(backend: string, op: OpName, why: Unsupported): BackendUnavailableError {
  return new BackendUnavailableError(`${backend} backend cannot run '${op}': ${why.unsupported}`);
}

/** Runs the emitter of a stage's op. */
export function lowerStage<Ctx, R>(backend: string, table: StageLowerings<Ctx, R>, ctx: Ctx, stage: ProductStage, s: number): R {
  const op = stage.node.op as BarrierOp; // the fusion pass makes product stages of barrier ops only
  const entry = table[op];
  if (entry === undefined) throw new BackendUnavailableError(`${backend} backend: '${op}' is not a barrier op, yet it reached a product stage`);
  if (isUnsupported(entry)) throw unsupportedError(backend, op, entry);
  // entry is the emitter of stage.node.op; TypeScript cannot pair the indexed entry with the stage's op.
  return (entry as (ctx: Ctx, stage: ProductStage, s: number) => R)(ctx, stage, s);
}

/** The LoweringTable of a fusing backend: leaves, loop-fused ops, and its stage table's entries. */
export function fusedLowerings(
  stages: Readonly<Record<BarrierOp, unknown>>,
  ops: { readonly list: Lowering },
): LoweringTable {
  const stageEntries = Object.fromEntries(Object.entries(stages).map(([op, l]) => [op, isUnsupported(l) ? l : 'stage']));
  return Object.freeze({
    const: 'buffer', scalar: 'literal', input: 'buffer',
    neg: 'inline', abs: 'inline', exp: 'inline', log: 'inline', sqrt: 'inline', sin: 'inline', cos: 'inline', tanh: 'inline',
    not: 'inline', cast: 'inline', floor: 'inline', ceil: 'inline', round: 'inline', sign: 'inline',
    add: 'inline', sub: 'inline', mul: 'inline', div: 'inline', pow: 'inline', maximum: 'inline', minimum: 'inline', mod: 'inline',
    greater: 'inline', greaterEqual: 'inline', less: 'inline', lessEqual: 'inline', equal: 'inline', notEqual: 'inline',
    logicalAnd: 'inline', logicalOr: 'inline', logicalXor: 'inline',
    where: 'inline',
    random: 'inline',
    surrogate: 'inline',
    sum: 'reduce', max: 'reduce', min: 'reduce', argmax: 'reduce', argmin: 'reduce',
    compactEvents: ops.list,
    reshape: 'view',
    ...(stageEntries as { [O in BarrierOp]: Lowering }),
  });
}
