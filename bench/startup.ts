/**
 * Start-up time (issue 13): how long a fresh `node` takes to
 *
 *   - import the built library (`import('dist/index.js')`), and that plus parsing one unit
 *     (mathjs's Unit is built on the first unit parsed, so this row shows the cost deferred);
 *   - print `eventfuse --help` from this checkout (bin/eventfuse.mjs with src/ present) and from
 *     an installed layout (a temporary folder holding only bin/, dist/ and package.json);
 *   - do nothing (`node -e 0`): the floor every row above includes.
 *
 * Each row is the wall time of one child process, spawn to exit, interleaved row by row (see
 * harness.ts), after one untimed round that fills the file cache: "cold" means a fresh
 * process, not a cold disk. The targets are for a 2-core machine: import ≤ 250 ms, --help ≤ 400 ms.
 *
 * dist/ is not built here: building would take seconds and rewrite the tree under whoever is
 * working in it. When dist/ is missing the rows that need it are left out and the report says
 * so (run `npm run build` first); when src/ has files newer than dist/ the report warns that
 * the numbers are for an older build.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, measure, table, timingTable, type Case, type Report, type RunConfig } from './harness.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST_INDEX = join(ROOT, 'dist', 'index.js');

const NOTHING = 'node -e 0 (the floor)';
const IMPORT = 'import dist/index.js';
const IMPORT_PARSE = 'import dist/index.js, then parse one unit';
const HELP_CHECKOUT = 'eventfuse --help (checkout: src/ present)';
const HELP_INSTALLED = 'eventfuse --help (installed: bin/ + dist/ only)';
/** Issue 13's targets for the median, in ms, on a 2-core machine. */
const TARGETS: readonly (readonly [string, number])[] = [[IMPORT, 250], [HELP_CHECKOUT, 400], [HELP_INSTALLED, 400]];

/** Run `node ...args` in `cwd`; throws with its output unless it exits 0 and its stdout passes `check`. */
function node(args: readonly string[], cwd: string, check: (stdout: string) => boolean): void {
  // NODE_OPTIONS cleared: a plain start, whatever loader the benchmark itself runs under.
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.error) throw r.error;
  if (r.status !== 0 || !check(r.stdout)) {
    throw new Error(`node ${args.join(' ')} (in ${cwd}): exit ${r.status}\n${r.stdout}${r.stderr}`);
  }
}

/** Newest modification time of any file under `dir`, in ms. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** A folder shaped like the installed package: bin/, dist/, package.json, and the checkout's node_modules. */
function installedLayout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eventfuse-startup-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

const isHelp = (out: string): boolean => out.startsWith('eventfuse: ') && out.includes('Usage:');

export async function run(config: RunConfig): Promise<readonly Report[]> {
  const hasDist = existsSync(DIST_INDEX);
  const notes: string[] = [];
  if (!hasDist) {
    notes.push('**dist/ is missing**: the rows that need a build are left out. Run `npm run build` first.');
  } else if (newest(join(ROOT, 'src')) > statSync(DIST_INDEX).mtimeMs) {
    notes.push('**dist/ is older than src/**: the dist rows time an older build. Run `npm run build` for current numbers.');
  }

  const distUrl = JSON.stringify(pathToFileURL(DIST_INDEX).href);
  const installed = hasDist ? installedLayout() : undefined;
  const cases: Case[] = [
    { name: NOTHING, fn: () => node(['-e', '0'], ROOT, () => true) },
    ...(hasDist
      ? [
          { name: IMPORT, fn: () => node(['-e', `import(${distUrl})`], ROOT, () => true) },
          {
            name: IMPORT_PARSE,
            fn: () => node(['-e', `import(${distUrl}).then((ef) => console.log(ef.Unit.parse('mV').scale))`], ROOT, (o) => o.trim() === '0.001'),
          },
        ]
      : []),
    { name: HELP_CHECKOUT, fn: () => node(['bin/eventfuse.mjs', '--help'], ROOT, isHelp) },
    ...(installed ? [{ name: HELP_INSTALLED, fn: () => node(['bin/eventfuse.mjs', '--help'], installed, isHelp) }] : []),
  ];

  config.log(`startup: ${cases.length} cases, each a fresh node process`);
  const ms = await measure(cases, config.quick ? { warmup: 0, reps: 2 } : { warmup: 1, reps: 9 }).finally(() => {
    if (installed) rmSync(installed, { recursive: true, force: true });
  });

  const medians = new Map(ms.map((m) => [m.name, m.median]));
  const targetRows = TARGETS.filter(([name]) => medians.has(name)).map(([name, limit]) => {
    const got = medians.get(name)!;
    return [name, `${fmt(got)} ms`, `≤ ${limit} ms`, got <= limit ? 'yes' : '**no**'];
  });

  return [
    {
      title: 'Start-up: fresh node processes, wall time from spawn to exit',
      markdown: [
        ...notes,
        timingTable(ms, 'ms'),
        table(['target (median)', 'measured', 'target', 'met'], targetRows),
        config.quick ? '_--quick: two repetitions, no warm-up; the numbers mean little._' : '',
      ].filter((s) => s !== '').join('\n\n'),
    },
  ];
}
