/**
 * The cpu backend's elementwise emitter (src/backends/cpu/expr.ts) on its own: for every op and
 * every combination of operand dtypes the IR allows, the emitted JavaScript expression,
 * evaluated on loop values (bools as JavaScript booleans, numbers as numbers), must store the
 * same value as the op's float64 meaning rounded to the result dtype; bool results must be
 * booleans (loops branch on them) and all others numbers. The int32 selects and max/min of
 * int32 or bool operands are emitted without a `| 0` wrap or a Math call (docs/fusion.md:
 * loop code shape), which the source is checked for.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import { elementwiseSource, literal } from '../../src/backends/cpu/expr.js';
import { build } from '../../src/ir/build.js';
import { roundTo, type DType } from '../../src/ir/dtype.js';
import { BINARY_OPS, TERNARY_OPS, UNARY_OPS, type ElementwiseOp } from '../../src/ir/ops.js';
import { SCALAR_FN } from '../../src/ir/primitives/elementwise.js';

const DTYPES: readonly DType[] = ['float64', 'float32', 'int32', 'bool'];

/** Loop values per dtype, with the edge cases each op must get right. */
const VALUES: Readonly<Record<DType, readonly number[]>> = {
  float64: [0, -0, 1.5, -2.25, 3, 7, NaN, Infinity, -Infinity, 1e300],
  float32: [0, -0, 0.5, -3, 4, NaN, Infinity, -Infinity],
  int32: [0, 1, -1, 5, -7, 2147483647, -2147483648],
  bool: [0, 1],
};

const arity = (op: ElementwiseOp): number =>
  (UNARY_OPS as readonly string[]).includes(op) ? 1 : (BINARY_OPS as readonly string[]).includes(op) ? 2 : 3;

/** Every dtype tuple of `n` operands. */
function tuples(n: number): DType[][] {
  return n === 0 ? [[]] : tuples(n - 1).flatMap((t) => DTYPES.map((d) => [...t, d]));
}

/** The result dtype the IR gives `op` on these operands (undefined where it refuses them). */
function resultDType(op: ElementwiseOp, types: readonly DType[], cast: DType): DType | undefined {
  const leaves = types.map((d) => ef.zeros([1], '1', d).node);
  try {
    return op === 'cast' ? build('cast', leaves, { kind: 'cast', dtype: cast }).dtype : build(op, leaves).dtype;
  } catch (e) {
    if (e instanceof ef.EventfuseError) return undefined;
    throw e;
  }
}

/** Every operand combination of the values above (capped per op so the test stays fast). */
function combos(types: readonly DType[]): number[][] {
  let out: number[][] = [[]];
  for (const d of types) out = out.flatMap((c) => VALUES[d].map((v) => [...c, v]));
  return out;
}

const ALL_OPS: readonly ElementwiseOp[] = [...UNARY_OPS, ...BINARY_OPS, ...TERNARY_OPS];

test('every op and operand dtype: the emitted expression stores the float64 meaning rounded to the result dtype', () => {
  let checked = 0;
  for (const op of ALL_OPS) {
    for (const types of tuples(arity(op))) {
      for (const cast of op === 'cast' ? DTYPES : (['float64'] as const)) {
        const dtype = resultDType(op, types, cast);
        if (dtype === undefined) continue;
        const names = ['a', 'b', 'c'].slice(0, types.length);
        const src = elementwiseSource(op, dtype, names[0]!, names[1], names[2], types);
        const f = new Function(...names, `return ${src};`) as (...v: (number | boolean)[]) => number | boolean;
        for (const vals of combos(types)) {
          const loopVals = vals.map((v, i) => (types[i] === 'bool' ? v !== 0 : v));
          const got = f(...loopVals);
          const what = `${op}(${types.join(', ')}) -> ${dtype} on (${vals.join(', ')}): ${src}`;
          assert.is(typeof got, dtype === 'bool' ? 'boolean' : 'number', `${what}: type of the loop value`);
          const stored = roundTo(dtype, typeof got === 'boolean' ? (got ? 1 : 0) : got);
          const want = roundTo(dtype, SCALAR_FN[op](vals[0]!, vals[1] ?? 0, vals[2] ?? 0));
          if (!Object.is(stored, want)) assert.unreachable(`${what}: stored ${stored}, expected ${want}`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 5000, `${checked} cases checked`);
});

test('int32 selects and max/min of int32 or bool operands: no `| 0` wrap and no Math call; other int32 results wrap', () => {
  for (const op of ['maximum', 'minimum', 'where'] as const) {
    for (const types of tuples(arity(op))) {
      const dtype = resultDType(op, types, 'float64');
      if (dtype !== 'int32') continue;
      const exact = types.every((t, i) => (op === 'where' && i === 0) || t === 'int32' || t === 'bool');
      const src = elementwiseSource(op, dtype, 'a', 'b', 'c', types);
      assert.is(/\| 0|Math\./.test(src), !exact, `${op}(${types.join(', ')}) -> int32: ${src}`);
    }
  }
  // int32 arithmetic must wrap like the reference: 2^31 - 1 + 1 is -2^31
  const add = new Function('a', 'b', `return ${elementwiseSource('add', 'int32', 'a', 'b', '', ['int32', 'int32'])};`) as (a: number, b: number) => number;
  assert.is(add(2147483647, 1), -2147483648);
  // max of an int32 and a float32 promotes to float, emitted as Math.max (NaN propagates)
  assert.match(elementwiseSource('maximum', 'float32', 'a', 'b', '', ['int32', 'float32']), /Math\.max/);
});

test('literal: every double reads back as itself, negative values parenthesised (safe after a unary minus)', () => {
  for (const v of [0, -0, 1, -1, 0.1, -2.5e-310, 1e308, -1e308, Number.MIN_VALUE, NaN, Infinity, -Infinity, 2 ** 53 + 2]) {
    const text = literal(v);
    assert.ok(Object.is(new Function(`return ${text};`)(), v), `${v} as ${text}`);
    // `-${literal}` must still parse and negate: a bare "-1" after "-" would read as "--1"
    assert.ok(Object.is(new Function(`return -${text};`)(), -v), `-(${v}) as -${text}`);
  }
});

test.run();
