/**
 * Event-driven weight updates (src/kernel/plasticity.ts) as WebAssembly, with the cpu's numbers
 * bit for bit: the result takes the old weights first unless it is their buffer (a compiled
 * runner updates them in place), then each stored entry of an active line becomes
 * min(max(w + trace, lo), hi) in float64, rounded once when stored, as the cpu's
 * `Math.min(Math.max(w + tr, lo), hi)` is. A step costs O(active × fan-out).
 */
import type { DType } from '../../ir/dtype.js';
import type { Node } from '../../ir/node.js';
import { buildPlasticity, plasticityKey, type KernelPlasticity } from '../../kernel/plasticity.js';
import type { KParam } from '../../kernel/jit-walk.js';
import { FunctionBuilder, MISC, OP, type ValType } from './encoder.js';
import { BYTES, emitLoad, emitStore, emitWhile } from './emit.js';
import type { NativeStage } from './js-stages.js';
import type { Arena } from './memory.js';
import type { Dispatch } from './dispatch.js';
import { instantiate } from './modules.js';

/** The buffers a plasticity kernel takes, in parameter order. */
function roles(k: KernelPlasticity): string[] {
  return ['out', 'data', 'trace', 'spikes', 'ptr', 'idx', ...(k.perm ? ['perm'] : []), ...(k.wMin?.kind === 'buffer' ? ['wMin'] : []), ...(k.wMax?.kind === 'buffer' ? ['wMax'] : [])];
}

export function renderPlasticity(k: KernelPlasticity): FunctionBuilder {
  const names = roles(k);
  const P = Object.fromEntries(names.map((r, i) => [r, i])) as Record<string, number>;
  // the range parameters every stage call passes (one thread: always the whole)
  const f = new FunctionBuilder({ params: [...names.map((): ValType => 'i32'), 'i32', 'i32'], results: [] });
  const [a, t, cnt, p, e, q] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
  const [lo, hi] = [f.local('f64'), f.local('f64')];
  const outBytes = BYTES[k.out.dtype];
  const at = (base: string, index: number, bytes: number): void => {
    f.localGet(P[base]!).localGet(index);
    if (bytes !== 1) f.i32Const(bytes).op(OP.i32_mul);
    f.op(OP.i32_add);
  };
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
  /** Entry p of line a: out[q] = clamp(out[q] + trace[idx[p]]). */
  const line = (): void => {
    at('ptr', a, 4);
    f.mem(OP.i32_load, 2).localSet(p);
    at('ptr', a, 4);
    f.mem(OP.i32_load, 2, 4).localSet(e);
    f.localGet(p).localGet(e).op(OP.i32_lt_s).if().loop();
    if (k.perm) {
      at('perm', p, 4);
      f.mem(OP.i32_load, 2).localSet(q);
    } else f.localGet(p).localSet(q);
    at('out', q, outBytes);
    at('out', q, outBytes);
    emitLoad(f, k.out.dtype);
    f.localGet(P['trace']!);
    at('idx', p, 4);
    f.mem(OP.i32_load, 2).i32Const(BYTES[k.trace.dtype]).op(OP.i32_mul).op(OP.i32_add);
    loadF64(f, k.trace.dtype);
    f.op(OP.f64_add);
    if (k.wMin) f.localGet(lo).op(OP.f64_max);
    if (k.wMax) f.localGet(hi).op(OP.f64_min);
    emitStore(f, k.out.dtype);
    f.localGet(p).i32Const(1).op(OP.i32_add).localTee(p).localGet(e).op(OP.i32_lt_s).brIf(0);
    f.end().end();
  };
  if (k.over === 'list') {
    f.localGet(P['spikes']!).mem(OP.i32_load, 2).localSet(cnt);
    f.i32Const(1).localSet(t);
    emitWhile(f, t, () => void f.localGet(cnt).i32Const(1).op(OP.i32_add), 1, () => {
      at('spikes', t, 4);
      f.mem(OP.i32_load, 2).localSet(a);
      line();
    });
  } else {
    f.i32Const(0).localSet(a);
    emitWhile(f, a, () => void f.i32Const(k.lines), 1, () => {
      at('spikes', a, BYTES[k.spikes.dtype]);
      truth(f, k.spikes.dtype);
      f.if();
      line();
      f.end();
    });
  }
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
  return (ctx, stage) => {
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
