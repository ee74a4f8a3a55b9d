/**
 * The `eventfuse` command end to end: `node bin/eventfuse.mjs ...` in a child process (each
 * starts tsx, about a second), plus a few in-process checks of main() with fake streams.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { PARAMS } from '../../src/models/index.js';
import { DT_FRACTION, dtWarning, fastestTimeConstant, roundDown } from '../../src/cli/advice.js';
import { jsonSummary, main, progressBar, roundSeconds, type CliIO, type Summary } from '../../src/cli/main.js';

const ROOT = new URL('../../', import.meta.url);
const BIN = new URL('bin/eventfuse.mjs', ROOT).pathname;

interface Run { status: number | null; stdout: string; stderr: string }
function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT.pathname, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Json {
  model: string; backend: string; mode: string | null; conn: string; neurons: number; synapses: number; synapsesExact: boolean;
  spikes: number; steps: number; seed: number; dtMs: number; simulatedSeconds: number; wallSeconds: number;
  realTimeFactor: number; rateHz: number; synapticEventsPerSecond: number; rasterPath?: string;
}
const FIELDS = ['model', 'backend', 'mode', 'conn', 'neurons', 'synapses', 'synapsesExact', 'spikes', 'steps', 'seed',
  'simulatedSeconds', 'wallSeconds', 'realTimeFactor', 'rateHz', 'synapticEventsPerSecond'] as const;

const close = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);
/** At most `digits` significant digits: what rounding in jsonSummary promises. */
const hasDigits = (x: number, digits: number): boolean => Number(x.toPrecision(digits)) === x;
/** A JSON time to the millisecond (or one digit below a millisecond). */
const toMs = (s: number): boolean => (s >= 0.0005 ? Number.isInteger(Math.round(s * 1e9) / 1e6) : hasDigits(s, 1));
/**
 * `value`, rounded to 4 digits, is numerator / wall for some wall within the rounding of
 * `wall` to the millisecond.
 */
function perWall(value: number, numerator: number, wall: number): boolean {
  const half = wall >= 0.0005 ? 0.0005 : wall / 2;
  const [lo, hi] = [numerator / (wall + half), numerator / Math.max(wall - half, 1e-12)];
  return value >= lo * (1 - 5e-4) && value <= hi * (1 + 5e-4);
}

/** Run with --json, check the exit status, one JSON object on stdout, nothing on stderr, and the arithmetic. */
function runJson(...args: string[]): Json {
  const r = cli(...args, '--json');
  assert.is(r.status, 0, `exit status of ${args.join(' ')}: stderr ${r.stderr}`);
  assert.is(r.stderr, '', 'no progress bar or messages with --json');
  const lines = r.stdout.trim().split('\n');
  assert.is(lines.length, 1, 'exactly one line of output');
  const j = JSON.parse(lines[0]!) as Json;
  for (const f of FIELDS) assert.ok(f in j, `field ${f}`);
  for (const f of FIELDS) {
    if (f === 'mode') assert.ok(j.mode === null || typeof j.mode === 'string', 'mode: a string or null');
    else if (['model', 'backend', 'conn'].includes(f)) assert.type(j[f], 'string', f);
    else if (f === 'synapsesExact') assert.type(j[f], 'boolean', f);
    else assert.ok(typeof j[f] === 'number' && Number.isFinite(j[f] as number), `${f} is a finite number: ${j[f]}`);
  }
  assert.ok(j.spikes >= 0 && Number.isInteger(j.spikes));
  assert.ok(j.wallSeconds > 0);
  assert.ok(close(j.simulatedSeconds, (j.steps * j.dtMs) / 1000));
  // Rounded figures, still consistent within their rounding.
  assert.ok(close(j.rateHz, j.spikes / j.neurons / j.simulatedSeconds, 5e-4), `rateHz ${j.rateHz}`);
  assert.ok(perWall(j.realTimeFactor, j.simulatedSeconds, j.wallSeconds), `realTimeFactor ${j.realTimeFactor}, wall ${j.wallSeconds}`);
  assert.ok(perWall(j.synapticEventsPerSecond, j.spikes * (j.synapses / j.neurons), j.wallSeconds), 'synapticEventsPerSecond');
  assert.ok(toMs(j.wallSeconds), `wallSeconds ${j.wallSeconds} to the ms`);
  for (const f of ['rateHz', 'realTimeFactor', 'synapticEventsPerSecond'] as const) assert.ok(hasDigits(j[f], 4), `${f} ${j[f]}: 4 digits`);
  // No float noise anywhere: no number in the output has more than 12 significant digits.
  for (const [num] of lines[0]!.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)) assert.ok(hasDigits(Number(num), 12), `noise in ${num}: ${lines[0]}`);
  return j;
}

test('coba --json on a tiny network: exit 0, every field, consistent numbers', () => {
  const j = runJson('coba', '--neurons', '200', '--duration', '20ms');
  assert.is(j.model, 'coba');
  assert.is(j.backend, 'cpu');
  assert.is(j.mode, null, 'mode is null (present, with the same keys as gpujs runs) for other backends');
  assert.ok('mode' in j);
  assert.is(j.conn, 'csr');
  assert.is(j.neurons, 200);
  assert.is(j.steps, 200);
  assert.is(j.seed, 1);
  assert.ok(close(j.simulatedSeconds, 0.02));
  assert.is(j.synapsesExact, true);
  assert.ok(j.synapses > 0 && Number.isInteger(j.synapses));
});

test('the same seed gives the same spikes', () => {
  const a = runJson('coba', '--neurons', '200', '--duration', '20ms', '--seed', '7');
  const b = runJson('coba', '--neurons', '200', '--duration', '20ms', '--seed', '7');
  assert.is(a.spikes, b.spikes);
  assert.is(a.synapses, b.synapses);
});

test('--backend wasm runs the network in WebAssembly with the cpu backend\'s spikes, bit for bit', () => {
  const args = ['coba', '--neurons', '200', '--duration', '20ms'];
  const cpu = runJson(...args, '--backend', 'cpu');
  const wasm = runJson(...args, '--backend', 'wasm');
  assert.is(cpu.backend, 'cpu');
  assert.is(wasm.backend, 'wasm');
  assert.is(wasm.mode, null, 'mode is null for backends other than gpujs');
  assert.equal(Object.keys(wasm), Object.keys(cpu), 'the same keys, in the same order');
  // the wasm backend computes with the cpu's numerics exactly: not close, equal
  assert.is(wasm.spikes, cpu.spikes, `spikes: cpu ${cpu.spikes}, wasm ${wasm.spikes}`);
  assert.is(wasm.synapses, cpu.synapses);
  assert.is(wasm.steps, cpu.steps);
});

test('--threads 2 splits the large stages over two threads: the same spikes as one thread', () => {
  // 20,000 neurons: the loop and the products are above the size at which stages are split
  const args = ['coba', '--neurons', '20000', '--duration', '10ms', '--backend', 'wasm'];
  const one = runJson(...args, '--threads', '1');
  const two = runJson(...args, '--threads', '2');
  assert.ok(one.spikes > 0, `the network spikes (${one.spikes}), so the comparison means something`);
  assert.is(two.spikes, one.spikes, `spikes: 1 thread ${one.spikes}, 2 threads ${two.spikes}`);
  assert.is(two.rateHz, one.rateHz);
});

test('cuba with --raster writes an SVG under the temp folder and reports its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventfuse-cli-'));
  try {
    const path = join(dir, 'raster.svg');
    const j = runJson('cuba', '--neurons', '150', '--duration', '30ms', '--raster', path);
    assert.is(j.model, 'cuba');
    assert.is(j.rasterPath, path);
    assert.ok(existsSync(path));
    const svg = readFileSync(path, 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    // only the first 100 of 150 neurons are drawn, so at most all the spikes
    const marks = (svg.match(/class="spike"/g) ?? []).length;
    assert.ok(marks <= j.spikes, `${marks} marks, ${j.spikes} spikes`);
    assert.match(svg, /first 100 of 150 neurons/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [model, conn] of [['coba', 'jitc'], ['coba', 'fixed'], ['cuba', 'jitc'], ['cuba', 'fixed']] as const) {
  test(`${model} --conn ${conn} runs`, () => {
    const j = runJson(model, '--neurons', '200', '--duration', '10ms', '--conn', conn);
    assert.is(j.model, model);
    assert.is(j.conn, conn);
    assert.is(j.steps, 100);
    assert.is(j.synapsesExact, conn !== 'jitc');
  });
}

test('the text summary names every quantity, and says "expected" for JITC synapses', () => {
  const r = cli('coba', '--neurons', '200', '--duration', '10ms', '--conn', 'jitc');
  assert.is(r.status, 0, r.stderr);
  for (const word of ['model', 'backend', 'neurons', 'synapses', 'simulated time', 'wall time', 'real-time factor', 'mean rate', 'spikes', 'synaptic events']) {
    assert.ok(r.stdout.includes(word), `summary mentions ${word}:\n${r.stdout}`);
  }
  assert.match(r.stdout, /synapses\s+[\d,]+ expected/);
  assert.match(r.stdout, /100 steps of 0\.1 ms/);
  assert.is(r.stderr, '', 'no progress bar when stderr is not a terminal');
});

test('a bad argument: exit 2, the message and a hint on stderr, nothing on stdout', () => {
  const r = cli('coba', '--duration', '10 mV');
  assert.is(r.status, 2);
  assert.is(r.stdout, '');
  assert.is(r.stderr, "eventfuse: --duration: expected a time such as 10s or 250ms, got '10 mV'\nRun 'eventfuse --help' for usage.\n");
  const u = cli('hh');
  assert.is(u.status, 2);
  assert.match(u.stderr, /unknown model 'hh'/);
  const split = cli('coba', '--duration', '10', 'ms');
  assert.is(split.status, 2);
  assert.is(split.stdout, '');
  assert.is(split.stderr, "eventfuse: --duration: got '10' followed by 'ms'; write --duration 10ms or quote it: --duration '10 ms'\nRun 'eventfuse --help' for usage.\n");
});

test('--help: exit 0, usage on stdout', () => {
  const r = cli('--help');
  assert.is(r.status, 0);
  assert.match(r.stdout, /Usage:\n {2}eventfuse coba\|cuba \[options\]/);
  assert.match(r.stdout, /--json .*\n.*"backend" and "mode" \(the gpu\.js mode; null for other backends\)/);
  assert.match(r.stdout, /--dt T .*a tenth of\n.*fastest time constant .*warning/);
});

test('the bin answers --help and -h itself, with exactly what main() prints', async () => {
  const io = fakeIO(false);
  assert.is(await main(['--help'], io), 0);
  for (const flag of ['--help', '-h']) {
    const r = cli('coba', '--bogus', flag);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, io.out, flag);
    assert.is(r.stderr, '');
  }
  const after = cli('coba', '--', '--help');
  assert.is(after.status, 2, 'after --, --help is an argument, not a request for help');
});

test('--help loads neither tsx nor the library: it works where neither could load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventfuse-help-'));
  try {
    for (const file of ['bin/eventfuse.mjs', 'src/cli/help.js']) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(new URL(file, ROOT), join(dir, file));
    }
    // A checkout's shape, but no node_modules (no tsx) and a main.ts that fails if loaded.
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'src/cli/main.ts'), "throw new Error('main.ts was loaded');\n");
    const r = spawnSync(process.execPath, [join(dir, 'bin/eventfuse.mjs'), '-h'], { cwd: dir, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage:/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ in-process

function fakeIO(tty: boolean): CliIO & { out: string; err: string; clock: { t: number } } {
  const clock = { t: 0 };
  const io = {
    out: '', err: '', clock,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
    stderrIsTTY: tty,
    now: () => clock.t,
  };
  return io;
}

/** main() chooses a backend; put the previous one back so other suites are not affected. */
async function keepingBackend<T>(fn: () => Promise<T>): Promise<T> {
  // getBackend() gives the name, or (in older versions) the backend object.
  const current: unknown = ef.getBackend();
  const previous = typeof current === 'string' ? current : (current as { name: string }).name;
  try {
    return await fn();
  } finally {
    ef.setBackend(previous);
  }
}

test('--backend gpujs --gpu-mode cpu runs the network on gpu.js and fires like the cpu backend', async () => {
  const args = ['coba', '--neurons', '200', '--duration', '20ms', '--json'];
  const cpu = fakeIO(false);
  assert.is(await keepingBackend(() => main(args, cpu)), 0);
  const gpu = fakeIO(false);
  assert.is(await keepingBackend(() => main([...args, '--backend', 'gpujs', '--gpu-mode', 'cpu'], gpu)), 0, gpu.err);
  const [a, b] = [JSON.parse(cpu.out) as Json, JSON.parse(gpu.out) as Json];
  assert.is(a.backend, 'cpu');
  assert.is(a.mode, null);
  assert.is(b.backend, 'gpujs');
  assert.is(b.mode, 'cpu');
  assert.equal(Object.keys(a), Object.keys(b), 'the same keys, in the same order, on every backend');
  const text = fakeIO(false);
  assert.is(await keepingBackend(() => main(['coba', '--neurons', '100', '--duration', '2ms', '--backend', 'gpujs', '--gpu-mode', 'cpu'], text)), 0, text.err);
  assert.match(text.out, /\n {2}backend +gpujs, mode cpu\n/);
  // float32 rounding may move a spike by a step, not change the network's activity
  assert.ok(Math.abs(a.spikes - b.spikes) <= Math.max(3, 0.05 * a.spikes), `spikes: cpu ${a.spikes}, gpujs ${b.spikes}`);
});

// webgl starts where a display exists: there it has nothing to refuse (decided here, so it is reported as a skip)
const DISPLAY = process.env['DISPLAY'];
(DISPLAY ? test.skip : test)(`a gpujs mode that cannot start is a usage error (exit 2) saying what it needs${DISPLAY ? ` (skipped: a display exists here, DISPLAY=${DISPLAY}, so webgl may start)` : ''}`, async () => {
  const io = fakeIO(false);
  const status = await keepingBackend(() => main(['coba', '--backend', 'gpujs', '--gpu-mode', 'webgl', '--neurons', '100', '--duration', '1ms'], io));
  assert.is(status, 2);
  assert.match(io.err, /--backend gpujs: this backend cannot start here: .*xvfb-run/);
  assert.is(io.out, '');
});

test('the model\'s own limits are usage errors too (dt above 5 ms)', async () => {
  const io = fakeIO(false);
  const status = await keepingBackend(() => main(['coba', '--dt', '10ms', '--duration', '100ms', '--neurons', '100'], io));
  assert.is(status, 2);
  assert.match(io.err, /dt is 10 ms/);
});

test('a network estimated above --max-memory (default: the machine\'s memory) is refused before it is built', async () => {
  const huge = fakeIO(false);
  const start = Date.now();
  assert.is(await main(['coba', '--neurons', '2000000000'], huge), 2);
  assert.ok(Date.now() - start < 5000, 'refused at once, not after trying');
  assert.match(huge.err, /network of 2000000000 neurons with csr connectivity .* needs about [\d.]+ TiB, more than --max-memory .* \(this machine's memory\); use fewer neurons, --conn jitc/);
  const capped = fakeIO(false);
  assert.is(await main(['coba', '--neurons', '1e5', '--max-memory', '10MB'], capped), 2);
  assert.match(capped.err, /network of 100000 neurons .* needs about [\d.]+ MiB, more than --max-memory 9\.5 MiB/);
  assert.is(capped.out, '');
  // the same network under a limit it fits runs
  const fits = fakeIO(false);
  assert.is(await keepingBackend(() => main(['coba', '--neurons', '1e2', '--duration', '1ms', '--max-memory', '10MB', '--json'], fits)), 0);
  assert.is((JSON.parse(fits.out) as Json).neurons, 100);
});

test('a raster into a missing folder is refused before the run', async () => {
  const io = fakeIO(false);
  const status = await main(['coba', '--raster', join(tmpdir(), 'no-such-folder-eventfuse', 'x.svg')], io);
  assert.is(status, 2);
  assert.match(io.err, /does not exist/);
});

test('a failure during the run: exit 1 and an error message', async () => {
  const io = fakeIO(false);
  const broken: CliIO = { ...io, stdout: () => { throw new Error('stdout closed'); } };
  const status = await keepingBackend(() => main(['coba', '--neurons', '100', '--duration', '1ms'], broken));
  assert.is(status, 1);
  assert.is(io.err, 'eventfuse: error: stdout closed\n');
});

test('on a terminal, the progress bar is drawn on stderr and cleared; never with --json', async () => {
  const io = fakeIO(true);
  let t = 0;
  const ticking: CliIO = { ...io, now: () => (t += 150) }; // every call 150 ms later: every update draws
  const status = await keepingBackend(() => main(['cuba', '--neurons', '100', '--duration', '20ms'], ticking));
  assert.is(status, 0, io.err);
  assert.match(io.err, /\r\[#+\.*\] +\d+% ETA/);
  assert.match(io.err, /\[#{30}\] 100%/);
  assert.ok(io.err.endsWith('\r\x1b[K'), 'the bar is cleared at the end');
  assert.match(io.out, /mean rate/);
  const quiet = fakeIO(true);
  assert.is(await keepingBackend(() => main(['cuba', '--neurons', '100', '--duration', '5ms', '--json'], quiet)), 0);
  assert.is(quiet.err, '');
  JSON.parse(quiet.out);
});

test('the progress bar redraws at most every 100 ms, and always at the end', () => {
  const io = fakeIO(true);
  const bar = progressBar(io, 10);
  io.clock.t = 1000;
  bar.update(1, 100); // draws (first)
  io.clock.t = 1050;
  bar.update(2, 100); // too soon
  io.clock.t = 1120;
  bar.update(50, 100); // draws
  io.clock.t = 1130;
  bar.update(100, 100); // the end always draws
  const frames = io.err.split('\r').filter((f) => f.startsWith('['));
  assert.is(frames.length, 3);
  assert.match(frames[1]!, /^\[#####\.\.\.\.\.\]  50% ETA/);
  assert.match(frames[2]!, /^\[##########\] 100% ETA 0 ms/);
  bar.clear();
  assert.ok(io.err.endsWith('\r\x1b[K'));
});

test('jsonSummary rounds the float noise away and keeps integers exact', () => {
  const raw: Summary = {
    model: 'coba', backend: 'cpu', mode: null, conn: 'csr', seed: 1, neurons: 200, excitatory: 160, inhibitory: 40,
    synapses: 15822, synapsesExact: true, meanFanOut: 79.11, dtMs: 0.1 * 3, steps: 200, simulatedSeconds: (3 * 0.1) / 1000,
    buildSeconds: 0.04607807699999995, wallSeconds: 0.09037888999999996, realTimeFactor: 1.1329158387412077,
    spikes: 15, rateHz: 3.7512345, synapticEventsPerSecond: 67218.72900211271,
  };
  const j = jsonSummary(raw);
  assert.equal(j, {
    ...raw, dtMs: 0.3, simulatedSeconds: 0.0003, buildSeconds: 0.046, wallSeconds: 0.09,
    realTimeFactor: 1.133, rateHz: 3.751, synapticEventsPerSecond: 67220,
  });
  assert.ok(!/\d{6}/.test(JSON.stringify({ ...j, synapses: 0, seed: 0 })), JSON.stringify(j));
  // big exact counts stay exact; an expected (JITC) count goes to the nearest synapse
  assert.is(jsonSummary({ ...raw, synapses: 123456789, spikes: 987654321 }).synapses, 123456789);
  assert.is(jsonSummary({ ...raw, synapses: 123456789, spikes: 987654321 }).spikes, 987654321);
  assert.is(jsonSummary({ ...raw, synapses: 320000.00000000006, synapsesExact: false }).synapses, 320000);
  // times to the ms, but a positive time under half a ms does not become 0
  assert.is(roundSeconds(12.3456789), 12.346);
  assert.is(roundSeconds(0.0005), 0.001);
  assert.is(roundSeconds(0.000234), 0.0002);
});

test('dt warning: above the fastest time constant / 10, read from the model parameters', () => {
  const [name, tau] = fastestTimeConstant();
  const taus = [PARAMS.taum, PARAMS.taue, PARAMS.taui].map((t) => t.to('ms').item());
  assert.is(tau, Math.min(...taus));
  assert.is(name, 'τe');
  assert.is(DT_FRACTION, 10, 'help.js says "a tenth"');
  const limit = tau / DT_FRACTION;
  for (const model of ['coba', 'cuba'] as const) {
    assert.is(dtWarning(model, 0.1), undefined, `${model}: the default dt`);
    assert.is(dtWarning(model, limit), undefined, `${model}: dt = τ/10 exactly`);
    assert.is(dtWarning(model, limit * (1 + 1e-12)), undefined, `${model}: τ/10 written in another unit`);
    assert.type(dtWarning(model, limit * 1.01), 'string', `${model}: just above τ/10`);
  }
  const coba = dtWarning('coba', 2)!;
  assert.match(coba, /^--dt 2 ms is 40 % of τe = 5 ms, the fastest time constant of COBA\./);
  assert.match(coba, /forward Euler/);
  assert.match(coba, /acts as one of 3\.9 ms/); // 2 / −ln(1 − 2/5)
  assert.match(coba, /refractory period \(5 ms\) becomes 6 ms/); // round(5 / 2) = 3 steps
  assert.match(coba, /Use --dt 0\.5ms or smaller/);
  assert.match(dtWarning('coba', 5)!, /vanishes in one step/);
  assert.not.match(dtWarning('coba', 1)!, /refractory/, '5 ms is 5 steps of 1 ms');
  const cuba = dtWarning('cuba', 2)!;
  assert.match(cuba, /of CUBA\. CUBA integrates the decays exactly, but spikes .* off by up to 2 ms/);
  assert.not.match(cuba, /Euler/);
  assert.is(roundDown(0.5), 0.5);
  assert.is(roundDown(0.99), 0.5);
  assert.is(roundDown(0.3), 0.2);
  assert.is(roundDown(1.5), 1);
});

test('a large dt warns on stderr and still runs; --json stdout stays one object', async () => {
  const json = fakeIO(false);
  assert.is(await keepingBackend(() => main(['coba', '--neurons', '100', '--duration', '20ms', '--dt', '2ms', '--json'], json)), 0, json.err);
  assert.match(json.err, /^eventfuse: warning: --dt 2 ms is 40 % of τe = 5 ms.*Use --dt 0\.5ms or smaller.*\n$/);
  const j = JSON.parse(json.out) as Json;
  assert.is(j.dtMs, 2);
  assert.is(j.steps, 10);
  const text = fakeIO(false);
  assert.is(await keepingBackend(() => main(['cuba', '--neurons', '100', '--duration', '20ms', '--dt', '1ms'], text)), 0, text.err);
  assert.match(text.err, /^eventfuse: warning: --dt 1 ms is 20 % of τe = 5 ms, the fastest time constant of CUBA\./);
  assert.not.match(text.out, /warning/);
  assert.match(text.out, /20 steps of 1 ms/);
  const fine = fakeIO(false);
  assert.is(await keepingBackend(() => main(['coba', '--neurons', '100', '--duration', '5ms', '--dt', '500us', '--json'], fine)), 0);
  assert.is(fine.err, '', 'dt = τe / 10 (written as 500us) does not warn');
  // a usage error is reported alone, without the warning
  const bad = fakeIO(false);
  assert.is(await main(['coba', '--dt', '2ms', '--raster', join(tmpdir(), 'no-such-folder-eventfuse', 'x.svg')], bad), 2);
  assert.not.match(bad.err, /warning/);
});

test.run();
