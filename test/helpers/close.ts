/** Numeric comparison with a relative + absolute tolerance that treats NaN == NaN. */
import * as assert from 'uvu/assert';

export function closeTo(actual: number, expected: number, rtol: number, atol = rtol): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what = 'values', atol = rtol): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!closeTo(actual[i]!, expected[i]!, rtol, atol)) {
      assert.unreachable(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
