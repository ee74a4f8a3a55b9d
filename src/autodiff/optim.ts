/**
 * ef.optim: functional optimizers over parameters (one LazyArray, or a record of them), in the
 * manner of optax: `opt.init(params)` gives a state, `opt.update(grads, state, params)` the new
 * parameters and the new state. Values and states are immutable, and every update is lazy (a
 * graph over params, grads and the moments), so a step fuses with whatever reads it.
 *
 * Units (docs/gradients.md). A gradient of L with respect to p is in unit(L)/unit(p).
 * - SGD: Δp = −lr·g, so lr is in unit(p)/unit(g) (= unit(p)²/unit(L)). A number lr is read in
 *   that unit for each parameter: the step on the stored values is p −= lr·g, each in its own
 *   unit. A 0-d array lr with a unit must have that dimension (it is converted; one lr array
 *   then suits only parameters whose unit(p)/unit(g) share a dimension).
 * - Adam: the step m̂/(√v̂ + ε) is a plain number, so lr is in unit(p): a number is read in
 *   each parameter's unit, a 0-d array with a unit must share p's dimension (converted). ε is
 *   in g's unit (a number read in it).
 */
import { LazyArray, isLazyArray } from '../api/array.js';
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError, UnitMismatchError } from '../errors.js';
import { isFloat } from '../ir/dtype.js';
import { scalarNode } from '../ir/leaves.js';
import { showShape } from '../ir/shape.js';
import { optionsObject } from '../options.js';
import { Unit } from '../units/unit.js';

/** What an optimizer updates: one array, or a record of named arrays. */
export type Params = LazyArray | { readonly [key: string]: LazyArray };
/** The same structure as P, each entry optional (a moment that does not exist before step 1). */
type Moments<P extends Params> = P | null;

export interface SgdState<P extends Params = Params> {
  /** Updates applied so far. */
  readonly count: number;
  /** The momentum trace μ·trace + g (in g's unit); null without momentum and before the first step. */
  readonly trace: Moments<P>;
}
export interface AdamState<P extends Params = Params> {
  readonly count: number;
  /** First and second moment estimates (g's unit and its square); null before the first step. */
  readonly mu: Moments<P>;
  readonly nu: Moments<P>;
}

/** The state type of optimizer kind K for params P. */
export type StateOf<K extends 'sgd' | 'adam', P extends Params> = K extends 'sgd' ? SgdState<P> : AdamState<P>;

export interface Optimizer<K extends 'sgd' | 'adam'> {
  init<P extends Params>(params: P): StateOf<K, P>;
  update<P extends Params>(grads: P, state: StateOf<K, P>, params: P): { readonly params: P; readonly state: StateOf<K, P> };
}

export interface SgdOptions { readonly lr: number | LazyArray; readonly momentum?: number }
export interface AdamOptions { readonly lr: number | LazyArray; readonly beta1?: number; readonly beta2?: number; readonly eps?: number }

// ------------------------------------------------------------------ structure

type Entries = readonly (readonly [string, LazyArray])[];

/** The arrays of a Params value as [key, array] pairs ('' for a single array), checked. */
function entries(op: string, what: string, p: unknown): Entries {
  if (isLazyArray(p)) return [['', p]];
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new InvalidArgumentError(`${op}: ${what} must be a LazyArray or a record of LazyArrays, got ${describeValue(p)}`);
  }
  const out = Object.entries(p as Record<string, unknown>);
  for (const [k, v] of out) {
    if (!isLazyArray(v)) throw new InvalidArgumentError(`${op}: ${what}.${k} is ${describeValue(v)}; expected a LazyArray`);
  }
  return out as Entries;
}

const name = (what: string, k: string): string => (k === '' ? what : `${what}.${k}`);

/** Pairs grads with params (same keys, same shapes, float); the key order is params'. */
function paired(op: string, grads: unknown, params: unknown): readonly (readonly [string, LazyArray, LazyArray])[] {
  const p = entries(op, 'params', params);
  const g = entries(op, 'grads', grads);
  const single = (x: unknown): boolean => isLazyArray(x);
  if (single(params) !== single(grads)) {
    throw new InvalidArgumentError(`${op}: params ${single(params) ? 'is one LazyArray' : 'is a record'} but grads ${single(grads) ? 'is one LazyArray' : 'is a record'}; expected the same structure`);
  }
  const gm = new Map(g);
  const missing = p.filter(([k]) => !gm.has(k)).map(([k]) => k);
  const extra = g.filter(([k]) => !p.some(([q]) => q === k)).map(([k]) => k);
  if (missing.length || extra.length) {
    throw new InvalidArgumentError(
      `${op}: grads and params have different keys` +
        `${missing.length ? `; missing in grads: ${missing.join(', ')}` : ''}${extra.length ? `; not in params: ${extra.join(', ')}` : ''}`,
    );
  }
  return p.map(([k, pv]) => {
    const gv = gm.get(k)!;
    if (pv.shape.length !== gv.shape.length || pv.shape.some((d, i) => d !== gv.shape[i])) {
      throw new ShapeMismatchError(`${op}: ${name('grads', k)} has shape ${showShape(gv.shape)}, ${name('params', k)} ${showShape(pv.shape)}; expected the same shape`);
    }
    for (const [w, x] of [['params', pv], ['grads', gv]] as const) {
      if (!isFloat(x.dtype)) throw new InvalidArgumentError(`${op}: ${name(w, k)} is ${x.dtype}; expected a float32 or float64 array`);
    }
    return [k, pv, gv] as const;
  });
}

/** The entry of a moment record for key k (null before the first step). */
function moment(op: string, m: unknown, k: string, like: LazyArray): LazyArray | null {
  if (m === null) return null;
  const x = k === '' ? m : (m as Record<string, unknown>)[k];
  if (!isLazyArray(x) || x.shape.length !== like.shape.length || x.shape.some((d, i) => d !== like.shape[i])) {
    throw new InvalidArgumentError(`${op}: the state does not match params at ${name('params', k)}; expected the state from init(params) or a previous update`);
  }
  return x;
}

const rebuild = <P extends Params>(single: boolean, pairs: readonly (readonly [string, LazyArray])[]): P =>
  (single ? pairs[0]![1] : Object.freeze(Object.fromEntries(pairs))) as P;

// ------------------------------------------------------------------ checks

function checkNumber(op: string, key: string, v: unknown, ok: (x: number) => boolean, expected: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InvalidArgumentError(`${op}: ${key} is ${describeValue(v)}; expected ${expected}`);
  return v;
}

function checkLr(op: string, lr: unknown): number | LazyArray {
  if (isLazyArray(lr)) {
    if (lr.ndim !== 0) throw new ShapeMismatchError(`${op}: lr has shape ${showShape(lr.shape)}; expected a 0-d array (or a number)`);
    if (!isFloat(lr.dtype)) throw new InvalidArgumentError(`${op}: lr is a ${lr.dtype} 0-d array; expected a float32 or float64 one (or a number)`);
    return lr;
  }
  return checkNumber(op, 'lr', lr, (x) => x > 0, 'a positive finite number (or a 0-d array with a unit)');
}

/** lr as an array in `unit`: a number is read in it; a 0-d array must share its dimension. */
function lrIn(op: string, lr: number | LazyArray, unit: Unit, k: string): LazyArray {
  if (!isLazyArray(lr)) return new LazyArray(scalarNode(lr, unit, 'float32', true));
  if (!lr.unit.sameDimension(unit)) {
    throw new UnitMismatchError(`${op}: lr is in ${lr.unit.toString()} (${lr.unit.dimensionName()}); for ${name('params', k)} expected ${unit.toString()} (${unit.dimensionName()})`);
  }
  return lr.to(unit);
}

const checkBeta = (op: string, key: string, v: unknown): number => checkNumber(op, key, v, (x) => x >= 0 && x < 1, 'a number in [0, 1)');

// ------------------------------------------------------------------ optimizers

/**
 * Stochastic gradient descent: p ← p − lr·g; with momentum μ, trace ← μ·trace + g (trace = g at
 * the first step) and p ← p − lr·trace.
 */
export function sgd(options: SgdOptions): Optimizer<'sgd'> {
  const o = optionsObject('optim.sgd', options, ['lr', 'momentum'], '{ lr, momentum? }');
  const lr = checkLr('optim.sgd', o['lr']);
  const mu = o['momentum'] === undefined ? 0 : checkBeta('optim.sgd', 'momentum', o['momentum']);
  return Object.freeze({
    init: <P extends Params>(params: P) => {
      entries('optim.sgd.init', 'params', params);
      return Object.freeze({ count: 0, trace: null }) as SgdState<P>;
    },
    update: <P extends Params>(grads: P, state: SgdState<P>, params: P) => {
      const op = 'optim.sgd.update';
      const pairs = paired(op, grads, params);
      const single = isLazyArray(params);
      const out = pairs.map(([k, p, g]) => {
        const prev = mu === 0 ? null : moment(op, state.trace, k, p);
        const t = prev === null ? g : prev.mul(mu).add(g);
        return [k, p.sub(lrIn(op, lr, p.unit.div(g.unit), k).mul(t)), t] as const;
      });
      const next = rebuild<P>(single, out.map(([k, p]) => [k, p]));
      const trace = mu === 0 ? null : rebuild<P>(single, out.map(([k, , t]) => [k, t]));
      return Object.freeze({ params: next, state: Object.freeze({ count: state.count + 1, trace }) as SgdState<P> });
    },
  });
}

/**
 * Adam (Kingma & Ba): m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², m̂ = m/(1 − β1^t),
 * v̂ = v/(1 − β2^t), p ← p − lr·m̂/(√v̂ + ε), at step t = 1, 2, ...
 */
export function adam(options: AdamOptions): Optimizer<'adam'> {
  const op0 = 'optim.adam';
  const o = optionsObject(op0, options, ['lr', 'beta1', 'beta2', 'eps'], '{ lr, beta1?, beta2?, eps? }');
  const lr = checkLr(op0, o['lr']);
  const b1 = o['beta1'] === undefined ? 0.9 : checkBeta(op0, 'beta1', o['beta1']);
  const b2 = o['beta2'] === undefined ? 0.999 : checkBeta(op0, 'beta2', o['beta2']);
  const eps = o['eps'] === undefined ? 1e-8 : checkNumber(op0, 'eps', o['eps'], (x) => x >= 0, 'a finite number ≥ 0');
  return Object.freeze({
    init: <P extends Params>(params: P) => {
      entries(`${op0}.init`, 'params', params);
      return Object.freeze({ count: 0, mu: null, nu: null }) as AdamState<P>;
    },
    update: <P extends Params>(grads: P, state: AdamState<P>, params: P) => {
      const op = `${op0}.update`;
      const pairs = paired(op, grads, params);
      const single = isLazyArray(params);
      const t = state.count + 1;
      // bias corrections, folded into the graph as constants
      const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
      const out = pairs.map(([k, p, g]) => {
        const m0 = moment(op, state.mu, k, p), v0 = moment(op, state.nu, k, p);
        const g2 = g.mul(g);
        const m = m0 === null ? g.mul(1 - b1) : m0.mul(b1).add(g.mul(1 - b1));
        const v = v0 === null ? g2.mul(1 - b2) : v0.mul(b2).add(g2.mul(1 - b2));
        const e = new LazyArray(scalarNode(eps, g.unit, 'float32', true));
        const step = m.mul(c1).div(v.mul(c2).sqrt().add(e));
        return [k, p.sub(lrIn(op, lr, p.unit, k).mul(step)), m, v] as const;
      });
      return Object.freeze({
        params: rebuild<P>(single, out.map(([k, p]) => [k, p])),
        state: Object.freeze({ count: t, mu: rebuild<P>(single, out.map(([k, , m]) => [k, m])), nu: rebuild<P>(single, out.map(([k, , , v]) => [k, v])) }) as AdamState<P>,
      });
    },
  });
}
