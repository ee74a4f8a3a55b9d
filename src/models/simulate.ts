/**
 * Running a network: the step is compiled once and run in chunks (so the per-step spike
 * records never hold more than one chunk), counting spikes per step and keeping the spikes
 * of the first `sample` neurons for a raster plot.
 */
import * as ef from '../index.js';
import type { Network } from './brette.js';

export interface SimulateOptions {
  readonly steps: number;
  /** Neurons recorded for the raster (the first `sample`, all of them when larger; 0 = none; default 0). */
  readonly sample?: number;
  /** Steps per run() call: a positive integer (default 1000). */
  readonly chunk?: number;
  /** Called every ⌈k / 4⌉ steps of a chunk of k steps and at its end, with the steps done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SimulationResult {
  readonly steps: number;
  readonly spikeCount: number;
  /** Population spike count of each step. */
  readonly spikesPerStep: Int32Array;
  /** The sampled neurons' spikes: step index and neuron index of each. */
  readonly raster: { readonly steps: Int32Array; readonly neurons: Int32Array };
  readonly wallMs: number;
  readonly finalState: Record<string, ef.LazyArray>;
}

/**
 * One compiled runner per network, kept while the network lives: a second simulation of the
 * same network reuses its trace, its generated kernels bound to its buffers, and the code V8
 * has already optimized for them (a runner gives each concurrent run buffers of its own).
 */
const runners = new WeakMap<Network, ef.Runner>();
function runnerOf(net: Network): ef.Runner {
  let runner = runners.get(net);
  if (!runner) runners.set(net, (runner = ef.compile(net.step)));
  return runner;
}

export async function simulate(net: Network, options: SimulateOptions): Promise<SimulationResult> {
  const { steps } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new ef.InvalidArgumentError(`simulate: steps is ${steps}; expected a non-negative integer`);
  const sampleOption = options.sample ?? 0;
  if (!Number.isInteger(sampleOption) || sampleOption < 0) {
    throw new ef.InvalidArgumentError(`simulate: sample is ${sampleOption}; expected a non-negative integer (the raster records neurons 0 .. sample - 1)`);
  }
  const sample = Math.min(sampleOption, net.neurons);
  const chunk = options.chunk ?? 1000;
  if (!Number.isInteger(chunk) || chunk < 1) throw new ef.InvalidArgumentError(`simulate: chunk is ${chunk}; expected a positive integer (steps per runner call)`);
  const runner = runnerOf(net);
  const perStep = new Int32Array(steps);
  const rasterSteps: number[] = [];
  const rasterNeurons: number[] = [];
  let state: ef.ArrayRecord = net.init;
  const start = performance.now();
  for (let done = 0; done < steps;) {
    const k = Math.min(chunk, steps - done);
    const out = await runner.run(state, {
      steps: k,
      startStep: done, // t goes on across chunks (random draws keyed by t do not repeat)
      progressEvery: Math.max(1, Math.ceil(k / 4)),
      onProgress: (d) => options.onProgress?.(done + d, steps),
    });
    // The spikes come as index lists: counts and raster in O(spikes), no scan of every neuron.
    const { offsets, indices } = (out.records.spike as ef.BinaryArray).eventList();
    for (let t = 0; t < k; t++) {
      perStep[done + t] = offsets[t + 1]! - offsets[t]!;
      if (sample === 0) continue;
      for (let q = offsets[t]!; q < offsets[t + 1]!; q++) {
        const i = indices[q]!;
        if (i < sample) {
          rasterSteps.push(done + t);
          rasterNeurons.push(i);
        }
      }
    }
    state = out.state;
    done += k;
  }
  const wallMs = performance.now() - start;
  return {
    steps,
    spikeCount: perStep.reduce((a, b) => a + b, 0),
    spikesPerStep: perStep,
    raster: { steps: Int32Array.from(rasterSteps), neurons: Int32Array.from(rasterNeurons) },
    wallMs,
    finalState: state as Record<string, ef.LazyArray>,
  };
}
