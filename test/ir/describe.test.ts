/**
 * ef.explain names each barrier stage with its primitive's `describe` (src/ir/primitives/):
 * the kind (event or float product, event matmul, plasticity onPre/onPost, gather, densify),
 * its operands in order by node id, the side of the matrix, and how the matrix is walked
 * (scatter or gather, active entries, regenerated lines, the other view). docs/fusion.md
 * reads these lines to explain a plan, so each is checked whole. The lines come from the
 * graph, not the backend: checked with the cpu backend's plan only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { Node } from '../../src/ir/node.js';
import { forEachBackend } from '../helpers/suite.js';

const CPU_ONLY = { skip: (b: string) => (b === 'cpu' ? undefined : 'the stage lines come from the graph: checked with the cpu plan only') };

const id = (x: ef.LazyArray): string => `%${(x as unknown as { node: Node }).node.id}`;
/** The stage descriptions of explain(x), in order. */
const stages = (x: ef.LazyArray): string[] =>
  ef.explain(x).split('\n').flatMap((l) => /^\s+stage \d+: (.*)$/.exec(l)?.slice(1) ?? []);

function expectStage(x: ef.LazyArray, want: string): void {
  assert.equal(stages(x), [want], want);
}

const W = ef.csr({ indptr: [0, 1, 3], indices: [0, 1, 2], data: [1, 2, 3], shape: [2, 3] }, 'nS');
const J = ef.jitc.scalar({ shape: [2, 3], prob: 0.5, weight: 1, seed: 3 }, 'nS');
const JIT = 'jitc[2×3 scalar, p=0.5, seed 3, rows]';

forEachBackend(test, 'sparse products: event or float, the side and the operand, scatter or gather', () => {
  const x2 = ef.array([1, 2]);
  const x3 = ef.array([1, 2, 3]);
  const s2 = ef.binary([1, 0]);
  const s3 = ef.binary([1, 0, 1]);
  let y = ef.matmul(x2, W);
  expectStage(y, `float product ${id(y)} = ${id(x2)} @ sparse[2×3 rows] (scatter)`);
  y = ef.matmul(s2, W);
  expectStage(y, `event product ${id(y)} = ${id(s2)} @ sparse[2×3 rows] (scatter over active entries (scan))`);
  y = ef.matmul(W, x3);
  expectStage(y, `float product ${id(y)} = sparse[2×3 rows] @ ${id(x3)} (gather per output)`);
  // events on the gathering side are scattered through the structure's other view instead
  y = ef.matmul(W, s3);
  expectStage(y, `event product ${id(y)} = sparse[2×3 cols, permuted] @ ${id(s3)} (scatter over active entries (scan))`);
  y = ef.matmul(W.tocsc(), s3);
  expectStage(y, `event product ${id(y)} = sparse[2×3 cols] @ ${id(s3)} (scatter over active entries (scan))`);
  y = ef.matmul(W.tocsc(), x3);
  expectStage(y, `float product ${id(y)} = sparse[2×3 cols] @ ${id(x3)} (scatter)`);
}, CPU_ONLY);

forEachBackend(test, 'JIT products: event or float, the side and the operand, which lines are regenerated', () => {
  const x2 = ef.array([1, 2]);
  const x3 = ef.array([1, 2, 3]);
  const s2 = ef.binary([1, 0]);
  const s3 = ef.binary([1, 0, 1]);
  let y = ef.matmul(s2, J);
  expectStage(y, `event product ${id(y)} = ${id(s2)} @ ${JIT} (regenerate the lines of active entries)`);
  y = ef.matmul(x2, J);
  expectStage(y, `float product ${id(y)} = ${id(x2)} @ ${JIT} (regenerate every line (scatter))`);
  y = ef.matmul(J, x3);
  expectStage(y, `float product ${id(y)} = ${JIT} @ ${id(x3)} (regenerate every output line (gather))`);
  y = ef.matmul(J, s3);
  expectStage(y, `event product ${id(y)} = ${JIT} @ ${id(s3)} (regenerate every output line (gather))`);
  const d = J.todense().data;
  expectStage(d, `densify ${id(d)} [2×3] (just-in-time)`);
}, CPU_ONLY);

forEachBackend(test, 'plasticity: onPre walks active rows, onPost active columns; the other view when the format is compressed the other way', () => {
  const cases: [string, ef.LazyArray, ef.LazyArray, string][] = [];
  const pre = ef.plasticity.onPre(W, ef.binary([0, 1]), ef.zeros([3], 'nS')).data;
  cases.push(['onPre', pre, W.data, 'active rows (scan)']);
  const post = ef.plasticity.onPost(W, ef.binary([0, 1, 1]), ef.zeros([2], 'nS')).data;
  cases.push(['onPost', post, W.data, 'active columns (scan) via the other view']);
  const C = W.tocsc();
  const postC = ef.plasticity.onPost(C, ef.binary([0, 1, 1]), ef.zeros([2], 'nS')).data;
  cases.push(['onPost', postC, C.data, 'active columns (scan)']);
  const preC = ef.plasticity.onPre(C, ef.binary([0, 1]), ef.zeros([3], 'nS')).data;
  cases.push(['onPre', preC, C.data, 'active rows (scan) via the other view']);
  for (const [who, y, w, walk] of cases) expectStage(y, `plasticity ${who} ${id(y)} = ${id(w)} updated along ${walk}`);
}, CPU_ONLY);

forEachBackend(test, 'dense matmul is an event matmul when either operand is bool; a dense transpose is a gather', () => {
  const A = ef.array([[1, 2], [3, 4]]);
  const s = ef.binary([1, 0]);
  const x = ef.array([1, 0]);
  for (const [a, b, kind] of [[A, s, 'event matmul'], [s, A, 'event matmul'], [x, A, 'matmul'], [A, x, 'matmul']] as const) {
    const y = ef.matmul(a, b);
    expectStage(y, `${kind} ${id(y)} = ${id(a)} @ ${id(b)}`);
  }
  const D = ef.dense([[1, 2, 3], [4, 5, 6]], 'nS');
  const T = D.transpose().data;
  const order = (T as unknown as { node: Node }).node.src[1]!;
  expectStage(T, `gather ${id(T)} = ${id(D.data)}[%${order.id}]`);
}, CPU_ONLY);

test.run();
