/**
 * Event-driven weight updates (src/kernel/plasticity.ts) as WebAssembly, with the cpu's numbers
 * bit for bit: the result takes the old weights first unless it is their buffer (a compiled
 * runner updates them in place), then each stored entry of an active line becomes
 * min(max(w + trace, lo), hi) in float64, rounded once when stored, as the cpu's
 * `Math.min(Math.max(w + tr, lo), hi)` is. A step costs O(active × fan-out). Eligibility
 * traces walk the same lines (renderEligibility).
 */
import type { DType } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import { buildEligibility, buildPlasticity, eligibilityKey, plasticityKey, type KernelEligibility, type KernelPlasticity } from '../../kernel/plasticity.js';
import type { KParam } from '../../kernel/jit-walk.js';
import { FunctionBuilder, MISC, OP, type ValType } from './encoder.js';
import { BYTES, emitLoad, emitStore, emitWhile } from './emit.js';
import type { NativeStage } from './js-stages.js';
import type { Arena } from './memory.js';
import type { Dispatch } from './dispatch.js';
import { instantiate } from './modules.js';

/** Walks over the stored entries of a structure's lines, for a kernel whose parameters are `P`. */
interface Walker {
  /** Push the address of element `index` of buffer `base`. */
  at(base: string, index: number, bytes: number): void;
  /** For each entry p of line `a`: q = perm ? perm[p] : p, then body(). */
  entries(body: () => void): void;
  /** Push vector `role`'s element at the current entry's other end, idx[p], as f64. */
  otherEnd(role: string, dtype: DType): void;
  /** For each active line a: the list's entries (`over` 'list'), or the lines whose element of `role` is nonzero. */
  activeLines(over: 'list' | 'scan', role: string, dtype: DType, lines: number, body: () => void): void;
  readonly a: number;
  readonly p: number;
  readonly q: number;
}

function walker(f: FunctionBuilder, P: Record<string, number>, permuted: boolean): Walker {
  const [a, t, cnt, p, e, q] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const at = (base: string, index: number, bytes: number): void => {
    f.localGet(P[base]!).localGet(index);
    if (bytes !== 1) f.i32Const(bytes).op(OP.i32_mul);
    f.op(OP.i32_add);
  };
  return {
    a, p, q, at,
    otherEnd(role, dtype) {
      f.localGet(P[role]!);
      at('idx', p, 4);
      f.mem(OP.i32_load, 2).i32Const(BYTES[dtype]).op(OP.i32_mul).op(OP.i32_add);
      loadF64(f, dtype);
    },
    entries(body) {
      at('ptr', a, 4);
      f.mem(OP.i32_load, 2).localSet(p);
      at('ptr', a, 4);
      f.mem(OP.i32_load, 2, 4).localSet(e);
      f.localGet(p).localGet(e).op(OP.i32_lt_s).if().loop();
      if (permuted) {
        at('perm', p, 4);
        f.mem(OP.i32_load, 2).localSet(q);
      } else f.localGet(p).localSet(q);
      body();
      f.localGet(p).i32Const(1).op(OP.i32_add).localTee(p).localGet(e).op(OP.i32_lt_s).brIf(0);
      f.end().end();
    },
    activeLines(over, role, dtype, lines, body) {
      if (over === 'list') {
        f.localGet(P[role]!).mem(OP.i32_load, 2).localSet(cnt);
        f.i32Const(1).localSet(t);
        emitWhile(f, t, () => void f.localGet(cnt).i32Const(1).op(OP.i32_add), 1, () => {
          at(role, t, 4);
          f.mem(OP.i32_load, 2).localSet(a);
          body();
        });
        return;
      }
      f.i32Const(0).localSet(a);
      emitWhile(f, a, () => void f.i32Const(lines), 1, () => {
        at(role, a, BYTES[dtype]);
        truth(f, dtype);
        f.if();
        body();
        f.end();
      });
    },
  };
}

/** The buffers a plasticity kernel takes, in parameter order. */
function roles(k: KernelPlasticity): string[] {
  return ['out', 'data', 'trace', 'spikes', 'ptr', 'idx', ...(k.perm ? ['perm'] : []), ...(k.wMin?.kind === 'buffer' ? ['wMin'] : []), ...(k.wMax?.kind === 'buffer' ? ['wMax'] : [])];
}

export function renderPlasticity(k: KernelPlasticity): FunctionBuilder {
  const names = roles(k);
  const P = Object.fromEntries(names.map((r, i) => [r, i])) as Record<string, number>;
  // the range parameters every stage call passes (one thread: always the whole)
  const f = new FunctionBuilder({ params: [...names.map((): ValType => 'i32'), 'i32', 'i32'], results: [] });
  const w = walker(f, P, k.perm !== undefined);
  const { at, q } = w;
  const [lo, hi] = [f.local('f64'), f.local('f64')];
  const outBytes = BYTES[k.out.dtype];
  const bound = (b: KParam | undefined, role: string, local: number): void => {
    if (!b) return;
    if (b.kind === 'literal') f.f64Const(b.value);
    else {
      f.localGet(P[role]!);
      loadF64(f, b.node.dtype);
    }
    f.localSet(local);
  };
  bound(k.wMin, 'wMin', lo);
  bound(k.wMax, 'wMax', hi);
  // the old weights, unless the result is their buffer
  f.localGet(P['out']!).localGet(P['data']!).op(OP.i32_ne).if();
  f.localGet(P['out']!).localGet(P['data']!).i32Const(k.nnz * outBytes).misc(MISC.memory_copy);
  f.end();
  // each entry of an active line: out[q] = clamp(out[q] + trace[idx[p]])
  w.activeLines(k.over, 'spikes', k.spikes.dtype, k.lines, () => w.entries(() => {
    at('out', q, outBytes);
    at('out', q, outBytes);
    emitLoad(f, k.out.dtype);
    w.otherEnd('trace', k.trace.dtype);
    f.op(OP.f64_add);
    if (k.wMin) f.localGet(lo).op(OP.f64_max);
    if (k.wMax) f.localGet(hi).op(OP.f64_min);
    emitStore(f, k.out.dtype);
  }));
  return f;
}

/**
 * Eligibility traces (the cpu's emitEligibility, bit for bit). Event x: e = data·decay over
 * every entry (in place when aliased), then each entry of an active line adds y_j. Float x:
 * each entry of every line becomes data·decay + x_i·y_j, in float64, rounded once.
 */
export function renderEligibility(k: KernelEligibility): FunctionBuilder {
  const names = ['out', 'data', 'x', 'y', 'ptr', 'idx', ...(k.perm ? ['perm'] : []), ...(k.decay.kind === 'buffer' ? ['decay'] : [])];
  const P = Object.fromEntries(names.map((r, i) => [r, i])) as Record<string, number>;
  const f = new FunctionBuilder({ params: [...names.map((): ValType => 'i32'), 'i32', 'i32'], results: [] });
  const w = walker(f, P, k.perm !== undefined);
  const { at, a, q } = w;
  const [d, xa] = [f.local('f64'), f.local('f64')];
  const outBytes = BYTES[k.out.dtype];
  if (k.decay.kind === 'literal') f.f64Const(k.decay.value);
  else {
    f.localGet(P['decay']!);
    loadF64(f, k.decay.node.dtype);
  }
  f.localSet(d);
  if (k.events) {
    // decay every entry: out[q] = data[q]·d
    f.i32Const(0).localSet(q);
    emitWhile(f, q, () => void f.i32Const(k.nnz), 1, () => {
      at('out', q, outBytes);
      at('data', q, BYTES[k.data.dtype]);
      loadF64(f, k.data.dtype);
      f.localGet(d).op(OP.f64_mul);
      emitStore(f, k.out.dtype);
    });
    // the active lines add y at their entries' other ends
    w.activeLines(k.over, 'x', k.x.dtype, k.lines, () => w.entries(() => {
      at('out', q, outBytes);
      at('out', q, outBytes);
      emitLoad(f, k.out.dtype);
      w.otherEnd('y', k.y.dtype);
      f.op(OP.f64_add);
      emitStore(f, k.out.dtype);
    }));
    return f;
  }
  // float x: out[q] = data[q]·d + x_i·y_j over every line (x along the lines for 'row')
  const [lineVec, lineType] = k.line === 'row' ? (['x', k.x.dtype] as const) : (['y', k.y.dtype] as const);
  f.i32Const(0).localSet(a);
  emitWhile(f, a, () => void f.i32Const(k.lines), 1, () => {
    at(lineVec, a, BYTES[lineType]);
    loadF64(f, lineType);
    f.localSet(xa);
    w.entries(() => {
      at('out', q, outBytes);
      at('data', q, BYTES[k.data.dtype]);
      loadF64(f, k.data.dtype);
      f.localGet(d).op(OP.f64_mul);
      if (k.line === 'row') {
        f.localGet(xa);
        w.otherEnd('y', k.y.dtype);
      } else {
        w.otherEnd('x', k.x.dtype);
        f.localGet(xa);
      }
      f.op(OP.f64_mul).op(OP.f64_add);
      emitStore(f, k.out.dtype);
    });
  });
  return f;
}

/** Load the element at the address on the stack as f64 (numbers as JavaScript sees them). */
function loadF64(f: FunctionBuilder, dtype: DType): void {
  emitLoad(f, dtype);
  if (dtype === 'int32') f.op(OP.f64_convert_i32_s);
  else if (dtype === 'bool') f.op(OP.f64_convert_i32_u);
}

/** The element at the address on the stack is nonzero (NaN included): i32 0/1. */
function truth(f: FunctionBuilder, dtype: DType): void {
  emitLoad(f, dtype);
  if (dtype === 'float32' || dtype === 'float64') f.f64Const(0).op(OP.f64_ne);
  else f.i32Const(0).op(OP.i32_ne);
}

export function nativePlasticity(arena: Arena, dispatch: Dispatch): NativeStage {
  const eligibility = nativeEligibility(arena, dispatch);
  return (ctx, stage, s) => {
    if (stage.kind === 'product' && stage.node.op === 'eligibilityUpdate') return eligibility(ctx, stage, s);
    if (stage.kind !== 'product' || stage.node.op !== 'plasticityUpdate') return undefined;
    const k = buildPlasticity(stage, ctx.isLiteral);
    if (k.out.dtype !== 'float32' && k.out.dtype !== 'float64') return undefined;
    const key = `plasticity:${plasticityKey(k)}`;
    const made = instantiate(arena, key, () => renderPlasticity(k));
    const nodes = [k.out.node, k.data, k.trace.node, k.spikes.node, k.ptr, k.idx, ...(k.perm ? [k.perm] : []),
      ...(k.wMin?.kind === 'buffer' ? [k.wMin.node] : []), ...(k.wMax?.kind === 'buffer' ? [k.wMax.node] : [])];
    const args = nodes.map((n) => `${ctx.buf(n)}.byteOffset`);
    // each entry belongs to one line, but one thread is plenty for O(active × fan-out)
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units: k.lines, align: 1, lists: [], perUnit: 1, counted: false }, false);
    const rows = (stage.node as Node<'plasticityUpdate'>).arg.spikes === 'row';
    return { title: `plasticity ${rows ? 'onPre' : 'onPost'} in WebAssembly: the stored weights of the active ${rows ? 'rows' : 'columns'}${k.over === 'list' ? ' (active list)' : ''}, in place`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}

function nativeEligibility(arena: Arena, dispatch: Dispatch): NativeStage {
  return (ctx, stage) => {
    if (stage.kind !== 'product') return undefined;
    const k = buildEligibility(stage, ctx.isLiteral);
    if (k.out.dtype !== 'float32' && k.out.dtype !== 'float64') return undefined;
    const key = `eligibility:${eligibilityKey(k)}`;
    const made = instantiate(arena, key, () => renderEligibility(k));
    const nodes = [k.out.node, k.data, k.x.node, k.y.node, k.ptr, k.idx, ...(k.perm ? [k.perm] : []), ...(k.decay.kind === 'buffer' ? [k.decay.node] : [])];
    const args = nodes.map((n) => `${ctx.buf(n)}.byteOffset`);
    const { fn, extra } = dispatch.call(key, made, { arity: args.length, units: k.lines, align: 1, lists: [], perUnit: 1, counted: false }, false);
    const how = k.events ? `decay pass, then the active ${k.line === 'row' ? 'rows' : 'columns'}${k.over === 'list' ? ' from the list' : ''}` : `every ${k.line}`;
    return { title: `eligibility traces in WebAssembly: e·decay + pre·post on the stored entries (${how})`, main: [`${ctx.extern(fn)}(${args.join(', ')}${extra});`], post: [] };
  };
}
