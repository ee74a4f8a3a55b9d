/**
 * Random arrays inside a loop (src/ir/primitives/random.ts, src/rng/distributions.ts) as scalar
 * WebAssembly, with the cpu's numbers bit for bit: the stream key computed once per call from
 * the 0-d counter, each element's draws at its own broadcast position, and each
 * distribution's float64 formula in the cpu's order of operations (log, cos, exp and pow
 * imported from the JavaScript functions the cpu calls).
 */
import type { KernelLoop, KValue } from '../../kernel/loop.js';
import { PURPOSE } from '../../rng/hash.js';
import { POISSON_INVERSION_CAP, POISSON_INVERSION_MAX, POISSON_MAX_COUNT } from '../../rng/distributions.js';
import { FunctionBuilder, MISC, OP } from './encoder.js';
import { emitDraw, emitKey } from './rng.js';
import { ScalarValues, mathIndex } from './scalar.js';

type RandomValue = Extract<KValue, { kind: 'random' }>;

/**
 * Why a loop's random values have no WebAssembly form, or undefined. A binomial count with a
 * float `n` array could be a fraction, which the cpu carries as it is: those loops stay the
 * cpu's JavaScript.
 */
export function randomUnsupported(k: KernelLoop): string | undefined {
  for (const v of k.values) {
    if (v.kind !== 'random' || v.dist !== 'binomial') continue;
    const n = k.values[v.args[1]!]!;
    if (n.kind !== 'literal' && n.dtype !== 'int32' && n.dtype !== 'bool') return 'binomial counts with a float n array';
  }
  return undefined;
}

/** The locals a loop's random values use: one key pair per value, and scratch. */
export class RandomEmitter {
  private readonly keys = new Map<number, readonly [number, number]>();
  private readonly counter: number;
  private readonly flip: number;
  private readonly h: number;
  private readonly at: number;
  private readonly x: readonly number[];

  constructor(
    private readonly f: FunctionBuilder,
    private readonly k: KernelLoop,
    private readonly values: ScalarValues,
  ) {
    [this.counter, this.flip, this.h, this.at] = [f.local('i32'), f.local('i32'), f.local('i32'), f.local('i32')];
    this.x = Array.from({ length: 7 }, () => f.local('f64'));
  }

  /** Before the loops (the counter is loop-invariant): each random value's stream key. */
  prepare(): void {
    this.k.values.forEach((v, j) => {
      if (v.kind !== 'random') return;
      const pair = [this.f.local('i32'), this.f.local('i32')] as const;
      this.keys.set(j, pair);
      this.values.i32(v.args[0]!);
      this.f.localSet(this.counter);
      emitKey(this.f, v.seed, PURPOSE.random, this.counter, pair[0], pair[1], true);
    });
  }

  /** Push random value j at the loop position idx (f64 for float dtypes, i32 for bool and int32). */
  emit(j: number, idx: readonly number[]): void {
    const v = this.k.values[j] as RandomValue;
    const f = this.f;
    // the element's position in its own (broadcast) array
    f.i32Const(0);
    v.strides.forEach((s, d) => s && f.localGet(idx[d]!).i32Const(s).op(OP.i32_mul).op(OP.i32_add));
    f.localSet(this.at);
    const [a, b] = [v.args[1]!, v.args[2]];
    switch (v.dist) {
      case 'uniform':
        // a + (b - a) · d(i) / 2^24
        this.values.f64(a);
        this.values.f64(b!);
        this.values.f64(a);
        f.op(OP.f64_sub);
        this.unit(j, 1, 0);
        f.op(OP.f64_mul).op(OP.f64_add);
        return;
      case 'normal':
        this.values.f64(a);
        this.values.f64(b!);
        this.normal(j);
        f.op(OP.f64_mul).op(OP.f64_add);
        return;
      case 'bernoulli':
        // d(i) < p · 2^24 (an integer compare, exactly)
        this.draw(j, 1, 0);
        f.op(OP.f64_convert_i32_u);
        this.values.f64(a);
        f.f64Const(16777216).op(OP.f64_mul).op(OP.f64_lt);
        return;
      case 'poisson':
        this.poisson(j, a);
        return;
      case 'binomial':
        this.binomial(j, a, b!);
        return;
    }
  }

  /** Push draw number times·position + plus of value j's stream (an i32 in [0, 2^24)). */
  private draw(j: number, times: number, plus: number): void {
    const [k1, k2] = this.keys.get(j)!;
    const f = this.f;
    const c = this.counter;
    f.localGet(this.at);
    if (times !== 1) f.i32Const(times).op(OP.i32_mul);
    if (plus) f.i32Const(plus).op(OP.i32_add);
    f.localSet(c);
    emitDraw(f, k1, k2, c, this.h);
  }

  /** Push that draw / 2^24 as f64. */
  private unit(j: number, times: number, plus: number): void {
    this.draw(j, times, plus);
    this.f.op(OP.f64_convert_i32_u).f64Const(16777216).op(OP.f64_div);
  }

  /** Push z = sqrt(−2·log(1 − u(2i)))·cos(2π·u(2i + 1)) (Box–Muller, the cpu's order). */
  private normal(j: number): void {
    const f = this.f;
    f.f64Const(-2).f64Const(1);
    this.unit(j, 2, 0);
    f.op(OP.f64_sub).call(mathIndex('log')).op(OP.f64_mul).op(OP.f64_sqrt);
    f.f64Const(2 * Math.PI);
    this.unit(j, 2, 1);
    f.op(OP.f64_mul).call(mathIndex('cos')).op(OP.f64_mul);
  }

  /** local ← max(0, min(hi, floor(mean + sd·z + 0.5))) (the normal approximation), with mean and sd pushed by the callers. */
  private approximate(j: number, mean: () => void, sd: () => void, hi: () => void, out: number): void {
    const f = this.f;
    mean();
    sd();
    this.normal(j);
    f.op(OP.f64_mul).op(OP.f64_add).f64Const(0.5).op(OP.f64_add).op(OP.f64_floor).localSet(out);
    // k < 0 ? 0 : k > hi ? hi : k
    f.f64Const(0);
    hi();
    f.localGet(out);
    f.localGet(out);
    hi();
    f.op(OP.f64_gt).select();
    f.localGet(out).f64Const(0).op(OP.f64_lt).select().localSet(out);
  }

  /** Push the Poisson count with mean value `a` as i32 (ef_poisson). */
  private poisson(j: number, a: number): void {
    const f = this.f;
    const [lam, u, p, F, k] = this.x as [number, number, number, number, number];
    this.values.f64(a);
    f.localSet(lam);
    f.f64Const(0).localSet(k);
    f.block();
    // labels inside: 0 this block (the count is in k)
    f.localGet(lam).f64Const(0).op(OP.f64_gt).op(OP.i32_eqz).brIf(0);
    f.localGet(lam).f64Const(POISSON_INVERSION_MAX).op(OP.f64_gt).if();
    this.approximate(j, () => void f.localGet(lam), () => void f.localGet(lam).op(OP.f64_sqrt), () => void f.f64Const(POISSON_MAX_COUNT), k);
    f.br(1);
    f.end();
    // inversion: k = 0, p = F = e^−λ; while (u ≥ F && k < cap) { k++; p = p·λ / k; F += p }
    this.unit(j, 2, 0);
    f.localSet(u);
    f.localGet(lam).op(OP.f64_neg).call(mathIndex('exp')).localTee(p).localSet(F);
    f.loop();
    f.localGet(u).localGet(F).op(OP.f64_ge).localGet(k).f64Const(POISSON_INVERSION_CAP).op(OP.f64_lt).op(OP.i32_and).if();
    f.localGet(k).f64Const(1).op(OP.f64_add).localSet(k);
    f.localGet(p).localGet(lam).op(OP.f64_mul).localGet(k).op(OP.f64_div).localSet(p);
    f.localGet(F).localGet(p).op(OP.f64_add).localSet(F);
    f.br(1);
    f.end();
    f.end();
    f.end();
    // a whole number in [0, 2^31 − 1]
    f.localGet(k).misc(MISC.i32_trunc_sat_f64_s);
  }

  /** Push the binomial count of value `n` trials with probability value `pv` as i32 (ef_binomial; n is whole). */
  private binomial(j: number, n: number, pv: number): void {
    const f = this.f;
    const [nn, q, k, u, r, pk, F] = this.x as [number, number, number, number, number, number, number];
    const flip = this.flip;
    this.values.f64(n);
    f.localSet(nn);
    f.f64Const(0).localSet(k);
    f.i32Const(0).localSet(flip);
    f.block();
    // labels inside: 0 this block (the count of the rarer outcome in k, flipped after)
    f.localGet(nn).f64Const(0).op(OP.f64_gt);
    this.values.f64(pv);
    f.f64Const(0).op(OP.f64_gt).op(OP.i32_and).op(OP.i32_eqz).brIf(0);
    this.values.f64(pv);
    f.f64Const(1).op(OP.f64_ge).if();
    f.localGet(nn).localSet(k).br(1);
    f.end();
    // q = p > 0.5 ? 1 − p : p
    this.values.f64(pv);
    f.f64Const(0.5).op(OP.f64_gt).localSet(flip);
    f.f64Const(1);
    this.values.f64(pv);
    f.op(OP.f64_sub);
    this.values.f64(pv);
    f.localGet(flip).select().localSet(q);
    f.localGet(nn).localGet(q).op(OP.f64_mul).f64Const(POISSON_INVERSION_MAX).op(OP.f64_gt).if();
    this.approximate(
      j,
      () => void f.localGet(nn).localGet(q).op(OP.f64_mul),
      () => void f.localGet(nn).localGet(q).op(OP.f64_mul).f64Const(1).localGet(q).op(OP.f64_sub).op(OP.f64_mul).op(OP.f64_sqrt),
      () => void f.localGet(nn),
      k,
    );
    f.else();
    // inversion: r = q / (1 − q), pk = F = (1 − q)^n; while (u ≥ F && k < n && k < cap) { pk = pk·r·(n − k) / (k + 1); k++; F += pk }
    this.unit(j, 2, 0);
    f.localSet(u);
    f.localGet(q).f64Const(1).localGet(q).op(OP.f64_sub).op(OP.f64_div).localSet(r);
    f.f64Const(1).localGet(q).op(OP.f64_sub).localGet(nn).call(mathIndex('pow')).localTee(pk).localSet(F);
    f.loop();
    f.localGet(u).localGet(F).op(OP.f64_ge);
    f.localGet(k).localGet(nn).op(OP.f64_lt).op(OP.i32_and);
    f.localGet(k).f64Const(POISSON_INVERSION_CAP).op(OP.f64_lt).op(OP.i32_and).if();
    f.localGet(pk).localGet(r).op(OP.f64_mul).localGet(nn).localGet(k).op(OP.f64_sub).op(OP.f64_mul);
    f.localGet(k).f64Const(1).op(OP.f64_add).op(OP.f64_div).localSet(pk);
    f.localGet(k).f64Const(1).op(OP.f64_add).localSet(k);
    f.localGet(F).localGet(pk).op(OP.f64_add).localSet(F);
    f.br(1);
    f.end();
    f.end();
    f.end();
    f.end();
    // flip ? n − k : k, a whole number in [0, n]
    f.localGet(nn).localGet(k).op(OP.f64_sub).localGet(k).localGet(flip).select().misc(MISC.i32_trunc_sat_f64_s);
  }
}
