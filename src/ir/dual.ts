/**
 * Make a function dual: called with `arity` arguments it runs data-first; called with one
 * fewer it returns the data-last form `(self) => body(self, ...rest)` for fp-ts `pipe`.
 */
export function dual<F extends (...args: never[]) => unknown>(arity: number, body: (...args: any[]) => unknown): F {
  const f = (...args: unknown[]): unknown =>
    args.length >= arity ? body(...args) : (self: unknown) => body(self, ...args);
  return f as unknown as F;
}
