/** Plasticity and eligibility updates are not differentiated (issue 19): their VJP rules throw a typed error naming them. */
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { topoSort, type Node } from '../../src/ir/node.js';
import { primitiveOf } from '../../src/ir/primitives/index.js';
import { expectError } from '../helpers/suite.js';
import { vjpTools } from '../../src/autodiff/tools.js';

const csr = (): ef.CSR => ef.csr({ indptr: Int32Array.of(0, 2, 3, 3, 5), indices: Int32Array.of(0, 3, 1, 0, 2), data: Float32Array.of(1, 2, 3, 4, 5), shape: [4, 4] }, 'nS');
const spikes = (): ef.LazyArray => ef.array([true, false, true, true]);
const trace = (): ef.LazyArray => ef.array([0.1, 0.2, 0.3, 0.4], 'nS');
const rule = (root: Node, op: string) => {
  const n = topoSort([root]).find((m) => m.op === op)!;
  return () => primitiveOf(n).vjp!(n as never, n, vjpTools(n.src.map(() => true)));
};

test('plasticity.onPre / onPost: not differentiable (NotDifferentiableError naming the update)', () => {
  const pre = (ef.plasticity.onPre(csr(), spikes(), trace()) as ef.CSR).data.node;
  expectError(rule(pre, 'plasticityUpdate'), ef.NotDifferentiableError, /^not differentiable: plasticity\.onPre \(plasticityUpdate\)/, 'not differentiated');
  const post = (ef.plasticity.onPost(csr(), spikes(), trace()) as ef.CSR).data.node;
  expectError(rule(post, 'plasticityUpdate'), ef.NotDifferentiableError, /^not differentiable: plasticity\.onPost/);
});

test('plasticity.eligibility: not differentiable', () => {
  const e = (ef.plasticity.eligibility(csr().tocsc(), ef.array([0.5, -1, 2, 0.25]), trace(), { decay: 0.5 }) as ef.CSC).data.node;
  expectError(rule(e, 'eligibilityUpdate'), ef.NotDifferentiableError, /^not differentiable: plasticity\.eligibility \(eligibilityUpdate\)/);
});

test.run();
