/**
 * Every primitive on every backend: each op has an example graph (the table below is typed
 * over every op, so a new primitive does not compile without one). On each backend the test
 * checks that the backend's LoweringTable entry for the op is what its plan does with the node
 * (a product stage, a loop value, a reduction, an active list, a leaf), and that the result
 * equals the float64 reference; an op declared unsupported must be refused with a
 * BackendUnavailableError that gives the declared reason.
 */
import * as assert from 'uvu/assert';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { LazyArray } from '../../src/api/array.js';
import { isUnsupported, type Lowering } from '../../src/backends/lowering.js';
import type { Plan } from '../../src/fusion/kernel.js';
import { build } from '../../src/ir/build.js';
import { topoSort, type Node, type SparseArg } from '../../src/ir/node.js';
import { indexNode } from '../../src/ir/leaves.js';
import { ALL_OPS, type OpName } from '../../src/ir/ops.js';
import { assertAllClose } from '../helpers/close.js';
import { tolerance } from '../helpers/backends.js';
import { forEachBackend } from '../helpers/suite.js';

const x = (): ef.LazyArray => ef.array([0.5, -1.25, 2, 3.5], 'mV');
const y = (): ef.LazyArray => ef.array([1.5, 0.25, -2, 3], 'mV');
const plain = (): ef.LazyArray => ef.array([0.5, -1.25, 2, 0.75]);
const spikes = (): ef.LazyArray => ef.array([true, false, true, true]);
const csr = (): ef.CSR => ef.csr({ indptr: Int32Array.of(0, 2, 3, 3, 5), indices: Int32Array.of(0, 3, 1, 0, 2), data: Float32Array.of(1, 2, 3, 4, 5), shape: [4, 4] }, 'nS');
const jit = (): ef.JITCMatrix => ef.jitc.uniform({ shape: [4, 5], prob: 0.5, low: ef.scalar(0.5, 'nS'), high: ef.scalar(1.5, 'nS'), seed: 7, orient: 'row' });

/** A graph with a node of each op at its root (or, for leaves, inside). */
const EXAMPLES: { readonly [O in OpName]: () => ef.LazyArray } = {
  const: () => x().add(y()),
  scalar: () => x().add(ef.scalar(2, 'mV')),
  input: () => x(), // program inputs are checked through a compiled step below
  neg: () => x().neg(),
  abs: () => x().abs(),
  exp: () => plain().exp(),
  log: () => plain().abs().log(),
  sqrt: () => plain().abs().sqrt(),
  sin: () => plain().sin(),
  cos: () => plain().cos(),
  tanh: () => plain().tanh(),
  not: () => new LazyArray(build('not', [spikes().node])), // `not` has no public function of its own name
  cast: () => spikes().astype('float32'),
  floor: () => x().floor(),
  ceil: () => x().ceil(),
  round: () => x().round(),
  sign: () => x().sign(),
  add: () => x().add(y()),
  sub: () => x().sub(y()),
  mul: () => x().mul(y()),
  div: () => x().div(y()),
  pow: () => plain().abs().pow(1.5),
  maximum: () => ef.maximum(x(), y()),
  minimum: () => ef.minimum(x(), y()),
  mod: () => ef.mod(x(), y()),
  greater: () => x().greater(y()),
  greaterEqual: () => x().greaterEqual(y()),
  less: () => x().less(y()),
  lessEqual: () => x().lessEqual(y()),
  equal: () => x().equal(y()),
  notEqual: () => x().notEqual(y()),
  logicalAnd: () => ef.logicalAnd(spikes(), x().greater(y())),
  logicalOr: () => ef.logicalOr(spikes(), x().greater(y())),
  logicalXor: () => ef.logicalXor(spikes(), x().greater(y())),
  where: () => ef.where(spikes(), x(), y()),
  random: () => ef.random.uniform([4], { seed: 3, counter: 2, low: ef.scalar(-1, 'mV'), high: ef.scalar(1, 'mV') }).add(x()),
  surrogate: () => ef.logicalOr(ef.surrogate.arctan(x().sub(y()), { alpha: 2 }), spikes()),
  sum: () => ef.sum(x()),
  max: () => ef.max(x()),
  min: () => ef.min(x()),
  argmax: () => ef.argmax(x()),
  argmin: () => ef.argmin(x()),
  cumsum: () => ef.cumsum(x()),
  matmul: () => ef.matmul(ef.array([[1, 2], [3, 4]], 'nS'), ef.array([0.5, -1], 'mV')),
  sparseProduct: () => ef.matmul(spikes(), csr()),
  densify: () => csr().todense().data,
  gather: () => csr().mul(2).tocsc().data,
  jitcProduct: () => ef.matmul(spikes(), jit()),
  jitcDensify: () => jit().todense().data,
  plasticityUpdate: () => (ef.plasticity.onPre(csr(), spikes(), ef.array([0.1, 0.2, 0.3, 0.4], 'nS')) as ef.CSR).data,
  eligibilityUpdate: () => (ef.plasticity.eligibility(csr().tocsc(), ef.array([0.5, -1, 2, 0.25]), ef.array([0.1, 0.2, 0.3, 0.4], 'nS'), { decay: 0.5 }) as ef.CSC).data,
  poissonEvents: () => ef.matmul(ef.random.poissonEvents(ef.array([100, 400, 900, 0], 'Hz'), ef.scalar(1, 'ms'), { seed: 4, counter: 3 }), csr()),
  unpackEvents: () => ef.matmul(ef.events.pack([1, 0, 1, 1]), csr()).add(ef.matmul(csr(), ef.events.pack([0, 1, 1, 0]))),
  compactEvents: () => new LazyArray(build('compactEvents', [x().greater(y()).node])),
  reshape: () => x().mul(2).reshape([2, 2]).add(ef.scalar(1, 'mV')),
  concat: () => ef.concat([x(), y().mul(2)]),
  sampledProduct: () => {
    // the weight cotangent of an event product: y as the cotangent, the product's own structure
    const p = ef.matmul(spikes(), csr()).node;
    return new LazyArray(build('sampledProduct', [p.src[0]!, y().node, ...p.src.slice(2)], p.arg as SparseArg)).mul(2);
  },
  scatterAdd: () => new LazyArray(build('scatterAdd', [x().mul(2).node, indexNode(Int32Array.of(2, 0, 2, 1))], { kind: 'scatter', shape: [3] })),
};

const example = (op: OpName): ef.LazyArray => EXAMPLES[op]();

/** What the backend's own plan does with the first node of op `op`. */
function plannedAs(plan: Plan, n: Node): Lowering | 'absent' {
  for (const k of plan.kernels) {
    for (const st of k.stages) {
      if (st.kind === 'product') {
        if (st.node === n) return 'stage';
        continue;
      }
      if (st.reductions.some((r) => r === n)) return 'reduce';
      if (st.compactions.includes(n)) return 'list';
      if (st.body.includes(n)) return 'inline';
    }
  }
  if (plan.decisions.some((d) => d.node === n && d.action === 'view')) return 'view';
  if (n.op === 'scalar') return 'literal';
  return plan.buffers.get(n)?.kind === 'leaf' ? 'buffer' : 'absent';
}

forEachBackend(test, 'every primitive has a lowering that matches its declaration and the reference', (name) => {
  const backend = ef.backend();
  const checked: string[] = [];
  for (const op of ALL_OPS) {
    if (op === 'input') continue;
    const declared = backend.lowerings[op];
    const result = example(op);
    // the example table holds a graph with a node of every op (checked here, as it is used)
    const target = topoSort([result.node]).find((n) => n.op === op);
    assert.ok(target !== undefined, `the example of '${op}' has no '${op}' node`);
    if (isUnsupported(declared)) {
      let error: unknown;
      try {
        result.dataSync();
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof ef.BackendUnavailableError, `${name}: '${op}' is declared unsupported but was not refused with a BackendUnavailableError (got ${String(error)})`);
      assert.ok((error as Error).message.includes(declared.unsupported), `${name}: the refusal of '${op}' does not give the declared reason: ${(error as Error).message}`);
      checked.push(`${op}: unsupported`);
      continue;
    }
    if (backend.capabilities.fusion) {
      const plan = backend.compile({ inputs: [], outputs: [result.node], stateCount: 0 }).plan!;
      const planned = plannedAs(plan, target!);
      assert.is(planned, declared, `${name}: '${op}' is declared '${String(declared)}' but its plan has it as '${planned}'`);
    } else {
      assert.is(declared, 'interpreted', `${name}: a backend that does not fuse interprets every op`);
    }
    const got = result.dataSync();
    const previous = ef.getBackend();
    ef.setBackend('reference');
    const expected = result.dataSync();
    ef.setBackend(previous);
    const rtol = tolerance(name, result.dtype);
    assertAllClose(got, expected, rtol, `${name}: '${op}'`, rtol);
    checked.push(`${op}: ${String(declared)}`);
  }
  assert.is(checked.length, ALL_OPS.length - 1);
});

forEachBackend(test, 'program inputs are lowered as declared (bound buffers of a compiled step)', async (name) => {
  assert.is(ef.backend().lowerings.input, ef.backend().capabilities.fusion ? 'buffer' : 'interpreted');
  const runner = ef.compile((s) => ({ v: s['v']!.mul(2) }));
  const out = await runner.run({ v: ef.array([1, -2, 3], 'mV') }, { steps: 3 });
  assertAllClose(out.state['v']!.dataSync(), [8, -16, 24], tolerance(name, 'float32'), `${name}: input`);
});

test.run();
