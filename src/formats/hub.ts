/**
 * The conversion hub of the formats: how a format builds another format's values
 * (`dense.tocsr()`, `csr.todense()`, `jitc.tocsr()`, `spikes.bitpack()`) without importing
 * its module. Each format module registers, when it loads, how its values are built
 * (`registerFormat('csr', { fromStructure })`), and declares its class under the same name
 * in `FormatTypes`; the others convert through `fromArray`, `fromStructure` and `fromSpikes`.
 * The hub imports no format module: `FormatTypes` is filled in by the formats themselves
 * (TypeScript merges their `declare module` blocks into it), so a conversion returns exactly
 * the target's class (`FormatTypes['csr']` is `CSR`), and nothing imports back.
 * formats/all.ts loads every format module, so that all of them are registered before use.
 */
import { EventfuseError } from '../errors.js';
import type { LazyArray } from '../api/array.js';
import type { Compressed } from './sparse/structure.js';

/**
 * Format name → the class (or form) of its values. Empty here: each format module adds the
 * names it registers, beside its registerFormat call:
 *   declare module '../hub.js' { interface FormatTypes { csr: CSR } }
 */
export interface FormatTypes {}

export type FormatName = keyof FormatTypes;

/** The ways a format's values can be built; a format registers those it has. */
export interface FormatBuilder<T> {
  /** From a [rows, cols] array of values, which carries the unit (dense). */
  readonly fromArray?: (data: LazyArray) => T;
  /** From an index structure and its values, [nnz] or [] for one shared weight (csr, csc, coo). */
  readonly fromStructure?: (structure: Compressed, data: LazyArray) => T;
  /** From spikes (a BinaryArray) (packed). */
  readonly fromSpikes?: (spikes: LazyArray) => T;
}

type Way = keyof FormatBuilder<unknown>;

const FROM: Readonly<Record<Way, string>> = {
  fromArray: 'an array',
  fromStructure: 'an index structure',
  fromSpikes: 'spikes',
};

/**
 * A conversion found no registered target: the target's module was not loaded. Not a fault of
 * the input (eventfuse's index loads every format, see formats/all.ts), but still one of the
 * library's errors, naming the conversion.
 */
export class FormatNotRegisteredError extends EventfuseError {}

const builders = new Map<FormatName, FormatBuilder<unknown>>();

/** Called once by each format module as it loads; a second registration of a name is a bug. */
export function registerFormat<K extends FormatName>(format: K, builder: FormatBuilder<FormatTypes[K]>): void {
  if (builders.has(format)) throw new EventfuseError(`registerFormat: the format '${String(format)}' is registered twice`);
  builders.set(format, builder);
}

/** The registered way `way` of building `format`, for the conversion `op` (e.g. 'csr.todense'). */
function builderOf<W extends Way>(op: string, format: FormatName, way: W): NonNullable<FormatBuilder<unknown>[W]> {
  const build = builders.get(format)?.[way];
  if (build === undefined) {
    throw new FormatNotRegisteredError(
      `${op}: no '${String(format)}' format is registered to build from ${FROM[way]} (its module was not loaded; ` +
        "import eventfuse through its index, which loads every format through formats/all.ts)",
    );
  }
  return build as NonNullable<FormatBuilder<unknown>[W]>;
}

/** `format` (dense) from a [rows, cols] array, for the conversion `op`. */
export function fromArray<K extends FormatName>(op: string, format: K, data: LazyArray): FormatTypes[K] {
  return builderOf(op, format, 'fromArray')(data) as FormatTypes[K];
}

/** `format` (csr, csc, coo) from an index structure and its values, for the conversion `op`. */
export function fromStructure<K extends FormatName>(op: string, format: K, structure: Compressed, data: LazyArray): FormatTypes[K] {
  return builderOf(op, format, 'fromStructure')(structure, data) as FormatTypes[K];
}

/** `format` (packed) from spikes, for the conversion `op`. */
export function fromSpikes<K extends FormatName>(op: string, format: K, spikes: LazyArray): FormatTypes[K] {
  return builderOf(op, format, 'fromSpikes')(spikes) as FormatTypes[K];
}
