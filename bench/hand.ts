/**
 * The benchmark networks written by hand, as tightly as ../shared/perf/coba-hand.mjs: the
 * yardstick the compiled steps are measured against (bench/models.ts), in the same process.
 * Same network (the CSR matrices and initial state of a `brette(...)` network), same model
 * and update order as src/models/brette.ts: one pass over the neurons (integrate unless
 * refractory, threshold, reset, countdown, decay the synapses, list the spikes), then each
 * population's spikes scattered into its conductance. State in Float32Array, arithmetic in
 * float64, constants folded, the refractory period as an int countdown. Not project code:
 * no units, no checks, only what the benchmark needs.
 */
import type { Network } from '../src/models/index.js';

export interface HandRun {
  readonly wallMs: number;
  readonly spikes: number;
  readonly spikesPerStep: Int32Array;
}

const f32 = Math.fround;

/** A hand-written loop for `net` (COBA or CUBA, CSR connectivity): call it to run `steps` steps. */
export function handLoop(net: Network): (steps: number) => HandRun {
  const N = net.neurons;
  const E = net.projections.excitatory.matrix;
  const I = net.projections.inhibitory.matrix;
  if (!('indptr' in E) || !('indptr' in I)) throw new Error('handLoop: needs CSR connectivity');
  const [ePtr, eIdx, iPtr, iIdx] = [E.indptr, E.indices, I.indptr, I.indices];
  const [v0, ge0, gi0] = (['v', 'ge', 'gi'] as const).map((k) => net.init[k]!.dataSync() as Float32Array);
  const dt = f32(net.dt.item());
  const refSteps = Math.round(5 / dt);
  const coba = net.model === 'coba';
  // Weights as the step sees them (float32 literals).
  const we = coba ? f32(0.6) : f32(1.62);
  const wi = coba ? f32(6.7) : f32(-9);
  const de = coba ? 1 - dt / 5 : Math.exp(-dt / 5);
  const di = coba ? 1 - dt / 10 : Math.exp(-dt / 10);
  const a = dt / 20; // COBA: dt / taum
  const am = Math.exp(-dt / 20); // CUBA: exact integration
  const ce = (5 / (5 - 20)) * (Math.exp(-dt / 5) - am);
  const ci = (10 / (10 - 20)) * (Math.exp(-dt / 10) - am);

  return (steps) => {
    const v = Float32Array.from(v0), ge = Float32Array.from(ge0), gi = Float32Array.from(gi0);
    const ref = new Int32Array(N), spk = new Int32Array(N), perStep = new Int32Array(steps);
    const scatter = (g: Float32Array, ptr: Int32Array, idx: Int32Array, w: number, n: number): void => {
      for (let k = 0; k < n; k++) {
        const i = spk[k]!;
        for (let p = ptr[i]!, e = ptr[i + 1]!; p < e; p++) g[idx[p]!]! += w;
      }
    };
    const updateCoba = (): number => {
      let n = 0;
      for (let i = 0; i < N; i++) {
        const vi = v[i]!, gei = ge[i]!, gii = gi[i]!, r = ref[i]!;
        let vn = vi;
        if (r > 0) ref[i] = r - 1;
        else {
          vn = vi + (gei * (0 - vi) + gii * (-80 - vi) - (vi + 60)) * a;
          if (vn > -50) { vn = -60; ref[i] = refSteps; spk[n++] = i; }
        }
        v[i] = vn; ge[i] = gei * de; gi[i] = gii * di;
      }
      return n;
    };
    const updateCuba = (): number => {
      let n = 0;
      for (let i = 0; i < N; i++) {
        const vi = v[i]!, gei = ge[i]!, gii = gi[i]!, r = ref[i]!;
        let vn = vi;
        if (r > 0) ref[i] = r - 1;
        else {
          vn = -49 + (vi + 49) * am + gei * ce + gii * ci;
          if (vn > -50) { vn = -60; ref[i] = refSteps; spk[n++] = i; }
        }
        v[i] = vn; ge[i] = gei * de; gi[i] = gii * di;
      }
      return n;
    };
    const update = coba ? updateCoba : updateCuba;
    let spikes = 0;
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) {
      const n = update();
      scatter(ge, ePtr, eIdx, we, n);
      scatter(gi, iPtr, iIdx, wi, n);
      perStep[s] = n;
      spikes += n;
    }
    return { wallMs: performance.now() - t0, spikes, spikesPerStep: perStep };
  };
}
