/**
 * The fusion pass: partition the graph under `roots` into kernels.
 *
 * Every elementwise value lives in the loops that need it. Loops are keyed by
 * (index space, barrier depth): a reduction or a product is a barrier, so `x - mean(x)`
 * needs two loops over the same shape. A value needed by one loop is computed inline
 * there; by several loops it is recomputed in each when cheap, else stored once
 * (decision.ts). Reductions join the loop over their operand's index space; values of
 * the same loop come out of it together (multi-output). A product whose result only one
 * loop reads joins that loop's kernel as a stage before it. An event product that walks the
 * rows of its active events reads an index list that the loop computing the events builds
 * as it stores them (compaction), so no second pass scans all neurons.
 */
import type { Node } from '../ir/node.js';
import { topoSort } from '../ir/node.js';
import { build } from '../ir/build.js';
import type { ReduceOp } from '../ir/ops.js';
import { isFloat } from '../ir/dtype.js';
import {
  accumulatorOf, canAccumulate, eventOperand, isEventList, isInline, isReduction, isScatterEventNode, isView, listsEvents, storageOf, updatedOperand,
} from '../ir/traits.js';
import { describe, isCheapToRecompute } from './decision.js';
import { stageReads as readsOf } from './reads.js';
import type { AccumulatorSeed, BufferRef, FusionDecision, Kernel, LoopStage, Plan, ProductStage, Stage } from './kernel.js';

export interface PlanOptions {
  /** Build active index lists for event products inside the loops that compute the events (default true). */
  readonly compactEvents?: boolean;
  /**
   * Let a sparse or JIT product whose only reader is `seed ± product` add straight into that
   * output's buffer, the seed written by an earlier loop (default true). Sums then round to
   * the output dtype at each addition, as a hand-written scatter does.
   */
  readonly accumulate?: boolean;
}

interface Accumulation {
  readonly product: Node;
  readonly seed: Node;
  readonly negate: boolean;
}

/**
 * Outputs `y = seed + P`, `P + seed` or `seed - P` where P is a sparse or JIT product read by
 * y alone: y's buffer is seeded by the loop computing `seed`, then P adds into it, so P needs
 * no buffer, fill or epilogue pass of its own (the COBA/CUBA `g·decay + W·spikes`).
 */
function findAccumulations(order: readonly Node[], consumers: ReadonlyMap<Node, Node[]>, rootSet: ReadonlySet<Node>, isLeaf: (n: Node) => boolean): Map<Node, Accumulation> {
  const found = new Map<Node, Accumulation>();
  for (const y of order) {
    const how = isLeaf(y) ? undefined : accumulatorOf(y);
    if (how === undefined || !isFloat(y.dtype)) continue;
    const [a, b] = y.src as [Node, Node];
    const candidates: [Node, Node, boolean][] = how === 'add' ? [[b, a, false], [a, b, false]] : [[b, a, true]];
    for (const [product, seed, negate] of candidates) {
      if (product === seed || isLeaf(product) || !canAccumulate(product) || rootSet.has(product)) continue;
      const readers = consumers.get(product)!;
      if (readers.length !== 1 || readers[0] !== y || product.shape.join() !== y.shape.join()) continue;
      found.set(y, { product, seed, negate });
      break;
    }
  }
  return found;
}

export function planGraph(requested: readonly Node[], isLeaf: (n: Node) => boolean, options: PlanOptions = {}): Plan {
  // A requested view is its operand's buffer: the plan computes (or reads) that.
  const roots = requested.map(storageOf);
  const order = topoSort(roots, isLeaf);
  const rootSet = new Set(roots);
  const consumers = new Map<Node, Node[]>(order.map((n) => [n, []]));
  for (const n of order) if (!isLeaf(n)) for (const s of new Set(n.src)) consumers.get(s)!.push(n);

  const loopShapes = new Map<string, readonly number[]>();
  const accumulated = options.accumulate ?? true ? findAccumulations(order, consumers, rootSet, isLeaf) : new Map<Node, Accumulation>();

  // Barrier depth: how many reductions/products lie between a value and the leaves. An
  // accumulated output is complete only after its product, so its readers come later still.
  const depth = new Map<Node, number>();
  for (const n of order) {
    const d = isLeaf(n) ? 0 : Math.max(0, ...n.src.map((s) => depth.get(s)!));
    // A view of a computed value is read after the loop that stores it (never by that loop).
    const free = isLeaf(n) || (isInline(n) && !accumulated.has(n)) || (isView(n) && isLeaf(storageOf(n)));
    depth.set(n, free ? d : d + 1);
  }
  /** The loop that writes an accumulated output's seed: over the output's shape, at the seed's depth. */
  const seedKey = (y: Node): string => {
    const key = `[${y.shape.join(',')}]@${depth.get(accumulated.get(y)!.seed)}`;
    loopShapes.set(key, y.shape);
    return key;
  };
  const loopKey = (n: Node): string => {
    const key = `[${n.shape.join(',')}]@${depth.get(n)}`;
    loopShapes.set(key, n.shape);
    return key;
  };

  // Consumers first: decide where each value lives and whether it gets a buffer.
  const lives = new Map<Node, Set<string>>();
  const materialized = new Set<Node>();
  const decisions: FusionDecision[] = [];
  const decide = (node: Node, action: FusionDecision['action'], reason: string): void => {
    decisions.push({ node, action, reason: `${describe(node)}: ${reason}` });
  };
  for (let k = order.length - 1; k >= 0; k--) {
    const n = order[k]!;
    if (isLeaf(n)) continue;
    const acc = accumulated.get(n);
    if (acc) {
      materialized.add(n);
      lives.set(n, new Set([seedKey(n)]));
      decide(n, 'materialize', `accumulated: the loop ${seedKey(n)} writes %${acc.seed.id} into its buffer, then %${acc.product.id} ${acc.negate ? 'subtracts' : 'adds'} straight into it (no product buffer, fill or second pass)`);
      continue;
    }
    if (isView(n)) {
      decide(n, 'view', `reads the buffer of %${storageOf(n).id} with shape [${n.shape.join(', ')}] (no copy, no stage)`);
      continue;
    }
    if (isReduction(n)) {
      materialized.add(n);
      lives.set(n, new Set([loopKey(n.src[0]!)]));
      decide(n, 'materialize', 'a reduction: accumulated in the loop over its operand, result in a buffer');
      continue;
    }
    if (isEventList(n)) {
      // Requested as an output (a recorded spike list): built by the loop over its operand,
      // or written by the stage that draws the events.
      materialized.add(n);
      const x = n.src[0]!;
      const drawn = !isLeaf(x) && listsEvents(x) && (options.compactEvents ?? true);
      lives.set(n, new Set([drawn ? `product%${x.id}` : loopKey(x)]));
      decide(n, 'materialize', drawn ? `active index list of %${x.id}, written by the stage that draws it` : `active index list of %${x.id}, appended by the loop that computes it (no second scan)`);
      continue;
    }
    if (!isInline(n)) {
      materialized.add(n);
      lives.set(n, new Set([`product%${n.id}`]));
      decide(n, 'materialize', 'a product: its operands are read many times, so it is a barrier');
      continue;
    }
    const users = new Set<string>();
    let readByProduct = false;
    let viewed = false;
    for (const c of consumers.get(n)!) {
      if (isReduction(c) || isEventList(c)) users.add(loopKey(n));
      else if (isInline(c)) for (const l of lives.get(c)!) users.add(l);
      else if (isView(c)) viewed = true;
      else readByProduct = true;
    }
    if (rootSet.has(n) || readByProduct || viewed) {
      materialized.add(n);
      lives.set(n, new Set([loopKey(n)]));
      decide(n, 'materialize', rootSet.has(n) ? 'requested output' : readByProduct ? 'operand of a product (read many times)' : 'viewed with another shape (reshape): stored once, read through the view');
    } else if (users.size === 1) {
      lives.set(n, users);
      decide(n, 'inline', `fused into its only loop ${[...users][0]}`);
    } else if (isCheapToRecompute(n, isLeaf)) {
      lives.set(n, users);
      decide(n, 'recompute', `used by ${users.size} loops and cheap (one op on loaded values): recomputed in each`);
    } else {
      materialized.add(n);
      lives.set(n, new Set([loopKey(n)]));
      decide(n, 'materialize', `used by ${users.size} loops and not cheap: computed once into a buffer`);
    }
  }

  // Loop stages and product stages.
  const loops = new Map<string, { body: Node[]; stores: Node[]; reductions: Node<ReduceOp>[]; compactions: Node[]; seeds: AccumulatorSeed[] }>();
  const loopOf = (key: string) => {
    let l = loops.get(key);
    if (!l) loops.set(key, (l = { body: [], stores: [], reductions: [], compactions: [], seeds: [] }));
    return l;
  };
  const products: Node[] = [];
  /** The active index list of each event operand that has one. */
  const eventList = new Map<Node, Node>();
  /** Lists written by the barrier stage that computes their events (traits.listsEvents). */
  const listedBy = new Map<Node, Node>();
  for (const n of order) {
    if (isLeaf(n) || isView(n)) continue;
    const acc = accumulated.get(n);
    if (acc) loopOf(seedKey(n)).seeds.push({ into: n, value: acc.seed });
    else if (isReduction(n)) loopOf([...lives.get(n)!][0]!).reductions.push(n);
    else if (isEventList(n)) {
      if (lives.get(n)!.has(`product%${n.src[0]!.id}`)) listedBy.set(n.src[0]!, n);
      else loopOf([...lives.get(n)!][0]!).compactions.push(n);
      eventList.set(n.src[0]!, n);
    }
    else if (!isInline(n)) products.push(n);
    else {
      for (const key of lives.get(n)!) loopOf(key).body.push(n);
      if (materialized.has(n)) loopOf([...lives.get(n)!][0]!).stores.push(n);
    }
  }

  // Event lists: the loop that stores a spike vector also appends its active positions.
  if (options.compactEvents ?? true) {
    for (const p of products) {
      const x = eventOperand(p);
      if (x && isScatterEventNode(p) && !isLeaf(x) && listsEvents(x) && !eventList.has(x)) {
        const list = build('compactEvents', [x]);
        eventList.set(x, list);
        listedBy.set(x, list);
        decide(list, 'materialize', `active index list of %${x.id}, written by the stage that draws it (no scan)`);
      }
      if (!x || !isScatterEventNode(p) || isLeaf(x) || !isInline(x)) continue;
      let list = eventList.get(x);
      if (!list) {
        list = build('compactEvents', [x]);
        eventList.set(x, list);
        const loop = loopOf([...lives.get(x)!][0]!);
        loop.compactions.push(list);
        decide(list, 'materialize', `active index list of %${x.id}, appended by the loop that computes it (no second scan)`);
      }
    }
  }
  /** Events drawn by a stage that lists them and read only through that list: the stage writes no array. */
  const listOnly = new Set<Node>();
  for (const [x, list] of listedBy) {
    const asEvents = (c: Node): boolean => c === list || (isScatterEventNode(c) && eventOperand(c) === x && c.src.filter((s) => s === x).length === 1);
    if (rootSet.has(x) || !consumers.get(x)!.every(asEvents)) continue;
    listOnly.add(x);
    materialized.delete(x);
    decide(x, 'inline', `read only through its active index list %${list.id}: the stage that draws it writes the list, not the array`);
  }
  // Events read only through their list, or inline in their own loop, need no buffer.
  for (const [x, list] of eventList) {
    if (listedBy.has(x)) continue;
    if (!materialized.has(x) || rootSet.has(x)) continue;
    const key = [...lives.get(x)!][0]!;
    const inline = (c: Node): boolean => (isInline(c) || isReduction(c)) && !accumulated.has(c) && [...lives.get(c)!].every((l) => l === key);
    const onlyAsEvents = (c: Node): boolean => c === list || inline(c) ||
      (isScatterEventNode(c) && eventOperand(c) === x && c.src.filter((s) => s === x).length === 1);
    if (!consumers.get(x)!.every(onlyAsEvents)) continue;
    const loop = loopOf(key);
    loop.stores.splice(loop.stores.indexOf(x), 1);
    materialized.delete(x);
    decide(x, 'inline', 'read only through its active index list: computed in the loop, not stored');
  }

  /** The output each accumulating product completes. */
  const accumulatedBy = new Map([...accumulated].map(([y, acc]) => [acc.product, y] as const));
  const stageOf = new Map<Node, Stage>();
  /** The loop that writes each accumulated output's seed. */
  const seedLoop = new Map<Node, Stage>();
  const stageReads = new Map<Stage, Set<Node>>();
  const stages: Stage[] = [];
  for (const [key, l] of loops) {
    const stage: LoopStage = { kind: 'loop', shape: loopShapes.get(key)!, ...l };
    stages.push(stage);
    stageReads.set(stage, readsOf(stage));
    for (const n of [...l.stores, ...l.reductions, ...l.compactions]) stageOf.set(n, stage);
    for (const { into } of l.seeds) seedLoop.set(into, stage);
  }
  for (const p of products) {
    const x = eventOperand(p);
    const events = x && isScatterEventNode(p) ? eventList.get(x) : undefined;
    const y = accumulatedBy.get(p);
    const lists = listedBy.get(p);
    const stage: ProductStage = {
      kind: 'product', node: p,
      ...(events ? { events } : {}),
      ...(y ? { into: { node: y, negate: accumulated.get(y)!.negate } } : {}),
      ...(lists ? { lists: { node: lists, dense: !listOnly.has(p) } } : {}),
    };
    stages.push(stage);
    if (lists) stageOf.set(lists, stage);
    // With an active list the product reads the list, not the events themselves.
    stageReads.set(stage, readsOf(stage));
    stageOf.set(p, stage);
    // Readers of an accumulated output wait for the product that completes it.
    if (y) stageOf.set(y, stage);
  }

  /** Every node computed from `n` (n included). */
  const downstream = (n: Node): Set<Node> => {
    const seen = new Set<Node>([n]);
    const stack = [n];
    while (stack.length) for (const c of consumers.get(stack.pop()!) ?? []) if (!seen.has(c)) stack.push(c), seen.add(c);
    return seen;
  };

  /** The values a stage leaves in buffers (an accumulating product completes its output). */
  const produced = (st: Stage): Node[] => st.kind === 'loop'
    ? [...st.stores, ...st.reductions, ...st.compactions, ...st.seeds.map((x) => x.into)]
    : [...(st.lists?.dense === false ? [] : [st.into?.node ?? st.node]), ...(st.lists ? [st.lists.node] : [])];

  // Values an update may overwrite in place (plasticity: the weights), and everything computed after it.
  const updates = products.filter((p) => updatedOperand(p) !== undefined);
  const oldOf = (u: Node): Node => updatedOperand(u)!;
  const afterUpdate = new Map(updates.map((u) => [u, downstream(u)] as const));
  /** A reader of old weights must not join a loop that runs after their update. */
  const readsOldBeforeUpdateIn = (p: Node, loop: Stage): boolean => updates.some((u) => {
    if (u === p || !p.src.includes(oldOf(u))) return false;
    const made = produced(loop);
    return made.some((n) => afterUpdate.get(u)!.has(n));
  });

  // A product read by exactly one loop (and not requested) runs inside that loop's kernel.
  const joinsLoop = new Map<Stage, Stage>();
  for (const p of products) {
    const readers = stages.filter((s) => stageReads.get(s)!.has(p));
    if (!rootSet.has(p) && readers.length === 1 && readers[0]!.kind === 'loop' && !readsOldBeforeUpdateIn(p, readers[0]!)) {
      joinsLoop.set(stageOf.get(p)!, readers[0]!);
      decide(p, 'materialize', 'its only reader is one loop: runs as a product stage in that kernel (scratch buffer)');
    }
  }

  /** The stages a stage waits for: the producers of what it reads, and an accumulator's seed loop. */
  const waitsFor = (st: Stage): Stage[] => [
    ...[...stageReads.get(st)!].flatMap((r) => (stageOf.get(r) && stageOf.get(r) !== st ? [stageOf.get(r)!] : [])),
    ...(st.kind === 'product' && st.into ? [seedLoop.get(st.into.node)!] : []),
  ];
  const joinsAfter = new Map<Stage, Stage>();
  /** The stages that run in `st`'s kernel (as decided so far), `st` first. */
  const kernelMates = (st: Stage): Stage[] => [st, ...[...joinsLoop, ...joinsAfter].filter(([, l]) => l === st).map(([p]) => p)];
  /** Does the kernel of `st` wait, directly or not, for the kernel of `loop`? */
  const after = (st: Stage, loop: Stage, seen = new Set<Stage>()): boolean => {
    const k = joinsLoop.get(st) ?? joinsAfter.get(st) ?? st;
    if (k === loop) return true;
    if (seen.has(k)) return false;
    seen.add(k);
    return kernelMates(k).some((m) => waitsFor(m).some((w) => after(w, loop, seen)));
  };
  // An accumulating product runs right after the loop that seeds its output, in that loop's
  // kernel, unless something else it reads is computed after that kernel (no cycle).

  for (const st of stages) {
    if (st.kind !== 'product' || !st.into || joinsLoop.has(st)) continue;
    const loop = seedLoop.get(st.into.node)!;
    const others = [...stageReads.get(st)!].flatMap((r) => (stageOf.get(r) && stageOf.get(r) !== loop ? [stageOf.get(r)!] : []));
    if (others.some((o) => after(o, loop))) continue;
    // In-place weight updates run after every reader of the old weights: a product that waits
    // for an update keeps a kernel of its own (it may have to run after the update while its
    // seed loop runs before), and one that reads old weights joins only a kernel that does not
    // wait for their update.
    const updateStages = updates.map((u) => stageOf.get(u)!);
    if (updateStages.some((u) => after(st, joinsLoop.get(u) ?? u))) continue;
    const clash = updates.some((u, i) => st.node.src.includes(oldOf(u)) && after(loop, joinsLoop.get(updateStages[i]!) ?? updateStages[i]!));
    if (!clash) joinsAfter.set(st, loop);
  }
  const joined = (st: Stage): boolean => joinsLoop.has(st) || joinsAfter.has(st);
  const kernelOf = (st: Stage): Stage => joinsLoop.get(st) ?? joinsAfter.get(st) ?? st;

  // Kernels in dependency order (depth-first over the stages each one reads from).
  const kernels: Kernel[] = [];
  const done = new Set<Stage>();
  const scratch = new Set<Node>();
  const emit = (stage: Stage): void => {
    if (done.has(stage) || joined(stage)) return;
    done.add(stage);
    // A weight update may run in place (a compiled runner aliases its data in and out):
    // every other reader of the old weights runs first.
    if (stage.kind === 'product' && updatedOperand(stage.node) !== undefined) {
      const old = oldOf(stage.node);
      const later = afterUpdate.get(stage.node)!;
      for (const other of stages) {
        const made = produced(other);
        if (other !== stage && stageReads.get(other)!.has(old) && !made.some((n) => later.has(n))) emit(kernelOf(other));
      }
    }
    const members = [
      ...[...joinsLoop].filter(([, l]) => l === stage).map(([p]) => p),
      stage,
      ...[...joinsAfter].filter(([, l]) => l === stage).map(([p]) => p),
    ];
    const own = new Set(members.flatMap(produced));
    const reads = new Set<Node>();
    for (const m of members) for (const r of stageReads.get(m)!) if (!own.has(r)) reads.add(r);
    for (const r of reads) {
      const producer = stageOf.get(r);
      if (producer) emit(kernelOf(producer));
    }
    // An accumulating product in a kernel of its own runs after the loop that seeds its output.
    for (const m of members) if (m.kind === 'product' && m.into && !members.includes(seedLoop.get(m.into.node)!)) emit(kernelOf(seedLoop.get(m.into.node)!));
    for (const m of members) if (m !== stage && m.kind === 'product') scratch.add(m.node);
    kernels.push({
      id: kernels.length,
      stages: members,
      reads: [...reads],
      writes: [...own].filter((n) => !scratch.has(n)),
    });
  };
  for (const r of roots) {
    const s = stageOf.get(r);
    if (s) emit(kernelOf(s));
  }

  const buffers = new Map<Node, BufferRef>();
  const addBuffer = (node: Node, kind: BufferRef['kind']): void => {
    if (!buffers.has(node)) buffers.set(node, { id: buffers.size, node, kind });
  };
  for (const r of roots) addBuffer(r, isLeaf(r) ? 'leaf' : 'output');
  for (const k of kernels) {
    for (const r of k.reads) addBuffer(r, isLeaf(r) ? 'leaf' : 'temp');
    for (const s of k.stages) for (const n of produced(s)) addBuffer(n, scratch.has(n) ? 'scratch' : 'temp');
  }
  return { kernels, buffers, decisions, roots: [...roots] };
}
