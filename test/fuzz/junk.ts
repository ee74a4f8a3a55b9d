/**
 * Garbage for the fuzz suites: every kind of value a caller could pass by mistake. Numbers
 * stay out of the range where an unchecked size would allocate gigabytes or loop for
 * minutes: they are small (|v| <= 64, in steps of 1/8), tiny (<= 2^-40, so a step makes
 * an arange of 2^37+ elements), or huge (>= 2^33 elements, above what a typed array or
 * Array.from accepts, so even an unchecked library fails at once instead of allocating).
 */
import fc from 'fast-check';

/** A value whose string conversion throws (a careless `${x}` or String(x) in a message). */
export const throwingToString = (): object => ({
  toString(): string { throw new Error('junk: toString called'); },
});
/** A value that cannot be turned into a primitive at all. */
export const throwingPrimitive = (): object => ({
  [Symbol.toPrimitive](): never { throw new Error('junk: Symbol.toPrimitive called'); },
});

/** Sizes at or above 2^33: must be refused (ResourceError) before anything is allocated. */
export const HUGE_SIZES = [2 ** 33, 2 ** 40, 2 ** 53 - 1] as const;

export const smallNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -64, max: 64 }),
  fc.integer({ min: -512, max: 512 }).map((k) => k / 8),
);

export const specialNumber: fc.Arbitrary<number> = fc.constantFrom(
  NaN, Infinity, -Infinity, -0, Number.MIN_VALUE, -Number.MIN_VALUE, 2 ** -40, -(2 ** -40),
  ...HUGE_SIZES, 2 ** 33 + 0.5, -(2 ** 33), -(2 ** 53), 2 ** 53, 2 ** 53 + 2, 1e300, Number.MAX_VALUE, -Number.MAX_VALUE,
);

/** Any number the suite dares pass. */
export const junkNumber: fc.Arbitrary<number> = fc.oneof({ weight: 2, arbitrary: specialNumber }, { weight: 1, arbitrary: smallNumber });

const strings = fc.oneof(
  fc.constantFrom('', ' ', 'mV', 'nS', 'mV*nS', '1/ms', 'kg^2', 'm/s', '5 mV', 'mV mV', 'furlong', 'NaN', '1e400',
    '__proto__', 'constructor', 'toString', 'float64', 'int32', 'bool', 'row', 'col', '3', '-1', '[2, 3]'),
  fc.string({ maxLength: 6 }),
);

/** Leaves: one value of every JavaScript kind, plus the classic traps. */
export const junkLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: junkNumber },
  { weight: 2, arbitrary: strings },
  {
    weight: 4,
    arbitrary: fc.constantFrom<() => unknown>(
      () => null, () => undefined, () => true, () => false, () => 10n, () => -(2n ** 70n), () => Symbol('junk'),
      () => ({}), () => Object.create(null), throwingToString, throwingPrimitive, () => () => 1, () => new Date(NaN),
      () => /re/, () => new Map(), () => new Error('not ours'), () => Promise.resolve(1), () => ({ length: 2 }),
      () => new DataView(new ArrayBuffer(4)), () => new Uint8ClampedArray([1, 2]), () => new BigInt64Array(2),
      () => new Float64Array([NaN, Infinity]), () => new Int16Array([1, -1]), () => [, 1], // eslint-disable-line no-sparse-arrays
      () => Object.assign([1, 2], { extra: 'x' }),
    ).map((make) => make()),
  },
);

/** Leaves and small nested arrays / objects of them (depth <= 2, length <= 3). */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: junkLeaf },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(strings, tie('value'), { maxKeys: 3 }) },
  ),
})).value;

/** One argument position: its name(s) for the error message, a valid value, and what junk to put there. */
export interface Slot {
  /** What an error about this argument may name (the argument, or a field of it). */
  readonly names: readonly string[];
  readonly valid: fc.Arbitrary<unknown>;
  readonly junk?: fc.Arbitrary<unknown>;
  /** Never junk: the receiver of a method (calling a method of junk is not a library call). */
  readonly fixed?: boolean;
}

export interface Call {
  readonly args: unknown[];
  /** Names of the positions holding junk. */
  readonly bad: readonly string[];
}

/**
 * Arguments for `slots`: one position (at least) holds junk, the others valid values, and
 * now and then another position is junk too.
 */
export function call(slots: readonly Slot[]): fc.Arbitrary<Call> {
  const open = slots.flatMap((s, i) => (s.fixed ? [] : [i]));
  return fc.constantFrom(...open).chain((first) =>
    fc.tuple(...slots.map((s, i) => {
      const bad = (s.junk ?? junk).map((v) => ({ v, bad: true }));
      const good = s.valid.map((v) => ({ v, bad: false }));
      if (s.fixed) return good;
      return i === first ? bad : fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: bad });
    })).map((vs) => ({
      args: vs.map((x) => x.v),
      bad: vs.flatMap((x, i) => (x.bad ? slots[i]!.names : [])),
    })),
  );
}

/** An options object: valid fields with some replaced by junk (or junk in place of the whole object). */
export function options(fields: Readonly<Record<string, fc.Arbitrary<unknown>>>): fc.Arbitrary<unknown> {
  const keys = Object.keys(fields);
  return fc.oneof(
    junk,
    fc.tuple(fc.constantFrom(...keys), junk).chain(([key, bad]) =>
      fc.record(Object.fromEntries(keys.map((k) => [k, k === key ? fc.constant(bad) : fields[k]!])), { requiredKeys: [key] })),
  );
}

/** Print a case readably (junk is not JSON: bigints, symbols, throwing objects). */
export function show(v: unknown, depth = 0): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'function';
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (depth > 3) return '…';
  try {
    if (Array.isArray(v)) return `[${Array.from(v, (x) => show(x, depth + 1)).join(', ')}]`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.byteLength} bytes)`;
    const proto = Object.getPrototypeOf(v) as object | null;
    // Library values (arrays, matrices) print as their own toString says.
    if (proto !== null && proto !== Object.prototype && !Object.prototype.hasOwnProperty.call(v, 'toString')
      && (v as object).toString !== Object.prototype.toString) return String(v);
    const name = proto === null ? 'null-prototype object' : proto === Object.prototype ? '' : `${(proto as { constructor?: { name?: string } }).constructor?.name ?? '?'} `;
    if (Object.prototype.hasOwnProperty.call(v, 'toString') && typeof (v as { toString: unknown }).toString === 'function') return '{throwing toString}';
    if (Symbol.toPrimitive in (v as object)) return '{throwing toPrimitive}';
    return `${name}{${Object.entries(v as object).map(([k, x]) => `${k}: ${show(x, depth + 1)}`).join(', ')}}`;
  } catch {
    return '<unprintable>';
  }
}
