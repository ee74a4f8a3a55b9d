/**
 * Warnings about a run that is allowed but likely inaccurate. A warning goes to stderr and the
 * run goes on: the user may want a coarse step on purpose (a quick look, a timing test).
 */
import { PARAMS } from '../models/brette.js';
import { DEFAULTS, type CliModel } from './args.js';

/**
 * Warn when dt exceeds the fastest time constant divided by this. At dt = τ/10 forward Euler's
 * decay factor 1 − dt/τ acts as a time constant 5 % short of τ (dt / −ln(1 − dt/τ)); beyond it
 * the error grows quickly. Measured on COBA, N = 4000, 200 ms: dt 0.5 ms fires within 4 % of
 * dt 0.1 ms, dt 1 ms about 7 times too fast (the conductances make the membrane much faster
 * than τm, and its Euler step overshoots).
 */
export const DT_FRACTION = 10;

/** The model's time constants of integrated quantities, by the name the warning prints. */
const timeConstants = (): readonly (readonly [string, number])[] => [
  // Read when asked, not on import: item() computes, and so picks a backend.
  ['τm', PARAMS.taum.to('ms').item()],
  ['τe', PARAMS.taue.to('ms').item()],
  ['τi', PARAMS.taui.to('ms').item()],
];

/** Two significant digits, no float noise: for the numbers in a sentence. */
const short = (x: number): string => String(Number(x.toPrecision(2)));

/** The largest 1, 2 or 5 × 10^k not above x: a dt that is easy to type. */
export function roundDown(x: number): number {
  const mag = 10 ** Math.floor(Math.log10(x));
  const m = [5, 2, 1].find((f) => f * mag <= x * (1 + 1e-12)) ?? 1;
  return Number((m * mag).toPrecision(12));
}

/** The fastest time constant of the benchmark models: [name, ms]. */
export function fastestTimeConstant(): readonly [string, number] {
  return timeConstants().reduce((a, b) => (b[1] < a[1] ? b : a));
}

/**
 * The warning for a time step that is large against the fastest time constant (undefined when
 * it is not): what goes wrong, in the model's integration scheme, and a dt to use instead.
 */
export function dtWarning(model: CliModel, dtMs: number): string | undefined {
  const [name, tau] = fastestTimeConstant();
  // A relative tolerance, so that a dt typed as exactly τ/10 in another unit (500us) passes.
  if (!(dtMs > (tau / DT_FRACTION) * (1 + 1e-9))) return undefined;
  const dt = `${short(dtMs)} ms`;
  const head = `--dt ${dt} is ${Math.round((100 * dtMs) / tau)} % of ${name} = ${short(tau)} ms, the fastest time constant of ${model.toUpperCase()}.`;
  const x = dtMs / tau;
  const risk = model === 'coba'
    ? `COBA is integrated by forward Euler, whose error grows with dt/τ: ${x >= 1
      ? `a decay with ${name} = ${short(tau)} ms vanishes in one step`
      : `a decay with ${name} = ${short(tau)} ms acts as one of ${short(dtMs / -Math.log(1 - x))} ms`}, and the membrane equation (made faster than τm by the synaptic conductances) can overshoot, so firing rates may be far off.`
    : `CUBA integrates the decays exactly, but spikes are detected and delivered only at step ends: spike times and synaptic input are off by up to ${dt}.`;
  const tref = PARAMS.tref.to('ms').item();
  const refSteps = Math.round(tref / dtMs);
  const refractory = Math.abs(refSteps * dtMs - tref) > 1e-9 * tref
    ? ` The refractory period (${short(tref)} ms) becomes ${short(refSteps * dtMs)} ms, a whole number of steps.`
    : '';
  const suggest = `Use --dt ${roundDown(tau / DT_FRACTION)}ms or smaller (${name} / ${DT_FRACTION}; the default ${DEFAULTS.dt} is the published step).`;
  return `${head} ${risk}${refractory} ${suggest}`;
}
