// Mutation testing of the core modules (our own small tool; see docs/testing.md).
//
// Each mutant changes one operator or literal of one source file (+ ↔ −, * ↔ /, < ↔ <=,
// > ↔ >=, === ↔ !==, && ↔ ||, !x → x, true ↔ false, 0 → 1, 1 → 0, n → n + 1), found with the
// TypeScript parser, so type positions, imports and strings are never touched. The module's
// test subset (cpu + reference, no gpujs process) runs against a scratch copy of the repo
// holding the mutant: a failing or timed-out run kills it. Results are cached per source
// file's content (mutation/cache.json), so a rerun only runs mutants of changed files, and
// survivors again when the tests changed. Equivalent mutants are listed with their reason in
// mutation/equivalent.json. The report is mutation/RESULTS.md.
//
// Usage: node scripts/mutate.mjs [--modules units,rng] [--jobs 2] [--limit N]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ts = createRequire(import.meta.url)('typescript');
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'mutation');

/** Each module and the test files (a regex on paths under test/) that are meant to check it. */
export const MODULES = {
  units: { src: 'src/units', tests: '^(units/|ir/dimensionless\\.test|api/units-ops\\.test)' },
  rng: { src: 'src/rng', tests: '^(rng/|formats/(jitc|fixed)\\.test|api/(jitc-stats|fixed)\\.test)' },
  ir: { src: 'src/ir', tests: '^(ir/|fusion/random-graphs\\.test|api/(dtype|errors|inspect|limits|map-trap|units-ops|backend-api)\\.test)' },
  fusion: { src: 'src/fusion', tests: '^(fusion/|compile/|cpu/(events-plan|inplace|brette-plan)\\.test|ir/lowerings\\.test)' },
  cpu: { src: 'src/backends/cpu', tests: '^(cpu/|fusion/|compile/|formats/products\\.test|ir/(lowerings|exactness)\\.test)' },
  formats: { src: 'src/formats', tests: '^(formats/|api/(format-|events|fixed|jitc-stats)|helpers/arbitraries\\.test)' },
  models: { src: 'src/models', tests: '^(models/|api/models\\.test|cpu/brette-plan\\.test)' },
};

const SWAPS = new Map([
  ['+', '-'], ['-', '+'], ['*', '/'], ['/', '*'], ['<', '<='], ['<=', '<'], ['>', '>='], ['>=', '>'],
  ['===', '!=='], ['!==', '==='], ['&&', '||'], ['||', '&&'],
]);

function args() {
  const a = process.argv.slice(2);
  const get = (k) => (a.includes(k) ? a[a.indexOf(k) + 1] : undefined);
  return {
    modules: (get('--modules') ?? Object.keys(MODULES).join(',')).split(','),
    jobs: Number(get('--jobs') ?? Math.max(1, cpus().length)),
    limit: get('--limit') === undefined ? Infinity : Number(get('--limit')),
  };
}

const sha = (s) => createHash('sha1').update(s).digest('hex').slice(0, 16);

function filesUnder(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

/** The mutants of one source text: { id, start, end, from, to, line }. */
export function mutantsOf(file, text) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const add = (node, start, end, from, to) => {
    const line = sf.getLineAndCharacterOfPosition(start).line + 1;
    out.push({ id: `${file}:${start}:${to}`, start, end, from, to, line });
  };
  const visit = (node) => {
    if (ts.isTypeNode(node) || ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.getText(sf);
      const to = SWAPS.get(op);
      if (to) add(node, node.operatorToken.getStart(sf), node.operatorToken.getEnd(), op, to);
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add(node, node.getStart(sf), node.getStart(sf) + 1, '!', '');
    } else if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) {
      const from = node.getText(sf);
      add(node, node.getStart(sf), node.getEnd(), from, from === 'true' ? 'false' : 'true');
    } else if (ts.isNumericLiteral(node) && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)) {
      const from = node.getText(sf);
      const v = Number(from.replace(/_/g, ''));
      add(node, node.getStart(sf), node.getEnd(), from, v === 0 ? '1' : v === 1 ? '0' : String(v + 1));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** A scratch copy of the repository for one worker (node_modules linked). */
function scratch(k) {
  const dir = join(tmpdir(), 'ef-mutate', `w${k}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const p of ['src', 'test', 'package.json', 'tsconfig.json', 'scripts', 'bin']) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function runTests(dir, pattern, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/seed.ts', 'node_modules/uvu/bin.js', 'test', pattern, '--bail'],
      { cwd: dir, stdio: 'ignore', env: { ...process.env, EF_GPUJS_MODE: '' }, detached: true });
    const started = Date.now();
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, timedOut: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

const load = (file, fallback) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : fallback);

function testsHash() {
  return sha(filesUnder('test').sort().map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n'));
}

async function main() {
  const opt = args();
  mkdirSync(OUT, { recursive: true });
  const cachePath = join(OUT, 'cache.json');
  const cache = load(cachePath, {});
  const equivalent = load(join(OUT, 'equivalent.json'), {});
  const tHash = testsHash();
  const workers = Array.from({ length: opt.jobs }, (_, k) => scratch(k));

  for (const name of opt.modules) {
    const mod = MODULES[name];
    if (!mod) throw new Error(`unknown module '${name}'; expected one of ${Object.keys(MODULES).join(', ')}`);
    const base = await runTests(workers[0], mod.tests, 600_000);
    if (base.code !== 0) throw new Error(`${name}: its tests fail without any mutant; fix them first`);
    // Generous: a run slowed by other load must not count as a kill (timeouts are reported apart).
    const timeoutMs = Math.max(30_000, 5 * base.ms);
    const todo = [];
    for (const file of filesUnder(mod.src)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const entry = cache[file]?.hash === sha(text) ? cache[file] : (cache[file] = { hash: sha(text), results: {} });
      for (const m of mutantsOf(file, text)) {
        const r = entry.results[m.id];
        if (r && (r.status !== 'survived' || r.tests === tHash)) continue;
        todo.push({ file, text, m, entry });
      }
    }
    const batch = todo.slice(0, opt.limit);
    console.log(`${name}: ${batch.length} mutants to run (tests ${Math.round(base.ms / 1000)} s each without a mutant)`);
    let next = 0;
    let done = 0;
    await Promise.all(workers.map(async (dir) => {
      while (next < batch.length) {
        const { file, text, m, entry } = batch[next++];
        writeFileSync(join(dir, file), text.slice(0, m.start) + m.to + text.slice(m.end));
        const r = await runTests(dir, mod.tests, timeoutMs);
        writeFileSync(join(dir, file), text);
        entry.results[m.id] = { status: r.code === 0 ? 'survived' : r.timedOut ? 'timeout' : 'killed', tests: tHash, line: m.line, from: m.from, to: m.to };
        if (++done % 20 === 0) {
          writeFileSync(cachePath, JSON.stringify(cache, null, 0));
          console.log(`  ${done}/${batch.length}`);
        }
      }
    }));
    writeFileSync(cachePath, JSON.stringify(cache, null, 0));
  }
  writeFileSync(join(OUT, 'RESULTS.md'), report(cache, equivalent));
  console.log(`report: ${relative(ROOT, join(OUT, 'RESULTS.md'))}`);
}

/** Score per module and the surviving mutants, from everything in the cache. */
export function report(cache, equivalent) {
  const lines = ['# Mutation testing', '', 'Generated by `npm run mutate` (scripts/mutate.mjs); see docs/testing.md. Score = (killed + timed out) / (mutants run − equivalent).', '',
    '| module | mutants run | killed | timed out | survived | equivalent | score |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const survivors = [];
  const notRun = [];
  for (const [name, mod] of Object.entries(MODULES)) {
    let run = 0, killed = 0, timeout = 0, survived = 0, eq = 0;
    for (const [file, entry] of Object.entries(cache)) {
      if (!file.startsWith(`${mod.src}/`)) continue;
      for (const [id, r] of Object.entries(entry.results)) {
        run++;
        if (r.status === 'killed') killed++;
        else if (r.status === 'timeout') timeout++;
        else if (equivalent[id]) eq++;
        else {
          survived++;
          survivors.push(`- ${file}:${r.line}: \`${r.from}\` → \`${r.to || '(removed)'}\``);
        }
      }
    }
    if (run === 0) {
      notRun.push(name);
      continue;
    }
    const score = ((100 * (killed + timeout)) / Math.max(1, run - eq)).toFixed(1);
    lines.push(`| ${name} | ${run} | ${killed} | ${timeout} | ${survived} | ${eq} | ${score} % |`);
  }
  if (notRun.length) lines.push('', `Not run yet: ${notRun.join(', ')}.`);
  lines.push('', '## Surviving mutants', '', ...(survivors.length ? survivors : ['None.']), '');
  const eqLines = Object.entries(equivalent).map(([id, why]) => `- ${id}: ${why}`);
  lines.push('## Equivalent mutants (mutation/equivalent.json)', '', ...(eqLines.length ? eqLines : ['None listed.']), '');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
