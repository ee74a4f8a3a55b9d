import { InvalidArgumentError } from '../errors.js';

/**
 * Make a function dual: called with `arity` arguments it runs data-first; called with one
 * fewer it returns the data-last form `(self) => body(self, ...rest)` for fp-ts `pipe`.
 *
 * More than `arity` arguments is refused rather than ignored: it is what `xs.map(ef.add)`
 * passes (value, index, array), which would otherwise run data-first as `add(x, 0)`.
 * `params` names the arguments after the first, for the suggested fix.
 */
export function dual<F extends (...args: never[]) => unknown>(
  arity: number,
  body: (...args: never[]) => unknown,
  name: string,
  params: readonly string[] = ['y', 'z', 'w'].slice(0, arity - 1),
): F {
  const run = body as (...args: unknown[]) => unknown;
  const f = (...args: unknown[]): unknown => {
    if (args.length > arity) throw extraArguments(name, arity, args.length, params);
    return args.length === arity ? run(...args) : (self: unknown) => run(self, ...args);
  };
  return f as unknown as F;
}

/** The error for a call with more arguments than the data-first form takes (the map/forEach trap). */
export function extraArguments(name: string, arity: number, got: number, params: readonly string[]): InvalidArgumentError {
  return new InvalidArgumentError(
    `${name} takes ${arity} arguments, got ${got}: passing ef.${name} to map/forEach passes (value, index, array); ` +
      `write xs.map((x) => ef.${name}(${['x', ...params].join(', ')}))`,
  );
}
