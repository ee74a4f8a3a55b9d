/**
 * The pieces of the structure checks in layout.test.ts, as pure functions over paths and texts
 * so that each check can also be tried on a made-up graph: what a file imports (read with the
 * TypeScript parser, so comments, strings and multi-line statements are read as the compiler
 * reads them), where a relative specifier leads, the cycles of a graph as readable chains, the
 * layer rules, and the line-count allowlist. Paths are POSIX paths relative to the tree's root
 * (src/ in layout.test.ts): 'ir/node.ts', 'index.ts'.
 */
import { posix } from 'node:path';
import ts from 'typescript';

// ------------------------------------------------------------------ parsing

/** How a file names another: `import`, `export ... from`, `import '...'`, `import('...')`, `import('...').T` in a type, `import x = require('...')`. */
export type ImportKind = 'import' | 'export' | 'side-effect' | 'dynamic' | 'import-type' | 'require';

export interface ImportRef {
  readonly specifier: string;
  /** 1-based line of the statement (or call) that names the specifier. */
  readonly line: number;
  readonly kind: ImportKind;
  /** Erased when compiled (`import type`, `export type`, `import('./x.js').T` in a type). Still an edge here. */
  readonly typeOnly: boolean;
}

/**
 * Every module specifier `text` names: static imports and re-exports (type-only ones included),
 * side-effect imports, and `import(...)` of a string literal (a computed `import(path)` is not
 * followed). Package specifiers are listed too; `resolveSpecifier` tells them apart.
 */
export function parseImports(text: string, fileName = 'file.ts'): ImportRef[] {
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Node | undefined, k: ImportKind, typeOnly: boolean): void => {
    if (spec === undefined || !ts.isStringLiteralLike(spec)) return;
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    refs.push({ specifier: spec.text, line, kind: k, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      add(node, node.moduleSpecifier, clause ? 'import' : 'side-effect', clause?.isTypeOnly ?? false);
    } else if (ts.isExportDeclaration(node)) {
      add(node, node.moduleSpecifier, 'export', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'require', node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], 'dynamic', false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, 'import-type', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

// ------------------------------------------------------------------ resolving

export type Resolution =
  /** A package (`fp-ts/lib/Either.js`, `node:fs`): not part of the graph. */
  | { readonly kind: 'package' }
  | { readonly kind: 'file'; readonly path: string }
  /** A relative specifier that leads out of the tree (`../../package.json` from src/). */
  | { readonly kind: 'outside'; readonly path: string }
  /** A relative specifier that names no file of the tree; `tried` lists the paths looked for. */
  | { readonly kind: 'missing'; readonly tried: readonly string[] };

/** What an import ending in each JavaScript extension names in a TypeScript tree, in order of preference. */
const SWAP: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};
const SOURCE_EXT = new Set(['.ts', '.tsx', '.mts', '.cts', '.json']);

/**
 * Where `specifier`, imported by the file `from`, leads among `files` (paths relative to the
 * tree's root). './x.js' is './x.ts' (or './x.js' where only that exists), './dir/index.js' is
 * './dir/index.ts'; an extensionless './x' is tried as x.ts, x.tsx, x.js, x/index.ts, x/index.js.
 */
export function resolveSpecifier(from: string, specifier: string, files: ReadonlySet<string>): Resolution {
  const relative = specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
  if (!relative) return { kind: 'package' };
  const base = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\/$/, '');
  if (base === '..' || base.startsWith('../')) return { kind: 'outside', path: base };
  const ext = posix.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  const tried =
    SWAP[ext] !== undefined
      ? SWAP[ext].map((e) => stem + e)
      : SOURCE_EXT.has(ext)
        ? [base]
        : [`${base}.ts`, `${base}.tsx`, `${base}.js`, `${base}/index.ts`, `${base}/index.js`].map((p) => p.replace(/^\.\//, ''));
  const found = tried.find((p) => files.has(p));
  return found === undefined ? { kind: 'missing', tried } : { kind: 'file', path: found };
}

// ------------------------------------------------------------------ the graph

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  readonly line: number;
  readonly kind: ImportKind;
  readonly typeOnly: boolean;
}

export interface Graph {
  /** Every file of the tree, sorted. */
  readonly files: readonly string[];
  /** Every import of a file of the tree, in file and line order (one per statement). */
  readonly edges: readonly Edge[];
  /** Relative imports that name no file. */
  readonly missing: readonly { readonly from: string; readonly specifier: string; readonly line: number; readonly tried: readonly string[] }[];
}

/** The import graph of `sources` (path relative to the root → text). Package imports and imports leading out of the tree are left out. */
export function buildGraph(sources: ReadonlyMap<string, string>): Graph {
  const files = [...sources.keys()].sort();
  const set = new Set(files);
  const edges: Edge[] = [];
  const missing: Graph['missing'][number][] = [];
  for (const from of files) {
    for (const ref of parseImports(sources.get(from)!, from)) {
      const r = resolveSpecifier(from, ref.specifier, set);
      if (r.kind === 'file') edges.push({ from, to: r.path, specifier: ref.specifier, line: ref.line, kind: ref.kind, typeOnly: ref.typeOnly });
      else if (r.kind === 'missing') missing.push({ from, specifier: ref.specifier, line: ref.line, tried: r.tried });
    }
  }
  return { files, edges, missing };
}

/** Each file's distinct import targets, sorted (every file of the graph is a key). */
export function successors(graph: Pick<Graph, 'files' | 'edges'>): Map<string, string[]> {
  const next = new Map<string, Set<string>>(graph.files.map((f) => [f, new Set<string>()]));
  for (const e of graph.edges) next.get(e.from)?.add(e.to);
  return new Map([...next].map(([f, s]) => [f, [...s].sort()]));
}

// ------------------------------------------------------------------ cycles

/** Tarjan's strongly connected components (iterative, so a deep graph cannot overflow the stack); each component sorted. */
export function stronglyConnectedComponents(next: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of [...next.keys()].sort()) {
    if (index.has(root)) continue;
    // frames: a node and the position of the next successor to look at
    const frames: { node: string; i: number }[] = [];
    const open = (n: string): void => {
      index.set(n, counter);
      low.set(n, counter);
      counter++;
      stack.push(n);
      onStack.add(n);
      frames.push({ node: n, i: 0 });
    };
    open(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const succ = next.get(frame.node) ?? [];
      if (frame.i < succ.length) {
        const w = succ[frame.i++]!;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== frame.node);
        out.push(comp.sort());
      }
    }
  }
  return out;
}

export interface Cycle {
  /** The files of one strongly connected component, sorted. */
  readonly files: readonly string[];
  /**
   * Closed chains through the component ([a, b, a]), together covering every import between
   * its files: each edge u → v is closed by a shortest path back from v to u (an edge already
   * on a listed chain is not given its own). A self-import is [a, a].
   */
  readonly chains: readonly (readonly string[])[];
}

/** The components of `next` that hold a cycle (more than one file, or a file that imports itself), with chains through them. */
export function findCycles(next: ReadonlyMap<string, readonly string[]>): Cycle[] {
  const cycles: Cycle[] = [];
  for (const comp of stronglyConnectedComponents(next)) {
    const inComp = new Set(comp);
    const single = comp[0]!;
    if (comp.length === 1 && !(next.get(single) ?? []).includes(single)) continue;
    const covered = new Set<string>();
    const key = (u: string, v: string): string => `${u}\u0000${v}`;
    const chains: string[][] = [];
    for (const u of comp) {
      for (const v of next.get(u) ?? []) {
        if (!inComp.has(v) || covered.has(key(u, v))) continue;
        const back = shortestPath(next, v, u, inComp);
        if (back === undefined) continue; // cannot happen within a component
        const chain = [u, ...back];
        for (let i = 0; i + 1 < chain.length; i++) covered.add(key(chain[i]!, chain[i + 1]!));
        chains.push(chain);
      }
    }
    cycles.push({ files: comp, chains });
  }
  return cycles;
}

/** A shortest path from `from` to `to` inside `within` (breadth first, successors in sorted order): [from, ..., to]. */
function shortestPath(next: ReadonlyMap<string, readonly string[]>, from: string, to: string, within: ReadonlySet<string>): string[] | undefined {
  if (from === to) return [from];
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const n = queue[q]!;
    for (const w of next.get(n) ?? []) {
      if (!within.has(w) || prev.has(w)) continue;
      prev.set(w, n);
      if (w === to) {
        const path = [w];
        for (let p = n; p !== from; p = prev.get(p)!) path.push(p);
        path.push(from);
        return path.reverse();
      }
      queue.push(w);
    }
  }
  return undefined;
}

/** 'a.ts → b.ts → a.ts' */
export const showChain = (chain: readonly string[]): string => chain.join(' → ');

// ------------------------------------------------------------------ layers

/** A file's layer: its first folder ('ir' for ir/node.ts), or the file itself at the top ('index.ts'). */
export const layerOf = (path: string): string => path.split('/')[0]!;

export type LayerRule =
  /** Files of layer `from` import nothing from the layers `forbid`. */
  | { readonly from: string; readonly forbid: readonly string[] }
  /** Files of layer `from` import only from the layers (folders or top-level files) `only`. */
  | { readonly from: string; readonly only: readonly string[] }
  /** A file in a subfolder `from`/<name>/ imports nothing from another subfolder `from`/<other>/ (files directly in `from`/ are shared). */
  | { readonly from: string; readonly siblingsApart: true };

/** One import allowed although a rule forbids it, with the reason. */
export interface LayerException {
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export const showRule = (rule: LayerRule): string =>
  'forbid' in rule
    ? `${rule.from}/ imports nothing from ${rule.forbid.map((l) => `${l}/`).join(', ')}`
    : 'only' in rule
      ? `${rule.from}/ imports only ${rule.only.map((l) => (l.endsWith('.ts') ? l : `${l}/`)).join(', ')}`
      : `a folder ${rule.from}/<name>/ imports nothing from another ${rule.from}/<name>/ (${rule.from}/*.ts are shared)`;

/** Whether `edge` breaks `rule`. */
export function breaks(rule: LayerRule, edge: Pick<Edge, 'from' | 'to'>): boolean {
  if (layerOf(edge.from) !== rule.from) return false;
  const to = layerOf(edge.to);
  if ('forbid' in rule) return rule.forbid.includes(to);
  if ('only' in rule) return !rule.only.includes(to);
  const [, fromSub, ...fromRest] = edge.from.split('/');
  const [, toSub, ...toRest] = edge.to.split('/');
  return to === rule.from && fromRest.length > 0 && toRest.length > 0 && fromSub !== toSub;
}

/**
 * The layer rules `edges` break, one line each naming the file, the import and the rule, less
 * those an exception allows; and the exceptions that allow nothing (stale: the import is gone
 * or no longer breaks a rule), so that the table stays true.
 */
export function checkLayers(edges: readonly Edge[], rules: readonly LayerRule[], exceptions: readonly LayerException[]): string[] {
  const used = new Set<LayerException>();
  const failures: string[] = [];
  for (const e of edges) {
    const broken = rules.filter((r) => breaks(r, e));
    if (broken.length === 0) continue;
    const allowed = exceptions.find((x) => x.from === e.from && x.to === e.to);
    if (allowed) {
      used.add(allowed);
      continue;
    }
    const how = e.typeOnly ? ' (type-only)' : '';
    for (const r of broken) failures.push(`${e.from}:${e.line} imports '${e.specifier}' (${e.to})${how}: breaks "${showRule(r)}"`);
  }
  for (const x of exceptions) {
    if (!used.has(x)) failures.push(`the exception ${x.from} → ${x.to} ("${x.reason}") allows nothing any more: remove it from the table`);
  }
  return failures;
}

// ------------------------------------------------------------------ sizes

/** Lines of a text as `wc -l` counts them (a last line without a newline counts too). */
export const countLines = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

/**
 * Files over `limit` lines that `allowlist` (path → reason) does not name, and allowlist
 * entries that no longer need to be there (the file is gone or within the limit).
 */
export function checkSizes(lines: ReadonlyMap<string, number>, limit: number, allowlist: Readonly<Record<string, string>>): string[] {
  const failures: string[] = [];
  for (const [path, n] of [...lines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (n > limit && !Object.hasOwn(allowlist, path)) failures.push(`${path} has ${n} lines (over ${limit}) and no stated reason`);
  }
  for (const [path, reason] of Object.entries(allowlist)) {
    const n = lines.get(path);
    if (n === undefined) failures.push(`the allowlist names ${path} ("${reason}"), which does not exist: remove the entry`);
    else if (n <= limit) failures.push(`the allowlist names ${path} ("${reason}"), which has ${n} lines, within ${limit}: remove the entry`);
  }
  return failures;
}
