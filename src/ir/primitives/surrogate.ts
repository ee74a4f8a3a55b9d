/**
 * Surrogate spikes: `surrogate(v)` is the Heaviside step `v > 0` (a bool array, so event-driven
 * products still apply to it), computed inline like a comparison. Its VJP replaces the step's
 * derivative (zero almost everywhere) with a smooth one of sharpness α, each normalised to
 * integrate to 1 over v, with x = α·v (dimensionless: α is in the inverse of v's unit):
 *   sigmoid      α·σ(x)·(1 − σ(x))         = α·e/(1 + e)², e = exp(−|x|)
 *   fastSigmoid  (α/2) / (1 + |x|)²         (SuperSpike; the derivative of ½(1 + x/(1 + |x|)))
 *   arctan       (α/2) / (1 + (π/2 · x)²)   (the derivative of ½ + arctan(π/2 · x)/π)
 *   triangle     α · max(0, 1 − |x|)
 * The cotangent of v is ct · f'(v), in unit(ct)/unit(v) (ct, the cotangent of a bool result,
 * is in unit(L)).
 */
import { InvalidArgumentError } from '../../errors.js';
import { Unit } from '../../units/unit.js';
import type { SurrogateArg, SurrogateFn } from '../args.js';
import { isFloat } from '../dtype.js';
import { scalarNode } from '../leaves.js';
import type { Node } from '../node.js';
import { definePrimitive, type VjpTools } from '../primitive.js';

export const SURROGATE_FNS: readonly SurrogateFn[] = ['sigmoid', 'fastSigmoid', 'arctan', 'triangle'];

/** Throws unless alpha is a positive finite number (the sharpness, in 1/unit(v)). */
export function checkAlpha(op: string, alpha: unknown, unit: Unit): number {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || !(alpha > 0)) {
    const shown = typeof alpha === 'number' ? String(alpha) : typeof alpha;
    const inverse = unit.isDimensionless ? '' : ` (in ${Unit.dimensionless.div(unit).toString()}, the inverse of v's unit)`;
    throw new InvalidArgumentError(`${op}: alpha is ${shown}; expected a positive finite number${inverse}`);
  }
  return alpha;
}

const weak = (value: number, unit: Unit = Unit.dimensionless): Node => scalarNode(value, unit, 'float32', true);

/** f'(v) as a node, in 1/unit(v); dtype that of v. */
export function surrogateDerivative(v: Node, arg: SurrogateArg, build: VjpTools['build']): Node {
  const alpha = weak(arg.alpha, Unit.dimensionless.div(v.unit));
  const half = weak(arg.alpha / 2, alpha.unit);
  const x = build('abs', [build('mul', [v, alpha])]); // |α·v|, a plain number
  const one = weak(1);
  const square = (n: Node): Node => build('mul', [n, n]);
  switch (arg.fn) {
    case 'sigmoid': {
      // σ(x)(1 − σ(x)) = e/(1 + e)² with e = exp(−|x|): no overflow for any x
      const e = build('exp', [build('neg', [x])]);
      return build('mul', [alpha, build('div', [e, square(build('add', [one, e]))])]);
    }
    case 'fastSigmoid':
      return build('div', [half, square(build('add', [one, x]))]);
    case 'arctan':
      return build('div', [half, build('add', [one, square(build('mul', [weak(Math.PI / 2), x]))])]);
    case 'triangle':
      return build('mul', [alpha, build('maximum', [weak(0), build('sub', [one, x])])]);
  }
}

export const surrogatePrimitive = definePrimitive({
  op: 'surrogate',
  infer: (src, arg) => {
    const v = src[0]!;
    if (!isFloat(v.dtype)) {
      throw new InvalidArgumentError(`surrogate.${arg.fn}: v must be a float32 or float64 array (a membrane potential, or v − threshold), got ${v.dtype}`);
    }
    if (!SURROGATE_FNS.includes(arg.fn)) throw new InvalidArgumentError(`surrogate: unknown derivative '${String(arg.fn)}'; expected one of ${SURROGATE_FNS.join(', ')}`);
    checkAlpha(`surrogate.${arg.fn}`, arg.alpha, v.unit);
    return { shape: v.shape, dtype: 'bool' };
  },
  // v keeps its unit (compared with 0, which has every unit); the spikes are plain.
  units: (src) => ({ unit: Unit.dimensionless, factors: [1], operands: [src[0]!.unit] }),
  reference: (_node, inputs) => inputs[0]!.map((v) => (v > 0 ? 1 : 0)),
  traits: {
    stage: 'inline',
    publicName: 'surrogate',
    describe: (n: Node<'surrogate'>) => `surrogate.${n.arg.fn} %${n.id} = %${n.src[0]!.id} > 0 (alpha ${n.arg.alpha})`,
  },
  vjp: (node, ct, t) => [t.build('mul', [ct, surrogateDerivative(node.src[0]!, node.arg, t.build)])],
});
