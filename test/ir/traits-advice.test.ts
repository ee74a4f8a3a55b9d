/**
 * What the passes learn from primitive traits (src/ir/primitive.ts, src/ir/primitives/):
 * - `expensive` (exp, log, sqrt, sin, cos, tanh, pow): a value used by several loops is
 *   computed once into a buffer, where a cheap one (add) is recomputed in each loop
 *   (docs/fusion.md, the decision table); checked on the backends that fuse, through
 *   ef.explain's fusion decisions, and the values against the reference everywhere;
 * - `densifies`: a dense form (of a sparse or a JIT matrix) too large to build is refused with
 *   advice to keep the matrix sparse (build's size check), where other results are advised to
 *   be computed in pieces;
 * - densify keeps the unit of the matrix data.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { build } from '../../src/ir/build.js';
import { indexNode, scalarNode } from '../../src/ir/leaves.js';
import type { Node } from '../../src/ir/node.js';
import { Unit } from '../../src/units/unit.js';
import { capabilities, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { BACKENDS, expectError, forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === BACKENDS[0] ? undefined : 'a fact about the graph, not the backend: checked on the first backend only') };

const X = [[0.5, 1, 1.5], [2, 2.5, 3]];
const EXPENSIVE: readonly [string, (x: ef.LazyArray) => ef.LazyArray][] = [
  ['exp', (x) => x.exp()],
  ['log', (x) => x.log()],
  ['sqrt', (x) => x.sqrt()],
  ['sin', (x) => x.sin()],
  ['cos', (x) => x.cos()],
  ['tanh', (x) => x.tanh()],
  ['pow', (x) => x.pow(ef.array([1.5, 2.5, 0.5]))],
];

/** The fusion decision explain gives for the node computed by `op` (its line, or undefined). */
function decision(text: string, op: string): string | undefined {
  return text.split('\n').find((l) => /^\s*(materialize|recompute|inline):/.test(l) && new RegExp(`= ${op}\\(`).test(l));
}

forEachBackend(test, 'an expensive value read by two loops (y / sum(y)) is computed once into a buffer; a cheap one is recomputed', (backend) => {
  const x = ef.array(X);
  for (const [name, f] of EXPENSIVE) {
    const y = f(x);
    const out = y.div(y.sum());
    const line = decision(ef.explain(out), name);
    assert.ok(line && /^\s*materialize:/.test(line), `${name} on ${backend}: ${line}`);
    const want = withBackend('reference', () => Array.from(f(ef.array(X)).div(f(ef.array(X)).sum()).dataSync()));
    const tol = tolerance(backend, 'float32') * 4;
    assertAllClose(out.dataSync(), want, tol, `${name}: values`, tol);
  }
  // positive control: the same shape with add, one op on loaded values, is recomputed in each loop
  const y = x.add(1);
  const line = decision(ef.explain(y.div(y.sum())), 'add');
  assert.ok(line && /^\s*recompute:/.test(line), `add on ${backend}: ${line}`);
}, { skip: (b) => (capabilities(b).fusion ? undefined : 'no fusion plan: nothing is recomputed or materialized') });

const sparseArg = (rows: number, cols: number) => ({ kind: 'sparse' as const, rows, cols, compressed: 'row' as const, permuted: false, side: 'none' as const });

forEachBackend(test, 'a dense form too large to build is refused with advice to keep the matrix sparse; other results to compute in pieces', () => {
  const data = (ef.array([1, 2], 'nS') as unknown as { node: Node }).node;
  const ptr = indexNode(Int32Array.of(0, 1, 2));
  const idx = indexNode(Int32Array.of(0, 1));
  const ok = build('densify', [data, ptr, idx], sparseArg(2, 2));
  assert.equal([...ok.shape], [2, 2]);
  const e = expectError(() => build('densify', [data, ptr, idx], sparseArg(2, 2 ** 30)), ef.ResourceError, 'todense', 'keep the matrix in its sparse or JIT form');
  assert.not.match(e.message, 'smaller pieces');
  // control: an elementwise result of the same size gets the other advice
  const row = (ef.zeros([1, 2 ** 16]) as unknown as { node: Node }).node;
  const col = (ef.zeros([2 ** 16, 1]) as unknown as { node: Node }).node;
  const e2 = expectError(() => build('add', [row, col]), ef.ResourceError, 'smaller pieces');
  assert.not.match(e2.message, 'sparse or JIT');
}, ONCE);

forEachBackend(test, 'densify keeps the unit of the matrix data (also a shared bool weight)', () => {
  const data = (ef.array([1, 2], 'nS') as unknown as { node: Node }).node;
  const ptr = indexNode(Int32Array.of(0, 1, 2));
  const idx = indexNode(Int32Array.of(0, 1));
  const d = build('densify', [data, ptr, idx], sparseArg(2, 2));
  assert.ok(d.unit.equals(Unit.of('nS')), `unit ${d.unit.toString()}`);
  assert.is(d.dtype, 'float32');
  const b = build('densify', [scalarNode(1, Unit.dimensionless, 'bool'), ptr, idx], sparseArg(2, 2));
  assert.is(b.dtype, 'bool');
  assert.ok(b.unit.equals(Unit.dimensionless));
  const W = ef.csr({ indptr: [0, 2, 3], indices: [0, 2, 1], data: [1, 2, 3], shape: [2, 3] }, 'mV');
  assert.is(W.todense().data.unit.toString(), 'mV');
}, ONCE);

forEachBackend(test, 'a JIT dense form too large to build is refused by build itself with the keep-it-sparse-or-JIT advice', () => {
  // J.todense() refuses first, with its own message; build's check guards every other caller
  const J = ef.jitc.scalar({ shape: [1e5, 1e5], prob: 0.01, weight: 1, seed: 1 });
  const operands = (J as unknown as { operands(): Node[] }).operands();
  const e = expectError(() => build('jitcDensify', operands, J.arg('none')), ef.ResourceError, 'todense', 'keep the matrix in its sparse or JIT form');
  assert.not.match(e.message, 'smaller pieces');
  const small = ef.jitc.scalar({ shape: [3, 4], prob: 0.5, weight: 1, seed: 1 });
  assert.equal([...build('jitcDensify', (small as unknown as { operands(): Node[] }).operands(), small.arg('none')).shape], [3, 4]);
}, ONCE);

test.run();
