/**
 * Elementwise chains that read many arrays (a sum of 30, as a gradient accumulated over
 * unrolled steps is) on every backend, against the reference. On gpujs webgpu such a chain
 * reads more buffers than one kernel may bind (16 storage buffers), so the lowering splits it
 * into kernels that each fit (gpujs/loops.ts, splitCone): explain shows the split there.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { GPUJS_MODE, tolerance, withBackend } from '../helpers/backends.js';
import { assertAllClose } from '../helpers/close.js';
import { forEachBackend } from '../helpers/suite.js';

const N = 30;
const xs = Array.from({ length: N }, (_, i) => ef.array(Float32Array.from({ length: 24 }, (_, k) => Math.sin(i * 7 + k)), 'mV'));
const chain = (): ef.LazyArray => xs.slice(1).reduce((y, x, i) => y.add(x.mul((i % 3) + 0.5)), xs[0]!);

forEachBackend(test, `a chain of ${N} arrays and its reductions equal the reference (split into kernels that fit where the target limits bindings)`, (backend) => {
  const make = (): ef.LazyArray[] => [chain(), chain().mul(chain()).sum(0), chain().reshape([4, 6]).max(1)];
  const want = withBackend('reference', () => make().map((x) => Array.from(x.dataSync())));
  const got = make().map((x) => Array.from(x.dataSync()));
  const tol = tolerance(backend, 'float32');
  got.forEach((g, k) => assertAllClose(g, want[k]!, tol, `output ${k}`, tol * 100));
  if (GPUJS_MODE === 'webgpu') assert.match(ef.explain(chain()), 'split off', 'the webgpu lowering splits the chain');
});

test.run();
