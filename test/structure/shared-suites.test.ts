/**
 * The shared backend suites (the files scripts/test.mjs runs again in each gpujs process,
 * SHARED in scripts/test-suites.mjs) register every test through forEachBackend, so that each
 * runs on the backends of its process: a plain `test(...)` there would run on the default cpu
 * backend in every process (never on gpujs), and a backend-independent one four times. Tests
 * that need no backend live in files outside the shared suites (test/api/ and others), which
 * the cpu+reference process runs once. The rule is checked on every shared suite, and on
 * made-up files to show that the check finds what it should.
 * Not a shared backend suite: it runs once, in the cpu+reference process of scripts/test.mjs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, posix, relative, sep } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALL, SHARED } from '../../scripts/test-suites.mjs';
import { registrarViolations, sharedSuiteViolations, sharedSuites } from './shared-suites.js';

const TEST_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Every file under test/, as a POSIX path relative to it (what uvu matches the patterns on). */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    return e.isDirectory() ? listFiles(full) : [relative(TEST_DIR, full).split(sep).join(posix.sep)];
  });
}
const FILES = listFiles(TEST_DIR);
const SHARED_FILES = sharedSuites(FILES, SHARED);

/**
 * Helpers that register the tests of a shared suite for it, with the file (under test/) that
 * defines each: forEachBackend itself, and the fuzz tables' helpers, which must hand the test
 * on to forEachBackend only (checked below).
 */
const REGISTRARS: Readonly<Record<string, string>> = { forEachBackend: 'helpers/suite.ts', fuzzCases: 'fuzz/run.ts', fuzzSafe: 'fuzz/run.ts' };
const REGISTRAR_NAMES = Object.keys(REGISTRARS);

const violationsOf = (text: string): string[] => sharedSuiteViolations(text).map((v) => `${v.line}: ${v.code}`);

test('the shared suites are found: SHARED names test files under the usual folders, and the cpu+reference process runs every test file', () => {
  assert.ok(SHARED_FILES.length >= 30, `only ${SHARED_FILES.length} shared suites found under ${TEST_DIR}`);
  for (const f of ['ir/broadcast.test.ts', 'formats/jitc.test.ts', 'gpujs/backend.test.ts', 'fusion/random-graphs.test.ts']) {
    assert.ok(SHARED_FILES.includes(f), `${f} is not a shared suite`);
  }
  const all = new RegExp(ALL, 'i');
  assert.ok(SHARED_FILES.every((f) => all.test(f)), 'every shared suite also runs in the cpu+reference process');
  // the folders that hold the tests moved out of the shared suites are not shared, and still run once
  const moved = FILES.filter((f) => /^(api|cpu)\//.test(f) && f.endsWith('.test.ts'));
  assert.ok(moved.some((f) => f.startsWith('api/')) && moved.some((f) => f.startsWith('cpu/')), `no test files under api/ and cpu/: ${moved.join(', ')}`);
  for (const f of moved) {
    assert.not.ok(SHARED_FILES.includes(f), `${f} would run in every gpujs process`);
    assert.ok(all.test(f), `${f} is not run by the cpu+reference process`);
  }
  assert.equal(sharedSuites(['api/x.test.ts', 'cpu/y.test.ts', 'ir/z.test.ts', 'IR/w.test.ts', 'fusion/plan.test.ts', 'ir/helper.ts'], SHARED), ['ir/z.test.ts', 'IR/w.test.ts'],
    'matched as uvu matches: relative paths, case-insensitive');
});

test('every test of a shared suite is registered through forEachBackend', () => {
  const found = SHARED_FILES.flatMap((f) => sharedSuiteViolations(readFileSync(join(TEST_DIR, f), 'utf8'), f, REGISTRAR_NAMES).map((v) => ({ ...v, at: `test/${f}:${v.line}` })));
  const whys = [...new Set(found.map((v) => v.why))];
  const lines = found.map((v) => `  ${v.at}: ${v.code}  [${whys.indexOf(v.why) + 1}]`);
  assert.ok(found.length === 0, `shared suites with tests that do not run on each backend of their process:\n${lines.join('\n')}\n${whys.map((w, i) => `[${i + 1}] ${w}`).join('\n')}`);
});

test('the helpers that register shared-suite tests (fuzzCases, fuzzSafe) hand their test to forEachBackend only', () => {
  const failures = Object.entries(REGISTRARS).filter(([name]) => name !== 'forEachBackend').flatMap(([name, file]) =>
    registrarViolations(readFileSync(join(TEST_DIR, file), 'utf8'), name, ['forEachBackend'], file).map((v) => `test/${file}:${v.line}: ${v.code}: ${v.why}`));
  assert.equal(failures, []);
});

// ------------------------------------------------------------------ the check, on made-up files

const HEADER = "import { test } from 'uvu';\nimport { forEachBackend } from '../helpers/suite.js';\n";

test('made up: forEachBackend(test, ...) and test.run() pass; so do comments and strings that mention test(', () => {
  const ok = `${HEADER}
// test('in a comment', () => {});
const note = "test('in a string')";
forEachBackend(test, 'on every backend', (backend) => {});
forEachBackend(test, 'skipped where it cannot run', () => {}, { skip: (b) => (b === 'reference' ? 'why' : undefined) });
for (const k of [1, 2]) forEachBackend(test, \`case \${k}\`, () => {});
const other = { test: 1 };
other.test;
test.run();
`;
  assert.equal(violationsOf(ok), []);
});

test('made up: a plain test(), test.skip(), test.only() and a registration-time choice of skip are each found, with their line', () => {
  const bad = `${HEADER}
test('plain', () => {});
test.skip('skipped', () => {});
test.only('only', () => {});
(process.env.X ? test.skip : test)('chosen', () => {});
for (const b of ['cpu', 'reference']) {
  test(\`[\${b}] in a loop\`, () => {});
}
if (true) test('in a block', () => {});
test.run();
`;
  assert.equal(violationsOf(bad), [
    "4: test('plain', () => {})",
    "5: test.skip('skipped', () => {})",
    "6: test.only('only', () => {})",
    "7: (process.env.X ? test.skip : test)('chosen', () => {})",
    '9: test(`[${b}] in a loop`, () => {})',
    "11: test('in a block', () => {})",
  ]);
});

test('made up: test under another name, handed to another helper, or a second uvu suite are found', () => {
  const renamed = "import { test as it } from 'uvu';\nit('renamed', () => {});\nit.run();\n";
  assert.equal(violationsOf(renamed), ["2: it('renamed', () => {})"]);
  const handed = `${HEADER}const t = test;\nt('via an alias', () => {});\nmyHelper(test, 'title');\nforEachBackend(() => {}, test);\nconst o = { test };\n`;
  assert.equal(violationsOf(handed), ['3: t = test', "5: myHelper(test, 'title')", '6: forEachBackend(() => {}, test)', '7: { test }']);
  const suite = "import { suite, test } from 'uvu';\nconst s = suite('x');\ns('inside', () => {});\n";
  assert.equal(violationsOf(suite), ['1: suite']);
  const namespace = "import * as uvu from 'uvu';\nuvu.test('via the namespace', () => {});\n";
  assert.equal(violationsOf(namespace), ["1: import * as uvu from 'uvu';"]);
  // a type-only import of uvu is no use of test
  assert.equal(violationsOf("import type { Test } from 'uvu';\nconst t: Test | undefined = undefined;\n"), []);
});

test('made up: a registering helper passes only when it hands its test to forEachBackend', () => {
  const good = "export function cases(test: Test, xs: string[]): void {\n  for (const x of xs) forEachBackend(test, x, () => {});\n}\n";
  assert.equal(registrarViolations(good, 'cases'), []);
  const bad = "export function cases(test: Test, xs: string[]): void {\n  for (const x of xs) test(x, () => {});\n}\n";
  assert.equal(registrarViolations(bad, 'cases').map((v) => `${v.line}: ${v.code}`), ['2: test(x, () => {})']);
  const arrow = "export const cases = (t: Test): void => { forEachBackend(t, 'a', () => {}); t.skip('b', () => {}); };\n";
  assert.equal(registrarViolations(arrow, 'cases').map((v) => v.code), ["t.skip"]);
  assert.equal(registrarViolations(good, 'missing').map((v) => v.why), ['no function missing in helper.ts']);
  // and a suite may hand test to a registrar only when it is listed as one
  const suite = `${HEADER}import { cases } from './run.js';\ncases(test, ['x']);\n`;
  assert.equal(violationsOf(suite), ["4: cases(test, ['x'])"]);
  assert.equal(sharedSuiteViolations(suite, 'x.test.ts', ['forEachBackend', 'cases']), []);
});

test('made up: a whole made-up shared suite among real paths fails the check the way a real one would', () => {
  // the path is shared (so the check reads it) and the file breaks the rule
  const path = 'formats/made-up.test.ts';
  assert.equal(sharedSuites([path], SHARED), [path]);
  const text = `${HEADER}import * as ef from '../../src/index.js';\n\ntest('sums on the default backend only', () => {\n  ef.array([1, 2]).sum().dataSync();\n});\n\ntest.run();\n`;
  const v = sharedSuiteViolations(text, path);
  assert.is(v.length, 1);
  assert.is(v[0]!.line, 5);
  assert.match(v[0]!.why, /forEachBackend/);
});

test.run();
