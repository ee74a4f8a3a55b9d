/**
 * Modules built by the WebAssembly encoder, run: each must pass WebAssembly.validate
 * (helpers/wasm.ts checks it before instantiating) and compute what the same math computes in
 * JavaScript: scalar i32/f32/f64 ops on fast-check inputs, constants bit for bit, a loop over
 * memory, imported calls, globals, shared memory, the 0xFC ops, atomics; and random nested
 * control flow, which must always validate. SIMD: wasm-encoder-simd.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATOMIC, FunctionBuilder, MISC, ModuleBuilder, OP, type ValType } from '../../src/backends/wasm/encoder.js';
import { instantiate, wasm, withMemory } from '../helpers/wasm.js';

const RUNS = { numRuns: 60 };
const fn = (params: ValType[] = [], results: ValType[] = []): FunctionBuilder => new FunctionBuilder({ params, results });

/** Round half to even, as f32.nearest / f64.nearest do. */
const nearest = (x: number): number => {
  if (!Number.isFinite(x) || Math.trunc(x) === x) return x;
  const r = Math.round(x);
  return (r - x === 0.5 && r % 2 !== 0 ? r - 1 : r) || (x < 0 ? -0 : 0);
};
const signBit = (x: number): boolean => x < 0 || Object.is(x, -0);

type Ref = (a: number, b: number) => number;

/** One module exporting `a (op) b` (or `op a`) for each op; then a property comparing each to JS. */
function scalarSuite(t: 'i32' | 'f32' | 'f64', ops: Record<string, Ref>, unary: Record<string, (a: number) => number>, arb: fc.Arbitrary<number>): void {
  const m = new ModuleBuilder();
  const code = (n: string): number => OP[`${t}_${n}` as keyof typeof OP];
  const cmp = (n: string): boolean => /^(?:eq|ne|[lg][te](?:_[su])?)$/.test(n);
  for (const n of Object.keys(ops)) m.addFunction(fn([t, t], [cmp(n) ? 'i32' : t]).localGet(0).localGet(1).op(code(n)), n);
  for (const n of Object.keys(unary)) m.addFunction(fn([t], [t]).localGet(0).op(code(n)), n);
  const inst = instantiate(m.toBytes());
  const round = t === 'f32' ? Math.fround : t === 'i32' ? (x: number) => x | 0 : (x: number) => x;
  fc.assert(fc.property(arb, arb, (a, b) => {
    for (const [n, ref] of Object.entries(ops)) {
      const want = cmp(n) ? ref(a, b) : round(ref(a, b));
      if (n === 'copysign' && Number.isNaN(b)) continue; // a NaN's sign does not survive JS → wasm
      assert.ok(Object.is(inst.fn(n)(a, b), want), `${t}.${n}(${a}, ${b}): got ${inst.fn(n)(a, b)}, want ${want}`);
    }
    for (const [n, ref] of Object.entries(unary)) {
      assert.ok(Object.is(inst.fn(n)(a), round(ref(a))), `${t}.${n}(${a}): got ${inst.fn(n)(a)}, want ${round(ref(a))}`);
    }
  }), RUNS);
}

const floatOps = (r: (x: number) => number): Record<string, Ref> => ({
  add: (a, b) => r(a) + r(b), sub: (a, b) => r(a) - r(b), mul: (a, b) => r(a) * r(b), div: (a, b) => r(a) / r(b),
  min: (a, b) => Math.min(r(a), r(b)), max: (a, b) => Math.max(r(a), r(b)),
  copysign: (a, b) => (signBit(b) ? -Math.abs(a) : Math.abs(a)),
  eq: (a, b) => +(r(a) === r(b)), ne: (a, b) => +(r(a) !== r(b)), lt: (a, b) => +(r(a) < r(b)),
  gt: (a, b) => +(r(a) > r(b)), le: (a, b) => +(r(a) <= r(b)), ge: (a, b) => +(r(a) >= r(b)),
});
const floatUnary = { abs: Math.abs, neg: (a: number) => -a, sqrt: Math.sqrt, ceil: Math.ceil, floor: Math.floor, trunc: Math.trunc, nearest };

test('scalar i32 arithmetic, bit ops, shifts and comparisons match JS', () => {
  const u = (x: number): number => x >>> 0;
  scalarSuite('i32', {
    add: (a, b) => a + b, sub: (a, b) => a - b, mul: Math.imul, and: (a, b) => a & b, or: (a, b) => a | b,
    xor: (a, b) => a ^ b, shl: (a, b) => a << b, shr_s: (a, b) => a >> b, shr_u: (a, b) => a >>> b,
    rotl: (a, b) => (a << (b & 31)) | (a >>> ((32 - (b & 31)) & 31)),
    eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt_s: (a, b) => +(a < b), lt_u: (a, b) => +(u(a) < u(b)),
    gt_s: (a, b) => +(a > b), ge_u: (a, b) => +(u(a) >= u(b)), le_s: (a, b) => +(a <= b),
  }, { clz: Math.clz32, eqz: (a) => +(a === 0) }, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
});

test('scalar f32 ops (rounded as Math.fround) and f64 ops match JS, NaN / -0 / infinities included', () => {
  scalarSuite('f32', floatOps(Math.fround), floatUnary, fc.float());
  scalarSuite('f64', floatOps((x) => x), floatUnary, fc.double());
});

test('f32 / f64 constants are bit-exact: NaN payloads, -0, infinities, subnormals', () => {
  const values = [NaN, -0, 0, Infinity, -Infinity, 2 ** -149, 2 ** -127, -(2 ** -1074), 2 ** -1023, 1 / 3, Math.PI, -3.4028234663852886e38];
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, 0xfff4000000000abcn, true); // a signalling NaN with a payload
  values.push(dv.getFloat64(0, true));
  const m = new ModuleBuilder();
  values.forEach((v, i) => {
    m.addFunction(fn([], ['i64']).f64Const(v).op(OP.i64_reinterpret_f64), `d${i}`);
    m.addFunction(fn([], ['i32']).f32Const(v).op(OP.i32_reinterpret_f32), `s${i}`);
  });
  const inst = instantiate(m.toBytes());
  values.forEach((v, i) => {
    dv.setFloat64(0, v, true);
    assert.is(BigInt.asUintN(64, inst.fn64(`d${i}`)()), dv.getBigUint64(0, true), `f64 bits of ${v}`);
    dv.setFloat32(0, v, true); // the float32 rounding of v, as Math.fround gives it
    assert.is(inst.fn(`s${i}`)() >>> 0, dv.getUint32(0, true), `f32 bits of ${v}`);
  });
  assert.is(inst.fn('s0')() >>> 0, 0x7fc00000, 'f32 NaN');
  assert.is(inst.fn('s5')() >>> 0, 1, 'smallest f32 subnormal');
});

test('a loop with br_if sums a float64 array in memory as JS does', () => {
  const { f, memory } = withMemory(['i32', 'i32'], ['f64'], (b) => {
    const i = b.local('i32'), acc = b.local('f64');
    b.block().loop()
      .localGet(i).localGet(1).op(OP.i32_ge_s).brIf(1)
      .localGet(acc).localGet(0).localGet(i).i32Const(3).op(OP.i32_shl).op(OP.i32_add).mem(OP.f64_load, 3).op(OP.f64_add).localSet(acc)
      .localGet(i).i32Const(1).op(OP.i32_add).localSet(i)
      .br(0).end().end().localGet(acc);
  });
  fc.assert(fc.property(fc.array(fc.double(), { maxLength: 50 }), fc.integer({ min: 0, max: 64 }), (xs, at) => {
    new Float64Array(memory.buffer, at * 8, xs.length).set(xs);
    const want = xs.reduce((s, x) => s + x, 0);
    assert.ok(Object.is(f(at * 8, xs.length), want), `sum of ${xs}`);
  }), RUNS);
});

test('imported functions are called: Math.exp and Math.atan2, through a defined function too', () => {
  const m = new ModuleBuilder();
  const exp = m.importFunction('Math', 'exp', { params: ['f64'], results: ['f64'] });
  const atan2 = m.importFunction('Math', 'atan2', { params: ['f64', 'f64'], results: ['f64'] });
  const half = m.addFunction(fn(['f64'], ['f64']).localGet(0).f64Const(0.5).op(OP.f64_mul), 'half');
  m.addFunction(fn(['f64', 'f64'], ['f64']).localGet(0).call(exp).localGet(1).call(half).call(atan2), 'g');
  assert.is(half, 2);
  const g = instantiate(m.toBytes(), { Math }).fn('g');
  fc.assert(fc.property(fc.double({ min: -50, max: 50 }), fc.double(), (a, b) => Object.is(g(a, b), Math.atan2(Math.exp(a), b * 0.5))), RUNS);
});

test('globals: a mutable exported counter, immutable f32 / f64 initial values', () => {
  const m = new ModuleBuilder();
  const count = m.addGlobal('i32', true, -7, 'count');
  const third = m.addGlobal('f32', false, 1 / 3, 'third');
  const big = m.addGlobal('f64', false, 1e300);
  m.addFunction(fn(['i32'], ['f64']).globalGet(count).localGet(0).op(OP.i32_add).globalSet(count)
    .globalGet(big).globalGet(third).op(OP.f64_promote_f32).op(OP.f64_add), 'bump');
  const inst = instantiate(m.toBytes());
  assert.is(inst.global('count').value, -7);
  assert.is(inst.global('third').value, Math.fround(1 / 3));
  assert.throws(() => { inst.global('third').value = 0; }, (e: unknown) => e instanceof TypeError, 'an immutable global refuses a JS write');
  inst.global('count').value = -7; // and a mutable one takes it
  assert.is(inst.fn('bump')(10), 1e300 + Math.fround(1 / 3));
  inst.fn('bump')(2 ** 31 - 1);
  assert.is(inst.global('count').value, (3 + 2 ** 31 - 1) | 0);
});

test('shared imported memory: a SharedArrayBuffer whose Float32Array view sees wasm stores', () => {
  const { f, memory } = withMemory(['i32', 'f32'], [], (b) => b.localGet(0).localGet(1).mem(OP.f32_store, 2, 4), true);
  assert.instance(memory.buffer, SharedArrayBuffer);
  const view = new Float32Array(memory.buffer);
  fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.float(), (k, x) => {
    f(4 * k, x);
    assert.ok(Object.is(view[k + 1], Math.fround(x)), `view[${k + 1}]`);
  }), RUNS);
  assert.not.ok(wasm.validate(new ModuleBuilder().toBytes().subarray(0, 7)), 'validate rejects a truncated header');
});

test('0xFC: trunc_sat saturates (NaN → 0), memory.fill and memory.copy', () => {
  const m = new ModuleBuilder();
  m.addFunction(fn(['f64'], ['i32']).localGet(0).misc(MISC.i32_trunc_sat_f64_s), 's');
  m.addFunction(fn(['f32'], ['i32']).localGet(0).misc(MISC.i32_trunc_sat_f32_u), 'u');
  m.addFunction(fn(['f64'], ['i64']).localGet(0).misc(MISC.i64_trunc_sat_f64_s), 's64');
  const inst = instantiate(m.toBytes());
  const sat = (x: number, lo: number, hi: number): number => (Number.isNaN(x) ? 0 : Math.min(hi, Math.max(lo, Math.trunc(x))));
  const [s, u, s64] = [inst.fn('s'), inst.fn('u'), inst.fn64('s64')];
  assert.equal([NaN, 1e20, -1e20, 3.7, -3.7, Infinity].map((x) => s(x)), [0, 2147483647, -2147483648, 3, -3, 2147483647]);
  assert.equal([-5, 5e9, NaN].map((x) => u(x)), [0, -1, 0]);
  assert.equal([1e300, -Infinity].map((x) => s64(x)), [2n ** 63n - 1n, -(2n ** 63n)]);
  fc.assert(fc.property(fc.double(), (x) => s(x) === (sat(x, -(2 ** 31), 2 ** 31 - 1) | 0)), RUNS);
  const { f, memory } = withMemory(['i32', 'i32', 'i32', 'i32', 'i32'], [], (b) =>
    b.localGet(0).localGet(1).localGet(2).misc(MISC.memory_fill).localGet(3).localGet(0).localGet(4).misc(MISC.memory_copy));
  const bytes = new Uint8Array(memory.buffer, 0, 256);
  fc.assert(fc.property(fc.nat(100), fc.nat(255), fc.nat(50), fc.nat(200), fc.nat(56), (dst, v, n, to, k) => {
    const want = Uint8Array.from(bytes).fill(v, dst, dst + n).copyWithin(to, dst, dst + k);
    f(dst, v, n, to, k);
    assert.equal([...bytes], [...want]);
  }), RUNS);
});

test('atomics: rmw.add returns the old value, cmpxchg, notify wakes 0 waiters, wait32 / fence validate', () => {
  const { f: add, memory } = withMemory(['i32', 'i32'], ['i32'], (b) => b.localGet(0).localGet(1).atomic(ATOMIC.i32_atomic_rmw_add, 2), true);
  const cells = new Int32Array(memory.buffer);
  cells[3] = 40;
  assert.is(add(12, 2), 40);
  assert.is(add(12, -50), 42);
  assert.is(cells[3], -8);
  const cas = withMemory(['i32', 'i32', 'i32'], ['i32'], (b) => b.localGet(0).localGet(1).localGet(2).atomic(ATOMIC.i32_atomic_rmw_cmpxchg, 2, 8), true);
  new Int32Array(cas.memory.buffer)[2] = 5;
  assert.equal([cas.f(0, 4, 9), cas.f(0, 5, 9), new Int32Array(cas.memory.buffer)[2]], [5, 5, 9]);
  const notify = withMemory(['i32'], ['i32'], (b) => b.localGet(0).i32Const(1).atomic(ATOMIC.memory_atomic_notify, 2).atomicFence(), true);
  assert.is(notify.f(16), 0);
  const m = new ModuleBuilder().importMemory({ module: 'env', name: 'mem', initial: 1, maximum: 2, shared: true });
  m.addFunction(fn(['i32', 'i32', 'i64'], ['i32']).localGet(0).localGet(1).localGet(2).atomic(ATOMIC.memory_atomic_wait32, 2).atomicFence(), 'wait');
  assert.ok(wasm.validate(m.toBytes()));
});

/**
 * Random stack-neutral statements in nested block / loop / if-else, with branches to any
 * enclosing label that takes no values. `labels`: per enclosing label (outermost first, the
 * function's own first), whether a branch to it carries nothing.
 */
function program(f: FunctionBuilder, labels: readonly boolean[], gen: () => number): void {
  const n = gen() % 5;
  const nest = labels.length < 7;
  for (let k = 0; k < n; k++) {
    const pick = gen() % 9;
    if (pick === 0 && nest) { f.block(); program(f, [...labels, true], gen); f.end(); }
    else if (pick === 1 && nest) { f.loop('i32'); program(f, [...labels, true], gen); f.i32Const(gen()).end().drop(); }
    else if (pick === 2 && nest) {
      f.localGet(0).if();
      program(f, [...labels, true], gen);
      if (gen() % 2 === 0) { f.else(); program(f, [...labels, true], gen); }
      f.end();
    } else if (pick === 3 && nest) { f.block('f64'); program(f, [...labels, false], gen); f.f64Const(gen()).end().drop(); }
    else if (pick === 4) {
      const depths = labels.map((_, d) => d).filter((d) => labels[labels.length - 1 - d]);
      f.localGet(0).brIf(depths[gen() % depths.length]!);
    } else if (pick === 5) f.i32Const(gen() * 977 - 2 ** 20).localSet(1);
    else if (pick === 6) f.localGet(1).mem(OP.f32_load, gen() % 3, gen()).drop();
    else if (pick === 7) f.localGet(2).localGet(2).op(OP.f64_mul).localTee(2).drop();
    else f.op(OP.nop);
  }
}

test('random nested control flow always validates', () => {
  fc.assert(fc.property(fc.array(fc.nat(1000), { minLength: 200, maxLength: 200 }), (draws) => {
    let k = 0;
    const f = fn(['i32']);
    f.local('i32'); f.local('f64');
    program(f, [true], () => draws[k++ % draws.length]!);
    const m = new ModuleBuilder().importMemory({ module: 'env', name: 'mem', initial: 1 });
    m.addFunction(f, 'f');
    assert.ok(wasm.validate(m.toBytes()));
  }), { numRuns: 100 });
});

test.run();
