// Mutation testing of the core modules (our own small tool; see docs/testing.md).
//
// Each mutant changes one operator or literal of one source file (+ ↔ −, * ↔ /, < ↔ <=,
// > ↔ >=, === ↔ !==, && ↔ ||, !x → x, true ↔ false, 0 → 1, 1 → 0, n → n + 1), found with the
// TypeScript parser, so type positions, imports and strings are never touched.
// First a coverage pass: every mutant site is wrapped in a probe and each test file of the
// module's subset (cpu + reference, no gpujs process) runs once, recording which sites it
// reaches. Then each mutant runs against a scratch copy of the repo holding it, with only the
// test files that reach it (most kills per second first, stopping at the first failure;
// a quarter of the fast-check cases): a failing or timed-out run kills it; a mutant no test
// reaches survives without a run. Results are cached per source
// file's content (mutation/cache.json), so a rerun only runs mutants of changed files, and
// survivors again when the tests changed. Equivalent mutants are listed with their reason in
// mutation/equivalent.json. The report is mutation/RESULTS.md.
//
// Usage: node scripts/mutate.mjs [--modules units,rng] [--jobs 2] [--limit N] [--sample N]
//        node scripts/mutate.mjs --report   (rewrite mutation/RESULTS.md from the cache)
//        node scripts/mutate.mjs --plant <mutant id> [--tests <regex>]   (one mutant, no cache:
//        does a new test kill it? The id is as in mutation/cache.json, e.g. src/fusion/plan.ts:2926:&&)
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, openSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ts = createRequire(import.meta.url)('typescript');
const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'mutation');

/**
 * Each module and the test files (a regex on paths under test/) that are meant to check it:
 * its own tests and the integration tests that exercise it. The coverage pass narrows this
 * per mutant to the files that reach it. (The whole suite per module was tried: a survivor
 * in central code then reruns some 60 files, about 3 minutes each on 2 cores.)
 */
export const MODULES = {
  units: { src: 'src/units', tests: '^(units/|ir/dimensionless\\.test|api/units-ops\\.test)' },
  rng: { src: 'src/rng', tests: '^(rng/|formats/(jitc|fixed)\\.test|api/(jitc-stats|fixed|random-stats|random-checks|poisson-events-stats)\\.test|ir/random\\.test)' },
  ir: { src: 'src/ir', tests: '^(ir/|compile/|fusion/|cpu/|fuzz/|formats/|api/|models/semantics\\.test)' },
  fusion: { src: 'src/fusion', tests: '^(fusion/|compile/|cpu/|ir/(lowerings|exactness)\\.test|formats/(plasticity|compiled|products)\\.test|models/semantics\\.test)' },
  cpu: { src: 'src/backends/cpu', tests: '^(cpu/|fusion/|compile/|ir/|fuzz/(ops|compile)\\.test|formats/(products|compiled|plasticity|events|jitc|fixed)\\.test|models/semantics\\.test)' },
  formats: { src: 'src/formats', tests: '^(formats/|fuzz/formats\\.test|compile/|api/|helpers/arbitraries\\.test|ir/(lowerings|traits-advice|describe)\\.test)' },
  models: { src: 'src/models', tests: '^(models/|api/models\\.test|cpu/brette-plan\\.test|cli/)' },
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
    plant: get('--plant'),
    sample: get('--sample') === undefined ? undefined : Number(get('--sample')),
    report: a.includes('--report'),
    tests: get('--tests'),
  };
}

/** `k` items of `xs` chosen uniformly at random, with a fixed seed (mulberry32), in their original order. */
function sampleOf(xs, k) {
  let a = 0x9e3779b9;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const idx = xs.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).sort((x, y) => x - y).map((i) => xs[i]);
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
    // The node's own range too: the coverage probe wraps the whole expression.
    out.push({ id: `${file}:${start}:${to}`, start, end, from, to, line, nodeStart: node.getStart(sf), nodeEnd: node.getEnd() });
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
  const dir = join(tmpdir(), 'ef-mutate', `${process.pid}-w${k}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Everything git tracks at the top level (docs, examples, README: tests read them), but not the report.
  const tracked = new Set(execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.split('/')[0]));
  for (const p of tracked) if (p !== 'mutation' && existsSync(join(ROOT, p))) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function runTests(dir, pattern, timeoutMs, env = {}, log = undefined) {
  return new Promise((resolve) => {
    const out = log === undefined ? 'ignore' : openSync(log, 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/seed.ts', 'node_modules/uvu/bin.js', 'test', pattern, '--bail'],
      { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, EF_GPUJS_MODE: '', NO_COLOR: '1', ...env }, detached: true });
    const started = Date.now();
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (typeof out === 'number') closeSync(out);
      resolve({ code, timedOut: signal === 'SIGKILL', ms: Date.now() - started });
    });
  });
}

/** Run these test files in this order, stopping at the first failure (scripts/mutate-run.mjs). */
function runOrdered(dir, files, timeoutMs, log) {
  return new Promise((resolve) => {
    const out = openSync(log, 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/seed.ts', 'scripts/mutate-run.mjs', ...files],
      // A quarter of the fast-check cases (test/helpers/backends.ts): fewer cases can only undercount kills.
      { cwd: dir, stdio: ['ignore', out, out], env: { ...process.env, EF_GPUJS_MODE: '', NO_COLOR: '1', EF_MUTATE_RUNS: '4' }, detached: true });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      closeSync(out);
      resolve({ code, timedOut: signal === 'SIGKILL' });
    });
  });
}

/** The test file whose test failed, from uvu's output (each file's tests follow its name). */
function killer(log, files) {
  let current;
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const name = line.trim();
    if (files.includes(name)) current = name;
    if (/FAIL/.test(line)) return current ?? files[0];
  }
  return undefined;
}

/** A uvu pattern matching exactly these test files (paths under test/). */
const exactly = (files) => `^(${files.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

/**
 * The source with a probe around every mutant site: `((globalThis as any).__efMutantHit?.(k), expr)`
 * evaluates expr unchanged. Sites nest (an operand holds literals), so the insertions are
 * ordered: at one position, closings of inner sites first, then openings of outer sites.
 */
export function instrument(text, mutants, firstIndex) {
  const marks = [];
  mutants.forEach((m, i) => {
    marks.push({ pos: m.nodeStart, open: true, span: m.nodeEnd - m.nodeStart, text: `((globalThis as any).__efMutantHit?.(${firstIndex + i}), ` });
    marks.push({ pos: m.nodeEnd, open: false, span: m.nodeEnd - m.nodeStart, text: ')' });
  });
  marks.sort((a, b) => a.pos - b.pos || (a.open === b.open ? (a.open ? b.span - a.span : a.span - b.span) : a.open ? 1 : -1));
  let out = '';
  let at = 0;
  for (const mk of marks) {
    out += text.slice(at, mk.pos) + mk.text;
    at = mk.pos;
  }
  return out + text.slice(at);
}

/**
 * Which test files reach each mutant, and how long each file takes: one run per test file on
 * the instrumented sources, spread over the workers. Returns { reachedBy: Set<string>[] by
 * mutant index, ms: Map<file, ms> }.
 */
async function coverage(workers, mod, sites) {
  const files = filesUnder('test').map((f) => relative('test', f)).filter((f) => f.endsWith('.test.ts') && new RegExp(mod.tests).test(f)).sort();
  const probe = join(ROOT, 'scripts', 'mutate-probe.mjs');
  // ts-nocheck: a probe's comma expression defeats narrowing, and docs.test builds dist with tsc.
  for (const dir of workers) for (const { file, text, mutants, first } of sites) writeFileSync(join(dir, file), `// @ts-nocheck\n${instrument(text, mutants, first)}`);
  const count = sites.reduce((n, s) => n + s.mutants.length, 0);
  const reachedBy = Array.from({ length: count }, () => new Set());
  const ms = new Map();
  let next = 0;
  await Promise.all(workers.map(async (dir, w) => {
    while (next < files.length) {
      const test = files[next++];
      const hits = join(dir, `hits-${w}.txt`);
      rmSync(hits, { force: true });
      const log = join(dir, `coverage-${w}.log`);
      const r = await runTests(dir, exactly([test]), 600_000, {
        EF_MUTATE_HITS: hits, EF_MUTATE_COUNT: String(count), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`,
      }, log);
      // A test that reads the sources as text (structure, packaging) may fail on probes: it
      // then counts as reaching nothing, which can only undercount kills.
      if (r.code !== 0) {
        const why = readFileSync(log, 'utf8').split('\n').filter((l) => /FAIL|Error|error/.test(l)).slice(0, 3).join(' | ');
        console.log(`  warning: ${test} fails on the instrumented sources (exit ${r.code}: ${why}); it counts as reaching no mutant`);
        continue;
      }
      ms.set(test, r.ms);
      if (existsSync(hits)) for (const k of readFileSync(hits, 'utf8').split('\n')) if (k) reachedBy[Number(k)].add(test);
    }
  }));
  for (const dir of workers) for (const { file, text } of sites) writeFileSync(join(dir, file), text);
  return { reachedBy, ms };
}

const load = (file, fallback) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : fallback);

function testsHash() {
  return sha(filesUnder('test').sort().map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n'));
}

/** Plant one mutant in a scratch copy and run the tests on it (the module's set by default). */
async function plantOne(id, tests) {
  const file = id.slice(0, id.indexOf(':'));
  const m = mutantsOf(file, readFileSync(join(ROOT, file), 'utf8')).find((x) => x.id === id);
  if (!m) throw new Error(`no mutant ${id} in the current ${file} (ids hold the character offset: a changed file renumbers them)`);
  const mod = Object.values(MODULES).find((x) => file.startsWith(`${x.src}/`));
  const dir = scratch('plant');
  const text = readFileSync(join(ROOT, file), 'utf8');
  writeFileSync(join(dir, file), text.slice(0, m.start) + m.to + text.slice(m.end));
  const log = join(dir, 'plant.log');
  const r = await runTests(dir, tests ?? mod.tests, 600_000, { EF_MUTATE_RUNS: '4' }, log); // as a mutation run does
  console.log(readFileSync(log, 'utf8').split('\n').filter((l) => /FAIL|Total|Passed/.test(l)).slice(0, 6).join('\n'));
  console.log(`${id} (line ${m.line}: ${m.from} -> ${m.to || '(removed)'}): ${r.code === 0 ? 'SURVIVED' : 'killed'}`);
  rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const opt = args();
  if (opt.plant) return plantOne(opt.plant, opt.tests);
  if (opt.report) {
    writeFileSync(join(OUT, 'RESULTS.md'), report(load(join(OUT, 'cache.json'), {}), load(join(OUT, 'equivalent.json'), {})));
    return console.log(`report: ${relative(ROOT, join(OUT, 'RESULTS.md'))}`);
  }
  mkdirSync(OUT, { recursive: true });
  const cachePath = join(OUT, 'cache.json');
  const cache = load(cachePath, {});
  const equivalent = load(join(OUT, 'equivalent.json'), {});
  const tHash = testsHash();
  const workers = Array.from({ length: opt.jobs }, (_, k) => scratch(k));

  for (const name of opt.modules) {
    const mod = MODULES[name];
    if (!mod) throw new Error(`unknown module '${name}'; expected one of ${Object.keys(MODULES).join(', ')}`);
    const modHash = sha(tHash + mod.tests);
    const sites = [];
    const todo = [];
    let first = 0;
    for (const file of filesUnder(mod.src)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const entry = cache[file]?.hash === sha(text) ? cache[file] : (cache[file] = { hash: sha(text), results: {} });
      const mutants = mutantsOf(file, text);
      mutants.forEach((m, i) => {
        const r = entry.results[m.id];
        if (r && (r.status !== 'survived' || r.tests === modHash)) return;
        todo.push({ file, text, m, entry, index: first + i });
      });
      sites.push({ file, text, mutants, first });
      first += mutants.length;
    }
    // --sample N: a uniform random subset (fixed seed), for a score estimate when a full run does not fit.
    const batch = (opt.sample ? sampleOf(todo, opt.sample) : todo).slice(0, opt.limit);
    if (batch.length === 0) {
      console.log(`${name}: nothing to run`);
      continue;
    }
    const started = Date.now();
    const { reachedBy, ms } = await coverage(workers, mod, sites);
    writeFileSync(join(tmpdir(), 'ef-mutate', `${name}-times.json`), JSON.stringify(Object.fromEntries(ms), null, 1));
    const slowest = [...ms].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([f, t]) => `${f} ${(t / 1000).toFixed(1)} s`).join(', ');
    console.log(`${name}: ${batch.length} mutants to run; coverage pass over ${ms.size} test files took ${Math.round((Date.now() - started) / 1000)} s (slowest: ${slowest})`);
    let next = 0;
    let done = 0;
    const kills = new Map(); // test file -> mutants of this module it killed in this run
    await Promise.all(workers.map(async (dir) => {
      while (next < batch.length) {
        const { file, text, m, entry, index } = batch[next++];
        // Most kills per second first: files that killed mutants of this module so far, then fast ones.
        const rate = (f) => ((kills.get(f) ?? 0) + 1) / ms.get(f);
        const tests = [...reachedBy[index]].sort((a, b) => rate(b) - rate(a));
        let r;
        if (tests.length === 0) {
          r = { code: 0, timedOut: false };
        } else {
          writeFileSync(join(dir, file), text.slice(0, m.start) + m.to + text.slice(m.end));
          // Generous: a run slowed by other load must not count as a kill (timeouts are reported apart).
          const timeoutMs = Math.max(30_000, 5 * tests.reduce((t, f) => t + ms.get(f), 0));
          const log = join(dir, 'mutant.log');
          r = await runOrdered(dir, tests, timeoutMs, log);
          writeFileSync(join(dir, file), text);
          const by = r.code !== 0 && !r.timedOut ? killer(log, tests) : undefined;
          if (by) kills.set(by, (kills.get(by) ?? 0) + 1);
        }
        entry.results[m.id] = {
          status: r.code === 0 ? 'survived' : r.timedOut ? 'timeout' : 'killed', tests: modHash, line: m.line, from: m.from, to: m.to,
          ...(tests.length === 0 ? { unreached: true } : {}),
          ...(opt.sample ? { sampled: true } : {}),
        };
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

/** The Wilson 95 % interval of a proportion k / n, in percent: the score of a partial or sampled run. */
function wilson(k, n) {
  const z = 1.96, p = k / n, d = 1 + (z * z) / n;
  const mid = (p + (z * z) / (2 * n)) / d, half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return `${(100 * (mid - half)).toFixed(1)}–${(100 * (mid + half)).toFixed(1)} %`;
}

/**
 * Score per module and the surviving mutants, for the sources as they are now: a result counts
 * only while its file is unchanged (a changed file's mutants are "not run" until rerun).
 */
export function report(cache, equivalent) {
  const lines = ['# Mutation testing', '', 'Generated by `npm run mutate` (scripts/mutate.mjs); see docs/testing.md. Score = (killed + timed out) / (mutants run − equivalent). "Unreached": survivors no test of the module\'s set executes.', '',
    '| module | mutants | run | killed | timed out | survived (unreached) | equivalent | score |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  const survivors = [];
  for (const [name, mod] of Object.entries(MODULES)) {
    let total = 0, run = 0, killed = 0, timeout = 0, survived = 0, unreached = 0, eq = 0, sampled = false;
    for (const file of filesUnder(mod.src)) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const entry = cache[file]?.hash === sha(text) ? cache[file] : { results: {} };
      for (const m of mutantsOf(file, text)) {
        total++;
        const r = entry.results[m.id];
        if (!r) continue;
        run++;
        sampled ||= r.sampled === true;
        if (r.status === 'killed') killed++;
        else if (r.status === 'timeout') timeout++;
        else if (equivalent[m.id]) eq++;
        else {
          survived++;
          if (r.unreached) unreached++;
          survivors.push(`- ${m.id} (line ${r.line}): \`${r.from}\` → \`${r.to || '(removed)'}\`${r.unreached ? ' (no test reaches it)' : ''}`);
        }
      }
    }
    const score = run === 0 ? 'not run' : `${((100 * (killed + timeout)) / Math.max(1, run - eq)).toFixed(1)} %${run < total ? ` (${run} of ${total} run${sampled ? `, a random sample: 95 % interval ${wilson(killed + timeout, run - eq)}` : ', not a random sample'})` : ''}`;
    lines.push(`| ${name} | ${total} | ${run} | ${killed} | ${timeout} | ${survived} (${unreached}) | ${eq} | ${score} |`);
  }
  lines.push('', '## Surviving mutants', '', ...(survivors.length ? survivors : ['None.']), '');
  const eqLines = Object.entries(equivalent).map(([id, why]) => `- ${id}: ${why}`);
  lines.push('## Equivalent mutants (mutation/equivalent.json)', '', ...(eqLines.length ? eqLines : ['None listed.']), '');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) await main();
