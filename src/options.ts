/**
 * Options arguments at the public boundary: a plain object holding only known keys. One
 * check, so every function refuses `null`, a number or a misspelt key (`progresEvery`) the
 * same way, naming the function and the key.
 */
import { describeValue } from './describe.js';
import { InvalidArgumentError } from './errors.js';

/**
 * `value` as an options object of `op`, or an InvalidArgumentError. `form` is how the
 * message spells the object (`{ dtype?, shape? }`), `alternative` what else is accepted.
 */
export function optionsObject(op: string, value: unknown, keys: readonly string[], form: string, alternative = ''): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${op}: options must be an object ${form}${alternative}, got ${describeValue(value)}`);
  }
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length) {
    const expected = keys.length > 1 ? `${keys.slice(0, -1).join(', ')} or ${keys[keys.length - 1]}` : keys[0];
    throw new InvalidArgumentError(`${op}: unknown option ${unknown.map((k) => `'${k}'`).join(', ')}; expected ${expected}`);
  }
  return value as Readonly<Record<string, unknown>>;
}
