/** Leaf nodes built from values: scalar literals and constant arrays. */
import { Unit } from '../units/unit.js';
import type { DType, TypedArray } from './dtype.js';
import { intern, type Node } from './node.js';
import type { Shape } from './shape.js';

/** A scalar leaf; weak scalars come from plain JS numbers and adapt their dtype. */
export function scalarNode(value: number, unit: Unit = Unit.dimensionless, dtype: DType = 'float32', weak = false): Node<'scalar'> {
  return intern('scalar', dtype, [], unit, [], { kind: 'scalar', value, weak });
}

const dtypeOf = (data: TypedArray): DType =>
  data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'bool';

/** A leaf holding `data` (handed over: it must not be mutated afterwards); 0-d data is a scalar leaf. */
export function constNode(data: TypedArray, shape: Shape, unit: Unit = Unit.dimensionless): Node {
  const dtype = dtypeOf(data);
  if (shape.length === 0) return scalarNode(data[0]!, unit, dtype);
  return intern('const', dtype, shape, unit, [], { kind: 'const', data });
}

/** An int32 index array as a constant leaf (sparse structures, permutations). */
export const indexNode = (data: Int32Array, shape: Shape = [data.length]): Node<'const'> =>
  intern('const', 'int32', shape, Unit.dimensionless, [], { kind: 'const', data });
