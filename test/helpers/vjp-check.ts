/**
 * Checking a primitive's VJP rule without the autodiff engine: for a node n, call
 * primitiveOf(n).vjp(n, ct) with a random float64 cotangent ct (unit 1/unit(n): the loss is
 * dimensionless), realize the cotangents on the current backend, and compare each with the
 * central finite differences of ⟨ct, f⟩ in float64, where f is the primitive's own float64
 * reference evaluated on the operands' values (realized on the reference backend) with one
 * operand perturbed. Every primitive here is linear in each operand it differentiates, so the
 * differences are exact up to rounding (h = 1e-3 · (1 + |v|)).
 * Tolerance: rtol 1e-6 (atol 1e-6 · the largest expected magnitude) on float64 backends;
 * 2e-3 on float32 devices (gpujs), whose sums of a few dozen float32 terms and float32 draws
 * lose about that much.
 */
import * as assert from 'uvu/assert';
import { LazyArray } from '../../src/api/array.js';
import { constNode } from '../../src/ir/leaves.js';
import type { Node } from '../../src/ir/node.js';
import { primitiveOf } from '../../src/ir/primitives/index.js';
import { Unit } from '../../src/units/unit.js';
import { capabilities, withBackend } from './backends.js';
import { assertAllClose } from './close.js';
import { vjpTools } from '../../src/autodiff/tools.js';

/** A small deterministic generator (values in [-1, 1)). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** A node's values in float64, from the reference backend. */
export const values64 = (n: Node): Float64Array => withBackend('reference', () => Float64Array.from(new LazyArray(n).dataSync()));

/** A random float64 cotangent of n's shape, in 1/unit(n). */
export function cotangent(n: Node, rnd: () => number): { node: Node; values: Float64Array } {
  const values = Float64Array.from({ length: n.size }, rnd);
  return { node: constNode(values.slice(), n.shape, Unit.dimensionless.div(n.unit)), values };
}

/** n read with operand k as a float64 operand (a bool event operand differentiated as its 0/1 values). */
function asFloatOperand(n: Node, k: number): Node {
  const s = n.src[k]!;
  if (s.dtype !== 'bool') return n;
  const src = n.src.map((o, i) => (i === k ? Object.create(o, { dtype: { value: 'float64' } }) as Node : o));
  return Object.create(n, { src: { value: src } }) as Node;
}

/** ∂⟨ct, f⟩/∂ operand k by central differences of the primitive's float64 reference. */
export function finiteDifferences(n: Node, k: number, ct: Float64Array, inputs: readonly Float64Array[] = n.src.map(values64)): Float64Array {
  const node = asFloatOperand(n, k);
  const ref = primitiveOf(n).reference;
  const dot = (ins: Float64Array[]): number => ref(node as never, ins).reduce((a, v, i) => a + v * ct[i]!, 0);
  const out = new Float64Array(inputs[k]!.length);
  for (let e = 0; e < out.length; e++) {
    const v = inputs[k]![e]!;
    const h = 1e-3 * (1 + Math.abs(v));
    const at = (d: number): Float64Array[] => inputs.map((a, i) => (i === k ? Float64Array.from(a, (w, j) => (j === e ? v + d : w)) : a));
    out[e] = (dot(at(h)) - dot(at(-h))) / (2 * h);
  }
  return out;
}

export const vjpTolerance = (backend: string): number => (capabilities(backend).dtypes.includes('float64') ? 1e-6 : 2e-3);

export interface VjpExpectation {
  /** Operands whose cotangent is checked against finite differences. */
  readonly differentiable: readonly number[];
  /** Closed forms to check as well: operand -> expected values from (operand values, ct). */
  readonly closed?: { readonly [k: number]: (inputs: readonly Float64Array[], ct: Float64Array) => Float64Array };
  readonly seed?: number;
}

/**
 * Runs n's VJP rule on the current backend and checks it: every operand not in
 * `differentiable` gets null; every one in it a node of its shape in unit 1/unit(operand)
 * whose values match the finite differences (and the closed form, where given).
 * Returns the cotangent nodes.
 */
export function checkVjp(backend: string, n: Node, what: string, e: VjpExpectation): (Node | null)[] {
  const rnd = lcg(e.seed ?? 7);
  const ct = cotangent(n, rnd);
  const got = primitiveOf(n).vjp!(n as never, ct.node, vjpTools(n.src.map(() => true)));
  assert.is(got.length, n.src.length, `${what}: one cotangent per operand`);
  const inputs = n.src.map(values64);
  const tol = vjpTolerance(backend);
  n.src.forEach((s, k) => {
    const c = got[k];
    if (!e.differentiable.includes(k)) {
      assert.is(c, null, `${what}: operand ${k} (${s.op}) gets no cotangent`);
      return;
    }
    assert.ok(c, `${what}: operand ${k} (${s.op}) has a cotangent`);
    assert.equal([...c!.shape], [...s.shape], `${what}: cotangent ${k} shape`);
    const unit = Unit.dimensionless.div(s.unit);
    assert.ok(c!.unit.equals(unit), `${what}: cotangent ${k} unit ${c!.unit.toString()}, expected 1/(${s.unit.toString()})`);
    const actual = new LazyArray(c!).dataSync();
    const fd = finiteDifferences(n, k, ct.values, inputs);
    const scale = Math.max(1, ...Array.from(fd, Math.abs));
    assertAllClose(actual, fd, tol, `[${backend}] ${what}: cotangent ${k} vs finite differences`, tol * scale);
    const closed = e.closed?.[k];
    if (closed) assertAllClose(actual, closed(inputs, ct.values), tol, `[${backend}] ${what}: cotangent ${k} vs closed form`, tol * scale);
  });
  return got as (Node | null)[];
}
