/** JavaScript source for one elementwise op on already-computed operand expressions. */
import type { DType } from '../../ir/dtype.js';
import type { ElementwiseOp } from '../../ir/ops.js';

/** A number as a JS literal that reads back to the same double. */
export function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${String(v)})` : String(v);
}

/** Source for `op` over operand sources `a`, `b`, `c`; `dtype` is the node's result type. */
export function elementwiseSource(op: ElementwiseOp, dtype: DType, a: string, b = '', c = ''): string {
  const e = ((): string => {
    switch (op) {
      case 'neg': return `-${a}`;
      case 'abs': return `Math.abs(${a})`;
      case 'exp': return `Math.exp(${a})`;
      case 'log': return `Math.log(${a})`;
      case 'sqrt': return `Math.sqrt(${a})`;
      case 'sin': return `Math.sin(${a})`;
      case 'cos': return `Math.cos(${a})`;
      case 'tanh': return `Math.tanh(${a})`;
      case 'not': return `(${a} === 0 ? 1 : 0)`;
      case 'cast': return dtype === 'bool' ? `(${a} !== 0 ? 1 : 0)` : a;
      case 'add': return `${a} + ${b}`;
      case 'sub': return `${a} - ${b}`;
      case 'mul': return `${a} * ${b}`;
      case 'div': return `${a} / ${b}`;
      case 'pow': return `Math.pow(${a}, ${b})`;
      case 'maximum': return `Math.max(${a}, ${b})`;
      case 'minimum': return `Math.min(${a}, ${b})`;
      case 'greater': return `(${a} > ${b} ? 1 : 0)`;
      case 'greaterEqual': return `(${a} >= ${b} ? 1 : 0)`;
      case 'less': return `(${a} < ${b} ? 1 : 0)`;
      case 'lessEqual': return `(${a} <= ${b} ? 1 : 0)`;
      case 'equal': return `(${a} === ${b} ? 1 : 0)`;
      case 'notEqual': return `(${a} !== ${b} ? 1 : 0)`;
      case 'where': return `(${a} !== 0 ? ${b} : ${c})`;
    }
  })();
  // int32 results wrap like the reference's `| 0`.
  return dtype === 'int32' ? `(${e}) | 0` : e;
}
