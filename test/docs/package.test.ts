/**
 * The package as a new user meets it: `npm ci` installs nothing that compiles for minutes (no
 * 'gl'), the webgl mode's error says how to opt in, and the benchmark models are a typed
 * subpath export ('eventfuse/models') that resolves, from a project that installed eventfuse,
 * to dist/ and its .d.ts files.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BackendUnavailableError } from '../../src/errors.js';
import { loadWebGL } from '../../src/backends/gpujs/gpu-loader.js';
import { builtPackage, ROOT, scratchProject } from './scratch.js';

builtPackage();

const readJson = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;
const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'bundledDependencies'];
const names = (field: unknown): string[] =>
  Array.isArray(field) ? field.map(String) : field !== null && typeof field === 'object' ? Object.keys(field) : [];

test("package.json lists 'gl' in no dependency field (nor does the lockfile's root)", () => {
  const pkg = readJson('package.json');
  for (const field of FIELDS) assert.not.ok(names(pkg[field]).includes('gl'), `'gl' in package.json ${field}`);
  const lock = readJson('package-lock.json') as { packages?: Record<string, Record<string, unknown>> };
  const rootEntry = lock.packages?.[''] ?? {};
  for (const field of FIELDS) assert.not.ok(names(rootEntry[field]).includes('gl'), `'gl' in the lockfile root's ${field}`);
});

test("npm skips optional packages (gpu.js's own optional 'gl'): .npmrc omits them", () => {
  const rc = readFileSync(join(ROOT, '.npmrc'), 'utf8').split('\n').map((l) => l.trim());
  assert.ok(rc.includes('omit=optional'), '.npmrc has no omit=optional line');
});

/** Is the optional 'gl' package installed beside gpu.js? CI installs it. */
function glInstalled(): boolean {
  try {
    createRequire(createRequire(join(ROOT, 'package.json')).resolve('gpu.js')).resolve('gl');
    return true;
  } catch {
    return false;
  }
}

// The message is checked where 'gl' is missing; where it is installed the test is a visible skip.
(glInstalled() ? test.skip : test)("webgl without 'gl' installed names `npm i gl` and xvfb-run", () => {
  try {
    loadWebGL();
    assert.unreachable('webgl started without gl');
  } catch (e) {
    assert.instance(e, BackendUnavailableError);
    assert.match((e as Error).message, '`npm i gl`');
    assert.match((e as Error).message, 'xvfb-run -a');
  }
});

test("'eventfuse' and 'eventfuse/models' resolve through exports to dist/, with types, from a project that installed eventfuse", async () => {
  const scratch = scratchProject('eventfuse-package-');
  try {
    const consumer = join(scratch.dir, 'consumer.ts');
    writeFileSync(consumer, [
      `import * as ef from 'eventfuse';`,
      `import { brette, simulate, PARAMS, type Network } from 'eventfuse/models';`,
      `const net: Network = brette({ model: 'coba', neurons: 100, seed: 3 });`,
      `const v: ef.LazyArray = ef.scalar(1, 'mV');`,
      `export const used = [net, v, simulate, PARAMS] as const;`,
      '',
    ].join('\n'));
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
      strict: true, noEmit: true, types: [], skipLibCheck: true,
    };
    for (const [spec, dts] of [['eventfuse', 'dist/index.d.ts'], ['eventfuse/models', 'dist/models/index.d.ts']] as const) {
      const r = ts.resolveModuleName(spec, consumer, options, ts.sys);
      assert.is(r.resolvedModule?.resolvedFileName, join(ROOT, dts), `types of '${spec}'`);
    }
    const program = ts.createProgram([consumer], options);
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    assert.equal(errors, [], 'the consumer does not type-check');

    // And at run time, through Node's own resolution (the symlinked package resolves to its real path).
    const probe = join(scratch.dir, 'probe.mjs');
    writeFileSync(probe, `export const urls = [import.meta.resolve('eventfuse'), import.meta.resolve('eventfuse/models')];\n`);
    const { urls } = (await import(pathToFileURL(probe).href)) as { urls: string[] };
    assert.equal(urls, [pathToFileURL(join(ROOT, 'dist/index.js')).href, pathToFileURL(join(ROOT, 'dist/models/index.js')).href]);
  } finally {
    scratch.remove();
  }
});

test.run();
