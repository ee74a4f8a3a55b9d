/**
 * Command-line arguments of `eventfuse`: a pure parser from argv (without `node` and the
 * script) to an Either of options or a usage error, so every rule is unit-testable.
 *
 *   eventfuse coba|cuba [--neurons 4000] [--duration 10s] [--dt 0.1ms] [--conn csr|jitc|fixed]
 *                       [--backend cpu|wasm|gpujs|reference] [--gpu-mode webgl|webgpu|cpu] [--threads K] [--precision float64|float32] [--seed 1] [--raster out.svg]
 *                       [--max-memory 4GiB] [--json] [--help]
 *
 * Times go through the library's unit machinery (`Unit.of`): `10s`, `1000ms`, `0.5 s`.
 */
import { totalmem } from 'node:os';
import * as E from 'fp-ts/lib/Either.js';
import { EventfuseError } from '../errors.js';
import { Unit } from '../units/unit.js';
import { DEFAULTS as HELP_DEFAULTS, HELP, MAX_SEED, MIN_NEURONS, wantsHelp } from './help.js';

export const MODELS = ['coba', 'cuba'] as const;
export const CONNS = ['csr', 'jitc', 'fixed'] as const;
export const BACKENDS = ['cpu', 'wasm', 'gpujs', 'reference'] as const;
export const GPU_MODES = ['webgl', 'webgpu', 'cpu'] as const;
export type CliModel = (typeof MODELS)[number];
export type CliConn = (typeof CONNS)[number];
export type CliBackend = (typeof BACKENDS)[number];
export type CliGpuMode = (typeof GPU_MODES)[number];

/** Everything a run needs, validated. Times are in milliseconds (float64). */
export interface CliOptions {
  readonly model: CliModel;
  readonly neurons: number;
  readonly durationMs: number;
  readonly dtMs: number;
  /** round(duration / dt), at least 1. */
  readonly steps: number;
  readonly conn: CliConn;
  readonly backend: CliBackend;
  /** The gpu.js mode when the backend is gpujs. */
  readonly gpuMode: CliGpuMode;
  /** Threads of the wasm backend (undefined: its default, this machine's cores). */
  readonly threads?: number;
  /** How the wasm backend computes float32 loops (undefined: its default, float64). */
  readonly precision?: 'float64' | 'float32';
  readonly seed: number;
  /** Where to write the raster SVG, if asked. */
  readonly raster?: string;
  readonly json: boolean;
  /** Refuse a network estimated to need more bytes than this (default: os.totalmem()). */
  readonly maxMemory: number;
}

export type ParsedArgs = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: CliOptions };

/** A mistake in the command line: the CLI prints `message` and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Option defaults, as written on the command line (the values live with the help text that states them). */
export const DEFAULTS: {
  readonly neurons: number;
  readonly duration: string;
  readonly dt: string;
  readonly conn: CliConn;
  readonly backend: CliBackend;
  readonly gpuMode: CliGpuMode;
  readonly seed: number;
} = HELP_DEFAULTS;

export { HELP, MIN_NEURONS, MAX_SEED };
export const MAX_NEURONS = 2 ** 31 - 1;
export const MAX_STEPS = 2 ** 31 - 1;

export type Flag = 'neurons' | 'duration' | 'dt' | 'conn' | 'backend' | 'gpu-mode' | 'threads' | 'precision' | 'seed' | 'raster' | 'max-memory' | 'json' | 'help';
const VALUE_FLAGS: readonly Flag[] = ['neurons', 'duration', 'dt', 'conn', 'backend', 'gpu-mode', 'threads', 'precision', 'seed', 'raster', 'max-memory'];
const PRECISIONS = ['float64', 'float32'] as const;
const BOOLEAN_FLAGS: readonly Flag[] = ['json', 'help'];
const isFlag = (name: string): name is Flag => (VALUE_FLAGS as readonly string[]).includes(name) || (BOOLEAN_FLAGS as readonly string[]).includes(name);

const oneOf = (xs: readonly string[]): string =>
  xs.length === 1 ? xs[0]! : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;

/** A number followed by a unit: `10s`, `0.5 s`, `1e3 ms`, `.25ms`. */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S(?:.*\S)?)?$/;

/**
 * A time in milliseconds from text such as `10s`, `250ms` or `0.5 s`, read with the library's
 * units (any time unit mathjs knows: s, ms, us, min, ...). Errors name the flag and the text.
 */
export function parseTime(flag: string, text: string, example: string): E.Either<UsageError, number> {
  const bad = (): E.Either<UsageError, number> =>
    E.left(new UsageError(`${flag}: expected a time such as ${example}, got '${text}'`));
  const m = QUANTITY.exec(text.trim());
  if (!m || m[2] === undefined) return bad();
  let unit: Unit;
  try {
    unit = Unit.of(m[2]);
  } catch (e) {
    if (e instanceof EventfuseError) return bad();
    throw e;
  }
  const ms = Unit.of('ms');
  if (unit.isDimensionless || !unit.sameDimension(ms)) return bad();
  const value = Number(m[1]) * unit.factorTo(ms);
  if (!Number.isFinite(value)) return bad();
  if (value <= 0) return E.left(new UsageError(`${flag}: expected a positive time, got '${text}'`));
  return E.right(value);
}

/** A non-negative integer written as digits or in exponent form (`4000`, `1e6`, `2.5e3`); NaN otherwise. */
export function integerText(text: string): number {
  if (!/^(?:\d+|\d+(?:\.\d+)?[eE]\+?\d+)$/.test(text)) return NaN;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : NaN;
}

const SIZE = /^(\d+(?:\.\d+)?(?:[eE]\+?\d+)?)\s*(B|[KMGT]i?B)?$/i;
const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40,
};

/** A memory size: bytes, or with a unit (`4GiB`, `500MB`, `1e9`). */
export function parseMemory(text: string): E.Either<UsageError, number> {
  const m = SIZE.exec(text.trim());
  const bytes = m ? Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]! : NaN;
  if (!(bytes > 0) || !Number.isFinite(bytes)) {
    return E.left(new UsageError(`--max-memory: expected a positive size such as 4GiB, 500MB or 1e9 (bytes), got '${text}'`));
  }
  return E.right(bytes);
}

function parseNeurons(text: string): E.Either<UsageError, number> {
  const n = integerText(text);
  if (!Number.isSafeInteger(n) || n < MIN_NEURONS || n > MAX_NEURONS) {
    return E.left(new UsageError(
      `--neurons: expected an integer of at least ${MIN_NEURONS} (so that both populations exist), got '${text}'`,
    ));
  }
  return E.right(n);
}

export const MAX_THREADS = 256;

function parseThreads(text: string): E.Either<UsageError, number> {
  const n = integerText(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_THREADS) {
    return E.left(new UsageError(`--threads: expected an integer from 1 to ${MAX_THREADS}, got '${text}'`));
  }
  return E.right(n);
}

function parseSeed(text: string): E.Either<UsageError, number> {
  const n = integerText(text);
  if (!Number.isSafeInteger(n) || n > MAX_SEED) {
    return E.left(new UsageError(`--seed: expected an integer in [0, ${MAX_SEED}], got '${text}'`));
  }
  return E.right(n);
}

function parseChoice<T extends string>(flag: string, choices: readonly T[], text: string): E.Either<UsageError, T> {
  return (choices as readonly string[]).includes(text)
    ? E.right(text as T)
    : E.left(new UsageError(`${flag}: expected ${oneOf(choices)}, got '${text}'`));
}

/**
 * A value split from its unit by an unquoted space (`--duration 10 ms`): the shell passes `10`
 * as the value and `ms` as a stray word, which would otherwise surface as a confusing model
 * error. The message when `value` and the next word `word` read together as what `flag` wants.
 */
export function splitUnit(flag: Flag, value: string, word: string): string | undefined {
  const joined = `${value} ${word}`;
  const reads = flag === 'duration' || flag === 'dt'
    ? E.isRight(parseTime(`--${flag}`, joined, ''))
    : flag === 'max-memory' && E.isRight(parseMemory(joined));
  if (!reads) return undefined;
  return `--${flag}: got '${value}' followed by '${word}'; write --${flag} ${value}${word} or quote it: --${flag} '${joined}'`;
}

/** Parse `argv` (the arguments after the script name). Never throws for bad input. */
export function parseArgs(argv: readonly string[]): E.Either<UsageError, ParsedArgs> {
  const err = (message: string): E.Either<UsageError, ParsedArgs> => E.left(new UsageError(message));
  if (wantsHelp(argv)) return E.right({ kind: 'help' });
  const values = new Map<Flag, string>();
  const positionals: string[] = [];
  // The option whose value the previous word completed, if any: a word right after it may be
  // that value's unit, split off by an unquoted space.
  let previous: { readonly name: Flag; readonly value: string } | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const after = previous;
    previous = undefined;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-') && arg.length > 1 && !/^-[\d.]/.test(arg)) {
        return err(`unknown option '${arg}' (options are written --name, e.g. --neurons 4000)`);
      }
      const split = after && splitUnit(after.name, after.value, arg);
      if (split) return err(split);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    if (!isFlag(name)) return err(`unknown option '--${name}'`);
    if (name === 'help') return err(`--help takes no value, got '${arg}'`);
    if (values.has(name)) return err(`--${name} given more than once`);
    if ((BOOLEAN_FLAGS as readonly string[]).includes(name)) {
      if (eq >= 0) return err(`--${name} takes no value, got '${arg}'`);
      values.set(name, 'true');
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value === undefined || value === '') return err(`--${name}: missing value`);
    values.set(name, value);
    previous = { name, value };
  }

  if (positionals.length === 0) return err(`missing model: expected ${oneOf(MODELS)}`);
  if (positionals.length > 1) return err(`expected one model, got ${positionals.map((p) => `'${p}'`).join(', ')}`);
  const model = positionals[0]!;
  if (!(MODELS as readonly string[]).includes(model)) return err(`unknown model '${model}': expected ${oneOf(MODELS)}`);

  const get = (flag: Flag): string | undefined => values.get(flag);
  const neurons = get('neurons') === undefined ? E.right(DEFAULTS.neurons) : parseNeurons(get('neurons')!);
  if (E.isLeft(neurons)) return neurons;
  const duration = parseTime('--duration', get('duration') ?? DEFAULTS.duration, '10s or 250ms');
  if (E.isLeft(duration)) return duration;
  const dt = parseTime('--dt', get('dt') ?? DEFAULTS.dt, '0.1ms');
  if (E.isLeft(dt)) return dt;
  const conn = get('conn') === undefined ? E.right(DEFAULTS.conn) : parseChoice('--conn', CONNS, get('conn')!);
  if (E.isLeft(conn)) return conn;
  const backend = get('backend') === undefined ? E.right(DEFAULTS.backend) : parseChoice('--backend', BACKENDS, get('backend')!);
  if (E.isLeft(backend)) return backend;
  const gpuMode = get('gpu-mode') === undefined ? E.right(DEFAULTS.gpuMode) : parseChoice('--gpu-mode', GPU_MODES, get('gpu-mode')!);
  if (E.isLeft(gpuMode)) return gpuMode;
  if (get('gpu-mode') !== undefined && backend.right !== 'gpujs') return err(`--gpu-mode applies to --backend gpujs only; got --backend ${backend.right}`);
  const threads = get('threads') === undefined ? E.right(undefined) : parseThreads(get('threads')!);
  if (E.isLeft(threads)) return threads;
  if (get('threads') !== undefined && backend.right !== 'wasm') return err(`--threads applies to --backend wasm only; got --backend ${backend.right}`);
  const precision = get('precision') === undefined ? E.right(undefined) : parseChoice('--precision', PRECISIONS, get('precision')!);
  if (E.isLeft(precision)) return precision;
  if (get('precision') !== undefined && backend.right !== 'wasm') return err(`--precision applies to --backend wasm only; got --backend ${backend.right}`);
  const seed = get('seed') === undefined ? E.right(DEFAULTS.seed) : parseSeed(get('seed')!);
  if (E.isLeft(seed)) return seed;

  const maxMemory = get('max-memory') === undefined ? E.right(totalmem()) : parseMemory(get('max-memory')!);
  if (E.isLeft(maxMemory)) return maxMemory;

  const steps = Math.round(duration.right / dt.right);
  if (steps < 1) {
    return err(`--duration ${get('duration') ?? DEFAULTS.duration} is shorter than half a time step (--dt ${get('dt') ?? DEFAULTS.dt}): expected at least 1 step`);
  }
  if (steps > MAX_STEPS) return err(`--duration / --dt gives ${steps} steps; expected at most ${MAX_STEPS}`);

  const raster = get('raster');
  return E.right({
    kind: 'run',
    options: {
      model: model as CliModel,
      neurons: neurons.right,
      durationMs: duration.right,
      dtMs: dt.right,
      steps,
      conn: conn.right,
      backend: backend.right,
      gpuMode: gpuMode.right,
      ...(threads.right !== undefined ? { threads: threads.right } : {}),
      ...(precision.right !== undefined ? { precision: precision.right } : {}),
      seed: seed.right,
      ...(raster !== undefined ? { raster } : {}),
      json: values.has('json'),
      maxMemory: maxMemory.right,
    },
  });
}
