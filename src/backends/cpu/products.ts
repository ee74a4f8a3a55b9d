/**
 * CPU emitters of the dense and sparse product stages (dense matmul, sparse product,
 * densify, gather, concat); stages.ts registers them with the JIT and plasticity emitters. Event operands (bool) are never multiplied: the kernel visits only
 * active entries, from the loop-built index list when the plan made one, else by a scan.
 * Sums accumulate in float64 workspaces and are rounded once when stored.
 */
import type { Node } from '../../ir/node.js';
import { concatGeometry } from '../../ir/primitives/concat.js';
import { matmulGeometry } from '../../ir/primitives/matmul.js';
import { walkOf } from '../../ir/traits.js';
import { productGeometry } from '../../ir/structured.js';
import type { StageOf } from '../lowering.js';
import { indent, scalarSource, type EmitContext } from './emit.js';

export function emitMatmul(ctx: EmitContext, stage: StageOf<'matmul'>, s: number): string[] {
  const node = stage.node;
  const [a, b] = node.src as [Node, Node];
  const { m, k, n } = matmulGeometry(a.shape, b.shape);
  const [A, B, O] = [ctx.buf(a), ctx.buf(b), ctx.buf(node)];
  const head = `const m = ${ctx.dim(m)}, kk = ${ctx.dim(k)}, n = ${ctx.dim(n)};`;
  if (a.dtype === 'bool') {
    // Events on the left: add the rows of B picked by each active event.
    const acc = ctx.workspace(n);
    return [`// stage ${s}: event matmul (m × k events) @ (k × n): rows of the active events`, '{', `  ${head}`, `  const acc = ${acc};`,
      '  for (let i = 0; i < m; i++) {',
      '    acc.fill(0);',
      `    for (let q = 0; q < kk; q++) {`,
      `      if (${A}[i * kk + q] === 0) continue;`,
      `      for (let j = 0, r = q * n; j < n; j++) acc[j] += ${B}[r + j];`,
      '    }',
      `    for (let j = 0; j < n; j++) ${O}[i * n + j] = acc[j];`,
      '  }', '}'];
  }
  if (b.dtype === 'bool') {
    // Events on the right: list the active rows of each event column once, then sum those columns of A.
    const list = ctx.workspace(k);
    return [`// stage ${s}: event matmul (m × k) @ (k × n events): columns of the active events`, '{', `  ${head}`, `  const act = ${list};`,
      '  for (let j = 0; j < n; j++) {',
      '    let cnt = 0;',
      `    for (let q = 0; q < kk; q++) if (${B}[q * n + j] !== 0) act[cnt++] = q;`,
      '    for (let i = 0; i < m; i++) {',
      '      let acc = 0;',
      `      for (let t = 0, r = i * kk; t < cnt; t++) acc += ${A}[r + act[t]];`,
      `      ${O}[i * n + j] = acc;`,
      '    }',
      '  }', '}'];
  }
  // Row by row: each row of B is read contiguously into a float64 row accumulator
  // (per output element the sum still runs over q in increasing order).
  const acc = ctx.workspace(n);
  return [`// stage ${s}: dense matmul (m × k) @ (k × n), rows of B in order`, '{', `  ${head}`, `  const acc = ${acc};`,
    '  for (let i = 0; i < m; i++) {',
    '    acc.fill(0);',
    '    for (let q = 0; q < kk; q++) {',
    `      const a = ${A}[i * kk + q];`,
    `      for (let j = 0, r = q * n; j < n; j++) acc[j] += a * ${B}[r + j];`,
    '    }',
    `    for (let j = 0; j < n; j++) ${O}[i * n + j] = acc[j];`,
    '  }', '}'];
}


/** Source for the weight of entry `p`: a literal or hoisted shared weight, or a (permuted) data read. */
function weightOf(ctx: EmitContext, data: Node, perm: Node | undefined, pre: string[]): (p: string) => string {
  if (data.shape.length === 0) {
    const w = scalarSource(ctx, data, pre);
    return () => w;
  }
  const D = ctx.buf(data);
  if (!perm) return (p) => `${D}[${p}]`;
  const P = ctx.buf(perm);
  return (p) => `${D}[${P}[${p}]]`;
}

export function emitSparseProduct(ctx: EmitContext, stage: StageOf<'sparseProduct'>, s: number): string[] | { main: string[]; post: string[] } {
  const node = stage.node;
  const { arg } = node;
  const [x, data, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node, Node?];
  const { nIn, nOut, batch } = productGeometry(arg, x.shape);
  const left = arg.side === 'left';
  const vector = x.shape.length === 1;
  const events = x.dtype === 'bool';
  // Accumulating into a seeded output: add (or subtract) into its buffer, no fill, no copy.
  const into = stage.into;
  const [Y, PTR, IDX] = [ctx.buf(into?.node ?? node), ctx.buf(ptrNode), ctx.buf(idxNode)];
  const X = stage.events ? '' : ctx.buf(x); // with an active list the events themselves are not read
  const plusEq = into?.negate ? '-=' : '+=';
  const pre: string[] = [`const nIn = ${ctx.dim(nIn)}, nOut = ${ctx.dim(nOut)}, nb = ${ctx.dim(batch)};`];
  const w = weightOf(ctx, data, permNode, pre);
  // Flat positions: x @ M reads x[b, i] and writes y[b, o]; M @ x reads x[i, b] and writes y[o, b].
  const xAt = (i: string, b: string): string => (vector ? i : left ? `${b} * nIn + ${i}` : `${i} * nb + ${b}`);
  const yAt = (o: string, b: string): string => (vector ? o : left ? `${b} * nOut + ${o}` : `${o} * nb + ${b}`);
  const scatter = walkOf(node) === 'scatter';
  const title = `${events ? 'event' : 'float'} product ${left ? 'x @ M' : 'M @ x'}`;

  if (!scatter) {
    // Gather: each output sums its compressed row (or column) of M against x.
    const body = [
      `for (let b = 0; b < nb; b++) {`,
      `  for (let o = 0; o < nOut; o++) {`,
      '    let acc = 0;',
      `    for (let p = ${PTR}[o], e = ${PTR}[o + 1]; p < e; p++) {`,
      ...(events
        ? [`      if (${X}[${xAt(`${IDX}[p]`, 'b')}] !== 0) acc += ${w('p')};`]
        : [`      acc += ${w('p')} * ${X}[${xAt(`${IDX}[p]`, 'b')}];`]),
      '    }',
      `    ${Y}[${yAt('o', 'b')}] ${into ? plusEq : '='} acc;`,
      '  }',
      '}',
    ];
    return [`// stage ${s}: ${title}, gather per output`, '{', ...indent(pre), ...indent(body), '}'];
  }

  // Scatter: each (active) x entry adds its compressed row of M into a float64 accumulator
  // (the result itself when it lives in a workspace, so nothing is copied).
  const direct = into !== undefined || ctx.inWorkspace(node);
  const acc = direct ? Y : ctx.workspace(nOut * batch);
  const decode = vector ? ['const i = f;'] : left
    ? ['const b = (f / nIn) | 0, i = f - b * nIn;']
    : ['const i = (f / nb) | 0, b = f - i * nb;'];
  const target = (o: string): string => (vector ? o : left ? `ob + ${o}` : `${o} * nb + b`);
  const rowBase = vector || !left ? [] : ['const ob = b * nOut;'];
  const addRow = (amount: (p: string) => string): string[] => [
    ...decode,
    ...rowBase,
    `for (let p = ${PTR}[i], e = ${PTR}[i + 1]; p < e; p++) acc[${target(`${IDX}[p]`)}] ${plusEq} ${amount('p')};`,
  ];
  let walk: string[];
  let how: string;
  if (events && stage.events) {
    const L = ctx.buf(stage.events);
    how = 'over the active index list';
    walk = [`for (let q = 1, cnt = ${L}[0]; q <= cnt; q++) {`, `  const f = ${L}[q];`, ...indent(addRow(w)), '}'];
  } else if (events) {
    how = 'over active entries';
    walk = [`for (let f = 0, nx = nIn * nb; f < nx; f++) {`, `  if (${X}[f] === 0) continue;`, ...indent(addRow(w)), '}'];
  } else {
    how = 'over every entry of x';
    walk = [`for (let f = 0, nx = nIn * nb; f < nx; f++) {`, `  const xv = ${X}[f];`, ...indent(addRow((p) => `${w(p)} * xv`)), '}'];
  }
  return {
    main: [
      `// stage ${s}: ${title}, scatter ${how}${into ? `, ${into.negate ? 'subtracted from' : 'added into'} the seeded output` : ''}`, '{', ...indent(pre),
      `  const acc = ${acc};`, ...(into ? [] : ['  acc.fill(0);']),
      ...indent(walk),
      '}',
    ],
    post: direct ? [] : [`for (let k = 0, ny = ${ctx.dim(nOut * batch)}; k < ny; k++) ${Y}[k] = ${acc}[k];`],
  };
}

export function emitDensify(ctx: EmitContext, stage: StageOf<'densify'>, s: number): { main: string[]; post: string[] } {
  const node = stage.node;
  const { arg } = node;
  const [data, ptrNode, idxNode, permNode] = node.src as [Node, Node, Node, Node?];
  const [Y, PTR, IDX] = [ctx.buf(node), ctx.buf(ptrNode), ctx.buf(idxNode)];
  const pre: string[] = [`const major = ${ctx.dim(arg.compressed === 'row' ? arg.rows : arg.cols)}, cols = ${ctx.dim(arg.cols)};`];
  const w = weightOf(ctx, data, permNode, pre);
  const at = arg.compressed === 'row' ? `a * cols + ${IDX}[p]` : `${IDX}[p] * cols + a`;
  // Duplicates add up in float64 and are rounded once (the result itself when it lives in a workspace).
  const direct = ctx.inWorkspace(node);
  const acc = direct ? Y : ctx.workspace(arg.rows * arg.cols);
  return {
    main: [`// stage ${s}: densify a sparse structure (duplicates add up)`, '{', ...indent(pre),
      `  const acc = ${acc};`,
      '  acc.fill(0);',
      `  for (let a = 0; a < major; a++) for (let p = ${PTR}[a], e = ${PTR}[a + 1]; p < e; p++) acc[${at}] += ${w('p')};`,
      '}'],
    post: direct ? [] : [`for (let k = 0, n = ${acc}.length; k < n; k++) ${Y}[k] = ${acc}[k];`],
  };
}

export function emitGather(ctx: EmitContext, stage: StageOf<'gather'>, s: number): string[] {
  const [x, idx] = stage.node.src as [Node, Node];
  const [Y, X, I] = [ctx.buf(stage.node), ctx.buf(x), ctx.buf(idx)];
  return [`// stage ${s}: gather`, '{', `  for (let k = 0, n = ${ctx.dim(idx.size)}; k < n; k++) ${Y}[k] = ${X}[${I}[k]];`, '}'];
}

/** Concat: for each outer index, each operand's contiguous block in turn (each output written once). */
export function emitConcat(ctx: EmitContext, stage: StageOf<'concat'>, s: number): string[] {
  const node = stage.node;
  const { outer, inner, lengths } = concatGeometry(node.src, node.arg.axis);
  const Y = ctx.buf(node);
  // Block lengths are parameters (the source is the cache key); an empty operand loops zero times.
  const copies = node.src.map((x, i) =>
    `  for (let k = 0, n = ${ctx.dim(lengths[i]! * inner)}, from = o * n; k < n; k++) ${Y}[at++] = ${ctx.buf(x)}[from + k];`);
  return [`// stage ${s}: concat of ${node.src.length} operands`, '{', `  let at = 0;`, `  for (let o = 0, m = ${ctx.dim(outer)}; o < m; o++) {`, ...indent(copies), '  }', '}'];
}
