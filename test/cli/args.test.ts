/** The command-line parser (src/cli/args.ts): defaults, units, and every usage error. */
import { totalmem } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from 'fp-ts/lib/Either.js';
import { parseArgs, parseTime, type CliOptions } from '../../src/cli/args.js';

function ok(argv: string[]): CliOptions {
  const r = parseArgs(argv);
  if (E.isLeft(r)) throw new Error(`expected ${JSON.stringify(argv)} to parse, got: ${r.left.message}`);
  if (r.right.kind !== 'run') throw new Error(`expected a run for ${JSON.stringify(argv)}`);
  return r.right.options;
}

function fails(argv: string[], message: string | RegExp): void {
  const r = parseArgs(argv);
  if (E.isRight(r)) return assert.unreachable(`expected ${JSON.stringify(argv)} to fail, got ${JSON.stringify(r.right)}`);
  if (typeof message === 'string') assert.is(r.left.message, message, JSON.stringify(argv));
  else assert.match(r.left.message, message, JSON.stringify(argv));
  assert.is(r.left.name, 'UsageError');
}

test('defaults: 4000 neurons, 10 s at 0.1 ms (100000 steps), csr, cpu, seed 1, no raster, text output', () => {
  const o = ok(['coba']);
  assert.equal(o, { model: 'coba', neurons: 4000, durationMs: 10000, dtMs: 0.1, steps: 100000, conn: 'csr', backend: 'cpu', gpuMode: 'webgl', seed: 1, json: false, maxMemory: totalmem() });
});

test('every option, as separate words and as --name=value', () => {
  const a = ok(['cuba', '--neurons', '200', '--duration', '20ms', '--dt', '0.05ms', '--conn', 'jitc', '--backend', 'gpujs', '--gpu-mode', 'webgpu', '--seed', '42', '--raster', 'out.svg', '--max-memory', '2GiB', '--json']);
  assert.equal(a, { model: 'cuba', neurons: 200, durationMs: 20, dtMs: 0.05, steps: 400, conn: 'jitc', backend: 'gpujs', gpuMode: 'webgpu', seed: 42, raster: 'out.svg', json: true, maxMemory: 2 ** 31 });
  const b = ok(['--neurons=200', '--duration=20ms', '--dt=0.05ms', '--conn=jitc', '--backend=gpujs', '--gpu-mode=webgpu', '--seed=42', '--raster=out.svg', '--max-memory=2GiB', '--json', 'cuba']);
  assert.equal(b, a);
});

test('durations in any time unit, with or without a space, read through the library units', () => {
  const cases: [string, number][] = [['10s', 10000], ['1000ms', 1000], ['0.5 s', 500], ['.25s', 250], ['1e3 ms', 1000], ['2500us', 2.5], ['1min', 60000]];
  for (const [text, ms] of cases) {
    const r = parseTime('--duration', text, '10s or 250ms');
    assert.ok(E.isRight(r), text);
    if (E.isRight(r)) assert.ok(Math.abs(r.right - ms) < 1e-9 * ms, `${text}: ${r.right} ms, expected ${ms}`);
  }
  assert.is(ok(['coba', '--duration', '0.5 s']).steps, 5000);
  assert.is(ok(['coba', '--dt', '100us', '--duration', '1ms']).steps, 10);
});

test('steps = round(duration / dt)', () => {
  assert.is(ok(['coba', '--duration', '1ms', '--dt', '0.3ms']).steps, 3);
  assert.is(ok(['coba', '--duration', '1ms', '--dt', '0.4ms']).steps, 3); // 2.5 rounds up
  assert.is(ok(['coba', '--duration', '20ms']).steps, 200);
  assert.is(ok(['coba', '--duration', '0.06ms']).steps, 1);
});

test('a duration without a unit or with a non-time unit is an error naming the text', () => {
  fails(['coba', '--duration', '10 mV'], "--duration: expected a time such as 10s or 250ms, got '10 mV'");
  fails(['coba', '--duration', '10'], "--duration: expected a time such as 10s or 250ms, got '10'");
  fails(['coba', '--duration', '10S'], "--duration: expected a time such as 10s or 250ms, got '10S'"); // siemens
  fails(['coba', '--duration', 'ten s'], "--duration: expected a time such as 10s or 250ms, got 'ten s'");
  fails(['coba', '--duration', '5 furlongs'], "--duration: expected a time such as 10s or 250ms, got '5 furlongs'");
  fails(['coba', '--duration', 'ms'], "--duration: expected a time such as 10s or 250ms, got 'ms'");
  fails(['coba', '--dt', '0.1'], "--dt: expected a time such as 0.1ms, got '0.1'");
  fails(['coba', '--dt', '0.1 Hz'], "--dt: expected a time such as 0.1ms, got '0.1 Hz'");
});

test('times must be positive, and the run at least one step long', () => {
  fails(['coba', '--duration', '0s'], "--duration: expected a positive time, got '0s'");
  fails(['coba', '--duration', '-1s'], "--duration: expected a positive time, got '-1s'");
  fails(['coba', '--dt', '0ms'], "--dt: expected a positive time, got '0ms'");
  fails(['coba', '--duration', '0.04ms'], '--duration 0.04ms is shorter than half a time step (--dt 0.1ms): expected at least 1 step');
});

test('neurons: an integer of at least 10, as digits or in exponent form', () => {
  assert.is(ok(['coba', '--neurons', '10']).neurons, 10);
  assert.is(ok(['coba', '--neurons', '4e3']).neurons, 4000);
  assert.is(ok(['coba', '--neurons', '1e6']).neurons, 1_000_000);
  assert.is(ok(['coba', '--neurons', '2.5E3']).neurons, 2500);
  for (const bad of ['9', '0', '-5', '4000.5', '4.0005e3', '1e-3', '1e400', 'many', ' 40', '0x10']) {
    fails(['coba', '--neurons', bad], `--neurons: expected an integer of at least 10 (so that both populations exist), got '${bad}'`);
  }
});

test('max-memory: bytes, or a size with a decimal or binary unit', () => {
  const cases: [string, number][] = [['1000', 1000], ['1e9', 1e9], ['500MB', 5e8], ['4GiB', 4 * 2 ** 30], ['1.5 kib', 1536], ['2TB', 2e12]];
  for (const [text, bytes] of cases) assert.is(ok(['coba', '--max-memory', text]).maxMemory, bytes, text);
  for (const bad of ['0', '-1GB', '4XB', 'lots', '1e400']) {
    fails(['coba', '--max-memory', bad], `--max-memory: expected a positive size such as 4GiB, 500MB or 1e9 (bytes), got '${bad}'`);
  }
});

test('seed: an integer in [0, 2^32 − 1]', () => {
  assert.is(ok(['coba', '--seed', '0']).seed, 0);
  assert.is(ok(['coba', '--seed', '1e3']).seed, 1000);
  assert.is(ok(['coba', '--seed', '4294967295']).seed, 4294967295);
  for (const bad of ['4294967296', '-1', '1.5', 'x']) {
    fails(['coba', '--seed', bad], `--seed: expected an integer in [0, 4294967295], got '${bad}'`);
  }
});

test('conn and backend: one of their names', () => {
  for (const c of ['csr', 'jitc', 'fixed'] as const) assert.is(ok(['coba', '--conn', c]).conn, c);
  for (const b of ['cpu', 'wasm', 'gpujs', 'reference'] as const) assert.is(ok(['coba', '--backend', b]).backend, b);
  assert.is(ok(['coba', '--backend=wasm']).backend, 'wasm');
  fails(['coba', '--conn', 'dense'], "--conn: expected csr, jitc or fixed, got 'dense'");
  fails(['coba', '--backend', 'cuda'], "--backend: expected cpu, wasm, gpujs or reference, got 'cuda'");
  assert.is(ok(['coba', '--backend', 'gpujs', '--gpu-mode', 'webgpu']).gpuMode, 'webgpu');
  assert.is(ok(['coba', '--backend', 'gpujs']).gpuMode, 'webgl');
  fails(['coba', '--backend', 'gpujs', '--gpu-mode', 'cuda'], "--gpu-mode: expected webgl, webgpu or cpu, got 'cuda'");
  fails(['coba', '--gpu-mode', 'cpu'], '--gpu-mode applies to --backend gpujs only; got --backend cpu');
  fails(['coba', '--backend', 'wasm', '--gpu-mode', 'cpu'], '--gpu-mode applies to --backend gpujs only; got --backend wasm');
});

test('threads: an integer from 1 to 256, with --backend wasm only', () => {
  assert.is(ok(['coba', '--backend', 'wasm', '--threads', '2']).threads, 2);
  assert.is(ok(['coba', '--backend', 'wasm', '--threads=1']).threads, 1);
  assert.is(ok(['coba', '--backend', 'wasm']).threads, undefined);
  for (const bad of ['0', '-1', '1.5', '257', 'two']) fails(['coba', '--backend', 'wasm', '--threads', bad], `--threads: expected an integer from 1 to 256, got '${bad}'`);
  fails(['coba', '--threads', '2'], '--threads applies to --backend wasm only; got --backend cpu');
});

test('precision: float64 or float32, with --backend wasm only', () => {
  assert.is(ok(['coba', '--backend', 'wasm', '--precision', 'float32']).precision, 'float32');
  assert.is(ok(['coba', '--backend', 'wasm']).precision, undefined);
  fails(['coba', '--backend', 'wasm', '--precision', 'half'], "--precision: expected float64 or float32, got 'half'");
  fails(['coba', '--precision', 'float32'], '--precision applies to --backend wasm only; got --backend cpu');
});

test('model: exactly one of coba, cuba', () => {
  fails([], 'missing model: expected coba or cuba');
  fails(['--neurons', '100'], 'missing model: expected coba or cuba');
  fails(['hh'], "unknown model 'hh': expected coba or cuba");
  fails(['COBA'], "unknown model 'COBA': expected coba or cuba");
  fails(['coba', 'cuba'], "expected one model, got 'coba', 'cuba'");
});

test('unknown flags, missing values, duplicates and values on boolean flags', () => {
  fails(['coba', '--neuron', '100'], "unknown option '--neuron'");
  fails(['coba', '-n', '100'], "unknown option '-n' (options are written --name, e.g. --neurons 4000)");
  fails(['coba', '--neurons'], '--neurons: missing value');
  fails(['coba', '--neurons', '--json'], '--neurons: missing value');
  fails(['coba', '--duration='], '--duration: missing value');
  fails(['coba', '--raster'], '--raster: missing value');
  fails(['coba', '--seed', '1', '--seed', '2'], '--seed given more than once');
  fails(['coba', '--json', '--json'], '--json given more than once');
  fails(['coba', '--seed=1', '--seed', '1'], '--seed given more than once');
  fails(['coba', '--json=yes'], "--json takes no value, got '--json=yes'");
});

test('a value split from its unit by an unquoted space: say so, and how to write it', () => {
  const quote = (flag: string, value: string, unit: string): string =>
    `--${flag}: got '${value}' followed by '${unit}'; write --${flag} ${value}${unit} or quote it: --${flag} '${value} ${unit}'`;
  fails(['coba', '--duration', '10', 'ms'], quote('duration', '10', 'ms'));
  // before the model: the stray unit would otherwise be taken for the model
  fails(['--duration', '10', 'ms'], quote('duration', '10', 'ms'));
  fails(['--duration', '10', 'ms', 'cuba'], quote('duration', '10', 'ms'));
  fails(['coba', '--dt', '0.1', 'ms'], quote('dt', '0.1', 'ms'));
  fails(['--dt=0.1', 'ms', 'coba'], quote('dt', '0.1', 'ms'));
  fails(['coba', '--duration', '1', 'min', '--json'], quote('duration', '1', 'min'));
  fails(['coba', '--duration', '250', 'us'], quote('duration', '250', 'us'));
  fails(['coba', '--max-memory', '4', 'GiB'], quote('max-memory', '4', 'GiB'));
});

test('a stray word that does not complete the value is not taken for its unit', () => {
  fails(['coba', '--duration', '10', 'hh'], "expected one model, got 'coba', 'hh'");
  fails(['coba', '--duration', '10', 'mV'], "expected one model, got 'coba', 'mV'"); // not a time
  fails(['coba', '--duration', '10s', 's'], "expected one model, got 'coba', 's'"); // already has a unit
  fails(['coba', '--neurons', '10', 'ms'], "expected one model, got 'coba', 'ms'"); // not a time option
  fails(['coba', '--duration', '10', '--json', 'ms'], "expected one model, got 'coba', 'ms'"); // not next to it
  fails(['--duration', '10', 'cuba'], "--duration: expected a time such as 10s or 250ms, got '10'");
  // the model name next to a value with its unit is simply the model
  assert.is(ok(['--duration', '10ms', 'cuba']).model, 'cuba');
});

test('--help (or -h) wins over everything else, even other mistakes', () => {
  for (const argv of [['--help'], ['-h'], ['coba', '--help'], ['--bogus', '--help'], ['--help', 'nonsense']]) {
    const r = parseArgs(argv);
    assert.ok(E.isRight(r) && r.right.kind === 'help', JSON.stringify(argv));
  }
});

test('a value may start with a single dash (it is then checked like any other)', () => {
  fails(['coba', '--seed', '-3'], "--seed: expected an integer in [0, 4294967295], got '-3'");
});

test.run();
