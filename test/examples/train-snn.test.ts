/**
 * examples/train-snn.ts: a recurrent spiking network (200 LIF neurons, CSR recurrent weights,
 * surrogate spikes) trained with BPTT and Adam on which-channel-bursts (4 classes, chance 25 %).
 *
 * - cpu: 3 epochs of the example as it ships. The mean training loss of the last epoch is below
 *   a third of the first's, the held-out test loss below half of the untrained one, and the
 *   held-out accuracy at least chance + 40 points (65 %). Measured here (fixed seeds): train
 *   loss 1.09 → 0.33, test accuracy 23 % → 89 %; about 30 s. The reference backend (a float64
 *   interpreter) and gpujs skip it: too slow for a training run.
 * - every backend: a tiny network (30 neurons, 12 steps, batch 4). Its forward spikes and loss
 *   equal cpu's, its gradients (W_in, the CSR data of W_rec, W_out) are finite and equal cpu's
 *   within a float32 tolerance, and two Adam steps on one batch lower that batch's loss. (On
 *   gpujs webgpu the gradient of W_in, one term per step, reads more buffers than a WebGPU
 *   kernel may bind; the gpujs lowering splits such chains, gpujs/loops.ts splitCone.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { batchLoss, forward, realizeAll, snnNetwork, trainSnn, trainStep, trials, type TrainSnnParams } from '../../examples/train-snn.js';
import { forEachBackend } from '../helpers/suite.js';
import { withBackend } from '../helpers/backends.js';

forEachBackend(test, 'the example trains: loss falls 3x, held-out accuracy ≥ chance + 40 points', () => {
  const r = trainSnn({ epochs: 3 });
  const first = r.epochs[0]!, last = r.epochs[r.epochs.length - 1]!;
  assert.is(r.synapses, 4019, 'the recurrent CSR structure (seed 1, p = 0.1)');
  assert.ok(r.epochs.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.testLoss)), 'finite losses');
  assert.ok(last.trainLoss < first.trainLoss / 3, `train loss ${first.trainLoss} → ${last.trainLoss}: expected a fall by 3x or more`);
  assert.ok(last.testLoss < r.initial.testLoss / 2, `test loss ${r.initial.testLoss} → ${last.testLoss}: expected a fall by 2x or more`);
  assert.ok(r.initial.testAccuracy < r.chance + 0.15, `untrained accuracy ${r.initial.testAccuracy}: expected about chance (${r.chance})`);
  assert.ok(last.testAccuracy >= r.chance + 0.4, `held-out accuracy ${last.testAccuracy}: expected ≥ ${r.chance + 0.4}`);
  assert.ok(last.spikesPerNeuron > 0.1 && last.spikesPerNeuron < 20, `spikes per neuron per trial ${last.spikesPerNeuron}: the network neither went silent nor saturated`);
}, { skip: (b) => (b === 'cpu' ? undefined : 'a training run (≈ 30 s on cpu) runs on cpu only; the tiny network below runs everywhere') });

const TINY: Partial<TrainSnnParams> = {
  neurons: 30, channels: 2, perChannel: 4, connectionProb: 0.2, steps: 12,
  burstStart: 1, burstEnd: 7, readFrom: 7, burstRate: 200, winStd: 6, wrecStd: 2, woutStd: 0.3,
  batch: 4, trainTrials: 4, testTrials: 4, lr: 0.05, seed: 3,
};

/** Loss, spike count and the three gradients of the tiny network's first batch, flattened, on the current backend. */
function tinyGradients(): { loss: number; spikes: number; grads: Record<string, Float64Array> } {
  const net = snnNetwork(TINY);
  const [batch] = trials(net.params, 'train');
  const { value, grad } = ef.valueAndGrad(batchLoss(net, batch!))(net.init);
  const spikes = forward(net, net.init, batch!).spikes.sum();
  const [l, s, gin, grec, gout] = realizeAll([value.reshape([1]), spikes.reshape([1]), grad.win, grad.wrec, grad.wout]);
  return {
    loss: l!.item(), spikes: s!.item(),
    grads: { win: Float64Array.from(gin!.dataSync()), wrec: Float64Array.from(grec!.dataSync()), wout: Float64Array.from(gout!.dataSync()) },
  };
}

forEachBackend(test, 'tiny network: spikes, loss and BPTT gradients equal cpu\'s; two Adam steps lower the loss', (backend) => {
  const here = tinyGradients();
  const cpu = withBackend('cpu', tinyGradients);
  assert.ok(here.spikes > 0, 'the tiny network spikes');
  assert.is(here.spikes, cpu.spikes, `[${backend}] spikes in the batch, against cpu`);
  assert.ok(Math.abs(here.loss - cpu.loss) <= 1e-5 * Math.max(1, Math.abs(cpu.loss)), `[${backend}] loss ${here.loss} vs cpu ${cpu.loss}`);
  for (const k of ['win', 'wrec', 'wout']) {
    const g = here.grads[k]!, c = cpu.grads[k]!;
    assert.ok(g.every(Number.isFinite), `[${backend}] ${k}: finite gradients`);
    const scale = c.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    assert.ok(scale > 0, `${k}: a nonzero gradient`);
    // float32 sums in a different order (or float64 on the reference): a few ulps of the largest entry
    const worst = g.reduce((m, x, i) => Math.max(m, Math.abs(x - c[i]!)), 0);
    assert.ok(worst <= 1e-4 * scale, `[${backend}] ${k}: largest difference from cpu ${worst}, largest entry ${scale}`);
  }
  const net = snnNetwork(TINY);
  const [batch] = trials(net.params, 'train');
  const opt = ef.optim.adam({ lr: net.params.lr });
  let state = { weights: net.init, opt: opt.init(net.init) };
  const losses: number[] = [];
  for (let k = 0; k < 2; k++) {
    const r = trainStep(net, opt, state, batch!);
    losses.push(r.loss);
    state = r.state;
  }
  losses.push(realizeAll([batchLoss(net, batch!)(state.weights).reshape([1])])[0]!.item());
  assert.ok(losses[2]! < losses[1]! && losses[1]! < losses[0]!, `[${backend}] loss over two Adam steps: ${losses.join(' → ')}`);
});

test.run();
