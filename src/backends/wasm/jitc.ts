/**
 * Just-in-time connectivity products (src/kernel/jit-walk.ts) as WebAssembly: the counter-based
 * generator as i32 code (rng.ts), skip sampling against the gap table, the weights with
 * the cpu's float64 formulas (log and cos imported from JavaScript, as the cpu calls them), the
 * sums with the cpu's rounding (large scatters in blocks: blocked-scatter.ts). Nothing of
 * the matrix is stored.
 */
import type { DType } from '../../ir/dtype.js';
import { GUIDE_BITS } from '../../rng/gaps.js';
import { PURPOSE } from '../../rng/hash.js';
import { buildJitWalk, jitWalkKey, jitWalkUnsupported, type KernelJitWalk, type KParam } from '../../kernel/jit-walk.js';
import { FunctionBuilder, OP, type ValType } from './encoder.js';
import { BYTES, emitLoad, emitStore, emitWhile } from './emit.js';
import { emitDraw, emitDrawPair, emitKey } from './rng.js';
import { emitBlockedFlush, scatterBlocking, type ScatterBlocking } from './blocked-scatter.js';
import { mathIndex } from './scalar.js';
import type { NativeStage } from './js-stages.js';
import type { Arena } from './memory.js';
import type { Dispatch } from './dispatch.js';
import { instantiate } from './modules.js';

interface Params { readonly count: number; readonly [role: string]: number }

/** `ranged`: threads split the outputs (a scatter then keeps only the entries in its range). */
export function renderJitWalk(w: KernelJitWalk, tableLength: number, separateAcc: boolean, ranged = true, blocking?: ScatterBlocking): FunctionBuilder {
  const blockRoles = blocking ? ['bpos', 'bsorted', 'bcount', ...(blocking.valued ? ['bval', 'bsortedval'] : [])] : [];
  const roles = ['y', 'x', 'table', 'guide', ...(w.a.kind === 'buffer' ? ['a'] : []), ...(w.b.kind === 'buffer' ? ['b'] : []), ...(w.lineMap ? ['map'] : []), ...(separateAcc ? ['acc'] : []), ...blockRoles, 'lo', 'hi'];
  const P = Object.fromEntries(roles.map((r, i) => [r, i])) as unknown as Params & Record<string, number>;
  const f = new FunctionBuilder({ params: roles.map((): ValType => 'i32'), results: [] });
  const [line, from, k1, k2, wk1, wk2, c, h, pos, g, d, k, o, q, cnt, tl, at, wc, dn] = Array.from({ length: 19 }, () => f.local('i32'));
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
    // Two skips per turn, their draws computed together (emitDrawPair); the second one's draw
    // is wasted when the line ends at the first.
    f.block().loop();
    emitDrawPair(f, k1, k2, c, d, dn);
    f.localGet(c).i32Const(2).op(OP.i32_add).localSet(c);
    for (const draw of [d, dn]) {
      // labels from inside this block: 0 this skip, 1 the turn loop, 2 the line's end
      f.block();
      // a draw past the table's last threshold skips L positions
      f.localGet(draw).localGet(tl).op(OP.i32_ge_s).if();
      f.localGet(pos).i32Const(tableLength).op(OP.i32_add).localTee(pos).i32Const(w.len - 1).op(OP.i32_ge_s).brIf(3).br(1);
      f.end();
      // g = guide[draw >> 8]; while (T[g - 1] <= draw) g++
      f.localGet(P['guide']!).localGet(draw).i32Const(GUIDE_BITS).op(OP.i32_shr_u).i32Const(4).op(OP.i32_mul).op(OP.i32_add).mem(OP.i32_load, 2).localSet(g);
      f.block().loop();
      f.localGet(P['table']!).localGet(g).i32Const(1).op(OP.i32_sub).i32Const(4).op(OP.i32_mul).op(OP.i32_add).mem(OP.i32_load, 2);
      f.localGet(draw).op(OP.i32_gt_s).brIf(1);
      f.localGet(g).i32Const(1).op(OP.i32_add).localSet(g).br(0);
      f.end().end();
      f.localGet(pos).localGet(g).op(OP.i32_add).localTee(pos).i32Const(w.len).op(OP.i32_ge_s).brIf(2);
      weight();
      f.localSet(wv);
      body();
      f.localGet(k).i32Const(1).op(OP.i32_add).localSet(k);
      f.end();
    }
    f.br(0);
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
    const flush = blocking ? emitBlockedFlush(f, w, blocking, P, accBase, accType, sign, a) : undefined;
    // acc[pos] ±= w (· x), for pos in this call's range
    const add = (times: boolean): void => walkLine(() => {
      if (flush) {
        // buffer the entry; a full buffer is applied at once
        const nb = flush.count;
        addr(P['bpos']!, nb, 4);
        f.localGet(pos).mem(OP.i32_store, 2);
        if (blocking!.valued) {
          addr(P['bval']!, nb, 8);
          f.localGet(wv);
          if (times) f.localGet(xv).op(OP.f64_mul);
          f.mem(OP.f64_store, 3);
        }
        f.localGet(nb).i32Const(1).op(OP.i32_add).localTee(nb).i32Const(blocking!.capacity).op(OP.i32_eq).if();
        flush.emit();
        f.end();
        return;
      }
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
    if (flush) flush.emit();
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
    const blocking = scatterBlocking(w, threaded);
    const key = `jit:${separateAcc}:${threaded}:${tableLength}:${JSON.stringify(blocking ?? null)}:${jitWalkKey(w)}`;
    const made = instantiate(arena, key, () => renderJitWalk(w, tableLength, separateAcc, threaded, blocking));
    const nodes = [w.y.node, w.x.node, w.table, w.guide, ...(w.a.kind === 'buffer' ? [w.a.node] : []), ...(w.b.kind === 'buffer' ? [w.b.node] : []), ...(w.lineMap ? [w.lineMap] : [])];
    const args = nodes.map((n) => `${ctx.buf(n)}.byteOffset`);
    if (separateAcc) args.push(`${ctx.workspace(w.nOut)}.byteOffset`);
    if (blocking) {
      // float64 workspaces: int32 buffers take half as many elements
      const sizes = [blocking.capacity / 2, blocking.capacity / 2, Math.ceil((Math.ceil(w.nOut / 2 ** blocking.shift) + 1) / 2), ...(blocking.valued ? [blocking.capacity, blocking.capacity] : [])];
      for (const size of sizes) args.push(`${ctx.workspace(size)}.byteOffset`);
    }
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units: w.nOut, align: 16, lists: [], perUnit: 1, counted: false }, threaded);
    const blocks = blocking ? `, added by windows of ${2 ** blocking.shift} outputs (entries buffered ${blocking.capacity} at a time)` : '';
    const how = w.walk === 'gather' ? 'gather per output line' : `scatter ${w.over === 'list' ? 'over the active index list' : w.over === 'scan' ? 'over active entries' : 'over every entry of x'}${blocks}`;
    return { title: `${w.events ? 'event' : 'float'} product with just-in-time ${w.dist} connectivity in WebAssembly, ${how}`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}
