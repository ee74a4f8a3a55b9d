/** Dense matmul of vectors and matrices; a bool operand is events (adds where active). */
import { ShapeMismatchError } from '../../errors.js';
import * as rules from '../../units/rules.js';
import type { Node } from '../node.js';
import { definePrimitive, type VjpRule } from '../primitive.js';
import { promote } from '../promote.js';
import { showShape, type Shape } from '../shape.js';
import { checkEventUnit, ref } from '../structured.js';

/** m × k times k × n; a vector operand is a row (left) or column (right). */
export function matmulGeometry(a: Shape, b: Shape): { m: number; k: number; n: number; shape: Shape } {
  if (a.length < 1 || a.length > 2 || b.length < 1 || b.length > 2) {
    throw new ShapeMismatchError(`matmul: expected 1-D or 2-D operands, got shapes ${showShape(a)} and ${showShape(b)}`);
  }
  const m = a.length === 2 ? a[0]! : 1;
  const k = a[a.length - 1]!;
  const kb = b[0]!;
  const n = b.length === 2 ? b[1]! : 1;
  if (k !== kb) {
    throw new ShapeMismatchError(`matmul: inner dimensions differ: ${showShape(a)} @ ${showShape(b)} has ${k} != ${kb}; expected equal`);
  }
  const shape = [...(a.length === 2 ? [m] : []), ...(b.length === 2 ? [n] : [])];
  return { m, k, n, shape };
}

/**
 * out = a @ b: a's cotangent is ct @ bᵀ, b's is aᵀ @ ct. Vectors make these an outer product
 * (a broadcast elementwise product) or a matrix-vector product, so only the matrix-matrix case
 * transposes (a gather). A bool (event) operand gets a float cotangent like any other: only a
 * surrogate's rule above it turns that into a derivative.
 */
const matmulVjp: VjpRule<'matmul'> = (node, ct, t) => {
  const [a, b] = node.src as [Node, Node];
  const col = (v: Node): Node => t.build('reshape', [v], { kind: 'reshape', shape: [v.size, 1] });
  const row = (v: Node): Node => t.build('reshape', [v], { kind: 'reshape', shape: [1, v.size] });
  const outer = (u: Node, v: Node): Node => t.build('mul', [col(u), row(v)]);
  const mm = (x: Node, y: Node): Node => t.build('matmul', [x, y]);
  let ga: () => Node, gb: () => Node;
  if (a.shape.length === 1 && b.shape.length === 1) {
    ga = () => t.build('mul', [ct, b]);
    gb = () => t.build('mul', [ct, a]);
  } else if (a.shape.length === 1) { // [k] @ [k, n] -> [n]
    ga = () => mm(b, ct);
    gb = () => outer(a, ct);
  } else if (b.shape.length === 1) { // [m, k] @ [k] -> [m]
    ga = () => outer(ct, b);
    gb = () => mm(ct, a);
  } else {
    ga = () => mm(ct, t.transpose(b));
    gb = () => mm(t.transpose(a), ct);
  }
  return [t.wants[0] ? ga() : null, t.wants[1] ? gb() : null];
};

export const matmulPrimitive = definePrimitive({
  op: 'matmul',
  infer: (src) => ({ shape: matmulGeometry(src[0]!.shape, src[1]!.shape).shape, dtype: promote(src) }),
  units: (src) => {
    src.forEach((s) => checkEventUnit('matmul', s));
    return rules.product(src.map((s) => s.unit));
  },
  reference: (node, inputs) => {
    const { m, k, n } = matmulGeometry(node.src[0]!.shape, node.src[1]!.shape);
    const [a, b] = inputs as [Float64Array, Float64Array];
    // Events add the other operand's values where active and never read them where silent,
    // so a non-finite weight of a silent synapse gives no NaN (w · 0 would).
    const aEvents = node.src[0]!.dtype === 'bool', bEvents = node.src[1]!.dtype === 'bool';
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let q = 0; q < k; q++) {
          const av = a[i * k + q]!, bv = b[q * n + j]!;
          if ((aEvents && av === 0) || (bEvents && bv === 0)) continue;
          acc += av * bv;
        }
        out[i * n + j] = node.dtype === 'int32' ? acc | 0 : acc;
      }
    }
    return out;
  },
  traits: {
    stage: 'barrier',
    describe: (n) => {
      const [a, b] = n.src as [Node, Node];
      return `${a.dtype === 'bool' || b.dtype === 'bool' ? 'event ' : ''}matmul ${ref(n)} = ${ref(a)} @ ${ref(b)}`;
    },
  },
  vjp: matmulVjp,
});
