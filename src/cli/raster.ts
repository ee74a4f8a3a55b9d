/**
 * A standalone SVG picture of a run: the spike raster of the sampled neurons (one
 * `<rect class="spike">` per spike) above the population rate in Hz (a `<polyline>`).
 * Pure: data in, text out; no external references (no fonts, images or links).
 */

export interface RasterInput {
  /** Number of simulated steps. */
  readonly steps: number;
  /** The time step in milliseconds. */
  readonly dtMs: number;
  /** Neurons drawn in the raster: indices 0 .. neuronsShown − 1. */
  readonly neuronsShown: number;
  /** One entry per spike of the sampled neurons: its step and its neuron index. */
  readonly raster: { readonly steps: Int32Array; readonly neurons: Int32Array };
  /** Spikes of the whole population in each step (length `steps`). */
  readonly spikesPerStep: Int32Array;
  /** Size of the whole population (for the rate in Hz). */
  readonly neurons: number;
  readonly title: string;
  /** At most this many spike marks are drawn (evenly thinned beyond it); default 200,000. */
  readonly maxMarks?: number;
}

export const DEFAULT_MAX_MARKS = 200_000;

const WIDTH = 960;
const HEIGHT = 640;
const LEFT = 72;
const RIGHT = 24;
const PLOT_W = WIDTH - LEFT - RIGHT;
const RASTER_TOP = 70;
const RASTER_H = 350;
const RATE_TOP = RASTER_TOP + RASTER_H + 50;
const RATE_H = 110;

/** Text safe for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number, digits = 1): string => {
  const s = x.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') || '0' : s;
};

/** Label text for a tick value: at most a few significant decimals, no float noise. */
const label = (x: number): string => String(Number(x.toPrecision(6)));

/** Round numbers from lo to hi, about `count` of them (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** A rate-panel bin width in ms: 1 ms, or coarser (2, 5, 10, ... ms) so there are at most 1000 bins. */
export function binWidthMs(durationMs: number, dtMs: number): number {
  for (let mag = 1; ; mag *= 10) {
    for (const m of [1, 2, 5]) {
      const w = Math.max(m * mag, dtMs);
      if (durationMs / w <= 1000) return w;
    }
  }
}

/** Population rate (Hz) per bin: [binStartMs, binEndMs, rateHz][]. */
export function binnedRate(spikesPerStep: Int32Array, steps: number, dtMs: number, neurons: number, binMs: number): [number, number, number][] {
  const per = Math.max(1, Math.round(binMs / dtMs));
  const out: [number, number, number][] = [];
  for (let s0 = 0; s0 < steps; s0 += per) {
    const s1 = Math.min(steps, s0 + per);
    let sum = 0;
    for (let s = s0; s < s1; s++) sum += spikesPerStep[s] ?? 0;
    const seconds = ((s1 - s0) * dtMs) / 1000;
    out.push([s0 * dtMs, s1 * dtMs, neurons > 0 ? sum / neurons / seconds : 0]);
  }
  return out;
}

export function rasterSvg(input: RasterInput): string {
  const { dtMs, neuronsShown, raster, spikesPerStep, neurons, title } = input;
  const steps = Math.max(1, Math.floor(input.steps));
  const maxMarks = Math.max(0, Math.floor(input.maxMarks ?? DEFAULT_MAX_MARKS));
  if (raster.steps.length !== raster.neurons.length) {
    throw new RangeError(`rasterSvg: raster.steps has ${raster.steps.length} entries but raster.neurons has ${raster.neurons.length}`);
  }
  const durationMs = steps * dtMs;
  const useSeconds = durationMs >= 2000;
  const tUnit = useSeconds ? 's' : 'ms';
  const tScale = useSeconds ? 1 / 1000 : 1;
  const xOfMs = (ms: number): number => LEFT + (ms / durationMs) * PLOT_W;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    '<style>.spike{fill:#1f3b73}.axis{stroke:#333;stroke-width:1;fill:none}.tick{stroke:#333;stroke-width:1}' +
      '.rate{fill:none;stroke:#b22222;stroke-width:1.2}.frame{fill:#fafafa;stroke:#ccc}.note{fill:#a00}</style>',
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${WIDTH / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  );

  // ---- time axis ticks, shared by both panels
  const timeTicks = niceTicks(0, durationMs * tScale, 8);
  const xAxis = (top: number, h: number): void => {
    const y = top + h;
    out.push(`<line class="axis" x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT_W}" y2="${y}"/>`);
    for (const t of timeTicks) {
      const x = fmt(xOfMs(t / tScale));
      out.push(`<line class="tick" x1="${x}" y1="${y}" x2="${x}" y2="${y + 5}"/>`);
      out.push(`<text x="${x}" y="${y + 18}" text-anchor="middle">${escapeXml(label(t))}</text>`);
    }
    out.push(`<text x="${LEFT + PLOT_W / 2}" y="${y + 34}" text-anchor="middle">time (${tUnit})</text>`);
  };
  const yAxis = (top: number, h: number, lo: number, hi: number, ticks: number[], name: string): void => {
    out.push(`<line class="axis" x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${top + h}"/>`);
    for (const v of ticks) {
      const y = fmt(top + h - ((v - lo) / (hi - lo || 1)) * h);
      out.push(`<line class="tick" x1="${LEFT - 5}" y1="${y}" x2="${LEFT}" y2="${y}"/>`);
      out.push(`<text x="${LEFT - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(label(v))}</text>`);
    }
    const cy = top + h / 2;
    out.push(`<text x="18" y="${cy}" text-anchor="middle" transform="rotate(-90 18 ${cy})">${escapeXml(name)}</text>`);
  };

  // ---- raster panel
  const total = raster.steps.length;
  const shown = Math.min(total, maxMarks);
  out.push(`<rect class="frame" x="${LEFT}" y="${RASTER_TOP}" width="${PLOT_W}" height="${RASTER_H}"/>`);
  const rasterCaption = neuronsShown > 0
    ? `Spike raster: ${neuronsShown === neurons ? `all ${neurons}` : `first ${neuronsShown} of ${neurons}`} neurons, ${total} spikes`
    : 'Spike raster: no neurons sampled';
  out.push(`<text x="${LEFT}" y="${RASTER_TOP - 8}">${escapeXml(rasterCaption)}</text>`);
  if (shown < total) {
    out.push(
      `<text class="note" x="${LEFT + PLOT_W}" y="${RASTER_TOP - 8}" text-anchor="end">` +
        `${escapeXml(`${shown} of ${total} spikes drawn (capped at ${maxMarks}, evenly thinned)`)}</text>`,
    );
  }
  if (neuronsShown > 0) {
    const rowH = RASTER_H / neuronsShown;
    const markH = Math.min(4, Math.max(0.6, rowH * 0.8));
    const markW = Math.min(3, Math.max(1.5, PLOT_W / steps));
    out.push('<g>');
    for (let i = 0, drawn = 0; i < total && drawn < shown; i++) {
      // Keep exactly `shown` of `total`, spread evenly over the run.
      if (shown < total && Math.floor(((i + 1) * shown) / total) === Math.floor((i * shown) / total)) continue;
      const s = raster.steps[i]!;
      const n = raster.neurons[i]!;
      if (s < 0 || s >= steps || n < 0 || n >= neuronsShown) {
        throw new RangeError(`rasterSvg: spike ${i} at step ${s}, neuron ${n} is outside ${steps} steps × ${neuronsShown} neurons`);
      }
      const x = xOfMs((s + 0.5) * dtMs) - markW / 2;
      const y = RASTER_TOP + (neuronsShown - 1 - n + 0.5) * rowH - markH / 2;
      out.push(`<rect class="spike" x="${fmt(x, 2)}" y="${fmt(y, 2)}" width="${fmt(markW, 2)}" height="${fmt(markH, 2)}"/>`);
      drawn++;
    }
    out.push('</g>');
    const neuronTicks = niceTicks(0, neuronsShown - 1, 5).filter((v) => Number.isInteger(v));
    // neuron index n sits at row centre; map ticks onto the same positions.
    out.push(`<line class="axis" x1="${LEFT}" y1="${RASTER_TOP}" x2="${LEFT}" y2="${RASTER_TOP + RASTER_H}"/>`);
    for (const v of neuronTicks) {
      const y = fmt(RASTER_TOP + (neuronsShown - 1 - v + 0.5) * rowH);
      out.push(`<line class="tick" x1="${LEFT - 5}" y1="${y}" x2="${LEFT}" y2="${y}"/>`);
      out.push(`<text x="${LEFT - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${v}</text>`);
    }
    const cy = RASTER_TOP + RASTER_H / 2;
    out.push(`<text x="18" y="${cy}" text-anchor="middle" transform="rotate(-90 18 ${cy})">neuron index</text>`);
  }
  xAxis(RASTER_TOP, RASTER_H);

  // ---- population rate panel
  const binMs = binWidthMs(durationMs, dtMs);
  const bins = binnedRate(spikesPerStep, steps, dtMs, neurons, binMs);
  const peak = bins.reduce((m, b) => Math.max(m, b[2]), 0);
  const top = peak > 0 ? peak : 1;
  let rateTicks = niceTicks(0, top, 4);
  const tickStep = rateTicks.length > 1 ? rateTicks[1]! - rateTicks[0]! : top;
  // Round the axis up to the next tick, so the highest bin stays inside the frame.
  const rateMax = Math.ceil(top / tickStep - 1e-9) * tickStep;
  rateTicks = niceTicks(0, rateMax, 4);
  out.push(`<rect class="frame" x="${LEFT}" y="${RATE_TOP}" width="${PLOT_W}" height="${RATE_H}"/>`);
  const meanHz = bins.length ? bins.reduce((a, b) => a + b[2] * (b[1] - b[0]), 0) / durationMs : 0;
  out.push(
    `<text x="${LEFT}" y="${RATE_TOP - 8}">${escapeXml(`Population rate (Hz, ${label(binMs)} ms bins), mean ${fmt(meanHz, 2)} Hz`)}</text>`,
  );
  const yOfRate = (r: number): number => RATE_TOP + RATE_H - (r / rateMax) * RATE_H;
  const points: string[] = [];
  for (const [a, b, r] of bins) {
    const y = fmt(yOfRate(r), 2);
    points.push(`${fmt(xOfMs(a), 2)},${y}`, `${fmt(xOfMs(b), 2)},${y}`);
  }
  out.push(`<polyline class="rate" points="${points.join(' ')}"/>`);
  yAxis(RATE_TOP, RATE_H, 0, rateMax, rateTicks, 'rate (Hz)');
  xAxis(RATE_TOP, RATE_H);

  out.push('</svg>');
  return out.join('\n') + '\n';
}
