/**
 * Where a loop body's values are computed. A value needed only by one side of a `where` is
 * computed inside a branch on the condition, so elements taking the other side skip it:
 * `where(ref <= 0, v + dv, v)` integrates only the neurons that are not refractory, as a
 * hand-written loop would. Pure arithmetic either way, so the results are the same.
 */
import type { KValue } from '../../kernel/loop.js';

/** One side of a `where` (a value index): operand 1 (condition true) or 2 (false). */
export interface Branch {
  readonly where: number;
  readonly side: 1 | 2;
}

/** The operands of a value (loads and literals have none). */
export const argsOf = (v: KValue): readonly number[] => (v.kind === 'op' || v.kind === 'random' ? v.args : []);

/** Is this value computed for each element inside the loop (not loaded, not a literal, not invariant)? */
export const isComputed = (v: KValue): boolean => (v.kind === 'op' || v.kind === 'random') && !v.invariant;

/**
 * The branch that computes each computed value (undefined: the loop's top level), by value
 * index. `topLevel` holds the values used outside the body (stored, seeded, listed, reduced).
 */
export function branchOwners(values: readonly KValue[], topLevel: ReadonlySet<number>): Map<number, Branch | undefined> {
  const users: number[][] = values.map(() => []);
  values.forEach((v, u) => {
    for (const s of new Set(argsOf(v))) users[s]!.push(u);
  });
  const branches = new Map<string, Branch>();
  const branch = (where: number, side: 1 | 2): Branch => {
    const key = `${where}:${side}`;
    let b = branches.get(key);
    if (!b) branches.set(key, (b = { where, side }));
    return b;
  };
  const owner = new Map<number, Branch | undefined>();
  /** The branches enclosing `b`, innermost first, ending with undefined (the top level). */
  const chain = (b: Branch | undefined): (Branch | undefined)[] => (b === undefined ? [undefined] : [b, ...chain(owner.get(b.where))]);
  /** The innermost branch enclosing both. */
  const common = (a: Branch | undefined, b: Branch | undefined): Branch | undefined => {
    const outer = new Set(chain(b));
    return chain(a).find((x) => outer.has(x));
  };
  // Users come later in SSA order, so each value's users have their owners already.
  for (let k = values.length - 1; k >= 0; k--) {
    if (!isComputed(values[k]!)) continue;
    if (topLevel.has(k)) {
      owner.set(k, undefined);
      continue;
    }
    let where: Branch | undefined | null = null; // null: no use seen yet
    for (const u of users[k]!) {
      const user = values[u]!;
      argsOf(user).forEach((s, i) => {
        if (s !== k) return;
        const here = user.kind === 'op' && user.op === 'where' && i > 0 ? branch(u, i as 1 | 2) : owner.get(u);
        where = where === null ? here : common(where, here);
      });
    }
    owner.set(k, where ?? undefined);
  }
  return owner;
}
