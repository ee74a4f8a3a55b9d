/**
 * The run-wide fast-check seed (test/helpers/seed.ts): it reaches fc.assert, it is the one
 * scripts/test.mjs prints, and one seed draws the same cases every time.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SEED, SEED, parseSeed } from './seed.js';

test('the global fast-check configuration holds the run seed', () => {
  assert.is(fc.readConfigureGlobal().seed, SEED);
  const expected = process.env['EF_SEED'] ? Number(process.env['EF_SEED']) | 0 : DEFAULT_SEED;
  assert.is(SEED, expected);
});

test('scripts/test.mjs prints and passes the same default seed', () => {
  const script = readFileSync(new URL('../../scripts/test.mjs', import.meta.url), 'utf8');
  assert.is(Number(script.match(/const DEFAULT_SEED = (\d+);/)?.[1]), DEFAULT_SEED);
});

test('EF_SEED: integers (wrapped to 32 bits), random, and typos refused', () => {
  assert.equal(parseSeed(undefined), { seed: DEFAULT_SEED, random: false });
  assert.equal(parseSeed('-17'), { seed: -17, random: false });
  assert.equal(parseSeed(String(2 ** 32 + 5)), { seed: 5, random: false });
  assert.ok(parseSeed('random').random);
  assert.throws(() => parseSeed('12abc'), /EF_SEED/);
});

test('two runs with one seed draw the same cases', () => {
  const draw = (): number[] => fc.sample(fc.integer(), { numRuns: 20 });
  assert.equal(draw(), draw());
});

test.run();
