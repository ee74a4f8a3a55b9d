/** The registry of backends and the current one; backends register themselves by name. */
import { describeValue } from '../describe.js';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import type { TypedArray } from '../ir/dtype.js';
import type { Node } from '../ir/node.js';
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
 * Choose the backend later computations use. Options go to the backend (e.g. the gpujs
 * mode); without options a backend chosen before comes back as it was last configured.
 */
export function setBackend(name: string, options?: Readonly<Record<string, unknown>>): Backend {
  const factory = typeof name === 'string' ? factories.get(name) : undefined;
  if (!factory) {
    const given = typeof name === 'string' ? `'${name}'` : describeValue(name);
    throw new InvalidArgumentError(`unknown backend ${given}: expected one of ${backendNames().join(', ')}`);
  }
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new InvalidArgumentError(`setBackend: options must be an object, got ${describeValue(options)}`);
  }
  const chosen = options ?? lastOptions.get(name) ?? {};
  const key = `${name}:${JSON.stringify(chosen)}`;
  let backend = instances.get(key);
  if (!backend) instances.set(key, (backend = factory(chosen)));
  lastOptions.set(name, chosen);
  current = backend;
  return backend;
}

export function getBackend(): Backend {
  if (!current) {
    if (!factories.has(defaultName)) throw new BackendUnavailableError(`no backend is registered; import 'eventfuse' to register the built-in ones`);
    setBackend(defaultName);
  }
  return current!;
}

/** Results per backend and node: nodes are immutable values, so a result never goes stale. */
const memo = new WeakMap<Backend, WeakMap<Node, TypedArray>>();

/** Compute nodes on the current backend, reusing anything it computed before. */
export function realize(nodes: readonly Node[]): TypedArray[] {
  const backend = getBackend();
  let known = memo.get(backend);
  if (!known) memo.set(backend, (known = new WeakMap()));
  const table = known;
  const missing = nodes.filter((n) => !table.has(n));
  if (missing.length) {
    const values = backend.realize(missing, (n) => table.get(n));
    missing.forEach((n, i) => table.set(n, values[i]!));
  }
  return nodes.map((n) => table.get(n)!);
}
