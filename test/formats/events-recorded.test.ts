/**
 * Events (src/formats/events) recorded by a compiled run: the cpu backend records a spike
 * vector as index lists (one per step) and hands back a BinaryArray built from them, whose
 * dense values stay lazy. A raster recorded there is an ordinary BinaryArray for every backend:
 * simulate on the cpu, analyse anywhere. Checked against a plain-JS simulation of the same
 * step: the values, the event views (counts, index lists, bit-packing) and a product with a
 * weight matrix, on each backend, and the raster recorded on the backend itself agrees.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { isOp, topoSort } from '../../src/ir/node.js';
import { forEachBackend } from '../helpers/suite.js';
import { expectedWords } from '../arbitraries/events.js';

const N = 37; // more than one 32-bit word per step
const STEPS = 6;
const V0 = Array.from({ length: N }, (_, i) => -60 + ((i * 7) % 13)); // -60 .. -48 mV
const DRIVE = Array.from({ length: N }, (_, i) => (i % 4) - 1); // -1 .. 2 mV per step
const VTH = -51;

/** The raster by plain arithmetic: V(t) = V0 + t * drive; a spike where V(t) > VTH (no reset). */
const WANT: number[][] = Array.from({ length: STEPS }, (_, t) => V0.map((v, i) => (v + t * DRIVE[i]! > VTH ? 1 : 0)));
/** Small integer weights: every sum below is exact in float32. */
const W: number[][] = Array.from({ length: N }, (_, i) => [1 + (i % 3), (i * 5) % 7 - 3]);

const step: ef.StepFn = (s) => {
  const spikes = ef.binary(s.V!.greater(ef.scalar(VTH, 'mV')));
  return { state: { V: s.V!.add(ef.array(DRIVE, 'mV')) }, record: { spikes } };
};

/** Record the raster with a run on `backend`, whatever backend is current afterwards. */
async function record(backend: string): Promise<ef.BinaryArray> {
  const previous = ef.getBackend();
  ef.setBackend(backend);
  try {
    const out = await ef.compile(step).run({ V: ef.array(V0, 'mV') }, { steps: STEPS });
    return out.records.spikes as ef.BinaryArray;
  } finally {
    ef.setBackend(previous);
  }
}

function expectRaster(rec: ef.BinaryArray, what: string): void {
  assert.ok(rec instanceof ef.BinaryArray, `${what}: a BinaryArray`);
  assert.equal([...rec.shape], [STEPS, N], `${what}: shape [steps, n]`);
  assert.is(rec.dtype, 'bool', `${what}: dtype`);
  assert.equal(Array.from(rec.dataSync()), WANT.flat(), `${what}: values`);
  assert.is(rec.count(), WANT.flat().filter((v) => v !== 0).length, `${what}: count`);
  const lists = WANT.map((row) => row.flatMap((v, i) => (v !== 0 ? [i] : [])));
  assert.equal(rec.rowIndices().map((l) => Array.from(l)), lists, `${what}: one index list per step`);
  const { offsets, indices } = rec.eventList();
  assert.equal(Array.from(offsets), [0, ...lists.map((_, t) => lists.slice(0, t + 1).flat().length)], `${what}: offsets`);
  assert.equal(Array.from(indices), lists.flat(), `${what}: indices`);
  assert.equal(Array.from(rec.bitpack().bits), expectedWords(WANT, N), `${what}: bit-packed words`);
  // y[t, j] = sum over the neurons active at step t of W[i, j]
  const y = WANT.flatMap((row) => [0, 1].map((j) => row.reduce((acc, v, i) => acc + v * W[i]![j]!, 0)));
  assert.equal(Array.from(ef.matmul(rec, ef.array(W)).dataSync()), y, `${what}: matmul(spikes, W)`);
  assert.equal(Array.from(rec.astype('float32').sum(1).dataSync()), lists.map((l) => l.length), `${what}: spikes per step`);
}

forEachBackend(test, 'a raster recorded on the cpu backend (index lists) reads the same on this backend', async () => {
  const rec = await record('cpu');
  // What a backend uploads is sized by the node's shape (gpujs slots): every constant leaf
  // behind the raster holds exactly as many values as its shape says.
  for (const n of topoSort([rec.node])) {
    if (isOp(n, 'const')) assert.is(n.arg.data.length, n.shape.reduce((a, d) => a * d, 1), `const %${n.id} [${n.shape.join(', ')}]: its data length`);
  }
  expectRaster(rec, 'recorded on cpu');
  // and its values once more after the event views (the lists are kept beside the lazy values)
  assert.equal(Array.from(rec.dataSync()), WANT.flat(), 'values again');
});

forEachBackend(test, 'a raster recorded on this backend holds the same spikes', async (backend) => {
  expectRaster(await record(backend), `recorded on ${backend}`);
});

test.run();
