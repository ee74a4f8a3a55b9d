/**
 * The fuzz oracle: a call either gives a valid result, which is then forced (realized on
 * the current backend), or throws an EventfuseError subclass whose message is a non-empty
 * string naming the function or the bad argument. Anything else (a TypeError, a RangeError,
 * a plain Error, a message that names nothing) is a failure of the library.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { show, type Call } from './junk.js';

/** Largest side of a matrix format the oracle multiplies to force it. */
const FORCE_LIMIT = 256;

const isFormat = (x: unknown): x is ef.LinearOperator & { readonly shape: readonly number[] } =>
  typeof x === 'object' && x !== null && !(x instanceof ef.LazyArray)
  && typeof (x as ef.LinearOperator).leftProduct === 'function' && typeof (x as ef.LinearOperator).rightProduct === 'function';

/** Realize what a call returned, so a lazily deferred failure surfaces here. */
export function force(result: unknown): void {
  if (result instanceof ef.LazyArray) {
    const data = result.dataSync();
    const size = result.shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new Error(`oracle: realized ${data.length} values for shape [${result.shape.join(', ')}]`);
    return;
  }
  if (isFormat(result)) {
    const [rows, cols] = result.shape as [number, number];
    // Sides beyond the limit stay lazy: a valid JIT matrix may be huge; products are checked elsewhere.
    if (rows <= FORCE_LIMIT && cols <= FORCE_LIMIT) {
      force(ef.matmul(result, ef.ones([cols])));
      force(ef.matmul(ef.ones([rows]), result));
    }
    return;
  }
  if (typeof result === 'object' && result !== null && 'state' in result && 'records' in result) {
    const r = result as ef.RunResult;
    for (const v of [...Object.values(r.state), ...Object.values(r.records)]) force(v);
  }
}

/** Names an error message should mention: the function (its last dotted part too) or a bad argument. */
function named(message: string, fn: string, bad: readonly string[]): boolean {
  const m = message.toLowerCase();
  const base = fn.split(' (')[0]!; // 'matmul (data-last)' is matmul
  return [base, base.split('.').at(-1)!, ...bad].some((n) => m.includes(n.toLowerCase()));
}

const describe = (e: unknown): string =>
  e instanceof Error ? `${e.constructor.name}: ${e.message}` : `a thrown non-Error ${show(e)}`;

/** Why `e` is not an acceptable error for `fn` with junk in `bad`, or undefined when it is. */
export function badError(e: unknown, fn: string, bad: readonly string[], cls: Function = ef.EventfuseError): string | undefined {
  if (!(e instanceof cls) || !(e instanceof ef.EventfuseError)) return `threw ${describe(e)} (expected ${cls.name})`;
  if (typeof e.message !== 'string' || e.message.trim() === '') return `threw ${e.constructor.name} with an empty message`;
  if (!named(e.message, fn, bad)) return `threw ${describe(e)}: the message names neither ${fn} nor ${bad.join('/') || 'the argument'}`;
  return undefined;
}

/** Run one fuzzed call (sync or async) and its forcing; fail with the case and what was thrown. */
export async function expectTyped(fn: string, c: Call, thunk: () => unknown, cls: Function = ef.EventfuseError): Promise<void> {
  let problem: string | undefined;
  try {
    force(await thunk());
  } catch (e) {
    problem = badError(e, fn, c.bad, cls);
  }
  if (problem) assert.unreachable(`${fn}(${c.args.map((a) => show(a)).join(', ')}) [junk: ${c.bad.join(', ') || '-'}] ${problem}`);
}

/** The Either forms: never throw; Left holds a specific EventfuseError subclass; Right is forced. */
export function expectSafe(fn: string, c: Call, thunk: () => E.Either<unknown, unknown>): void {
  const where = `safe.${fn}(${c.args.map((a) => show(a)).join(', ')})`;
  let result: E.Either<unknown, unknown>;
  try {
    result = thunk();
  } catch (e) {
    return assert.unreachable(`${where} threw ${describe(e)} instead of returning Left`);
  }
  if (E.isRight(result)) {
    try {
      force(result.right);
    } catch (e) {
      const problem = badError(e, fn, c.bad);
      if (problem) assert.unreachable(`${where} gave Right, and forcing it ${problem}`);
    }
    return;
  }
  const e = result.left;
  const problem = badError(e, fn, c.bad);
  if (problem) return assert.unreachable(`${where} gave Left: ${problem}`);
  // The safe layer wraps foreign errors in a bare EventfuseError: that hides a library bug.
  if ((e as object).constructor === ef.EventfuseError) assert.unreachable(`${where} gave Left of a bare EventfuseError (a wrapped foreign error): ${(e as Error).message}`);
}
