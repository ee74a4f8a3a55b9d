/**
 * Fuzz: ef.compile and a runner's run / prepare / explain with garbage in the step function,
 * the initial state and every run option. The step always records a value, so even a huge
 * `steps` is refused at once (records for 2^33+ steps) instead of running for hours.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as ef from '../../src/index.js';
import { junk, options } from './junk.js';
import { fuzzCases, type FuzzCase } from './run.js';

const step: ef.StepFn = (s) => ({ state: { v: s['v']!.mul(0.5) }, record: { v: s['v']!, spike: s['v']!.greater(ef.scalar(1, 'mV')) } });
const state = fc.constantFrom<unknown>({ v: ef.zeros([3], 'mV') }, { v: ef.ones([2, 2], 'mV') });
const runOptions = {
  names: ['options', 'steps', 'inputs', 'onProgress', 'progressEvery'],
  valid: fc.constantFrom<unknown>({ steps: 3 }, { steps: 0 }, { steps: 4, progressEvery: 2, onProgress: () => undefined }),
  junk: options({ steps: fc.constantFrom(1, 5), inputs: fc.constant(undefined), onProgress: fc.constant(undefined), progressEvery: fc.constant(undefined) }),
};

export const COMPILE: FuzzCase[] = [
  { name: 'compile', slots: [{ names: ['step'], valid: fc.constant(step) }], run: ([f]) => ef.compile(f as ef.StepFn) },
  {
    name: 'runner.run',
    slots: [{ names: ['state', 'initial'], valid: state }, runOptions],
    run: ([s, o]) => ef.compile(step).run(s as ef.ArrayRecord, o as ef.RunOptions),
  },
  {
    name: 'runner.run (inputs)',
    slots: [{ names: ['inputs', 'input'], valid: fc.constantFrom<unknown>({}, { i: ef.ones([4, 3], 'mV') }) }],
    run: ([inputs]) => ef.compile((s, i) => ({ state: { v: i['i'] ? s['v']!.add(i['i']) : s['v']! }, record: { v: s['v']! } }))
      .run({ v: ef.zeros([3], 'mV') }, { steps: 2, inputs: inputs as ef.RunOptions['inputs'] }),
  },
  {
    name: 'runner.run (step result)',
    slots: [{ names: ['step', 'state', 'record', 'returned'], valid: fc.constant(undefined) }],
    // The step returns the junk (or a valid state when it is undefined).
    run: ([r]) => ef.compile((s) => (r === undefined ? { v: s['v']! } : r) as ef.StepResult).run({ v: ef.zeros([3]) }, { steps: 1 }),
  },
  {
    name: 'runner.prepare',
    slots: [{ names: ['state', 'initial'], valid: state }, { names: ['inputs'], valid: fc.constant(undefined) }],
    run: ([s, i]) => ef.compile(step).prepare(s as ef.ArrayRecord, i as ef.RunOptions['inputs']),
  },
  {
    name: 'explain',
    slots: [{ names: ['runner', 'explain'], valid: fc.constant(undefined), junk: fc.oneof(junk, fc.constant([ef.compile(step)])) }],
    // undefined is the valid case (a prepared runner); null is junk like any other
    run: ([x]) => ef.explain((x === undefined ? ef.compile(step).prepare({ v: ef.zeros([3], 'mV') }) : x) as ef.Runner),
  },
];

fuzzCases(test, COMPILE, 25);

test.run();
