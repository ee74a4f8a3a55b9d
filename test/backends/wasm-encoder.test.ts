/**
 * The WebAssembly encoder (src/backends/wasm/encoder.ts), bytes and refusals: LEB128 against
 * the spec's worked values and a decoder written here; hand-encoded bodies and a whole module;
 * every opcode of every table emitted in a function whose type its name implies, each module
 * accepted by WebAssembly.validate (which also checks the natural alignments and lane counts
 * the encoder derives); the opcode tables' uniqueness; and every EncoderError case.
 * Running modules: wasm-encoder-run.test.ts and wasm-encoder-simd.test.ts.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ATOMIC, EncoderError, FunctionBuilder, MISC, ModuleBuilder, OP, SIMD, signedLeb128, unsignedLeb128, type ValType,
} from '../../src/backends/wasm/encoder.js';
import { ATOMIC_ALIGN, OP_MEM_ALIGN, SIMD_LANES, SIMD_MEM_ALIGN, SIMD_MEM_LANE_ALIGN } from '../../src/backends/wasm/opcodes.js';
import { wasm } from '../helpers/wasm.js';

// ------------------------------------------------------------------ LEB128

test('unsignedLeb128 / signedLeb128: the spec values, 32- and 64-bit limits', () => {
  const u: [number, number[]][] = [[0, [0x00]], [127, [0x7f]], [128, [0x80, 0x01]], [624485, [0xe5, 0x8e, 0x26]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]]];
  for (const [v, bytes] of u) assert.equal(unsignedLeb128(v), bytes, `u32 ${v}`);
  const s: [number | bigint, number[]][] = [[0, [0x00]], [-1, [0x7f]], [63, [0x3f]], [64, [0xc0, 0x00]], [-64, [0x40]],
    [-65, [0xbf, 0x7f]], [-123456, [0xc0, 0xbb, 0x78]], [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-(2 ** 31), [0x80, 0x80, 0x80, 0x80, 0x78]], [-1n, [0x7f]], [624485n, [0xe5, 0x8e, 0x26]],
    [2n ** 63n - 1n, [...Array(9).fill(0xff), 0x00]], [-(2n ** 63n), [...Array(9).fill(0x80), 0x7f]]];
  for (const [v, bytes] of s) assert.equal(signedLeb128(v), bytes, `s ${v}`);
  const isEncoderError = (e: unknown): boolean => e instanceof EncoderError;
  for (const bad of [-1, 2 ** 32, 1.5, NaN]) assert.throws(() => unsignedLeb128(bad), isEncoderError, `u32 ${bad}`);
  for (const bad of [2 ** 31, -(2 ** 31) - 1, 0.5, 2n ** 63n, -(2n ** 63n) - 1n]) {
    assert.throws(() => signedLeb128(bad), isEncoderError, `s ${bad}`);
  }
});

/** Decodes one LEB128 number that must fill `bytes` exactly, in its shortest form. */
function decode(bytes: readonly number[], signed: boolean): bigint {
  let v = 0n;
  bytes.forEach((b, i) => {
    assert.ok(b >= 0 && b <= 0xff, `byte ${b}`);
    assert.is((b & 0x80) !== 0, i < bytes.length - 1, `continuation bit of byte ${i} of ${bytes}`);
    v |= BigInt(b & 0x7f) << BigInt(7 * i);
  });
  const bits = BigInt(7 * bytes.length);
  if (signed && (bytes.at(-1)! & 0x40) !== 0) v -= 1n << bits;
  if (bytes.length > 1) { // shortest: without the last byte the value would not fit
    const shorter = BigInt(7 * (bytes.length - 1));
    const fits = signed ? v >= -(1n << (shorter - 1n)) && v < 1n << (shorter - 1n) : v < 1n << shorter;
    assert.not.ok(fits, `${bytes} is not the shortest encoding of ${v}`);
  }
  return v;
}

test('LEB128 round-trips through a decoder, in the shortest form', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (v) => decode(unsignedLeb128(v), false) === BigInt(v)), { numRuns: 300 });
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => decode(signedLeb128(v), true) === BigInt(v)), { numRuns: 300 });
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => decode(signedLeb128(v), true) === v), { numRuns: 300 });
});

// ------------------------------------------------------------------ bytes by hand

const body = (f: FunctionBuilder): number[] => [...f.finish()];
const fn = (params: ValType[] = [], results: ValType[] = []): FunctionBuilder => new FunctionBuilder({ params, results });

test('function bodies: locals grouped in runs, immediates, prefixes, final end', () => {
  const f = fn(['f64']);
  assert.is(f.local('i32'), 1);
  f.local('i32'); f.local('f64'); f.local('i32');
  assert.equal(body(f), [0x03, 0x02, 0x7f, 0x01, 0x7c, 0x01, 0x7f, 0x0b]);
  assert.equal(body(fn().i32Const(2 ** 32 - 1).i32Const(2 ** 31).i32Const(-123456)),
    [0x00, 0x41, 0x7f, 0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x41, 0xc0, 0xbb, 0x78, 0x0b]);
  assert.equal(body(fn().i64Const(2n ** 64n - 1n).i64Const(-(2n ** 63n))), [0x00, 0x42, 0x7f, 0x42, ...Array(9).fill(0x80), 0x7f, 0x0b]);
  assert.equal(body(fn().f64Const(1.5).f32Const(-0).f32Const(Infinity)),
    [0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x43, 0, 0, 0, 0x80, 0x43, 0, 0, 0x80, 0x7f, 0x0b]);
  assert.equal(body(fn().block().loop('f64').if('i32').else().end().end().end()),
    [0x00, 0x02, 0x40, 0x03, 0x7c, 0x04, 0x7f, 0x05, 0x0b, 0x0b, 0x0b, 0x0b]);
  assert.equal(body(fn().mem(OP.f64_load, 3, 624485).mem(OP.i32_store8, 0)), [0x00, 0x2b, 0x03, 0xe5, 0x8e, 0x26, 0x3a, 0x00, 0x00, 0x0b]);
  assert.equal(body(fn().simd(SIMD.f32x4_add).simd(SIMD.v128_any_true).simdMem(SIMD.v128_load32_zero, 2, 8)),
    [0x00, 0xfd, 0xe4, 0x01, 0xfd, 0x53, 0xfd, 0x5c, 0x02, 0x08, 0x0b]);
  assert.equal(body(fn().simdLane(SIMD.f64x2_extract_lane, 1).simdMemLane(SIMD.v128_store32_lane, 2, 0, 3)),
    [0x00, 0xfd, 0x21, 0x01, 0xfd, 0x5a, 0x02, 0x00, 0x03, 0x0b]);
  assert.equal(body(fn().misc(MISC.memory_copy).misc(MISC.memory_fill).misc(MISC.i32_trunc_sat_f64_s).op(OP.memory_size)),
    [0x00, 0xfc, 0x0a, 0x00, 0x00, 0xfc, 0x0b, 0x00, 0xfc, 0x02, 0x3f, 0x00, 0x0b]);
  assert.equal(body(fn().atomic(ATOMIC.i32_atomic_rmw_cmpxchg, 2, 4).atomicFence()), [0x00, 0xfe, 0x48, 0x02, 0x04, 0xfe, 0x03, 0x00, 0x0b]);
  const lanes = Array.from({ length: 16 }, (_, i) => 31 - i);
  assert.equal(body(fn().i8x16Shuffle(lanes)), [0x00, 0xfd, 0x0d, ...lanes, 0x0b]);
});

test('a whole module by hand: sections in order, types deduplicated, exports', () => {
  assert.equal([...new ModuleBuilder().toBytes()], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const m = new ModuleBuilder();
  assert.is(m.addFunction(fn([], ['i32']).i32Const(42), 'f'), 0);
  assert.is(m.addFunction(fn([], ['i32']).i32Const(7)), 1);
  assert.equal([...m.toBytes()], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // one type for both functions
    0x03, 0x03, 0x02, 0x00, 0x00,
    0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
    0x0a, 0x0b, 0x02, 0x04, 0x00, 0x41, 0x2a, 0x0b, 0x04, 0x00, 0x41, 0x07, 0x0b]);
});

// ------------------------------------------------------------------ every opcode validates

const SCALAR: Record<string, ValType> = { i8x16: 'i32', i16x8: 'i32', i32x4: 'i32', i64x2: 'i64', f32x4: 'f32', f64x2: 'f64' };
const T = (s: string): ValType => s as ValType;

/** [params, results] of an op, from its name (the spec's typing rules, by family). */
function signature(table: 'OP' | 'SIMD' | 'ATOMIC' | 'MISC', name: string): [ValType[], ValType[]] {
  const [head = '', ...rest] = name.split('_');
  const op = rest.join('_');
  if (table === 'OP') {
    const special: Record<string, [ValType[], ValType[]]> = { unreachable: [[], []], nop: [[], []], return: [[], []],
      drop: [['i32'], []], select: [['i32', 'i32', 'i32'], ['i32']], memory_size: [[], ['i32']], memory_grow: [['i32'], ['i32']] };
    if (special[name] !== undefined) return special[name];
    if (OP_MEM_ALIGN.has(OP[name as keyof typeof OP])) return op.startsWith('load') ? [['i32'], [T(head)]] : [['i32', T(head)], []];
    const t = T(head);
    const conv = /^(?:wrap|trunc|extend|convert|demote|promote|reinterpret)_(i32|i64|f32|f64)/.exec(op);
    if (conv !== null) return [[T(conv[1]!)], [t]];
    if (op === 'eqz') return [[t], ['i32']];
    if (/^(?:eq|ne|lt|gt|le|ge)(?:_[su])?$/.test(op)) return [[t, t], ['i32']];
    if (/^(?:clz|ctz|popcnt|abs|neg|ceil|floor|trunc|nearest|sqrt|extend\d+_s)$/.test(op)) return [[t], [t]];
    return [[t, t], [t]];
  }
  if (table === 'MISC') {
    const sat = /^(i32|i64)_trunc_sat_(f32|f64)/.exec(name);
    return sat !== null ? [[T(sat[2]!)], [T(sat[1]!)]] : [['i32', 'i32', 'i32'], []];
  }
  if (table === 'ATOMIC') {
    if (name === 'atomic_fence') return [[], []];
    if (name.startsWith('memory_atomic')) return [['i32', name.endsWith('64') ? 'i64' : 'i32', ...(name === 'memory_atomic_notify' ? [] : ['i64' as const])], ['i32']];
    const t = T(head);
    if (op.startsWith('atomic_load')) return [['i32'], [t]];
    if (op.startsWith('atomic_store')) return [['i32', t], []];
    return [op.includes('cmpxchg') ? ['i32', t, t] : ['i32', t], [t]];
  }
  const code = SIMD[name as keyof typeof SIMD];
  if (SIMD_MEM_ALIGN.has(code) || SIMD_MEM_LANE_ALIGN.has(code)) {
    const lane = SIMD_MEM_LANE_ALIGN.has(code) ? ['v128' as const] : [];
    return op.startsWith('load') ? [['i32', ...lane], ['v128']] : [['i32', 'v128'], []];
  }
  if (op.startsWith('extract_lane')) return [['v128'], [SCALAR[head]!]];
  if (op === 'replace_lane') return [['v128', SCALAR[head]!], ['v128']];
  if (op === 'splat') return [[SCALAR[head]!], ['v128']];
  if (op === 'const') return [[], ['v128']];
  if (/^(?:any_true|all_true|bitmask)$/.test(op)) return [['v128'], ['i32']];
  if (/^(?:shl|shr_[su])$/.test(op)) return [['v128', 'i32'], ['v128']];
  if (op === 'bitselect') return [['v128', 'v128', 'v128'], ['v128']];
  if (/^(?:not|abs|neg|sqrt|ceil|floor|trunc|nearest|popcnt)$|^(?:extend|convert|trunc_sat|demote|promote|extadd_pairwise)_/.test(op)) {
    return [['v128'], ['v128']];
  }
  return [['v128', 'v128'], ['v128']];
}

/** Emits `code` of `table` with whatever immediates it takes (natural alignment, last lane). */
function emit(f: FunctionBuilder, table: 'OP' | 'SIMD' | 'ATOMIC' | 'MISC', code: number): void {
  if (table === 'OP') {
    const align = OP_MEM_ALIGN.get(code);
    if (align !== undefined) f.mem(code, align, 4);
    else f.op(code);
  } else if (table === 'MISC') f.misc(code);
  else if (table === 'ATOMIC') {
    if (code === ATOMIC.atomic_fence) f.atomicFence();
    else f.atomic(code, ATOMIC_ALIGN.get(code)!, 8);
  } else if (code === SIMD.v128_const) f.v128Const(new Uint8Array(16).fill(0xab));
  else if (code === SIMD.i8x16_shuffle) f.i8x16Shuffle(Array.from({ length: 16 }, (_, i) => 2 * i));
  else if (SIMD_MEM_LANE_ALIGN.has(code)) f.simdMemLane(code, SIMD_MEM_LANE_ALIGN.get(code)!, 16, SIMD_LANES.get(code)! - 1);
  else if (SIMD_MEM_ALIGN.has(code)) f.simdMem(code, SIMD_MEM_ALIGN.get(code)!, 16);
  else if (SIMD_LANES.has(code)) f.simdLane(code, SIMD_LANES.get(code)! - 1);
  else f.simd(code);
}

/** Control-flow ops are covered by the structured tests; every other opcode is here. */
const CONTROL = new Set<string>(['block', 'loop', 'if', 'else', 'end', 'br', 'br_if', 'br_table', 'call', 'call_indirect',
  'local_get', 'local_set', 'local_tee', 'global_get', 'global_set', 'i32_const', 'i64_const', 'f32_const', 'f64_const']);

test('every opcode, in a function of the type its name implies, passes WebAssembly.validate', () => {
  const tables = { OP, SIMD, ATOMIC, MISC } as const;
  const rejected: string[] = [];
  let count = 0;
  for (const [tname, table] of Object.entries(tables) as ['OP' | 'SIMD' | 'ATOMIC' | 'MISC', Record<string, number>][]) {
    for (const [name, code] of Object.entries(table)) {
      if (tname === 'OP' && CONTROL.has(name)) continue;
      const [params, results] = signature(tname, name);
      const f = fn(params, results);
      params.forEach((_, i) => f.localGet(i));
      emit(f, tname, code);
      const m = new ModuleBuilder().importMemory({ module: 'env', name: 'mem', initial: 1, maximum: 1, shared: true });
      m.addFunction(f, 'f');
      if (!wasm.validate(m.toBytes())) rejected.push(`${tname}.${name}`);
      count++;
    }
  }
  assert.equal(rejected, [], 'rejected');
  const all = Object.values(tables).reduce((n, t) => n + Object.keys(t).length, 0);
  assert.is(count, all - CONTROL.size, 'ops checked');
});

test('opcode tables: values unique in each table; SIMD has all 236 ops, each below 0x100', () => {
  for (const [tname, table] of Object.entries({ OP, SIMD, ATOMIC, MISC })) {
    const seen = new Map<number, string>();
    for (const [name, code] of Object.entries(table)) {
      assert.ok(Number.isInteger(code) && code >= 0, `${tname}.${name}`);
      assert.is(seen.get(code), undefined, `${tname}.${name} and ${tname}.${seen.get(code)} share ${code}`);
      seen.set(code, name);
    }
  }
  assert.is(Object.keys(SIMD).length, 236);
  assert.ok(Object.values(SIMD).every((c) => c < 0x100));
  assert.ok(Object.values(OP).every((c) => c < 0x100));
  // spot values the task named (irregular numbering)
  assert.equal([SIMD.f32x4_add, SIMD.i32x4_add, SIMD.v128_load32_zero, SIMD.v128_any_true, SIMD.i32x4_bitmask], [0xe4, 0xae, 0x5c, 0x53, 0xa4]);
});

// ------------------------------------------------------------------ refusals

test('every EncoderError case throws, and says what and where', () => {
  const two = (): FunctionBuilder => { const f = fn(['i32', 'f64']); f.local('f32'); return f; };
  const cases: [string, () => unknown, RegExp][] = [
    ['local index', () => two().localGet(3), /localGet\(3\): local index out of range \(2 params \+ 1 locals\).*instruction 0 of function \(i32, f64\)/],
    ['negative local', () => two().localSet(-1), /localSet\(-1\)/],
    ['fractional local', () => two().localTee(0.5), /localTee\(0\.5\)/],
    ['else without if', () => fn().block().else(), /else\(\): innermost block is block, not if/],
    ['else at top', () => fn().else(), /else\(\): no open block/],
    ['second else', () => fn().if().else().else(), /innermost block is else/],
    ['end without block', () => fn().end(), /end\(\): no open block/],
    ['typed if without else', () => fn().i32Const(1).if('i32').i32Const(2).end(), /if with result i32 has no else/],
    ['unbalanced finish', () => fn().block().loop().finish(), /finish\(\): 2 block\(s\) still open \(innermost: loop\)/],
    ['branch too deep', () => fn().block().br(2), /br\(2\): branch depth out of range/],
    ['lane', () => fn().simdLane(SIMD.f32x4_extract_lane, 4), /lane 4 is not in 0\.\.3/],
    ['i8 lane', () => fn().simdLane(SIMD.i8x16_replace_lane, 16), /lane 16 is not in 0\.\.15/],
    ['mem lane', () => fn().simdMemLane(SIMD.v128_load64_lane, 3, 0, 2), /lane 2 is not in 0\.\.1/],
    ['shuffle lane', () => fn().i8x16Shuffle([...Array(15).fill(0), 32]), /entry 15.*lane 32 is not in 0\.\.31/],
    ['shuffle length', () => fn().i8x16Shuffle([0, 1]), /needs 16 lane indices/],
    ['v128 const length', () => fn().v128Const(new Uint8Array(8)), /exactly 16 bytes, got 8/],
    ['alignment', () => fn().mem(OP.f32_load, 3), /mem\(OP\.f32_load\): alignment exponent 3 is not an integer in 0\.\.2/],
    ['simd alignment', () => fn().simdMem(SIMD.v128_load32_zero, 3), /alignment exponent 3.*0\.\.2/],
    ['atomic alignment', () => fn().atomic(ATOMIC.i32_atomic_rmw_add, 1), /must equal the natural 2/],
    ['offset', () => fn().mem(OP.i32_load, 2, 2 ** 32), /offset 4294967296 is not a u32/],
    ['i32 const fraction', () => fn().i32Const(1.5), /i32Const\(1\.5\)/],
    ['i32 const range', () => fn().i32Const(2 ** 32), /not an integer in -2\^31\.\.2\^32-1/],
    ['i32 const low', () => fn().i32Const(-(2 ** 31) - 1), /i32Const/],
    ['i64 const range', () => fn().i64Const(2n ** 64n), /i64Const/],
    ['call index', () => fn().call(-1), /call\(-1\): function index is not a u32/],
    ['op with immediates', () => fn().op(OP.i32_const), /OP\.i32_const\): takes immediates/],
    ['unknown op', () => fn().op(0xff), /not a one-byte opcode/],
    ['simd with immediates', () => fn().simd(SIMD.v128_load), /takes immediates/],
    ['misc unknown', () => fn().misc(8), /not an op in MISC/],
    ['shared without maximum', () => new ModuleBuilder().importMemory({ module: 'e', name: 'm', initial: 1, shared: true }), /shared memory needs a maximum/],
    ['two memories', () => new ModuleBuilder().importMemory({ module: 'e', name: 'm', initial: 1 }).importMemory({ module: 'e', name: 'n', initial: 1 }), /already imported/],
    ['maximum < initial', () => new ModuleBuilder().importMemory({ module: 'e', name: 'm', initial: 2, maximum: 1 }), /maximum 1 < initial 2/],
    ['import after function', () => { const m = new ModuleBuilder(); m.addFunction(fn()); m.importFunction('M', 'exp', { params: [], results: [] }); }, /importFunction\(M\.exp\): imports must come before addFunction/],
    ['duplicate export', () => { const m = new ModuleBuilder(); m.addFunction(fn(), 'a'); m.addGlobal('i32', false, 0, 'a'); }, /"a" is used twice/],
    ['memory op without memory', () => { const m = new ModuleBuilder(); m.addFunction(fn().mem(OP.i32_load, 2), 'ld'); m.toBytes(); }, /function 0 \("ld"\): uses memory, but the module imports none/],
    ['call past the end', () => { const m = new ModuleBuilder(); m.addFunction(fn().call(1)); m.toBytes(); }, /calls function 1, but the module has 1/],
    ['set immutable global', () => { const m = new ModuleBuilder(); m.addGlobal('f64', false, 1); m.addFunction(fn().f64Const(0).globalSet(0)); m.toBytes(); }, /sets global 0, which is immutable/],
    ['unbalanced body in module', () => { const m = new ModuleBuilder(); m.addFunction(fn().block(), 'g'); m.toBytes(); }, /function 0 \("g"\): finish\(\): 1 block/],
    ['bad value type', () => fn().local('i16' as ValType), /i16 is not a value type/],
  ];
  for (const [what, run, message] of cases) {
    try {
      run();
      assert.unreachable(`${what}: no EncoderError`);
    } catch (e) {
      assert.instance(e, EncoderError, `${what}: ${String(e)}`);
      assert.match((e as Error).message, message, what);
    }
  }
});

test.run();
