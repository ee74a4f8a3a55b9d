// Type-checks against the built package (dist/*.d.ts via the exports map), as a user would.
import * as ef from 'eventfuse';
import { brette, type Network } from 'eventfuse/models';

const i: ef.LazyArray = ef.scalar(10, 'nS').mul(ef.array([-65, -60], 'mV')).to('pA');
const values: ef.TypedArray = i.dataSync();
if (Math.abs(values[0]! + 650) > 1e-3) throw new Error(`expected -650 pA, got ${values[0]}`);

// Events times a sparse matrix, typed through the public declarations.
const W: ef.CSR = ef.csr({ indptr: [0, 1, 2], indices: [1, 0], data: [0.5, 2], shape: [2, 2] }, 'nS');
const spikes: ef.BinaryArray = ef.binary([1, 0]);
const g: ef.LazyArray = ef.matmul(spikes, W);
const gv = g.dataSync();
if (gv[0] !== 0 || gv[1] !== 0.5 || g.unit.toString() !== 'nS') throw new Error(`expected [0, 0.5] nS, got ${gv} ${g.unit}`);
const back: ef.CSC = W.transpose();
if (back.shape[0] !== 2) throw new Error('transpose shape');

// The benchmark models through the subpath export, typed by dist/models/index.d.ts.
const net: Network = brette({ model: 'cuba', neurons: 100, seed: 2 });
if (net.neurons !== 100 || net.excitatory !== 80) throw new Error(`expected 100 neurons (80 excitatory), got ${net.neurons} (${net.excitatory})`);
