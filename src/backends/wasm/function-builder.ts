/**
 * FunctionBuilder: one WebAssembly function body (locals and instruction stream), with the
 * checks the encoder can make locally: indices, immediates, alignment, lanes, block nesting.
 * Operand types on the stack are left to WebAssembly.validate / compile.
 */
import { ATOMIC, ATOMIC_ALIGN, MISC, OP, OP_MEM_ALIGN, SIMD, SIMD_LANES, SIMD_MEM_ALIGN, SIMD_MEM_LANE_ALIGN } from './opcodes.js';
import { EncoderError, VALTYPE, append, checkValType, isU32, signedLeb128, unsignedLeb128, type FuncType, type ValType } from './binary.js';

const EMPTY_BLOCK = 0x40;

const nameOf = (table: Readonly<Record<string, number>>): ReadonlyMap<number, string> =>
  new Map(Object.entries(table).map(([n, c]) => [c, n]));
const OP_NAME = nameOf(OP), SIMD_NAME = nameOf(SIMD), ATOMIC_NAME = nameOf(ATOMIC), MISC_NAME = nameOf(MISC);
const hex = (v: number): string => (Number.isInteger(v) && v >= 0 ? `0x${v.toString(16)}` : String(v));

/** One-byte opcodes op() emits alone: those without immediates (numeric ops are 0x45 and up). */
const PLAIN_OP = new Set<number>([
  OP.unreachable, OP.nop, OP.return, OP.drop, OP.select, OP.memory_size, OP.memory_grow,
  ...Object.values(OP).filter((c) => c >= OP.i32_eqz),
]);
/** SIMD ops simd() emits alone: all but memory, lane, const and shuffle ops. */
const PLAIN_SIMD = new Set<number>(Object.values(SIMD).filter((c) => !SIMD_MEM_ALIGN.has(c)
  && !SIMD_MEM_LANE_ALIGN.has(c) && !SIMD_LANES.has(c) && c !== SIMD.v128_const && c !== SIMD.i8x16_shuffle));
const MISC_CODES = new Set<number>(Object.values(MISC));

type BlockKind = 'block' | 'loop' | 'if' | 'else';

/** Builds one function body: locals and an instruction stream. */
export class FunctionBuilder {
  readonly type: FuncType;
  private readonly locals: ValType[] = [];
  private readonly code: number[] = [];
  private readonly blocks: { kind: BlockKind; result: ValType | undefined }[] = [];
  private count = 0; // instructions so far, for error messages
  /** What the module must supply, checked by ModuleBuilder.toBytes. */
  readonly uses = { memory: false, maxCall: -1, maxGlobal: -1, globalSets: new Set<number>() };

  constructor(type: FuncType) {
    for (const t of [...type.params, ...type.results]) checkValType(t, 'FunctionBuilder type');
    this.type = { params: [...type.params], results: [...type.results] };
  }

  /** Declare a new local of this type; returns its index (params come first). */
  local(type: ValType): number {
    checkValType(type, 'local()');
    this.locals.push(type);
    return this.type.params.length + this.locals.length - 1;
  }

  op(opcode: number): this {
    if (opcode === OP.else) return this.else();
    if (opcode === OP.end) return this.end();
    if (!PLAIN_OP.has(opcode)) {
      const name = OP_NAME.get(opcode);
      this.fail(name === undefined ? `op(${hex(opcode)}): not a one-byte opcode in OP`
        : `op(OP.${name}): takes immediates; use its own method (mem() for loads and stores)`);
    }
    this.emit(opcode);
    if (opcode === OP.memory_size || opcode === OP.memory_grow) this.code.push(0x00), (this.uses.memory = true);
    return this;
  }

  i32Const(v: number): this {
    if (!Number.isInteger(v) || v < -(2 ** 31) || v > 0xffffffff) {
      this.fail(`i32Const(${v}): not an integer in -2^31..2^32-1`);
    }
    return this.emit(OP.i32_const, signedLeb128(v | 0)); // values >= 2^31 wrap to their int32 bits
  }

  i64Const(v: bigint): this {
    if (typeof v !== 'bigint' || v < -(2n ** 63n) || v >= 2n ** 64n) this.fail(`i64Const(${v}): not a bigint in -2^63..2^64-1`);
    return this.emit(OP.i64_const, signedLeb128(BigInt.asIntN(64, v)));
  }

  /** Rounds to float32 as Math.fround does; NaN, ±Infinity and -0 come through exactly. */
  f32Const(v: number): this {
    if (typeof v !== 'number') this.fail(`f32Const(${String(v)}): not a number`);
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v, true);
    return this.emit(OP.f32_const, new Uint8Array(b.buffer));
  }

  f64Const(v: number): this {
    if (typeof v !== 'number') this.fail(`f64Const(${String(v)}): not a number`);
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v, true);
    return this.emit(OP.f64_const, new Uint8Array(b.buffer));
  }

  localGet(i: number): this { return this.emit(OP.local_get, this.localIndex(i, 'localGet')); }
  localSet(i: number): this { return this.emit(OP.local_set, this.localIndex(i, 'localSet')); }
  localTee(i: number): this { return this.emit(OP.local_tee, this.localIndex(i, 'localTee')); }
  globalGet(i: number): this { return this.emit(OP.global_get, this.global(i, 'globalGet')); }
  globalSet(i: number): this {
    this.uses.globalSets.add(i);
    return this.emit(OP.global_set, this.global(i, 'globalSet'));
  }

  call(funcIndex: number): this {
    const idx = this.u32(funcIndex, 'call', 'function index');
    this.uses.maxCall = Math.max(this.uses.maxCall, funcIndex);
    return this.emit(OP.call, idx);
  }

  /** Loads and stores from OP: alignment exponent (at most natural) and byte offset. */
  mem(opcode: number, align: number, offset = 0): this {
    const natural = OP_MEM_ALIGN.get(opcode);
    if (natural === undefined) this.fail(`mem(${hex(opcode)}): not a load or store in OP`);
    return this.emit(opcode, this.memarg(`mem(OP.${OP_NAME.get(opcode)!})`, align, natural, offset));
  }

  block(result?: ValType): this { return this.open('block', OP.block, result); }
  loop(result?: ValType): this { return this.open('loop', OP.loop, result); }
  if(result?: ValType): this { return this.open('if', OP.if, result); }

  else(): this {
    const top = this.blocks.at(-1);
    if (top?.kind !== 'if') this.fail(`else(): ${top === undefined ? 'no open block' : `innermost block is ${top.kind}, not if`}`);
    top.kind = 'else';
    return this.emit(OP.else);
  }

  end(): this {
    const top = this.blocks.at(-1);
    if (top === undefined) this.fail("end(): no open block (finish() adds the function's own end)");
    // Without an else, the false branch would leave nothing where a result is required.
    if (top.kind === 'if' && top.result !== undefined) this.fail(`end(): if with result ${top.result} has no else`);
    this.blocks.pop();
    return this.emit(OP.end);
  }

  /** Branch to the label `depth` blocks out; depth = open blocks targets the function itself. */
  br(depth: number): this { return this.emit(OP.br, this.depth(depth, 'br')); }
  brIf(depth: number): this { return this.emit(OP.br_if, this.depth(depth, 'brIf')); }
  return(): this { return this.emit(OP.return); }
  select(): this { return this.emit(OP.select); }
  drop(): this { return this.emit(OP.drop); }
  unreachable(): this { return this.emit(OP.unreachable); }

  /** 0xFC ops from MISC; memory.copy / memory.fill get their memory-index bytes. */
  misc(opcode: number): this {
    if (!MISC_CODES.has(opcode)) this.fail(`misc(${hex(opcode)}): not an op in MISC`);
    const tail = opcode === MISC.memory_copy ? [0x00, 0x00] : opcode === MISC.memory_fill ? [0x00] : [];
    if (tail.length > 0) this.uses.memory = true;
    return this.emit(0xfc, unsignedLeb128(opcode), tail);
  }

  simd(opcode: number): this {
    if (!PLAIN_SIMD.has(opcode)) {
      const name = SIMD_NAME.get(opcode);
      this.fail(name === undefined ? `simd(${hex(opcode)}): not an op in SIMD`
        : `simd(SIMD.${name}): takes immediates; use simdMem/simdLane/simdMemLane/v128Const/i8x16Shuffle`);
    }
    return this.emit(0xfd, unsignedLeb128(opcode));
  }

  simdMem(opcode: number, align: number, offset = 0): this {
    const natural = SIMD_MEM_ALIGN.get(opcode);
    if (natural === undefined) this.fail(`simdMem(${hex(opcode)}): not a SIMD load or store taking only a memarg`);
    return this.emit(0xfd, unsignedLeb128(opcode), this.memarg(`simdMem(SIMD.${SIMD_NAME.get(opcode)!})`, align, natural, offset));
  }

  simdLane(opcode: number, lane: number): this {
    const lanes = SIMD_LANES.get(opcode);
    if (lanes === undefined || SIMD_MEM_LANE_ALIGN.has(opcode)) this.fail(`simdLane(${hex(opcode)}): not an extract_lane/replace_lane op`);
    return this.emit(0xfd, unsignedLeb128(opcode), [this.lane(`simdLane(SIMD.${SIMD_NAME.get(opcode)!})`, lane, lanes)]);
  }

  simdMemLane(opcode: number, align: number, offset: number, lane: number): this {
    const natural = SIMD_MEM_LANE_ALIGN.get(opcode);
    if (natural === undefined) this.fail(`simdMemLane(${hex(opcode)}): not a v128.loadN_lane/storeN_lane op`);
    const what = `simdMemLane(SIMD.${SIMD_NAME.get(opcode)!})`;
    const memarg = this.memarg(what, align, natural, offset);
    return this.emit(0xfd, unsignedLeb128(opcode), memarg, [this.lane(what, lane, SIMD_LANES.get(opcode)!)]);
  }

  v128Const(bytes: Uint8Array): this {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 16) this.fail(`v128Const: needs exactly 16 bytes, got ${bytes?.length}`);
    return this.emit(0xfd, unsignedLeb128(SIMD.v128_const), bytes);
  }

  /** 16 lane indices into the concatenation of the two operands (0..31). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) this.fail(`i8x16Shuffle: needs 16 lane indices, got ${lanes.length}`);
    const bytes = lanes.map((l, k) => this.lane(`i8x16Shuffle (entry ${k})`, l, 32));
    return this.emit(0xfd, unsignedLeb128(SIMD.i8x16_shuffle), bytes);
  }

  /** Atomic memory ops from ATOMIC; their alignment must be exactly natural. */
  atomic(opcode: number, align: number, offset = 0): this {
    const natural = ATOMIC_ALIGN.get(opcode);
    const what = `atomic(ATOMIC.${ATOMIC_NAME.get(opcode) ?? hex(opcode)})`;
    if (natural === undefined) this.fail(`${what}: not an atomic memory op (atomicFence() for the fence)`);
    if (align !== natural) this.fail(`${what}: alignment ${align} must equal the natural ${natural} for atomics`);
    return this.emit(0xfe, unsignedLeb128(opcode), this.memarg(what, align, natural, offset));
  }

  atomicFence(): this { return this.emit(0xfe, unsignedLeb128(ATOMIC.atomic_fence), [0x00]); }

  /** The body bytes: locals vector (runs of one type grouped), code, final `end`. */
  finish(): Uint8Array {
    if (this.blocks.length > 0) {
      this.fail(`finish(): ${this.blocks.length} block(s) still open (innermost: ${this.blocks.at(-1)!.kind})`);
    }
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = runs.at(-1);
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const out = unsignedLeb128(runs.length);
    for (const [n, t] of runs) append(out, unsignedLeb128(n)).push(VALTYPE[t]);
    append(out, this.code).push(OP.end);
    return Uint8Array.from(out);
  }

  private emit(opcode: number, ...immediates: ArrayLike<number>[]): this {
    this.code.push(opcode);
    for (const imm of immediates) append(this.code, imm);
    this.count++;
    return this;
  }

  private open(kind: BlockKind, opcode: number, result: ValType | undefined): this {
    if (result !== undefined) checkValType(result, `${kind}()`, (m) => this.fail(m));
    this.blocks.push({ kind, result });
    return this.emit(opcode, [result === undefined ? EMPTY_BLOCK : VALTYPE[result]]);
  }

  private fail(what: string): never {
    const sig = `(${this.type.params.join(', ')}) -> (${this.type.results.join(', ')})`;
    throw new EncoderError(`${what} [at instruction ${this.count} of function ${sig}]`);
  }

  private u32(v: number, method: string, what: string): number[] {
    if (!isU32(v)) this.fail(`${method}(${v}): ${what} is not a u32`);
    return unsignedLeb128(v);
  }

  private localIndex(i: number, method: string): number[] {
    const n = this.type.params.length + this.locals.length;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      this.fail(`${method}(${i}): local index out of range (${this.type.params.length} params + ${this.locals.length} locals)`);
    }
    return unsignedLeb128(i);
  }

  private global(i: number, method: string): number[] {
    const bytes = this.u32(i, method, 'global index');
    this.uses.maxGlobal = Math.max(this.uses.maxGlobal, i);
    return bytes;
  }

  private depth(d: number, method: string): number[] {
    if (!Number.isInteger(d) || d < 0 || d > this.blocks.length) {
      this.fail(`${method}(${d}): branch depth out of range (0..${this.blocks.length} with ${this.blocks.length} open blocks)`);
    }
    return unsignedLeb128(d);
  }

  private memarg(what: string, align: number, natural: number, offset: number): number[] {
    if (!Number.isInteger(align) || align < 0 || align > natural) {
      this.fail(`${what}: alignment exponent ${align} is not an integer in 0..${natural} (natural)`);
    }
    if (!isU32(offset)) this.fail(`${what}: offset ${offset} is not a u32`);
    this.uses.memory = true;
    return [...unsignedLeb128(align), ...unsignedLeb128(offset)];
  }

  private lane(what: string, lane: number, lanes: number): number {
    if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) this.fail(`${what}: lane ${lane} is not in 0..${lanes - 1}`);
    return lane;
  }
}
