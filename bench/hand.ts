/**
 * The benchmark networks written by hand, as tightly as ../shared/perf/coba-hand.mjs: the
 * yardstick the compiled steps are measured against (bench/models.ts), in the same process.
 * Same network (the CSR matrices and initial state of a `brette(...)` network), same model
 * and update order as src/models/brette.ts: one pass over the neurons (integrate unless
 * refractory, threshold, reset, countdown, decay the synapses, list the spikes), then each
 * population's spikes scattered into its conductance. State in Float32Array, arithmetic in
 * float64, constants folded, the refractory period as an int countdown, buffers allocated
 * once. Not project code: no units, no checks, only what the benchmark needs.
 *
 * COBA and CUBA have functions of their own, each made once per network: V8 shares compiled
 * code between closures of one function, and a loop compiled for one network's arrays runs
 * about 3x slower on another's (measured here: CUBA after COBA through shared closures).
 */
import type { Network } from '../src/models/index.js';

export interface HandRun {
  readonly wallMs: number;
  readonly spikes: number;
  readonly spikesPerStep: Int32Array;
}

interface Setup {
  readonly N: number;
  readonly refSteps: number;
  readonly dt: number;
  readonly ePtr: Int32Array;
  readonly eIdx: Int32Array;
  readonly iPtr: Int32Array;
  readonly iIdx: Int32Array;
  readonly init: readonly [Float32Array, Float32Array, Float32Array];
}

function setup(net: Network): Setup {
  const E = net.projections.excitatory.matrix;
  const I = net.projections.inhibitory.matrix;
  if (!('indptr' in E) || !('indptr' in I)) throw new Error('hand loops need CSR connectivity');
  const dt = Math.fround(net.dt.item());
  const [v, ge, gi] = (['v', 'ge', 'gi'] as const).map((k) => net.init[k]!.dataSync() as Float32Array);
  return { N: net.neurons, refSteps: Math.round(5 / dt), dt, ePtr: E.indptr, eIdx: E.indices, iPtr: I.indptr, iIdx: I.indices, init: [v!, ge!, gi!] };
}

/** Runs `steps` steps from the initial state, timing the step loop only. */
type Hand = (steps: number) => HandRun;

/** The driver both loops share: reset the state, then update + two scatters per step. */
function drive(s: Setup, v: Float32Array, ge: Float32Array, gi: Float32Array, ref: Int32Array, step: () => number): Hand {
  return (steps) => {
    v.set(s.init[0]);
    ge.set(s.init[1]);
    gi.set(s.init[2]);
    ref.fill(0);
    const perStep = new Int32Array(steps);
    let spikes = 0;
    const t0 = performance.now();
    for (let t = 0; t < steps; t++) {
      const n = step();
      perStep[t] = n;
      spikes += n;
    }
    return { wallMs: performance.now() - t0, spikes, spikesPerStep: perStep };
  };
}

export function cobaHand(net: Network): Hand {
  const s = setup(net);
  const { N, refSteps, ePtr, eIdx, iPtr, iIdx } = s;
  const v = new Float32Array(N), ge = new Float32Array(N), gi = new Float32Array(N);
  const ref = new Int32Array(N), spk = new Int32Array(N);
  const we = Math.fround(0.6), wi = Math.fround(6.7);
  const a = s.dt / 20, de = 1 - s.dt / 5, di = 1 - s.dt / 10;
  const scatter = (g: Float32Array, ptr: Int32Array, idx: Int32Array, w: number, n: number): void => {
    for (let k = 0; k < n; k++) {
      const i = spk[k]!;
      for (let p = ptr[i]!, e = ptr[i + 1]!; p < e; p++) g[idx[p]!]! += w;
    }
  };
  const update = (): number => {
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
    scatter(ge, ePtr, eIdx, we, n);
    scatter(gi, iPtr, iIdx, wi, n);
    return n;
  };
  return drive(s, v, ge, gi, ref, update);
}

export function cubaHand(net: Network): Hand {
  const s = setup(net);
  const { N, refSteps, ePtr, eIdx, iPtr, iIdx } = s;
  const v = new Float32Array(N), ge = new Float32Array(N), gi = new Float32Array(N);
  const ref = new Int32Array(N), spk = new Int32Array(N);
  const we = Math.fround(1.62), wi = Math.fround(-9);
  const de = Math.exp(-s.dt / 5), di = Math.exp(-s.dt / 10), am = Math.exp(-s.dt / 20);
  const ce = (5 / (5 - 20)) * (de - am), ci = (10 / (10 - 20)) * (di - am);
  const scatter = (g: Float32Array, ptr: Int32Array, idx: Int32Array, w: number, n: number): void => {
    for (let k = 0; k < n; k++) {
      const i = spk[k]!;
      for (let p = ptr[i]!, e = ptr[i + 1]!; p < e; p++) g[idx[p]!]! += w;
    }
  };
  const update = (): number => {
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
    scatter(ge, ePtr, eIdx, we, n);
    scatter(gi, iPtr, iIdx, wi, n);
    return n;
  };
  return drive(s, v, ge, gi, ref, update);
}

/** The hand loop of `net`'s model. */
export const handLoop = (net: Network): Hand => (net.model === 'coba' ? cobaHand(net) : cubaHand(net));
