/**
 * The reference backend: a plain float64 interpreter over dense arrays, node by node,
 * using each primitive's reference. It is the oracle every other backend is tested against.
 */
import { toTyped, type TypedArray } from '../../ir/dtype.js';
import { isOp, topoSort, type Node } from '../../ir/node.js';
import { primitiveOf } from '../../ir/primitives/index.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Backend, Executable, KnownValues, Program } from '../backend.js';
import type { LoweringTable } from '../lowering.js';
import { ALL_OPS } from '../../ir/ops.js';
import { registerBackend } from '../registry.js';

function evaluate(roots: readonly Node[], leafValue: (n: Node) => Float64Array | undefined): Map<Node, Float64Array> {
  const values = new Map<Node, Float64Array>();
  for (const n of topoSort(roots)) {
    const given = leafValue(n);
    values.set(n, given ?? primitiveOf(n).reference(n, n.src.map((s) => values.get(s)!)));
  }
  return values;
}

const asFloat64 = (t: TypedArray | undefined): Float64Array | undefined => (t ? Float64Array.from(t) : undefined);

/** Every op runs its primitive's float64 reference. */
const INTERPRETED: LoweringTable = Object.freeze(Object.fromEntries(ALL_OPS.map((op) => [op, 'interpreted'])) as LoweringTable);

export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    lowerings: INTERPRETED,
    capabilities: { dtypes: ['float32', 'float64', 'int32', 'bool'], fusion: false, float32Tolerance: 0, float64Sums: true, eventLists: true },
    realize(roots: readonly Node[], known: KnownValues): TypedArray[] {
      const values = evaluate(roots, (n) => asFloat64(known(n)));
      return roots.map((r) => toTyped(r.dtype, values.get(r)!));
    },
    compile(program: Program): Executable {
      return {
        run(inputs, outputs) {
          const bound = new Map<Node, Float64Array>(program.inputs.map((n, i) => [n, Float64Array.from(inputs[i]!)]));
          const values = evaluate(program.outputs, (n) => {
            const v = bound.get(n);
            if (!v && isOp(n, 'input')) throw new InvalidArgumentError(`input '${n.arg.name}' was not bound`);
            return v;
          });
          program.outputs.forEach((o, i) => outputs[i]!.set(toTyped(o.dtype, values.get(o)!)));
        },
        explain: () => `reference backend: interprets ${topoSort(program.outputs).length} nodes one by one (no fusion)`,
      };
    },
    explain: (roots) => `reference backend: interprets ${topoSort(roots).length} nodes one by one (no fusion)`,
  };
}

registerBackend('reference', () => createReferenceBackend());
