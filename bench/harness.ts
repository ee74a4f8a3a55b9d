/**
 * A small timing harness: warm-up runs, then N timed repetitions, summarized by the median
 * (and min/max). Cases that are compared run interleaved (A, B, A, B, ...) so that a noisy
 * moment on a shared machine hits every case alike. Output is Markdown.
 */
import { performance } from 'node:perf_hooks';

/** One thing to time. `setup` (untimed) prepares what `fn` (timed) consumes. */
export interface Case<S = unknown> {
  readonly name: string;
  readonly setup?: () => S;
  /** The timed work; a returned promise is awaited inside the timing. */
  readonly fn: (ctx: S) => unknown;
  /** Work items one call of `fn` performs (passes, steps): samples are divided by it. */
  readonly per?: number;
}

export interface MeasureOptions {
  /** Untimed calls of each case before measuring (default 2). */
  readonly warmup?: number;
  /** Timed calls of each case (default 7). */
  readonly reps?: number;
}

export interface Measurement {
  readonly name: string;
  /** Milliseconds per work item, one per repetition, in measurement order. */
  readonly samples: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly reps: number;
  /** What the last call of `fn` returned (for correctness checks). */
  readonly last: unknown;
}

/** A benchmark module's output: a titled Markdown section. */
export interface Report {
  readonly title: string;
  readonly markdown: string;
}

/** Options every benchmark's `run()` accepts. */
export interface RunConfig {
  /** Much smaller sizes and fewer repetitions: checks that the benchmark works, not its speed. */
  readonly quick: boolean;
  /** Progress lines go here (stderr), so stdout stays the Markdown tables. */
  readonly log: (line: string) => void;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function time<S>(c: Case<S>): Promise<{ ms: number; out: unknown }> {
  const ctx = (c.setup ? c.setup() : undefined) as S;
  const t0 = performance.now();
  let out = c.fn(ctx);
  if (out instanceof Promise) out = await out;
  return { ms: performance.now() - t0, out };
}

/** Time several cases, interleaved round by round; each case's figures are per work item. */
export async function measure(cases: readonly Case<any>[], options: MeasureOptions = {}): Promise<Measurement[]> {
  const warmup = options.warmup ?? 2;
  const reps = options.reps ?? 7;
  for (let w = 0; w < warmup; w++) for (const c of cases) await time(c);
  const samples = cases.map(() => [] as number[]);
  const last: unknown[] = cases.map(() => undefined);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const { ms, out } = await time(c);
      samples[i]!.push(ms / (c.per ?? 1));
      last[i] = out;
    }
  }
  return cases.map((c, i) => summarize(c.name, samples[i]!, last[i]));
}

export function summarize(name: string, samples: readonly number[], last?: unknown): Measurement {
  return { name, samples, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), reps: samples.length, last };
}

/** A number with about `digits` significant figures, without exponent notation for ordinary sizes. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const mag = Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.max(0, digits - 1 - mag);
  return x.toFixed(Math.min(decimals, 6));
}

export const ratio = (x: number): string => `${fmt(x, 3)}x`;

/** A Markdown table; columns after the first are right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const align = headers.map((_, i) => (i === 0 ? ':--' : '--:'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(align), ...rows.map(line)].join('\n');
}

/** The standard timing table: median, min and max per work item, plus extra columns. */
export function timingTable(
  ms: readonly Measurement[],
  unit: string,
  extra: { readonly headers: readonly string[]; readonly cells: (m: Measurement) => readonly string[] } = { headers: [], cells: () => [] },
): string {
  return table(
    ['case', `median ${unit}`, `min ${unit}`, `max ${unit}`, 'reps', ...extra.headers],
    ms.map((m) => [m.name, fmt(m.median), fmt(m.min), fmt(m.max), String(m.reps), ...extra.cells(m)]),
  );
}

/** A row of a targets table: measured ratio against a goal. */
export function targetRow(what: string, measured: number, target: string, met: boolean): string[] {
  return [what, ratio(measured), target, met ? 'yes' : '**no**'];
}

export const targetHeaders = ['comparison (medians)', 'measured', 'target', 'met'] as const;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run sees the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
