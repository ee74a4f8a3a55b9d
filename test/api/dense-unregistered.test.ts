/**
 * A conversion whose target format module was never loaded (src/formats/hub.ts): a program
 * that loads the sparse formats' module by itself, not through eventfuse's index (a deep
 * import, or a bundler that dropped the index's side-effect import of formats/all.ts), has no
 * dense format registered, so `csr.todense()` cannot build one. It gets a typed error, one of
 * the library's (an EventfuseError), whose message names the conversion, the missing format
 * and the way it was to be built, and says how to fix it. Module registrations are global to
 * a process, so this runs in a child process of its own; through the index (this process)
 * the same conversion finds its target.
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';

const construct = new URL('../../src/formats/sparse/construct.ts', import.meta.url).href;
const errors = new URL('../../src/errors.ts', import.meta.url).href;

const CHILD = `
const { csr } = await import(${JSON.stringify(construct)});
const { EventfuseError } = await import(${JSON.stringify(errors)});
const m = csr({ indptr: [0, 1, 2], indices: [1, 0], data: [0.5, 2], shape: [2, 2] }, 'nS');
let out;
try {
  out = { returned: String(m.todense()) };
} catch (e) {
  out = { name: e.constructor.name, library: e instanceof EventfuseError, message: e.message };
}
console.log(JSON.stringify(out));
`;

test('csr.todense() without the dense module loaded: FormatNotRegisteredError naming the conversion and the fix', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], { encoding: 'utf8' });
  assert.is(r.status, 0, `child exited with ${r.status}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { name?: string; library?: boolean; message?: string; returned?: string };
  assert.is(out.returned, undefined, 'the conversion cannot succeed with no dense format registered');
  assert.is(out.name, 'FormatNotRegisteredError');
  assert.ok(out.library, 'an EventfuseError');
  assert.is(
    out.message,
    "csr.todense: no 'dense' format is registered to build from an array (its module was not loaded; " +
      'import eventfuse through its index, which loads every format through formats/all.ts)',
  );
  // through the index, every format is registered
  const m = ef.csr({ indptr: [0, 1, 2], indices: [1, 0], data: [0.5, 2], shape: [2, 2] }, 'nS');
  assert.is(String(m.todense()), 'DENSE([2, 2], float32, nS)');
});

test.run();
