/**
 * Hash-consing of IR nodes (src/ir/node.ts): nodes and their arguments are frozen; the key
 * of an argument does not depend on the order of its fields; -0 and 0 are different
 * literals; and a key whose node was garbage collected and built again keeps the new node
 * when the old node's finalizer runs. These are backend-independent facts about the graph,
 * checked once per process (on its first backend); the values that tell -0 from 0 are
 * computed on cpu and reference (1 / x, against plain JavaScript).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { scalarNode } from '../../src/ir/leaves.js';
import { intern, type Node } from '../../src/ir/node.js';
import { Unit } from '../../src/units/unit.js';
import { BACKENDS, forEachBackend } from '../helpers/suite.js';

const ONCE = { skip: (b: string) => (b === BACKENDS[0] ? undefined : 'a fact about the graph, not the backend: checked on the first backend only') };

const nodeOf = (x: ef.LazyArray): Node => (x as unknown as { node: Node }).node;

forEachBackend(test, 'nodes and the arguments they hold are frozen (a node is one structure for good)', () => {
  const x = ef.array([1, 2, 3, 4], 'mV', { shape: [2, 2] });
  const built = [ef.scalar(2, 'mV'), x.sum(0, { keepdims: true }), x.astype('int32'), x.max(), x.mul(3)];
  for (const y of built) {
    const n = nodeOf(y);
    assert.ok(Object.isFrozen(n), `${n.op}: node frozen`);
    assert.ok(Object.isFrozen(n.shape) && Object.isFrozen(n.src), `${n.op}: shape and operands frozen`);
    if (n.arg !== null) {
      assert.ok(Object.isFrozen(n.arg), `${n.op}: its ${n.arg.kind} argument is frozen`);
      const before = JSON.stringify(n.arg);
      assert.throws(() => {
        (n.arg as { kind: string }).kind = 'changed';
      }, TypeError, `${n.op}: assigning to its argument throws`);
      assert.is(JSON.stringify(n.arg), before, `${n.op}: argument unchanged`);
    }
  }
}, ONCE);

forEachBackend(test, "an argument's key does not depend on the order of its fields", () => {
  const x = nodeOf(ef.array([1, 2, 3, 4, 5, 6], 'mV', { shape: [2, 3] }));
  const one = intern('sum', 'float32', [3], Unit.of('mV'), [x], { kind: 'reduce', axis: 0, keepdims: false });
  const other = intern('sum', 'float32', [3], Unit.of('mV'), [x], { keepdims: false, axis: 0, kind: 'reduce' });
  assert.ok(one === other, 'the same argument, fields written in another order: the same node');
  const s1 = intern('scalar', 'float32', [], Unit.dimensionless, [], { kind: 'scalar', value: 0.375, weak: true });
  const s2 = intern('scalar', 'float32', [], Unit.dimensionless, [], { weak: true, value: 0.375, kind: 'scalar' });
  assert.ok(s1 === s2, 'scalar literals: the same node');
  // positive control: a different field value is a different node
  const three = intern('sum', 'float32', [2], Unit.of('mV'), [x], { axis: 1, keepdims: false, kind: 'reduce' });
  assert.ok(three !== one, 'another axis: another node');
}, ONCE);

forEachBackend(test, '-0 and 0 are different literals: building one never returns the other', () => {
  for (const [first, second] of [[0, -0], [-0, 0]] as const) {
    const a = scalarNode(first);
    const b = scalarNode(second);
    assert.ok(a !== b, `scalar ${Object.is(first, -0) ? '-0' : '0'} then ${Object.is(second, -0) ? '-0' : '0'}: two nodes`);
    assert.ok(Object.is(a.scalarValue, first) && Object.is(b.scalarValue, second), 'each keeps its own sign');
  }
  // other numbers stay apart from -0 too (and equal literals are one node)
  assert.ok(scalarNode(-1) !== scalarNode(-0) && scalarNode(1) !== scalarNode(0), '±1 are not ±0');
  assert.ok(scalarNode(-0) === scalarNode(-0) && scalarNode(Number.NaN) === scalarNode(Number.NaN), 'equal literals: one node');
}, ONCE);

forEachBackend(test, '1 / x of strong and weak ±0 keeps the sign of each zero, whichever was built first', (backend) => {
  for (const zeros of [[0, -0], [-0, 0]] as const) {
    for (const z of zeros) {
      const want = 1 / z; // float64: +-Infinity
      const strong = ef.div(1, ef.scalar(z, '1'));
      assert.equal(Array.from(strong.dataSync()), [want], `1 / scalar(${Object.is(z, -0) ? '-0' : '0'}) on ${backend}`);
      const weak = ef.div(ef.array([1, 2], '1'), z);
      assert.equal(Array.from(weak.dataSync()), [1 / z, 2 / z], `[1, 2] / ${Object.is(z, -0) ? '-0' : '0'} on ${backend}`);
    }
  }
}, { skip: (b) => (b === 'gpujs' ? 'division by a signed zero is not defined in shader arithmetic' : undefined) });

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** Build a literal no other test builds, keeping only a weak reference to it. */
function builtAndDropped(value: number, collected: FinalizationRegistry<string>): WeakRef<Node> {
  const n = scalarNode(value, Unit.dimensionless, 'float64');
  collected.register(n, 'first');
  return new WeakRef(n);
}

forEachBackend(test, 'a node built again after its first copy was collected stays the one node for its key', async () => {
  const value = 1 + 2 ** -40; // a float64 literal of this test only
  const finalized: string[] = [];
  const registry = new FinalizationRegistry<string>((t) => finalized.push(t));
  const first = builtAndDropped(value, registry);
  let gone = false;
  for (let i = 0; i < 50 && !gone; i++) {
    await tick(); // a WeakRef keeps its target alive until the end of the current job
    gc();
    gone = first.deref() === undefined;
  }
  assert.ok(gone, 'the first node was collected (positive control of the setup)');
  // Same job as the collection: the table's finalizer for the first node has not run yet.
  const again = scalarNode(value, Unit.dimensionless, 'float64');
  assert.is(again.scalarValue, value);
  for (let i = 0; i < 50 && finalized.length === 0; i++) await tick();
  assert.equal(finalized, ['first'], 'the first node was finalized');
  for (let i = 0; i < 5; i++) await tick(); // and the table's finalizer of the same collection too
  assert.ok(scalarNode(value, Unit.dimensionless, 'float64') === again, 'building it once more returns the node that is alive');
  assert.ok(nodeOf(ef.scalar(value, '1', 'float64')) === again, 'through the public constructor too');
}, ONCE);

test.run();
