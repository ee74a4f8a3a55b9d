/**
 * SIMD modules built by the WebAssembly encoder, run on fast-check inputs: for a representative
 * op of each group, a function over memory (operands at bytes 0, 16, 32; result stored at 48)
 * whose every lane must equal the JavaScript computation (Math.fround for f32). Each module
 * passes WebAssembly.validate first (helpers/wasm.ts).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FunctionBuilder, ModuleBuilder, SIMD, type ValType } from '../../src/backends/wasm/encoder.js';
import { instantiate, wasm, type WasmFn, type WasmFn64 } from '../helpers/wasm.js';

const RUNS = { numRuns: 30 };
const OUT = 48;
type Body = (f: FunctionBuilder) => void;
type Def = [params: ValType[], results: ValType[], body: Body];

/** One module over a fresh imported memory, one export per def; plus typed views of the memory. */
function vecModule(defs: Record<string, Def>) {
  const memory = new wasm.Memory({ initial: 1 });
  const m = new ModuleBuilder().importMemory({ module: 'env', name: 'mem', initial: 1 });
  for (const [name, [params, results, body]] of Object.entries(defs)) {
    const f = new FunctionBuilder({ params, results });
    body(f);
    m.addFunction(f, name);
  }
  const inst = instantiate(m.toBytes(), { env: { mem: memory } });
  const b = memory.buffer;
  return {
    fn: (n: string): WasmFn => inst.fn(n), fn64: (n: string): WasmFn64 => inst.fn64(n),
    u8: new Uint8Array(b, 0, 64), i32: new Int32Array(b, 0, 16), f32: new Float32Array(b, 0, 16), f64: new Float64Array(b, 0, 8),
  };
}
const load = (f: FunctionBuilder, k: number): FunctionBuilder => f.i32Const(16 * k).simdMem(SIMD.v128_load, 4);
/** out = op(operand 0, ..., operand arity-1), as a def. */
const lanewise = (arity: number, op: number | Body, params: ValType[] = []): Def => [params, [], (f) => {
  f.i32Const(OUT);
  for (let k = 0; k < arity; k++) load(f, k);
  if (typeof op === 'number') f.simd(op);
  else op(f);
  f.simdMem(SIMD.v128_store, 4);
}];

/** Lanes of each operand and of the result, from a view of memory (n lanes per 16 bytes). */
const part = (view: ArrayLike<number>, k: number, n: number): number[] => Array.from({ length: n }, (_, i) => view[k * n + i]!);
function sameLanes(got: number[], want: number[], what: string): void {
  assert.ok(got.length === want.length && got.every((g, i) => Object.is(g, want[i])), `${what}: got [${got}], want [${want}]`);
}
const f32s = fc.array(fc.float(), { minLength: 12, maxLength: 12 });
const i32s = fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 12, maxLength: 12 });
const mask = (c: boolean): number => (c ? -1 : 0);
const fr = Math.fround;

test('f32x4 add / mul / min / max / pmin / pmax / compares, and v128.bitselect', () => {
  const ops: Record<string, [number, (a: number, b: number) => number, 'f32' | 'i32']> = {
    add: [SIMD.f32x4_add, (a, b) => fr(a + b), 'f32'], mul: [SIMD.f32x4_mul, (a, b) => fr(a * b), 'f32'],
    min: [SIMD.f32x4_min, Math.min, 'f32'], max: [SIMD.f32x4_max, Math.max, 'f32'],
    pmin: [SIMD.f32x4_pmin, (a, b) => (b < a ? b : a), 'f32'], pmax: [SIMD.f32x4_pmax, (a, b) => (a < b ? b : a), 'f32'],
    eq: [SIMD.f32x4_eq, (a, b) => mask(a === b), 'i32'], lt: [SIMD.f32x4_lt, (a, b) => mask(a < b), 'i32'],
    ge: [SIMD.f32x4_ge, (a, b) => mask(a >= b), 'i32'], ne: [SIMD.f32x4_ne, (a, b) => mask(a !== b), 'i32'],
  };
  const v = vecModule({ ...Object.fromEntries(Object.entries(ops).map(([n, [op]]) => [n, lanewise(2, op)])), sel: lanewise(3, SIMD.v128_bitselect) });
  fc.assert(fc.property(f32s, (xs) => {
    v.f32.set(xs);
    const [a, b] = [part(v.f32, 0, 4), part(v.f32, 1, 4)];
    for (const [n, [, ref, out]] of Object.entries(ops)) {
      v.fn(n)();
      sameLanes(part(out === 'f32' ? v.f32 : v.i32, 3, 4), a.map((x, i) => ref(x, b[i]!)), `f32x4.${n}`);
    }
    const [p, q, c] = [0, 1, 2].map((k) => part(v.i32, k, 4));
    v.fn('sel')();
    sameLanes(part(v.i32, 3, 4), p!.map((x, i) => (x & c![i]!) | (q![i]! & ~c![i]!)), 'v128.bitselect');
  }), RUNS);
});

test('i32x4 add / sub / mul / min / max / compares, and shifts by a scalar count', () => {
  const u = (x: number): number => x >>> 0;
  const ops: Record<string, [number, (a: number, b: number) => number]> = {
    add: [SIMD.i32x4_add, (a, b) => (a + b) | 0], sub: [SIMD.i32x4_sub, (a, b) => (a - b) | 0], mul: [SIMD.i32x4_mul, Math.imul],
    min_s: [SIMD.i32x4_min_s, Math.min], max_u: [SIMD.i32x4_max_u, (a, b) => (u(a) > u(b) ? a : b)],
    eq: [SIMD.i32x4_eq, (a, b) => mask(a === b)], lt_s: [SIMD.i32x4_lt_s, (a, b) => mask(a < b)],
    gt_u: [SIMD.i32x4_gt_u, (a, b) => mask(u(a) > u(b))], ge_s: [SIMD.i32x4_ge_s, (a, b) => mask(a >= b)],
  };
  const shifts: Record<string, [number, (a: number, s: number) => number]> = {
    shl: [SIMD.i32x4_shl, (a, s) => a << s], shr_s: [SIMD.i32x4_shr_s, (a, s) => a >> s], shr_u: [SIMD.i32x4_shr_u, (a, s) => (a >>> s) | 0],
  };
  const v = vecModule({
    ...Object.fromEntries(Object.entries(ops).map(([n, [op]]) => [n, lanewise(2, op)])),
    ...Object.fromEntries(Object.entries(shifts).map(([n, [op]]) => [n, lanewise(1, (f) => f.localGet(0).simd(op), ['i32'])])),
  });
  fc.assert(fc.property(i32s, fc.integer({ min: 0, max: 100 }), (xs, s) => {
    v.i32.set(xs);
    const [a, b] = [part(v.i32, 0, 4), part(v.i32, 1, 4)];
    for (const [n, [, ref]] of Object.entries(ops)) (v.fn(n)(), sameLanes(part(v.i32, 3, 4), a.map((x, i) => ref(x, b[i]!)), `i32x4.${n}`));
    for (const [n, [, ref]] of Object.entries(shifts)) (v.fn(n)(s), sameLanes(part(v.i32, 3, 4), a.map((x) => ref(x, s)), `i32x4.${n} ${s}`));
  }), RUNS);
});

test('f64x2 add / div / sqrt, promote_low / demote_zero', () => {
  const v = vecModule({
    add: lanewise(2, SIMD.f64x2_add), div: lanewise(2, SIMD.f64x2_div), sqrt: lanewise(1, SIMD.f64x2_sqrt),
    promote: lanewise(1, SIMD.f64x2_promote_low_f32x4), demote: lanewise(1, SIMD.f32x4_demote_f64x2_zero),
  });
  fc.assert(fc.property(fc.array(fc.double(), { minLength: 4, maxLength: 4 }), f32s, (ds, fs) => {
    v.f64.set(ds);
    const [a, b] = [part(v.f64, 0, 2), part(v.f64, 1, 2)];
    v.fn('add')(); sameLanes(part(v.f64, 3, 2), [a[0]! + b[0]!, a[1]! + b[1]!], 'f64x2.add');
    v.fn('div')(); sameLanes(part(v.f64, 3, 2), [a[0]! / b[0]!, a[1]! / b[1]!], 'f64x2.div');
    v.fn('sqrt')(); sameLanes(part(v.f64, 3, 2), a.map(Math.sqrt), 'f64x2.sqrt');
    v.fn('demote')(); sameLanes(part(v.f32, 3, 4), [fr(a[0]!), fr(a[1]!), 0, 0], 'f32x4.demote_f64x2_zero');
    v.f32.set(fs);
    v.fn('promote')(); sameLanes(part(v.f64, 3, 2), part(v.f32, 0, 2), 'f64x2.promote_low_f32x4');
  }), RUNS);
});

test('conversions: f32x4 / f64x2 from i32x4, i32x4.trunc_sat from f32x4 / f64x2 (saturating, NaN → 0)', () => {
  const sat = (x: number): number => (Number.isNaN(x) ? 0 : Math.min(2 ** 31 - 1, Math.max(-(2 ** 31), Math.trunc(x))) | 0); // | 0: -0 → 0
  const v = vecModule({
    cvt: lanewise(1, SIMD.f32x4_convert_i32x4_s), cvtu: lanewise(1, SIMD.f32x4_convert_i32x4_u), cvt64: lanewise(1, SIMD.f64x2_convert_low_i32x4_s),
    sat: lanewise(1, SIMD.i32x4_trunc_sat_f32x4_s), sat64: lanewise(1, SIMD.i32x4_trunc_sat_f64x2_s_zero),
  });
  fc.assert(fc.property(i32s, f32s, fc.array(fc.double(), { minLength: 2, maxLength: 2 }), (is, fs, ds) => {
    v.i32.set(is);
    const a = part(v.i32, 0, 4);
    v.fn('cvt')(); sameLanes(part(v.f32, 3, 4), a.map(fr), 'f32x4.convert_i32x4_s');
    v.fn('cvtu')(); sameLanes(part(v.f32, 3, 4), a.map((x) => fr(x >>> 0)), 'f32x4.convert_i32x4_u');
    v.fn('cvt64')(); sameLanes(part(v.f64, 3, 2), a.slice(0, 2), 'f64x2.convert_low_i32x4_s');
    v.f32.set(fs);
    v.fn('sat')(); sameLanes(part(v.i32, 3, 4), part(v.f32, 0, 4).map(sat), 'i32x4.trunc_sat_f32x4_s');
    v.f64.set(ds);
    v.fn('sat64')(); sameLanes(part(v.i32, 3, 4), [...ds.map(sat), 0, 0], 'i32x4.trunc_sat_f64x2_s_zero');
  }), RUNS);
});

test('lanes: extract / replace for f32x4, i32x4, i8x16 (signed and unsigned), f64x2, i64x2', () => {
  const defs: Record<string, Def> = {};
  for (let k = 0; k < 4; k++) {
    defs[`fx${k}`] = [[], ['f32'], (f) => load(f, 0).simdLane(SIMD.f32x4_extract_lane, k)];
    defs[`fr${k}`] = lanewise(1, (f) => f.localGet(0).simdLane(SIMD.f32x4_replace_lane, k), ['f32']);
    defs[`ix${k}`] = [[], ['i32'], (f) => load(f, 0).simdLane(SIMD.i32x4_extract_lane, k)];
  }
  defs['b15s'] = [[], ['i32'], (f) => load(f, 0).simdLane(SIMD.i8x16_extract_lane_s, 15)];
  defs['b15u'] = [[], ['i32'], (f) => load(f, 0).simdLane(SIMD.i8x16_extract_lane_u, 15)];
  defs['d1'] = lanewise(1, (f) => f.localGet(0).simdLane(SIMD.f64x2_replace_lane, 1), ['f64']);
  defs['l1'] = [[], ['i64'], (f) => load(f, 0).simdLane(SIMD.i64x2_extract_lane, 1)];
  const v = vecModule(defs);
  fc.assert(fc.property(f32s, fc.float(), fc.double(), (xs, y, d) => {
    v.f32.set(xs);
    const a = part(v.f32, 0, 4), ai = part(v.i32, 0, 4);
    for (let k = 0; k < 4; k++) {
      assert.ok(Object.is(v.fn(`fx${k}`)(), a[k]), `f32x4.extract_lane ${k}`);
      assert.is(v.fn(`ix${k}`)(), ai[k], `i32x4.extract_lane ${k}`);
      v.fn(`fr${k}`)(y);
      sameLanes(part(v.f32, 3, 4), a.map((x, i) => (i === k ? fr(y) : x)), `f32x4.replace_lane ${k}`);
    }
    assert.is(v.fn('b15s')(), new Int8Array(v.u8.buffer, 0, 16)[15]);
    assert.is(v.fn('b15u')(), v.u8[15]);
    assert.is(v.fn64('l1')(), new BigInt64Array(v.u8.buffer, 0, 2)[1]);
    v.fn('d1')(d);
    sameLanes(part(v.f64, 3, 2), [part(v.f64, 0, 2)[0]!, d], 'f64x2.replace_lane 1');
  }), RUNS);
});

test('bool bytes: load32_zero then extend_low u / s to i32x4; load64_zero; load8x8_u', () => {
  const at = (f: FunctionBuilder, op: number, align: number): FunctionBuilder => f.i32Const(OUT).localGet(0).simdMem(op, align, 1);
  const v = vecModule({
    u: [['i32'], [], (f) => at(f, SIMD.v128_load32_zero, 2).simd(SIMD.i16x8_extend_low_i8x16_u).simd(SIMD.i32x4_extend_low_i16x8_u).simdMem(SIMD.v128_store, 4)],
    s: [['i32'], [], (f) => at(f, SIMD.v128_load32_zero, 0).simd(SIMD.i16x8_extend_low_i8x16_s).simd(SIMD.i32x4_extend_low_i16x8_s).simdMem(SIMD.v128_store, 4)],
    z64: [['i32'], [], (f) => at(f, SIMD.v128_load64_zero, 3).simdMem(SIMD.v128_store, 4)],
    x8: [['i32'], [], (f) => at(f, SIMD.v128_load8x8_u, 3).simdMem(SIMD.v128_store, 4)],
  });
  fc.assert(fc.property(fc.uint8Array({ minLength: 40, maxLength: 40 }), fc.nat(30), (bytes, p) => {
    v.u8.set(bytes);
    const src = [...bytes.subarray(p + 1, p + 9)]; // offset 1 in the memarg
    v.fn('u')(p); sameLanes(part(v.i32, 3, 4), src.slice(0, 4), 'load32_zero + extend_low_u');
    v.fn('s')(p); sameLanes(part(v.i32, 3, 4), src.slice(0, 4).map((b) => (b << 24) >> 24), 'load32_zero + extend_low_s');
    v.fn('z64')(p); sameLanes([...v.u8.subarray(OUT)], [...src, ...Array(8).fill(0)], 'load64_zero');
    v.fn('x8')(p); sameLanes(part(new Uint16Array(v.u8.buffer, 0, 32), 3, 8), src, 'load8x8_u');
  }), RUNS);
});

test('lane memory: store32_lane / store64_lane write one lane, load32_lane replaces one', () => {
  const defs: Record<string, Def> = {};
  for (const k of [0, 3]) {
    defs[`s${k}`] = [['i32'], [], (f) => load(f.localGet(0), 0).simdMemLane(SIMD.v128_store32_lane, 2, 0, k)];
    // stack: out address, lane address, vector → the vector with lane k loaded → stored at out
    defs[`l${k}`] = [['i32'], [], (f) => load(f.i32Const(OUT).localGet(0), 0).simdMemLane(SIMD.v128_load32_lane, 2, 0, k).simdMem(SIMD.v128_store, 4)];
  }
  defs['s64'] = [['i32'], [], (f) => load(f.localGet(0), 0).simdMemLane(SIMD.v128_store64_lane, 3, 8, 1)];
  const v = vecModule(defs);
  fc.assert(fc.property(i32s, fc.integer({ min: 4, max: 11 }), (xs, w) => {
    const a = xs.slice(0, 4);
    for (const k of [0, 3]) {
      v.i32.set(xs); // store32_lane below writes word w
      v.fn(`l${k}`)(4 * w);
      sameLanes(part(v.i32, 3, 4), a.map((x, i) => (i === k ? xs[w]! : x)), `load32_lane ${k}`);
      v.fn(`s${k}`)(4 * w);
      assert.is(v.i32[w], a[k], `store32_lane ${k}`);
    }
    v.i32.set(xs);
    v.fn('s64')(4 * w);
    sameLanes([v.i32[w + 2]!, v.i32[w + 3]!], [xs[2]!, xs[3]!], 'store64_lane 1 at offset 8');
  }), RUNS);
});

test('any_true, all_true, bitmask (i32x4, i8x16), narrow to u8 / u16', () => {
  const red = (op: number): Def => [[], ['i32'], (f) => load(f, 0).simd(op)];
  const v = vecModule({
    any: red(SIMD.v128_any_true), all: red(SIMD.i32x4_all_true), bm: red(SIMD.i32x4_bitmask), bm8: red(SIMD.i8x16_bitmask),
    n8: lanewise(2, SIMD.i8x16_narrow_i16x8_u), n16: lanewise(2, SIMD.i16x8_narrow_i32x4_u),
  });
  const sparse = fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));
  fc.assert(fc.property(fc.array(sparse, { minLength: 8, maxLength: 8 }), (xs) => {
    v.i32.set(xs);
    const a = part(v.i32, 0, 4), bytes = new Int8Array(v.u8.buffer, 0, 16);
    assert.is(v.fn('any')(), +a.some((x) => x !== 0), 'any_true');
    assert.is(v.fn('all')(), +a.every((x) => x !== 0), 'all_true');
    assert.is(v.fn('bm')(), a.reduce((m, x, i) => m | (x < 0 ? 1 << i : 0), 0), 'i32x4.bitmask');
    assert.is(v.fn('bm8')(), [...bytes].reduce((m, x, i) => m | (x < 0 ? 1 << i : 0), 0), 'i8x16.bitmask');
    const clamp = (x: number, hi: number): number => Math.min(hi, Math.max(0, x));
    v.fn('n8')(); sameLanes([...v.u8.subarray(OUT)], [...new Int16Array(v.u8.buffer, 0, 16)].map((x) => clamp(x, 255)), 'i8x16.narrow_i16x8_u');
    v.fn('n16')(); sameLanes(part(new Uint16Array(v.u8.buffer, 0, 32), 3, 8), part(v.i32, 0, 8).map((x) => clamp(x, 65535)), 'i16x8.narrow_i32x4_u');
  }), RUNS);
});

test('i8x16.shuffle picks bytes of the two operands; splats; v128.const', () => {
  fc.assert(fc.property(fc.array(fc.nat(31), { minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.float(), fc.integer(), (lanes, bytes, x, n) => {
    const konst = bytes.slice(0, 16).reverse();
    const v = vecModule({
      sh: lanewise(2, (f) => f.i8x16Shuffle(lanes)),
      f32: lanewise(0, (f) => f.localGet(0).simd(SIMD.f32x4_splat), ['f32']),
      i8: lanewise(0, (f) => f.localGet(0).simd(SIMD.i8x16_splat), ['i32']),
      f64: lanewise(0, (f) => f.localGet(0).simd(SIMD.f64x2_splat), ['f64']),
      k: lanewise(0, (f) => f.v128Const(konst)),
    });
    v.u8.set(bytes);
    v.fn('sh')(); sameLanes([...v.u8.subarray(OUT)], lanes.map((l) => bytes[l]!), `shuffle ${lanes}`);
    v.fn('f32')(x); sameLanes(part(v.f32, 3, 4), Array(4).fill(fr(x)), 'f32x4.splat');
    v.fn('i8')(n); sameLanes([...v.u8.subarray(OUT)], Array(16).fill(n & 0xff), 'i8x16.splat');
    v.fn('f64')(n / 3); sameLanes(part(v.f64, 3, 2), [n / 3, n / 3], 'f64x2.splat');
    v.fn('k')(); sameLanes([...v.u8.subarray(OUT)], [...konst], 'v128.const');
  }), { numRuns: 20 });
});

test.run();
