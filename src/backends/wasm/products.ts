/**
 * Sparse product stages (src/kernel/walk.ts) as WebAssembly, with the cpu backend's
 * arithmetic: every addition is made in f64 and rounded to the accumulator's dtype (a seeded
 * float32 output rounds each addition, as the cpu's `acc[o] += w` does; a float64 workspace
 * rounds once when copied out). Other product kinds run as the cpu backend's JavaScript.
 */
import type { DType } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import type { NativeStage } from './js-stages.js';
import { buildWalk, walkKey, walkUnsupported, type KernelWalk } from '../../kernel/walk.js';
import { FunctionBuilder, OP, type ValType } from './encoder.js';
import type { Arena } from './memory.js';
import type { Dispatch } from './dispatch.js';
import { instantiate } from './modules.js';
import { BYTES, emitFor, emitLoad, emitStore, emitWhile } from './emit.js';

/**
 * Parameter order: y, ptr, idx, x (or list), then data, perm and the float64 accumulator where
 * present, then the range [lo, hi) of outputs this call writes (threads split the outputs: a
 * scatter walks every active line and keeps the entries that fall in its range, so each
 * output is summed by one thread in the order one thread would sum it).
 */
interface Params {
  readonly y: number; readonly ptr: number; readonly idx: number; readonly x: number;
  readonly data: number; readonly perm: number; readonly acc: number;
  readonly lo: number; readonly hi: number;
  readonly count: number;
}

function paramsOf(w: KernelWalk, separateAcc: boolean): Params {
  let n = 4;
  const data = w.data ? n++ : -1;
  const perm = w.perm ? n++ : -1;
  const acc = separateAcc ? n++ : -1;
  const lo = n++;
  const hi = n++;
  return { y: 0, ptr: 1, idx: 2, x: 3, data, perm, acc, lo, hi, count: n };
}

/** `for (o = lo; o < hi; o++) body()` over this call's outputs. */
function overRange(f: FunctionBuilder, P: Params, o: number, body: () => void): void {
  f.localGet(P.lo).localSet(o);
  emitWhile(f, o, () => void f.localGet(P.hi), 1, body);
}

/** Load an element of `dtype` as f64 (numbers as JavaScript reads them). */
function loadF64(f: FunctionBuilder, dtype: DType): void {
  emitLoad(f, dtype);
  if (dtype === 'int32') f.op(OP.f64_convert_i32_s);
  else if (dtype === 'bool') f.op(OP.f64_convert_i32_u);
}

/** Push `base + index·bytes` (index in a local). */
function at(f: FunctionBuilder, base: number, index: number, bytes: number): void {
  f.localGet(base).localGet(index);
  if (bytes !== 1) f.i32Const(bytes).op(OP.i32_mul);
  f.op(OP.i32_add);
}

/**
 * How a call covers the outputs: 'whole' (one thread, every output), 'ranged' (threads split
 * the outputs: a scatter tests each entry against its range) or 'sorted' (the same, over a
 * structure whose lines list ascending indices: a scatter binary-searches where its range
 * starts in each line and stops at its end, so each thread reads only its share).
 */
export type WalkMode = 'whole' | 'ranged' | 'sorted';

export function renderWalk(w: KernelWalk, separateAcc: boolean, mode: WalkMode = 'ranged'): FunctionBuilder {
  const ranged = mode === 'ranged';
  const P = paramsOf(w, separateAcc);
  const f = new FunctionBuilder({ params: Array.from({ length: P.count }, (): ValType => 'i32'), results: [] });
  const [p, e, i, o, q, cnt, m] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const [sum, xv, wScalar] = [f.local('f64'), f.local('f64'), f.local('f64')];
  const accBase = separateAcc ? P.acc : P.y;
  const accType: DType = separateAcc ? 'float64' : w.y.dtype;
  const dataType = w.data?.dtype ?? 'float64';
  if (w.weight.kind === 'scalar') {
    f.localGet(P.data);
    loadF64(f, dataType);
    f.localSet(wScalar);
  }
  /** Push the weight of entry p as f64. */
  const weight = (): void => {
    switch (w.weight.kind) {
      case 'literal': f.f64Const(w.weight.value); return;
      case 'scalar': f.localGet(wScalar); return;
      case 'data': at(f, P.data, p, BYTES[dataType]); loadF64(f, dataType); return;
      case 'permuted':
        f.localGet(P.data);
        at(f, P.perm, p, 4);
        f.mem(OP.i32_load, 2).i32Const(BYTES[dataType]).op(OP.i32_mul).op(OP.i32_add);
        loadF64(f, dataType);
    }
  };
  /** for (p = ptr[line], e = ptr[line + 1]; p < e; p++) body() */
  const line = (lineLocal: number, body: () => void): void => {
    at(f, P.ptr, lineLocal, 4);
    f.mem(OP.i32_load, 2).localSet(p);
    at(f, P.ptr, lineLocal, 4);
    f.mem(OP.i32_load, 2, 4).localSet(e);
    f.block().localGet(p).localGet(e).op(OP.i32_ge_s).brIf(0).loop();
    body();
    f.localGet(p).i32Const(1).op(OP.i32_add).localTee(p).localGet(e).op(OP.i32_lt_s).brIf(0);
    f.end().end();
  };
  /** The entries of a sorted line with lo ≤ idx[p] < hi: binary search for the first, stop at the range's end. */
  const sortedLine = (lineLocal: number, body: () => void): void => {
    at(f, P.ptr, lineLocal, 4);
    f.mem(OP.i32_load, 2).localSet(p);
    at(f, P.ptr, lineLocal, 4);
    f.mem(OP.i32_load, 2, 4).localTee(e).localSet(m);
    // while (p < m) { mid = (p + m) >>> 1; if (idx[mid] < lo) p = mid + 1; else m = mid }
    f.block().loop();
    f.localGet(p).localGet(m).op(OP.i32_ge_s).brIf(1);
    f.localGet(p).localGet(m).op(OP.i32_add).i32Const(1).op(OP.i32_shr_u).localSet(o);
    at(f, P.idx, o, 4);
    f.mem(OP.i32_load, 2).localGet(P.lo).op(OP.i32_lt_s).if();
    f.localGet(o).i32Const(1).op(OP.i32_add).localSet(p);
    f.else();
    f.localGet(o).localSet(m);
    f.end();
    f.br(0);
    f.end().end();
    // while (p < e && idx[p] < hi) body()
    f.block().loop();
    f.localGet(p).localGet(e).op(OP.i32_ge_s).brIf(1);
    at(f, P.idx, p, 4);
    f.mem(OP.i32_load, 2).localGet(P.hi).op(OP.i32_ge_s).brIf(1);
    body();
    f.localGet(p).i32Const(1).op(OP.i32_add).localSet(p).br(0);
    f.end().end();
  };
  const xTruth = (index: number): void => {
    at(f, P.x, index, BYTES[w.x.dtype]);
    emitLoad(f, w.x.dtype);
    if (w.x.dtype === 'int32') f.i32Const(0).op(OP.i32_ne);
    else if (w.x.dtype !== 'bool') f.f64Const(0).op(OP.f64_ne);
  };
  const sign = (): number => (w.into && w.into.negate ? OP.f64_sub : OP.f64_add);

  if (w.walk === 'scatter') {
    if (!w.into) {
      overRange(f, P, o, () => {
        at(f, accBase, o, BYTES[accType]);
        if (accType === 'float32' || accType === 'float64') f.f64Const(0);
        else f.i32Const(0);
        emitStore(f, accType);
      });
    }
    const addLine = (amount: () => void): void => (mode === 'sorted' ? sortedLine : line)(i, () => {
      // if (idx[p] - lo <u hi - lo) acc[idx[p]] ±= amount
      at(f, P.idx, p, 4);
      if (ranged) f.mem(OP.i32_load, 2).localTee(o).localGet(P.lo).op(OP.i32_sub).localGet(P.hi).localGet(P.lo).op(OP.i32_sub).op(OP.i32_lt_u).if();
      else f.mem(OP.i32_load, 2).localSet(o).block();
      f.localGet(accBase).localGet(o).i32Const(BYTES[accType]).op(OP.i32_mul).op(OP.i32_add).localTee(o);
      f.localGet(o);
      emitLoad(f, accType);
      amount();
      f.op(sign());
      emitStore(f, accType);
      f.end();
    });
    if (w.over === 'list') {
      // for (q = 1, cnt = list[0]; q <= cnt; q++) { i = list[q]; add line i }
      f.localGet(P.x).mem(OP.i32_load, 2).localSet(cnt);
      f.i32Const(1).localSet(q);
      f.block().loop();
      f.localGet(q).localGet(cnt).op(OP.i32_gt_s).brIf(1);
      at(f, P.x, q, 4);
      f.mem(OP.i32_load, 2).localSet(i);
      addLine(weight);
      f.localGet(q).i32Const(1).op(OP.i32_add).localSet(q).br(0);
      f.end().end();
    } else if (w.nIn > 0) {
      emitFor(f, i, w.nIn, () => {
        if (w.over === 'scan') {
          xTruth(i);
          f.if();
          addLine(weight);
          f.end();
        } else {
          at(f, P.x, i, BYTES[w.x.dtype]);
          loadF64(f, w.x.dtype);
          f.localSet(xv);
          addLine(() => {
            weight();
            f.localGet(xv).op(OP.f64_mul);
          });
        }
      });
    }
    if (separateAcc) {
      overRange(f, P, o, () => {
        at(f, P.y, o, BYTES[w.y.dtype]);
        at(f, P.acc, o, 8);
        f.mem(OP.f64_load, 3);
        emitStore(f, w.y.dtype);
      });
    }
    return f;
  }

  // Gather: each output sums its own line.
  {
    overRange(f, P, o, () => {
      f.f64Const(0).localSet(sum);
      line(o, () => {
        at(f, P.idx, p, 4);
        f.mem(OP.i32_load, 2).localSet(i);
        if (w.events) {
          xTruth(i);
          f.if();
          f.localGet(sum);
          weight();
          f.op(OP.f64_add).localSet(sum);
          f.end();
        } else {
          f.localGet(sum);
          weight();
          at(f, P.x, i, BYTES[w.x.dtype]);
          loadF64(f, w.x.dtype);
          f.op(OP.f64_mul).op(OP.f64_add).localSet(sum);
        }
      });
      at(f, P.y, o, BYTES[w.y.dtype]);
      if (w.into) {
        at(f, P.y, o, BYTES[w.y.dtype]);
        emitLoad(f, w.y.dtype);
        f.localGet(sum).op(sign());
      } else f.localGet(sum);
      emitStore(f, w.y.dtype);
    });
  }
  return f;
}

const sortedness = new WeakMap<object, boolean>();

/** Do the structure's lines list ascending indices? Only for constant structures (checked once per index array). */
function linesSorted(ptrNode: Node, idxNode: Node): boolean {
  if (ptrNode.arg?.kind !== 'const' || idxNode.arg?.kind !== 'const') return false;
  const ptr = ptrNode.arg.data;
  const idx = idxNode.arg.data;
  const hit = sortedness.get(idx);
  if (hit !== undefined) return hit;
  let sorted = true;
  for (let l = 0; l + 1 < ptr.length && sorted; l++) {
    for (let p = ptr[l]! + 1; p < ptr[l + 1]!; p++) {
      if (idx[p]! < idx[p - 1]!) {
        sorted = false;
        break;
      }
    }
  }
  sortedness.set(idx, sorted);
  return sorted;
}

export function nativeProduct(arena: Arena, dispatch: Dispatch): NativeStage {
  return (ctx, stage) => {
    if (stage.kind !== 'product' || walkUnsupported(stage)) return undefined;
    const w = buildWalk(stage, ctx.isLiteral, (n) => (ctx.inWorkspace(n) ? 'float64' : n.dtype));
    if (!['float32', 'float64'].includes(w.y.dtype)) return undefined;
    // The cpu's rule: a scatter sums in a float64 accumulator unless it adds into a seeded output or its result is a workspace.
    const separateAcc = w.walk === 'scatter' && !w.into && w.y.dtype !== 'float64';
    // A scatter split by output ranges reads every active line on every thread, unless its
    // lines are sorted (then each thread finds its part of each line): split only those, and gathers.
    const sorted = w.walk === 'scatter' && linesSorted(w.ptr, w.idx);
    const threaded = dispatch.threaded(w.nOut, w.nOut, w.walk === 'gather' || sorted);
    const mode: WalkMode = !threaded ? 'whole' : sorted ? 'sorted' : 'ranged';
    const key = `walk:${separateAcc}:${mode}:${walkKey(w)}`;
    const made = instantiate(arena, key, () => renderWalk(w, separateAcc, mode));
    const args = [w.y.node, w.ptr, w.idx, w.x.node, ...(w.data ? [w.data] : []), ...(w.perm ? [w.perm] : [])].map((n) => `${ctx.buf(n)}.byteOffset`);
    if (separateAcc) args.push(`${ctx.workspace(w.nOut)}.byteOffset`);
    const how = w.walk === 'gather' ? 'gather per output' : `scatter ${w.over === 'list' ? 'over the active index list' : w.over === 'scan' ? 'over active entries' : 'over every entry of x'}`;
    const where = w.into ? (w.into.negate ? ', subtracted from the seeded output' : ', added into the seeded output') : '';
    // Shares of 16 outputs (64 bytes of float32): threads never write one cache line.
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units: w.nOut, align: 16, lists: [], perUnit: 1, counted: false }, threaded);
    return { title: `${w.events ? 'event' : 'float'} product in WebAssembly, ${how}${where}`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}
