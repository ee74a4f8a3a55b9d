/**
 * Just-in-time connectivity products (src/kernel/jit-walk.ts) as WebAssembly: the counter-based
 * generator as i32 code (docs/rng.md; exactly the cpu's ef_key / ef_draw, the seed's part of
 * each key folded into a constant here), skip sampling against the gap table, the weights with
 * the cpu's float64 formulas (log and cos imported from JavaScript, as the cpu calls them), the
 * sums with the cpu's rounding. Nothing of the matrix is stored.
 */
import type { DType } from '../../ir/dtype.js';
import { GUIDE_BITS } from '../../rng/gaps.js';
import { K0, K0B, MULTIPLIERS, SHIFTS, mix, PURPOSE } from '../../rng/hash.js';
import { buildJitWalk, jitWalkKey, jitWalkUnsupported, type KernelJitWalk, type KParam } from '../../kernel/jit-walk.js';
import { FunctionBuilder, OP, type ValType } from './encoder.js';
import { BYTES, emitLoad, emitStore, emitWhile } from './emit.js';
import { mathIndex } from './scalar.js';
import type { NativeStage } from './js-stages.js';
import type { Arena } from './memory.js';
import type { Dispatch } from './dispatch.js';
import { instantiate } from './modules.js';

const WORD = 0xffffff;

/** h ← mix(h) for the i32 in local h. */
function emitMix(f: FunctionBuilder, h: number): void {
  MULTIPLIERS.forEach((k, r) => {
    f.localGet(h).localGet(h).i32Const(SHIFTS[r]!).op(OP.i32_shr_u).op(OP.i32_xor);
    f.i32Const(k).op(OP.i32_mul).i32Const(WORD).op(OP.i32_and).localSet(h);
  });
  f.localGet(h).localGet(h).i32Const(SHIFTS[4]!).op(OP.i32_shr_u).op(OP.i32_xor).localSet(h);
}

/** h ← mix((h + value on the stack) mod 2^24). */
function emitAbsorb(f: FunctionBuilder, h: number): void {
  f.localGet(h).op(OP.i32_add).i32Const(WORD).op(OP.i32_and).localSet(h);
  emitMix(f, h);
}

/** The key word after absorbing seed mod 2^24, ⌊seed / 2^24⌋ and the purpose (constant per walk). */
const keyPrefix = (start: number, seed: number, purpose: number): number =>
  [seed % 2 ** 24, Math.floor(seed / 2 ** 24), purpose].reduce((h, w) => mix((h + w) & WORD), start);

/** (k1, k2) ← key(seed, purpose, stream) for the stream (a line) in local `stream`. */
function emitKey(f: FunctionBuilder, seed: number, purpose: number, stream: number, k1: number, k2: number): void {
  for (const [h, start] of [[k1, K0], [k2, K0B]] as const) {
    f.i32Const(keyPrefix(start, seed, purpose)).localSet(h);
    f.localGet(stream).i32Const(WORD).op(OP.i32_and);
    emitAbsorb(f, h);
    f.localGet(stream).i32Const(24).op(OP.i32_shr_u);
    emitAbsorb(f, h);
  }
}

/** Push draw((k1, k2), counter) for the counter in local c; `h` is scratch. */
function emitDraw(f: FunctionBuilder, k1: number, k2: number, c: number, h: number): void {
  // block = counter < 2^24 ? k1 : mix((k1 + ⌊counter / 2^24⌋) mod 2^24)
  f.localGet(k1).localSet(h);
  f.localGet(c).i32Const(24).op(OP.i32_shr_u).if();
  f.localGet(c).i32Const(24).op(OP.i32_shr_u);
  emitAbsorb(f, h);
  f.end();
  f.localGet(c).i32Const(WORD).op(OP.i32_and);
  emitAbsorb(f, h);
  f.localGet(k2);
  emitAbsorb(f, h);
  f.localGet(h);
}

interface Params { readonly count: number; readonly [role: string]: number }

/** `ranged`: threads split the outputs (a scatter then keeps only the entries in its range). */
export function renderJitWalk(w: KernelJitWalk, tableLength: number, separateAcc: boolean, ranged = true): FunctionBuilder {
  const roles = ['y', 'x', 'table', 'guide', ...(w.a.kind === 'buffer' ? ['a'] : []), ...(w.b.kind === 'buffer' ? ['b'] : []), ...(w.lineMap ? ['map'] : []), ...(separateAcc ? ['acc'] : []), 'lo', 'hi'];
  const P = Object.fromEntries(roles.map((r, i) => [r, i])) as unknown as Params & Record<string, number>;
  const f = new FunctionBuilder({ params: roles.map((): ValType => 'i32'), results: [] });
  const [line, from, k1, k2, wk1, wk2, c, h, pos, g, d, k, o, q, cnt, tl, at, wc] = Array.from({ length: 18 }, () => f.local('i32'));
  const [a, b, wv, xv, sum] = [f.local('f64'), f.local('f64'), f.local('f64'), f.local('f64'), f.local('f64')];
  const accBase = separateAcc ? P['acc']! : P['y']!;
  const accType: DType = separateAcc ? 'float64' : w.y.dtype;
  const param = (p: KParam, local: number, role: string): void => {
    if (p.kind === 'literal') f.f64Const(p.value);
    else {
      f.localGet(P[role]!);
      emitLoad(f, p.node.dtype);
      if (p.node.dtype === 'int32') f.op(OP.f64_convert_i32_s);
      else if (p.node.dtype === 'bool') f.op(OP.f64_convert_i32_u);
    }
    f.localSet(local);
  };
  param(w.a, a, 'a');
  param(w.b, b, 'b');
  const addr = (base: number, index: number, bytes: number): void => {
    f.localGet(base).localGet(index);
    if (bytes !== 1) f.i32Const(bytes).op(OP.i32_mul);
    f.op(OP.i32_add);
  };
  // tl = T[L - 1]; nothing to walk when it is 0 (probability 0)
  f.localGet(P['table']!).mem(OP.i32_load, 2, 4 * (tableLength - 1)).localSet(tl);

  /** Push the weight of connection k of the current line as f64. */
  const weight = (): void => {
    const u = (counter: () => void): void => {
      counter();
      f.localSet(wc);
      emitDraw(f, wk1, wk2, wc, h);
      f.op(OP.f64_convert_i32_u).f64Const(16777216).op(OP.f64_div);
    };
    if (w.dist === 'scalar') return void f.localGet(a);
    f.localGet(a).localGet(b);
    if (w.dist === 'uniform') u(() => f.localGet(k));
    else {
      // sqrt(-2·log(1 - u1))·cos(2π·u2), u1 = draw 2k, u2 = draw 2k + 1
      f.f64Const(-2).f64Const(1);
      u(() => f.localGet(k).i32Const(2).op(OP.i32_mul));
      f.op(OP.f64_sub).call(mathIndex('log')).op(OP.f64_mul).op(OP.f64_sqrt);
      f.f64Const(2 * Math.PI);
      u(() => f.localGet(k).i32Const(2).op(OP.i32_mul).i32Const(1).op(OP.i32_add));
      f.op(OP.f64_mul).call(mathIndex('cos')).op(OP.f64_mul);
    }
    f.op(OP.f64_mul).op(OP.f64_add);
  };

  /** Walk line `line`: body() runs at each connection (position in pos, weight in wv). */
  const walkLine = (body: () => void): void => {
    if (w.lineMap) {
      addr(P['map']!, line, 4);
      f.mem(OP.i32_load, 2).localSet(from);
    } else f.localGet(line).localSet(from);
    emitKey(f, w.seed, PURPOSE.structure, from, k1, k2);
    if (w.dist !== 'scalar') emitKey(f, w.seed, PURPOSE.weight, from, wk1, wk2);
    f.i32Const(-1).localSet(pos).i32Const(0).localSet(c).i32Const(0).localSet(k);
    f.block().loop();
    emitDraw(f, k1, k2, c, h);
    f.localSet(d);
    f.localGet(c).i32Const(1).op(OP.i32_add).localSet(c);
    // a draw past the table's last threshold skips L positions
    f.localGet(d).localGet(tl).op(OP.i32_ge_s).if();
    f.localGet(pos).i32Const(tableLength).op(OP.i32_add).localTee(pos).i32Const(w.len - 1).op(OP.i32_ge_s).brIf(2).br(1);
    f.end();
    // g = guide[d >> 8]; while (T[g - 1] <= d) g++
    f.localGet(P['guide']!).localGet(d).i32Const(GUIDE_BITS).op(OP.i32_shr_u).i32Const(4).op(OP.i32_mul).op(OP.i32_add).mem(OP.i32_load, 2).localSet(g);
    f.block().loop();
    f.localGet(P['table']!).localGet(g).i32Const(1).op(OP.i32_sub).i32Const(4).op(OP.i32_mul).op(OP.i32_add).mem(OP.i32_load, 2);
    f.localGet(d).op(OP.i32_gt_s).brIf(1);
    f.localGet(g).i32Const(1).op(OP.i32_add).localSet(g).br(0);
    f.end().end();
    f.localGet(pos).localGet(g).op(OP.i32_add).localTee(pos).i32Const(w.len).op(OP.i32_ge_s).brIf(1);
    weight();
    f.localSet(wv);
    body();
    f.localGet(k).i32Const(1).op(OP.i32_add).localSet(k).br(0);
    f.end().end();
  };
  const sign = w.into && w.into.negate ? OP.f64_sub : OP.f64_add;
  const xTruth = (index: number): void => {
    addr(P['x']!, index, BYTES[w.x.dtype]);
    emitLoad(f, w.x.dtype);
    if (w.x.dtype === 'int32') f.i32Const(0).op(OP.i32_ne);
    else if (w.x.dtype !== 'bool') f.f64Const(0).op(OP.f64_ne);
  };
  const xF64 = (index: number): void => {
    addr(P['x']!, index, BYTES[w.x.dtype]);
    emitLoad(f, w.x.dtype);
    if (w.x.dtype === 'int32') f.op(OP.f64_convert_i32_s);
    else if (w.x.dtype === 'bool') f.op(OP.f64_convert_i32_u);
  };
  const range = (body: () => void): void => {
    f.localGet(P['lo']!).localSet(o);
    emitWhile(f, o, () => void f.localGet(P['hi']!), 1, body);
  };
  const direct = w.into ? w.walk === 'scatter' : !separateAcc;
  if (!(w.into && w.walk === 'scatter')) {
    range(() => {
      addr(accBase, o, BYTES[accType]);
      f.f64Const(0);
      emitStore(f, accType);
    });
  }
  f.localGet(tl).i32Const(0).op(OP.i32_gt_s).if();
  if (w.walk === 'scatter') {
    // acc[pos] ±= w (· x), for pos in this call's range
    const add = (times: boolean): void => walkLine(() => {
      if (ranged) f.localGet(pos).localGet(P['lo']!).op(OP.i32_sub).localGet(P['hi']!).localGet(P['lo']!).op(OP.i32_sub).op(OP.i32_lt_u).if();
      else f.block();
      addr(accBase, pos, BYTES[accType]);
      f.localTee(at).localGet(at);
      emitLoad(f, accType);
      f.localGet(wv);
      if (times) f.localGet(xv).op(OP.f64_mul);
      f.op(sign);
      emitStore(f, accType);
      f.end();
    });
    if (w.over === 'list') {
      f.localGet(P['x']!).mem(OP.i32_load, 2).localSet(cnt);
      f.i32Const(1).localSet(q);
      f.block().loop();
      f.localGet(q).localGet(cnt).op(OP.i32_gt_s).brIf(1);
      addr(P['x']!, q, 4);
      f.mem(OP.i32_load, 2).localSet(line);
      add(false);
      f.localGet(q).i32Const(1).op(OP.i32_add).localSet(q).br(0);
      f.end().end();
    } else {
      f.i32Const(0).localSet(line);
      emitWhile(f, line, () => void f.i32Const(w.nIn), 1, () => {
        if (w.over === 'scan') {
          xTruth(line);
          f.if();
          add(false);
          f.end();
        } else {
          xF64(line);
          f.localSet(xv);
          add(true);
        }
      });
    }
  } else {
    // gather: each output of the range generates its line and sums x at its positions
    range(() => {
      f.localGet(o).localSet(line);
      f.f64Const(0).localSet(sum);
      walkLine(() => {
        if (w.events) {
          xTruth(pos);
          f.if().localGet(sum).localGet(wv).op(OP.f64_add).localSet(sum).end();
        } else {
          f.localGet(sum).localGet(wv);
          xF64(pos);
          f.op(OP.f64_mul).op(OP.f64_add).localSet(sum);
        }
      });
      addr(accBase, o, BYTES[accType]);
      f.localGet(sum);
      emitStore(f, accType);
    });
  }
  f.end();
  if (!direct) {
    // y (= | ±=) the float64 sums
    range(() => {
      addr(P['y']!, o, BYTES[w.y.dtype]);
      if (w.into) {
        addr(P['y']!, o, BYTES[w.y.dtype]);
        emitLoad(f, w.y.dtype);
      }
      addr(accBase, o, 8);
      f.mem(OP.f64_load, 3);
      if (w.into) f.op(sign);
      emitStore(f, w.y.dtype);
    });
  }
  return f;
}

export function nativeJitProduct(arena: Arena, dispatch: Dispatch): NativeStage {
  return (ctx, stage) => {
    if (stage.kind !== 'product' || jitWalkUnsupported(stage)) return undefined;
    const w = buildJitWalk(stage, ctx.isLiteral, (n) => (ctx.inWorkspace(n) ? 'float64' : n.dtype));
    if (w.y.dtype !== 'float32' && w.y.dtype !== 'float64') return undefined;
    // The cpu's rule: gathers sum in a float64 accumulator, scatters add into a seeded output directly.
    const direct = w.into ? w.walk === 'scatter' : w.y.dtype === 'float64';
    const separateAcc = !direct;
    const tableLength = w.table.size;
    // A scatter split by output ranges would regenerate every active line on every thread: one thread.
    const threaded = dispatch.threaded(w.nOut * Math.max(1, w.len >> 4), w.nOut, w.walk === 'gather');
    const key = `jit:${separateAcc}:${threaded}:${tableLength}:${jitWalkKey(w)}`;
    const made = instantiate(arena, key, () => renderJitWalk(w, tableLength, separateAcc, threaded));
    const nodes = [w.y.node, w.x.node, w.table, w.guide, ...(w.a.kind === 'buffer' ? [w.a.node] : []), ...(w.b.kind === 'buffer' ? [w.b.node] : []), ...(w.lineMap ? [w.lineMap] : [])];
    const args = nodes.map((n) => `${ctx.buf(n)}.byteOffset`);
    if (separateAcc) args.push(`${ctx.workspace(w.nOut)}.byteOffset`);
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units: w.nOut, align: 16, lists: [], perUnit: 1, counted: false }, threaded);
    const how = w.walk === 'gather' ? 'gather per output line' : `scatter ${w.over === 'list' ? 'over the active index list' : w.over === 'scan' ? 'over active entries' : 'over every entry of x'}`;
    return { title: `${w.events ? 'event' : 'float'} product with just-in-time ${w.dist} connectivity in WebAssembly, ${how}`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}
