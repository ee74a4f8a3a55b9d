/**
 * bin/eventfuse.mjs runs dist/ when it is current and src/ (through tsx) otherwise; the choice
 * is bin/build-state.mjs's, tested here as a pure function and end to end on a made-up layout.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildToRun, chooseBuild, mtimeRange } from '../../bin/build-state.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('chooseBuild: dist when it is newer than every source, src otherwise', () => {
  assert.is(chooseBuild({ srcNewest: 100, distOldest: 200 }), 'dist');
  assert.is(chooseBuild({ srcNewest: 200, distOldest: 100 }), 'src', 'a source changed after the build');
  assert.is(chooseBuild({ srcNewest: 100, distOldest: 100 }), 'src', 'a tie is not proof of a current build');
  assert.is(chooseBuild({ srcNewest: 100, distOldest: undefined }), 'src', 'never built');
  assert.is(chooseBuild({ srcNewest: undefined, distOldest: 100 }), 'dist', 'an installed package has no src/');
  assert.is(chooseBuild({ srcNewest: undefined, distOldest: undefined }), 'dist');
});

/** A checkout's shape: bin/, src/cli (help.js, a main.ts that says 'src'), node_modules for tsx. */
function layout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eventfuse-bin-'));
  for (const file of ['bin/eventfuse.mjs', 'bin/build-state.mjs', 'src/cli/help.js']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'src/cli/main.ts'), "export async function main(): Promise<number> { console.log('src'); return 0; }\n");
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function build(dir: string, at: Date): void {
  mkdirSync(join(dir, 'dist/cli'), { recursive: true });
  writeFileSync(join(dir, 'dist/cli/main.js'), "export async function main() { console.log('dist'); return 0; }\n");
  utimesSync(join(dir, 'dist/cli/main.js'), at, at);
}

const run = (dir: string): string => {
  const r = spawnSync(process.execPath, [join(dir, 'bin/eventfuse.mjs'), 'coba'], { cwd: dir, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim();
};

test('the bin runs src/ until dist/ is built, dist/ while it is current, src/ again after a source change', () => {
  const dir = layout();
  try {
    const past = new Date(Date.now() - 60_000);
    for (const f of ['src/cli/help.js', 'src/cli/main.ts']) utimesSync(join(dir, f), past, past);
    assert.is(run(dir), 'src', 'no dist/');
    build(dir, new Date(Date.now() - 30_000));
    assert.is(buildToRun(dir), 'dist');
    assert.is(run(dir), 'dist', 'dist/ built after the last source change');
    utimesSync(join(dir, 'src/cli/main.ts'), new Date(), new Date());
    assert.is(buildToRun(dir), 'src');
    assert.is(run(dir), 'src', 'a source changed after the build');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mtimeRange: newest and oldest file times under a folder; undefined for a missing or empty one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventfuse-mtime-'));
  try {
    assert.is(mtimeRange(join(dir, 'missing')), undefined);
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    assert.is(mtimeRange(dir), undefined, 'folders alone hold no file');
    writeFileSync(join(dir, 'a/x'), '');
    writeFileSync(join(dir, 'a/b/y'), '');
    utimesSync(join(dir, 'a/x'), new Date(1_000_000), new Date(1_000_000));
    utimesSync(join(dir, 'a/b/y'), new Date(2_000_000), new Date(2_000_000));
    assert.equal(mtimeRange(dir), { newest: 2_000_000, oldest: 1_000_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
