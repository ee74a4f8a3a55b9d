/**
 * Random arrays on a gpujs device: each thread draws the elements it reads with the RNG's
 * float-exact form (rng.ts), so uniform and bernoulli draws are the CPU's bits exactly;
 * normal and Poisson values agree to float32 rounding of the device's log, cos and exp
 * (docs/random.md). Counters and positions must stay below 2^24 to be exact in float32.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Node } from '../../ir/node.js';
import { POISSON_INVERSION_CAP, POISSON_INVERSION_MAX } from '../../rng/distributions.js';
import { PURPOSE } from '../../rng/hash.js';
import { EXACT_INT, type KernelBuilder, type LowerContext } from './builder.js';
import { deviceRng, keyPrefix } from './rng.js';
import { floatLiteral } from './source.js';

/**
 * Lines computing element `at` of random array `n` (operand values `counter`, `params`);
 * `tag` prefixes the locals. Returns the lines and the value's expression.
 */
export function randomGpu(ctx: LowerContext, b: KernelBuilder, n: Node<'random'>, at: string, counter: string, params: readonly string[], tag: string): { lines: string[]; value: string } {
  const draws = n.arg.dist === 'uniform' || n.arg.dist === 'bernoulli' ? 1 : 2;
  if (n.size * draws > EXACT_INT) {
    throw new InvalidArgumentError(`gpujs: random.${n.arg.dist} of ${n.size} elements needs draw numbers beyond 2^24 (16777216), where float32 stops being exact; use the cpu backend or draw smaller arrays`);
  }
  const { drawSource, lineKeySource } = deviceRng(ctx, b);
  const [p1, p2] = keyPrefix(n.arg.seed, PURPOSE.random).map(floatLiteral);
  const [k1, k2] = [`${tag}q1`, `${tag}q2`];
  const lines = [`const ${k1} = ${lineKeySource(p1!, counter)};`, `const ${k2} = ${lineKeySource(p2!, counter)};`];
  const u = (c: string): string => `(${drawSource(k1, k2, c)} / 16777216.0)`;
  const gauss = `(Math.sqrt(-2.0 * Math.log(1.0 - ${u(`2.0 * ${at}`)})) * Math.cos(6.283185307179586 * ${u(`2.0 * ${at} + 1.0`)}))`;
  const [a, c] = params as [string, string];
  switch (n.arg.dist) {
    case 'uniform': return { lines, value: `${a} + (${c} - ${a}) * ${u(at)}` };
    case 'normal': return { lines, value: `${a} + ${c} * ${gauss}` };
    case 'bernoulli': return { lines, value: `(${drawSource(k1, k2, at)} < ${a} * 16777216.0 ? 1.0 : 0.0)` };
    case 'poisson': {
      b.loop(POISSON_INVERSION_CAP);
      const [k, p, F, v, j] = ['k', 'p', 'F', 'u', 'j'].map((x) => `${tag}${x}`) as [string, string, string, string, string];
      lines.push(
        `let ${k} = 0.0;`,
        `if (${a} > ${floatLiteral(POISSON_INVERSION_MAX)}) {`,
        `  ${k} = Math.max(0.0, Math.floor(${a} + Math.sqrt(${a}) * ${gauss} + 0.5));`,
        `} else if (${a} > 0.0) {`,
        `  const ${v} = ${u(`2.0 * ${at}`)};`,
        `  let ${p} = Math.exp(-${a});`,
        `  let ${F} = ${p};`,
        `  for (let ${j} = 1.0; ${j} <= ${floatLiteral(POISSON_INVERSION_CAP)}; ${j} += 1.0) {`,
        `    if (${v} < ${F}) { break; }`,
        `    ${k} = ${j};`,
        `    ${p} = ${p} * ${a} / ${j};`,
        `    ${F} = ${F} + ${p};`,
        '  }',
        '}',
      );
      return { lines, value: k };
    }
    case 'binomial': {
      b.loop(POISSON_INVERSION_CAP);
      const [k, q, pk, F, v, j, r] = ['k', 'q', 'pk', 'F', 'u', 'j', 'r'].map((x) => `${tag}${x}`) as [string, string, string, string, string, string, string];
      // a = n, c = p; the rarer outcome is counted (q = min(p, 1 − p)), then flipped back
      lines.push(
        `let ${k} = 0.0;`,
        `const ${q} = ${c} > 0.5 ? 1.0 - ${c} : ${c};`,
        `if (${a} > 0.0 && ${c} > 0.0 && ${c} < 1.0) {`,
        `  if (${a} * ${q} > ${floatLiteral(POISSON_INVERSION_MAX)}) {`,
        `    ${k} = Math.min(${a}, Math.max(0.0, Math.floor(${a} * ${q} + Math.sqrt(${a} * ${q} * (1.0 - ${q})) * ${gauss} + 0.5)));`,
        '  } else {',
        `    const ${v} = ${u(`2.0 * ${at}`)};`,
        `    const ${r} = ${q} / (1.0 - ${q});`,
        `    let ${pk} = Math.pow(1.0 - ${q}, ${a});`,
        `    let ${F} = ${pk};`,
        `    for (let ${j} = 0.0; ${j} < ${floatLiteral(POISSON_INVERSION_CAP)}; ${j} += 1.0) {`,
        `      if (${v} < ${F} || ${j} >= ${a}) { break; }`,
        `      ${pk} = ${pk} * ${r} * (${a} - ${j}) / (${j} + 1.0);`,
        `      ${k} = ${j} + 1.0;`,
        `      ${F} = ${F} + ${pk};`,
        '    }',
        '  }',
        `  if (${c} > 0.5) { ${k} = ${a} - ${k}; }`,
        `} else if (${a} > 0.0 && ${c} >= 1.0) {`,
        `  ${k} = ${a};`,
        '}',
      );
      return { lines, value: k };
    }
  }
}
