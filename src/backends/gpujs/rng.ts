/**
 * The RNG on a gpujs device, in its float-exact form (docs/rng.md): every intermediate an
 * integer <= 2^24, so a float32 device computes the same words as the CPU. Shared by the JIT
 * connectivity walks (jitc.ts) and random arrays (loops.ts).
 */
import { K0, K0B, MULTIPLIERS, SHIFTS, mix } from '../../rng/hash.js';
import { WORD } from '../../rng/word.js';
import type { KernelBuilder, LowerContext } from './builder.js';
import { floatLiteral } from './source.js';

/** (a × b) mod 2^24 on 12-bit halves, inline (see mul24Exact in src/rng/word.ts); sets `out`. */
const mul24Lines = (out: string, a: string, k: number): string[] => {
  const [k1, k0] = [Math.floor(k / 4096), k % 4096].map(floatLiteral);
  return [
    `const ${out}a1 = Math.floor(${a} / 4096.0); const ${out}a0 = ${a} - ${out}a1 * 4096.0;`,
    `const ${out}l = ${out}a0 * ${k0};`,
    `const ${out}l1 = Math.floor(${out}l / 4096.0); const ${out}l0 = ${out}l - ${out}l1 * 4096.0;`,
    `let ${out}m = ${out}a1 * ${k0}; ${out}m = ${out}m - Math.floor(${out}m / 4096.0) * 4096.0;`,
    `let ${out}n = ${out}a0 * ${k1}; ${out}n = ${out}n - Math.floor(${out}n / 4096.0) * 4096.0;`,
    `let ${out}s = ${out}m + ${out}n + ${out}l1; ${out}s = ${out}s - Math.floor(${out}s / 4096.0) * 4096.0;`,
    `${out} = ${out}s * 4096.0 + ${out}l0;`,
  ];
};

/** x XOR (x >> s) of a 24-bit integer: `^` where the target has integers; byte lookups in `t` otherwise. */
function xorShiftSource(x: string, s: number, table: boolean): string {
  const y = `Math.floor(${x} / ${floatLiteral(2 ** s)})`;
  if (!table) return `Math.floor(${x} ^ ${y})`; // Math.floor types the integer XOR back as a float
  return `ef_xor8(${x}, ${y}, t)`;
}

/**
 * The RNG's float-exact form as gpu.js helper functions (src/rng/word.ts): + and × on 12-bit
 * halves, shifts as division by powers of two and floor, XOR of 24-bit integers. XOR is `^`
 * where the target has integers (WGSL, JavaScript); WebGL 1 has none, and gpu.js's emulation
 * (a 32-step bit loop per `^`) makes shaders so large that compiling one takes seconds, so
 * there XOR reads three bytes from a 256 × 256 table passed as `t`. Helpers that call another
 * helper come after it in this list (GLSL needs a definition before its use).
 */
function rngFunctions(table: boolean): string[] {
  const t = table ? ', t' : '';
  return [
    ['function ef_add24(a, b) {',
      '  const a1 = Math.floor(a / 4096.0); const a0 = a - a1 * 4096.0;',
      '  const b1 = Math.floor(b / 4096.0); const b0 = b - b1 * 4096.0;',
      '  let s0 = a0 + b0;',
      '  const carry = Math.floor(s0 / 4096.0);',
      '  s0 = s0 - carry * 4096.0;',
      '  let s1 = a1 + b1 + carry;',
      '  s1 = s1 - Math.floor(s1 / 4096.0) * 4096.0;',
      '  return s1 * 4096.0 + s0;',
      '}'].join('\n'),
    ...(table ? [['function ef_xor8(a, b, t) {',
      '  const a2 = Math.floor(a / 65536.0); const b2 = Math.floor(b / 65536.0);',
      '  const ar = a - a2 * 65536.0; const br = b - b2 * 65536.0;',
      '  const a1 = Math.floor(ar / 256.0); const b1 = Math.floor(br / 256.0);',
      '  const a0 = ar - a1 * 256.0; const b0 = br - b1 * 256.0;',
      '  return t[a2 * 256.0 + b2] * 65536.0 + t[a1 * 256.0 + b1] * 256.0 + t[a0 * 256.0 + b0];',
      '}'].join('\n')] : []),
    [`function ef_mix(word${t}) {`,
      '  let h = word;',
      ...MULTIPLIERS.flatMap((k, r) => [
        `  let x${r} = ${xorShiftSource('h', SHIFTS[r]!, table)};`,
        `  let h${r} = 0.0;`,
        ...mul24Lines(`h${r}`, `x${r}`, k).map((l) => `  ${l}`),
        `  h = h${r};`,
      ]),
      `  return ${xorShiftSource('h', SHIFTS[4]!, table)};`,
      '}'].join('\n'),
  ];
}

/** The 256 × 256 XOR table of bytes (WebGL). */
const xorTable = (): Float32Array => {
  const t = new Float32Array(65536);
  for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[a * 256 + b] = a ^ b;
  return t;
};

/**
 * The two key words of stream (seed, purpose, ·) absorbed up to the stream words, computed on
 * the host (where the seed's split into words is exact); a device absorbs the line index.
 */
export function keyPrefix(seed: number, purpose: number): [number, number] {
  const absorb = (h: number, w: number): number => mix((h + w) & 0xffffff);
  const words = [seed % WORD, Math.floor(seed / WORD), purpose];
  return [words.reduce(absorb, K0), words.reduce(absorb, K0B)];
}

/** Device source for draws: `drawSource(k1, k2, c)` is draw c of the stream keyed (k1, k2). */
export interface DeviceRng {
  readonly drawSource: (k1: string, k2: string, c: string) => string;
  /** A key word of stream `stream` (< 2^24) from its host prefix (keyPrefix): absorb(absorb(prefix, stream), 0). */
  readonly lineKeySource: (prefix: string, stream: string) => string;
}

/** Registers the RNG helper functions with the kernel (and the XOR table where the target needs it). */
export function deviceRng(ctx: LowerContext, kb: KernelBuilder): DeviceRng {
  const tableArg = ctx.integerXor ? undefined : kb.slotArg(ctx.derived('xor8', xorTable).slot);
  rngFunctions(tableArg !== undefined).forEach((f) => kb.use(f));
  const mixed = (x: string): string => `ef_mix(${x}${tableArg ? `, ${tableArg}` : ''})`;
  return {
    drawSource: (k1, k2, c) => mixed(`ef_add24(${mixed(`ef_add24(${k1}, ${c})`)}, ${k2})`),
    lineKeySource: (prefix, stream) => mixed(mixed(`ef_add24(${prefix}, ${stream})`)),
  };
}
