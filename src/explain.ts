/** ef.explain: the fused kernel plan (and generated source) behind an array or a compiled runner. */
import { backend } from './backends/registry.js';
import { InvalidArgumentError } from './errors.js';
import { LazyArray } from './api/array.js';
import { Runner } from './api/trace.js';

export function explain(x: LazyArray | readonly LazyArray[] | Runner): string {
  if (x instanceof Runner) return x.explain();
  const arrays = x instanceof LazyArray ? [x] : x;
  if (!Array.isArray(arrays) || !arrays.every((a) => a instanceof LazyArray)) {
    throw new InvalidArgumentError('explain: expected a LazyArray, an array of them, or a compiled runner');
  }
  return `backend '${backend().name}'\n${backend().explain(arrays.map((a) => a.node))}`;
}
