/** The registry of backends and the current one; backends register themselves by name. */
import { describeValue } from '../describe.js';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import type { TypedArray } from '../ir/dtype.js';
import { topoSort, type Node } from '../ir/node.js';
import { storageOf } from '../ir/traits.js';
import type { Backend } from './backend.js';

export type BackendFactory = (options: Readonly<Record<string, unknown>>) => Backend;

const factories = new Map<string, BackendFactory>();
const instances = new Map<string, Backend>();
let current: Backend | undefined;
let defaultName = 'cpu';

export function registerBackend(name: string, factory: BackendFactory, isDefault = false): void {
  factories.set(name, factory);
  if (isDefault) defaultName = name;
}

export const backendNames = (): string[] => [...factories.keys()];

/** The options each backend name was last chosen with (so `setBackend(name)` returns to it). */
const lastOptions = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * Choose the backend later computations use, by name or as a backend object that `backend()`
 * returned. Options go to the backend (e.g. the gpujs mode); without options a backend chosen
 * before comes back as it was last configured.
 */
export function setBackend(which: string | Backend, options?: Readonly<Record<string, unknown>>): Backend {
  if (typeof which === 'object' && which !== null) return setBackendObject(which, options);
  const name = which;
  const factory = typeof name === 'string' ? factories.get(name) : undefined;
  if (!factory) {
    const given = typeof name === 'string' ? `'${name}'` : describeValue(name);
    throw new InvalidArgumentError(`unknown backend ${given}: expected one of ${backendNames().join(', ')} (or a backend object from ef.backend())`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidArgumentError(`setBackend: options must be an object, got ${describeValue(options)}`);
  }
  const chosen = options ?? lastOptions.get(name) ?? {};
  let key: string;
  try {
    // Options identify an instance, so they must be plain data (numbers, strings, arrays, objects).
    key = `${name}:${JSON.stringify(chosen)}`;
  } catch {
    throw new InvalidArgumentError(`setBackend: options must be plain data (numbers, strings, booleans, arrays, objects), such as { mode: 'webgl' }; got ${describeValue(options)} holding something else (a BigInt or a cycle)`);
  }
  let backend = instances.get(key);
  if (!backend) instances.set(key, (backend = factory(chosen)));
  lastOptions.set(name, chosen);
  current = backend;
  return backend;
}

/** Only instances this registry made: an object of unknown origin may not compute what it claims. */
function setBackendObject(backend: Backend, options: unknown): Backend {
  const entry = [...instances].find(([, b]) => b === backend);
  if (!entry) {
    const name = (backend as { name?: unknown }).name;
    const what = typeof name === 'string' ? `a backend object named '${name}'` : describeValue(backend);
    throw new InvalidArgumentError(
      `setBackend: ${what} that this registry did not create; expected a name (${backendNames().join(', ')}) or an object returned by ef.backend()`,
    );
  }
  if (options !== undefined) {
    throw new InvalidArgumentError(`setBackend: options go with a backend name; a backend object is already configured (got ${describeValue(options)})`);
  }
  const [key] = entry;
  const name = key.slice(0, key.indexOf(':'));
  lastOptions.set(name, JSON.parse(key.slice(name.length + 1)) as Readonly<Record<string, unknown>>);
  current = backend;
  return backend;
}

/** The current backend object (its name, capabilities, explain); chooses the default on first use. */
export function backend(): Backend {
  if (!current) {
    if (!factories.has(defaultName)) throw new BackendUnavailableError(`no backend is registered; import 'eventfuse' to register the built-in ones`);
    setBackend(defaultName);
  }
  return current!;
}

/** The current backend's name, as TF.js's `tf.getBackend()`: `setBackend(getBackend())` is a no-op. */
export function getBackend(): string {
  return backend().name;
}

/** Results per backend and node: nodes are immutable values, so a result never goes stale. */
const memo = new WeakMap<Backend, WeakMap<Node, TypedArray>>();

/**
 * Compute nodes on the current backend, reusing anything it computed before. A view
 * (reshape) is its operand's values, row-major: the same array serves both.
 */
export function realize(requested: readonly Node[]): TypedArray[] {
  const nodes = requested.map(storageOf);
  const active = backend();
  let known = memo.get(active);
  if (!known) memo.set(active, (known = new WeakMap()));
  const table = known;
  const missing = nodes.filter((n) => !table.has(n));
  if (missing.length) {
    // An input leaf (a compiled step's state, a placeholder of ef.grad) has no value here; some
    // backends would read an unbound buffer as zeros, so every backend refuses it alike.
    const input = topoSort(missing, (n) => table.has(n)).find((n) => n.arg?.kind === 'input');
    if (input?.arg?.kind === 'input') throw new InvalidArgumentError(`input '${input.arg.name}' has no value outside a compiled step`);
    const values = active.realize(missing, (n) => table.get(n));
    missing.forEach((n, i) => table.set(n, values[i]!));
  }
  return nodes.map((n) => table.get(n)!);
}

/** Values the current backend has already computed for `node`, without computing anything. */
export function realizedValues(node: Node): TypedArray | undefined {
  return current ? memo.get(current)?.get(storageOf(node)) : undefined;
}
