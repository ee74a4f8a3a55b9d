/**
 * Doc tests: every ```ts block of README.md and docs/*.md runs, in file order, as its own
 * module, as a user of the package would run it: unmodified, from a scratch project under the
 * OS temp dir whose node_modules/eventfuse links to this checkout (test/docs/scratch.ts), so
 * `'eventfuse'` and `'eventfuse/models'` resolve through package.json's exports to the built
 * dist/ (built first when older than src/). TypeScript runs through tsx, the loader this test
 * process already has (from the checkout's node_modules).
 * - A ```text block right after a ts block (blank lines between are fine) is the block's
 *   expected console.log output, compared line by line with each line trimmed.
 * - A block that prints without such a text block fails: printed output must be shown.
 * - ```ts no-run blocks are skipped. A block that throws (or rejects) fails its test.
 * Each block is one test named file:line (the line of its opening fence), and starts on the
 * default backend whatever earlier blocks chose.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtPackage, ROOT as root, scratchProject } from './docs/scratch.js';

builtPackage();
// The copy the samples get (a symlinked package resolves to its real path): resetting the
// backend must act on this one, not on src/.
const distEntry = pathToFileURL(join(root, 'dist', 'index.js')).href;
const ef = (await import(distEntry)) as typeof import('../src/index.js');
const scratch = scratchProject('eventfuse-doctest-');

export interface DocBlock {
  readonly file: string; // relative to the repo root
  readonly line: number; // 1-based line of the opening fence
  readonly code: string;
  readonly expected: string | undefined; // the following ```text block, if any
  readonly run: boolean; // false for ```ts no-run
}

interface Fence { lang: string; flags: string[]; line: number; end: number; body: string }

/** Every fenced block of a markdown text (``` or ~~~, possibly indented). */
function fences(text: string): Fence[] {
  const lines = text.split(/\r?\n/);
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, mark, lang, rest] = open as unknown as [string, string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === mark[0] && close[1]!.length >= mark.length) break;
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    }
    out.push({ lang: lang.toLowerCase(), flags: rest.split(/\s+/).filter(Boolean), line: i + 1, end: j + 1, body: body.join('\n') });
    i = j;
  }
  return out;
}

/** The ts blocks of one markdown file, each with the text block that follows it. */
export function extractBlocks(file: string, text: string): DocBlock[] {
  const lines = text.split(/\r?\n/);
  const all = fences(text);
  return all.flatMap((f, k): DocBlock[] => {
    if (f.lang !== 'ts' && f.lang !== 'typescript') return [];
    const next = all[k + 1];
    const adjacent = next !== undefined && next.lang === 'text' &&
      lines.slice(f.end, next.line - 1).every((l) => l.trim() === '');
    return [{ file, line: f.line, code: f.body, expected: adjacent ? next.body : undefined, run: !f.flags.includes('no-run') }];
  });
}

const normalize = (s: string): string => s.split(/\r?\n/).map((l) => l.trim()).join('\n').trim();

let runs = 0;

/** Run one block as a module, capturing console.log; throws if it fails or prints the wrong text. */
export async function runBlock(block: DocBlock): Promise<void> {
  const name = `${block.file.replace(/[^\w.-]+/g, '_')}-L${block.line}.ts`;
  const path = join(scratch.dir, name);
  writeFileSync(path, `${block.code}\n`); // as written in the docs
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(format(...args));
  try {
    await import(`${pathToFileURL(path).href}?run=${++runs}`); // a fresh module each run
  } finally {
    console.log = log;
  }
  const got = normalize(printed.join('\n'));
  if (block.expected === undefined) {
    if (got !== '') throw new Error(`${block.file}:${block.line} prints output but has no \`\`\`text block after it:\n${got}`);
    return;
  }
  assert.fixture(got, normalize(block.expected), `${block.file}:${block.line}: printed output differs from its text block`);
}

/** README.md, then docs/*.md in name order. */
function docFiles(): string[] {
  let docs: string[] = [];
  try {
    docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join('docs', f));
  } catch {
    // no docs folder yet
  }
  return ['README.md', ...docs];
}

// ---------------------------------------------------------------- the harness checks itself

const fake = (code: string, expected?: string): DocBlock => ({ file: 'harness-self-test.md', line: 1, code, expected, run: true });

test('harness: ts blocks pair with a following text block; no-run is marked', () => {
  const md = ['```ts', 'a', '```', '', '```text', 'out', '```', '```ts no-run', 'b', '```', '```sh', 'c', '```'].join('\n');
  const blocks = extractBlocks('x.md', md);
  assert.equal(blocks.map((b) => [b.line, b.code, b.expected, b.run]), [[1, 'a', 'out', true], [8, 'b', undefined, false]]);
});

test('harness: samples import the built package through its exports, the same copy as the reset', async () => {
  const code = [
    `import * as ef from 'eventfuse';`,
    `import * as models from 'eventfuse/models';`,
    `console.log(import.meta.resolve('eventfuse'), import.meta.resolve('eventfuse/models'));`,
    `console.log(typeof models.brette, typeof ef.array);`,
    `(globalThis as { efSeen?: unknown }).efSeen = ef;`,
  ].join('\n');
  const urls = `${distEntry} ${pathToFileURL(join(root, 'dist', 'models', 'index.js')).href}`;
  await runBlock(fake(code, `${urls}\nfunction function`));
  assert.ok((globalThis as { efSeen?: unknown }).efSeen === ef, 'the sample got another copy of eventfuse');
  delete (globalThis as { efSeen?: unknown }).efSeen;
});

test('harness: a block that throws fails', async () => {
  await runBlock(fake(`throw new Error('boom');`)).then(
    () => assert.unreachable('a throwing block passed'),
    (e: unknown) => assert.match(String(e), 'boom'),
  );
});

test('harness: wrong output, or unshown output, fails', async () => {
  await runBlock(fake(`console.log('a')`, 'a'));
  for (const bad of [fake(`console.log('a')`, 'b'), fake(`console.log('a')`)]) {
    await runBlock(bad).then(() => assert.unreachable('a block with wrong output passed'), () => undefined);
  }
});

// ---------------------------------------------------------------- the docs

// getBackend gives the current backend's name (or, in older versions, the Backend itself).
const backendName = (): string | undefined => {
  try {
    const b: unknown = ef.getBackend();
    return typeof b === 'string' ? b : (b as { name: string }).name;
  } catch {
    return undefined; // no default backend registered yet
  }
};
const defaultBackend = backendName();
const resetBackend = (): void => {
  if (defaultBackend !== undefined) ef.setBackend(defaultBackend);
};

for (const file of docFiles()) {
  for (const block of extractBlocks(file, readFileSync(join(root, file), 'utf8'))) {
    const name = `${block.file}:${block.line}`;
    if (block.run) test(name, () => (resetBackend(), runBlock(block)));
    else test.skip(name);
  }
}

// Blocks may choose a backend: each block, and each later suite, starts from the default.
test.after(() => {
  resetBackend();
  scratch.remove();
});

test.run();
