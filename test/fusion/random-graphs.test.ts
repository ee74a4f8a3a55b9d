/**
 * Random expression graphs (test/fusion/gen.ts): leaves of several broadcast-compatible
 * shapes, weak numbers and strong scalars, elementwise ops, `where` over comparisons,
 * reductions over all elements or one axis (keepdims or not), shared subexpressions and
 * several outputs realized together. Every backend other than the reference must compute
 * what the reference computes, within the dtype's tolerance.
 *
 * Float32 tolerance: a fused backend keeps values in float64 inside a loop and rounds them
 * only where it stores them, the reference never rounds until the end, so differences are
 * float32 roundings of intermediates: relative to the largest magnitude in the graph.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LazyArray, TypedArray } from '../../src/index.js';
import { realize } from '../../src/backends/registry.js';
import { topoSort } from '../../src/ir/node.js';
import { tolerance, withBackend, runs } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend, type BackendTestOptions } from '../helpers/suite.js';
import { buildGraph, graphCase, showExpr, type GraphCase } from './gen.js';

/** The first two tests compare with the reference: on the reference itself they would compare it with itself. */
const NOT_THE_ORACLE: BackendTestOptions = { skip: (b) => (b === 'reference' ? 'the reference is the oracle these graphs are compared with' : undefined) };

const describeCase = (c: GraphCase): string =>
  `${c.dtype} out ${JSON.stringify(c.outShape)} leaves ${JSON.stringify(c.leafShapes)}: ` +
  [...c.outputs.map(showExpr), ...c.counts.map((k) => `count ${k.cmp}(${showExpr(k.l)}, ${showExpr(k.r)})`)].join(' ; ');

/** The largest finite magnitude of any value in the graph, on the reference (at least 1). */
function magnitude(roots: readonly LazyArray[]): number {
  const nodes = topoSort(roots.map((r) => r.node));
  const values = withBackend('reference', () => realize(nodes));
  let m = 1;
  for (const v of values) for (const x of v) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x));
  return m;
}

function compare(backend: string, outputs: readonly LazyArray[], got: readonly TypedArray[], want: readonly TypedArray[], scale: number, what: string): void {
  assert.is(got.length, outputs.length, `${what}: number of results`);
  outputs.forEach((o, i) => {
    assert.is(got[i]!.constructor, want[i]!.constructor, `${what}: output ${i} storage`);
    const rtol = tolerance(backend, o.dtype);
    assertAllClose(got[i]!, want[i]!, rtol, `${what}: output ${i} (${o.dtype} ${JSON.stringify(o.shape)})`, rtol * scale);
  });
}

forEachBackend(test, 'random graphs: all outputs realized together equal the reference', (backend) => {
  fc.assert(
    fc.property(graphCase(), (c) => {
      const g = buildGraph(c);
      const nodes = g.outputs.map((o) => o.node);
      const want = withBackend('reference', () => realize(nodes));
      const got = withBackend(backend, () => realize(nodes));
      compare(backend, g.outputs, got, want, magnitude(g.outputs), describeCase(c));
    }),
    { numRuns: runs(150) },
  );
}, NOT_THE_ORACLE);

forEachBackend(test, 'random graphs: realizing some outputs first (then reused as known values) changes nothing', (backend) => {
  fc.assert(
    fc.property(graphCase({ minOutputs: 2 }), fc.nat(), (c, pick) => {
      const g = buildGraph(c);
      const nodes = g.outputs.map((o) => o.node);
      const want = withBackend('reference', () => realize(nodes));
      const got = withBackend(backend, () => {
        // First a single output and one pool value, then everything: the backend sees the
        // earlier results as known leaves of the later graph.
        realize([nodes[pick % nodes.length]!, g.pool[pick % g.pool.length]?.node ?? nodes[0]!]);
        return realize(nodes);
      });
      compare(backend, g.outputs, got, want, magnitude(g.outputs), describeCase(c));
    }),
    { numRuns: runs(60) },
  );
}, NOT_THE_ORACLE);

forEachBackend(test, 'random graphs: each output realized alone equals the same output realized with the others', (backend) => {
  fc.assert(
    fc.property(graphCase({ minOutputs: 2, dtypes: ['float64'] }), (c) => {
      // float64: the backend's own result should not depend on what is fused with it.
      const together = withBackend(backend, () => realize(buildGraph(c).outputs.map((o) => o.node)));
      const alone = buildGraph(c).outputs.map((o) => withBackend(backend, () => realize([o.node])[0]!));
      together.forEach((t, i) => assertAllClose(alone[i]!, t, 1e-12, `${describeCase(c)}: output ${i}`));
    }),
    { numRuns: runs(40) },
  );
});

test.run();
