/**
 * Where a loop body's values are computed. A value needed only by one side of a `where` is
 * computed inside a branch on the condition, so elements taking the other side skip it:
 * `where(ref <= 0, v + dv, v)` integrates only the neurons that are not refractory, as a
 * hand-written loop would. Pure arithmetic either way, so the results are the same.
 */
import type { Node } from '../../ir/node.js';

/** One side of a `where`: operand 1 (condition true) or 2 (false). */
export interface Branch {
  readonly where: Node;
  readonly side: 1 | 2;
}

/**
 * The branch that computes each body node (undefined: the loop's top level). `topLevel`
 * holds the values used outside the body (stored, seeded, listed, reduced); `hoisted` the
 * loop-invariant values computed before the loop.
 */
export function branchOwners(body: readonly Node[], topLevel: ReadonlySet<Node>, hoisted: ReadonlySet<Node>): Map<Node, Branch | undefined> {
  const inBody = new Set(body);
  const users = new Map<Node, Node[]>(body.map((n) => [n, []]));
  for (const n of body) for (const s of new Set(n.src)) if (inBody.has(s)) users.get(s)!.push(n);
  const branches = new Map<string, Branch>();
  const branch = (where: Node, side: 1 | 2): Branch => {
    const key = `${where.id}:${side}`;
    let b = branches.get(key);
    if (!b) branches.set(key, (b = { where, side }));
    return b;
  };
  const owner = new Map<Node, Branch | undefined>();
  /** The branches enclosing `b`, innermost first, ending with undefined (the top level). */
  const chain = (b: Branch | undefined): (Branch | undefined)[] => (b === undefined ? [undefined] : [b, ...chain(owner.get(b.where))]);
  /** The innermost branch enclosing both. */
  const common = (a: Branch | undefined, b: Branch | undefined): Branch | undefined => {
    const outer = new Set(chain(b));
    return chain(a).find((x) => outer.has(x));
  };
  for (let k = body.length - 1; k >= 0; k--) {
    const n = body[k]!;
    if (hoisted.has(n) || topLevel.has(n)) {
      owner.set(n, undefined);
      continue;
    }
    let where: Branch | undefined | null = null; // null: no use seen yet
    for (const u of users.get(n)!) {
      u.src.forEach((s, i) => {
        if (s !== n) return;
        const here = u.op === 'where' && i > 0 ? branch(u, i as 1 | 2) : owner.get(u);
        where = where === null ? here : common(where, here);
      });
    }
    owner.set(n, where ?? undefined);
  }
  return owner;
}
