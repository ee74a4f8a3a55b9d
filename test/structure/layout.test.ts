/**
 * The shape of src/: no import cycles, layers that import only downward, and no source file
 * over 400 lines without a stated reason. The import graph is read from every .ts (and .js)
 * file under src/ with the TypeScript parser (graph.ts); type-only imports are edges too, and
 * package imports are not. The checks are first tried on made-up inputs, so that a pass on
 * src/ means the check looked and found nothing, not that it cannot fail.
 * Not a shared backend suite: it runs once, in the cpu+reference process of scripts/test.mjs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  buildGraph,
  checkLayers,
  checkSizes,
  countLines,
  findCycles,
  parseImports,
  resolveSpecifier,
  showChain,
  successors,
  type Edge,
  type Graph,
  type LayerException,
  type LayerRule,
} from './graph.js';

// ------------------------------------------------------------------ the rules

/**
 * Layer = a file's first folder under src/ (or the file itself at the top: 'index.ts').
 * Folders named here that do not exist yet (kernel/) are forbidden all the same.
 */
const LAYER_RULES: readonly LayerRule[] = [
  { from: 'units', forbid: ['ir', 'fusion', 'backends', 'formats', 'api', 'kernel', 'autodiff', 'models', 'cli'] },
  { from: 'ir', forbid: ['backends', 'formats', 'fusion', 'api', 'autodiff', 'models', 'cli'] },
  { from: 'fusion', forbid: ['backends', 'formats', 'api', 'autodiff', 'models', 'cli'] },
  { from: 'backends', forbid: ['formats', 'api', 'autodiff', 'models', 'cli'] },
  { from: 'backends', siblingsApart: true },
  // kernel/ is the backend-neutral kernel IR built from plans: renderers read it, it reads no renderer.
  { from: 'kernel', forbid: ['backends', 'formats', 'api', 'autodiff', 'models', 'cli'] },
  { from: 'rng', forbid: ['ir', 'fusion', 'backends', 'formats', 'api', 'autodiff'] },
  // autodiff/ builds gradient graphs (ir/, api/): it plans and runs nothing itself.
  { from: 'autodiff', forbid: ['fusion', 'backends', 'kernel', 'models', 'cli'] },
  // models/ and cli/ are users of the library: the public API (index.ts) and nothing else...
  { from: 'models', only: ['index.ts', 'models'] },
  { from: 'cli', only: ['index.ts', 'models', 'cli'] },
];

/**
 * ...but for these imports of internals, each with its reason. An entry that no longer allows
 * anything (the import is gone, or now goes through index.ts) fails the test, so that the
 * table stays the list of what is actually there.
 */
const LAYER_EXCEPTIONS: readonly LayerException[] = [
  ...['index.ts', 'stages.ts', 'codegen.ts', 'emit.ts'].map((file) => ({
    from: 'backends/wasm/js-stages.ts',
    to: `backends/cpu/${file}`,
    reason: "the wasm backend is the cpu backend with WebAssembly memory and kernels: its plans, runners and, for stages the WebAssembly renderers do not cover, its JavaScript renderer (one door, js-stages.ts)",
  })),
  {
    from: 'models/brette.ts',
    to: 'limits.ts',
    reason: "checkBytes: the network's memory estimate is refused with the library's own ResourceError check and wording; limits.ts is not exported by index.ts",
  },
  {
    from: 'cli/main.ts',
    to: 'limits.ts',
    reason: "showBytes: the CLI's --max-memory message formats bytes as the library's messages do; limits.ts is not exported by index.ts",
  },
  {
    from: 'cli/args.ts',
    to: 'errors.ts',
    reason: 'EventfuseError (public: index.ts re-exports errors.ts); args.ts is a pure argv parser, and going through index.ts would load every backend (gpu.js included) to parse arguments',
  },
  {
    from: 'cli/args.ts',
    to: 'units/unit.ts',
    reason: 'Unit.of for --duration/--dt (public: index.ts re-exports Unit); same reason as errors.ts: the parser does not load the backends',
  },
];

const MAX_LINES = 400;

/** Source files (path under src/ → why it is over MAX_LINES lines). Keep each reason true; an entry for a file within the limit fails. */
const SIZE_ALLOWLIST: Readonly<Record<string, string>> = {};

// ------------------------------------------------------------------ src/

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every .ts and .js file under src/: path relative to src/ (POSIX) → text. */
function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile() && /\.(ts|js)$/.test(e.name)) out.set(relative(dir, full).split(sep).join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const sources = readTree(SRC);
const graph = buildGraph(sources);

/** A chain, with the imports on it that are type-only (erased when compiled, but still a cycle of the source) noted. */
function showCycleChain(chain: readonly string[], edges: readonly Edge[]): string {
  const typeOnly: string[] = [];
  for (let i = 0; i + 1 < chain.length; i++) {
    const these = edges.filter((e) => e.from === chain[i] && e.to === chain[i + 1]);
    if (these.length > 0 && these.every((e) => e.typeOnly)) typeOnly.push(`${chain[i]} → ${chain[i + 1]}`);
  }
  return showChain(chain) + (typeOnly.length ? `   (type-only: ${typeOnly.join('; ')})` : '');
}

/** The cycle report of a graph, one line each: per group its files, then its chains; empty when it has none. */
function cycleReport(g: Pick<Graph, 'files' | 'edges'>): string[] {
  return findCycles(successors(g)).flatMap((c) => [`${c.files.join(', ')}:`, ...c.chains.map((chain) => `  ${showCycleChain(chain, g.edges)}`)]);
}

/**
 * Fail with `title` on one line and the failures below it, each once (an assert.ok message of
 * several lines is printed twice by uvu: in the title and again in the stack).
 */
function expectNone(title: string, failures: readonly string[]): void {
  if (failures.length === 0) return;
  throw new assert.Assertion({ message: title, details: failures.join('\n'), operator: 'none expected', expects: [], actual: failures });
}

// ------------------------------------------------------------------ the checks, on made-up inputs

test('parseImports: every kind of import and re-export, multi-line and type-only, with its line; not comments, strings or computed import()', () => {
  const text = [
    "import { a } from './a.js';", // 1
    'import {', // 2
    '  b,',
    '  type B,',
    "} from './b.js';",
    "import type { C } from './c.js';", // 6
    "import './side.js';", // 7
    "export { d } from './d.js';", // 8
    "export type { E } from './e.js';", // 9
    "export * as f from './f.js';", // 10
    "import * as pkg from 'fp-ts/lib/Either.js';", // 11
    "const g = await import('./g.js');", // 12
    'const h = await import(somePath);', // 13
    "// import { no } from './comment.js';", // 14
    "const s = \"import { no } from './string.js'\";", // 15
    "type T = import('./t.js').T;", // 16
    '/* export * from', // 17
    "   './block.js' */",
  ].join('\n');
  const refs = parseImports(text).map((r) => `${r.line} ${r.kind}${r.typeOnly ? ' type' : ''} ${r.specifier}`);
  assert.equal(refs, [
    '1 import ./a.js',
    '2 import ./b.js',
    '6 import type ./c.js',
    '7 side-effect ./side.js',
    '8 export ./d.js',
    '9 export type ./e.js',
    '10 export ./f.js',
    '11 import fp-ts/lib/Either.js',
    '12 dynamic ./g.js',
    '16 import-type type ./t.js',
  ]);
});

test('resolveSpecifier: .js names the .ts file, ./dir/index.js and ./dir the index, ../ goes up; packages, missing files and the way out are told apart', () => {
  const files = new Set(['index.ts', 'ir/node.ts', 'ir/ops.ts', 'fusion/plan.ts', 'formats/jitc/index.ts', 'cli/help.js', 'cli/args.ts']);
  const to = (from: string, spec: string): unknown => resolveSpecifier(from, spec, files);
  assert.equal(to('ir/ops.ts', './node.js'), { kind: 'file', path: 'ir/node.ts' });
  assert.equal(to('fusion/plan.ts', '../ir/node.js'), { kind: 'file', path: 'ir/node.ts' });
  assert.equal(to('index.ts', './ir/node.js'), { kind: 'file', path: 'ir/node.ts' });
  assert.equal(to('index.ts', './formats/jitc/index.js'), { kind: 'file', path: 'formats/jitc/index.ts' });
  assert.equal(to('index.ts', './formats/jitc'), { kind: 'file', path: 'formats/jitc/index.ts' });
  assert.equal(to('ir/node.ts', '../index.js'), { kind: 'file', path: 'index.ts' });
  assert.equal(to('cli/args.ts', './help.js'), { kind: 'file', path: 'cli/help.js' }, 'a plain .js file where no .ts exists');
  assert.equal(to('ir/node.ts', 'fp-ts/lib/Either.js'), { kind: 'package' });
  assert.equal(to('ir/node.ts', 'node:fs'), { kind: 'package' });
  assert.equal(to('ir/node.ts', './gone.js'), { kind: 'missing', tried: ['ir/gone.ts', 'ir/gone.tsx', 'ir/gone.js'] });
  assert.equal(to('ir/node.ts', '../../package.json'), { kind: 'outside', path: '../package.json' });
});

/** A made-up tree: path → imports (written as import statements of the given specifiers). */
const tree = (files: Record<string, string>): Map<string, string> => new Map(Object.entries(files));
const chainsOf = (files: Record<string, string>): string[] => findCycles(successors(buildGraph(tree(files)))).flatMap((c) => c.chains.map(showChain));

test('cycles: a 3-cycle is one chain, in order', () => {
  const files = {
    'a.ts': "import { b } from './b.js';",
    'b.ts': "import { c } from './c.js';",
    'c.ts': "import { a } from './a.js';\nimport { x } from 'some-package';",
  };
  assert.equal(chainsOf(files), ['a.ts → b.ts → c.ts → a.ts']);
  assert.equal(cycleReport(buildGraph(tree(files))), ['a.ts, b.ts, c.ts:', '  a.ts → b.ts → c.ts → a.ts']);
});

test('cycles: a file that imports itself is a cycle', () => {
  assert.equal(chainsOf({ 'x/self.ts': "export * from './self.js';", 'x/other.ts': "import './self.js';" }), ['x/self.ts → x/self.ts']);
});

test('cycles: an acyclic diamond is none', () => {
  const diamond = {
    'top.ts': "import './left.js';\nimport './right.js';",
    'left.ts': "import { b } from './bottom.js';",
    'right.ts': "export { b } from './bottom.js';",
    'bottom.ts': 'export const b = 1;',
  };
  assert.equal(chainsOf(diamond), []);
  assert.equal(cycleReport(buildGraph(tree(diamond))), []);
});

test('cycles: a type-only import closes a cycle (and is noted as type-only); so does a multi-line import and a dynamic import()', () => {
  const typeOnly = {
    'ir/node.ts': "import type { Plan } from '../fusion/plan.js';",
    'fusion/plan.ts': "import { topoSort } from '../ir/node.js';",
  };
  assert.equal(chainsOf(typeOnly), ['fusion/plan.ts → ir/node.ts → fusion/plan.ts']);
  assert.equal(cycleReport(buildGraph(tree(typeOnly))), [
    'fusion/plan.ts, ir/node.ts:',
    '  fusion/plan.ts → ir/node.ts → fusion/plan.ts   (type-only: ir/node.ts → fusion/plan.ts)',
  ]);
  const multiLine = {
    'a.ts': "import {\n  one,\n  two,\n} from './b.js';",
    'b.ts': "export {\n  three\n} from\n  './a.js';",
  };
  assert.equal(chainsOf(multiLine), ['a.ts → b.ts → a.ts']);
  assert.equal(chainsOf({ 'a.ts': "const b = () => import('./b.js');", 'b.ts': "import './a.js';" }), ['a.ts → b.ts → a.ts']);
});

test('cycles: two cycles sharing a file are one group, every import on them is on a listed chain; separate groups are listed apart', () => {
  const cycles = findCycles(
    successors(
      buildGraph(
        tree({
          'a.ts': "import './b.js';\nimport './c.js';",
          'b.ts': "import './a.js';",
          'c.ts': "import './a.js';",
          'p/x.ts': "import './y.js';",
          'p/y.ts': "import './x.js';",
        }),
      ),
    ),
  );
  assert.equal(
    cycles.map((c) => ({ files: c.files, chains: c.chains.map(showChain) })).sort((l, r) => (l.files[0]! < r.files[0]! ? -1 : 1)),
    [
      { files: ['a.ts', 'b.ts', 'c.ts'], chains: ['a.ts → b.ts → a.ts', 'a.ts → c.ts → a.ts'] },
      { files: ['p/x.ts', 'p/y.ts'], chains: ['p/x.ts → p/y.ts → p/x.ts'] },
    ],
  );
});

test('layers: a forbidden import, a foreign backend folder and an internal import of a user layer fail, naming file, import and rule; exceptions allow; stale exceptions fail', () => {
  const g = buildGraph(
    tree({
      'index.ts': "export * from './ir/array.js';",
      'ir/array.ts': "import { realize } from '../backends/registry.js';\nimport type { Node } from './node.js';",
      'ir/node.ts': "import type { Unit } from '../units/unit.js';",
      'units/unit.ts': '',
      'backends/registry.ts': "import './cpu/index.js';\nimport './gpujs/index.js';",
      'backends/backend.ts': '',
      'backends/cpu/index.ts': "import type { Backend } from '../backend.js';\nimport { lower } from '../gpujs/lower.js';",
      'backends/gpujs/index.ts': "import './lower.js';",
      'backends/gpujs/lower.ts': "import type { Node } from '../../ir/node.js';",
      'cli/main.ts': "import * as ef from '../index.js';\nimport { Unit } from '../units/unit.js';\nimport { brette } from '../models/brette.js';",
      'models/brette.ts': "import * as ef from '../index.js';\nimport type { Node } from '../ir/node.js';",
    }),
  );
  const rules: LayerRule[] = [
    { from: 'ir', forbid: ['backends'] },
    { from: 'backends', siblingsApart: true },
    { from: 'models', only: ['index.ts', 'models'] },
    { from: 'cli', only: ['index.ts', 'models', 'cli'] },
  ];
  assert.equal(checkLayers(g.edges, rules, []), [
    `backends/cpu/index.ts:2 imports '../gpujs/lower.js' (backends/gpujs/lower.ts): breaks "a folder backends/<name>/ imports nothing from another backends/<name>/ (backends/*.ts are shared)"`,
    `cli/main.ts:2 imports '../units/unit.js' (units/unit.ts): breaks "cli/ imports only index.ts, models/, cli/"`,
    `ir/array.ts:1 imports '../backends/registry.js' (backends/registry.ts): breaks "ir/ imports nothing from backends/"`,
    `models/brette.ts:2 imports '../ir/node.js' (ir/node.ts) (type-only): breaks "models/ imports only index.ts, models/"`,
  ]);
  const exceptions: LayerException[] = [
    { from: 'cli/main.ts', to: 'units/unit.ts', reason: 'a reason' },
    { from: 'cli/main.ts', to: 'index.ts', reason: 'allowed anyway' },
    { from: 'cli/gone.ts', to: 'limits.ts', reason: 'no such import' },
  ];
  const withExceptions = checkLayers(g.edges, rules, exceptions);
  assert.equal(withExceptions.length, 5);
  assert.not.ok(withExceptions.some((f) => f.startsWith('cli/main.ts:2')), 'the excepted import passes');
  assert.equal(withExceptions.slice(3), [
    'the exception cli/main.ts → index.ts ("allowed anyway") allows nothing any more: remove it from the table',
    'the exception cli/gone.ts → limits.ts ("no such import") allows nothing any more: remove it from the table',
  ]);
});

test('sizes: over the limit without a reason fails; with one passes; an entry for a file within the limit, or gone, fails', () => {
  assert.is(countLines(''), 0);
  assert.is(countLines('a'), 1);
  assert.is(countLines('a\nb\n'), 2);
  assert.is(countLines('a\nb\n\n'), 3);
  const lines = new Map([
    ['big.ts', 401],
    ['edge.ts', 400],
    ['huge/one.ts', 900],
  ]);
  assert.equal(checkSizes(lines, 400, {}), ['big.ts has 401 lines (over 400) and no stated reason', 'huge/one.ts has 900 lines (over 400) and no stated reason']);
  assert.equal(checkSizes(lines, 400, { 'big.ts': 'why', 'huge/one.ts': 'why' }), []);
  assert.equal(checkSizes(lines, 400, { 'big.ts': 'why', 'huge/one.ts': 'why', 'edge.ts': 'was big', 'gone.ts': 'split' }), [
    'the allowlist names edge.ts ("was big"), which has 400 lines, within 400: remove the entry',
    'the allowlist names gone.ts ("split"), which does not exist: remove the entry',
  ]);
});

// ------------------------------------------------------------------ the checks, on src/

test('the import graph of src/ is read whole: files, imports, and every relative import names a file', () => {
  assert.ok(graph.files.includes('index.ts'), `src/index.ts not found under ${SRC}`);
  assert.ok(graph.edges.some((e) => e.from === 'index.ts'), 'no import read from src/index.ts');
  expectNone(
    'relative imports in src/ that name no file (the graph would miss their edges):',
    graph.missing.map((m) => `${m.from}:${m.line} imports '${m.specifier}', but none of ${m.tried.join(', ')} exists`),
  );
});

test('no import cycles in src/', () => {
  const groups = findCycles(successors(graph)).length;
  expectNone(`${groups} group(s) of files in src/ import each other in a cycle (paths under src/; every import on a cycle is on one of these chains):`, cycleReport(graph));
});

test('layers import only downward', () => {
  const failures = checkLayers(graph.edges, LAYER_RULES, LAYER_EXCEPTIONS);
  expectNone(`${failures.length} layer rule failure(s) in src/ (paths under src/):`, failures);
});

test(`no source file over ${MAX_LINES} lines without a stated reason`, () => {
  const lines = new Map([...sources].filter(([p]) => p.endsWith('.ts')).map(([p, text]) => [p, countLines(text)]));
  expectNone(`src/ files over ${MAX_LINES} lines (paths under src/; split the file or give the reason in SIZE_ALLOWLIST):`, checkSizes(lines, MAX_LINES, SIZE_ALLOWLIST));
});

test.run();
