/**
 * Which view of a CSR / CSC / COO matrix a product walks, and which weights it reads through
 * it. docs/formats.md ("When the stored compression is the other axis"): an event operand
 * walks the contracted axis, through the other view of the structure when the matrix is
 * stored the other way; per-entry values are then read through a permutation, and
 * `ef.explain` marks the product `permuted`; a shared weight needs no permutation; float
 * operands read the matrix in its stored order, never permuted. The stage lines and the
 * product's operands come from the graph (checked with the cpu plan only); the values are
 * checked on every backend against a float64 dense oracle built from the entries here, for
 * both sides, floats and events, constant, computed (lazy) and shared weights, and COO input
 * with duplicate entries (summed by a segment-sum product when the data is lazy).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { LazyArray } from '../../src/index.js';
import { expectDense, forEachBackend } from '../helpers/suite.js';

const CPU_ONLY = { skip: (b: string) => (b === 'cpu' ? undefined : 'the plan\'s stage lines come from the graph: checked with the cpu plan only') };

const id = (x: LazyArray): string => `%${(x as unknown as { node: { id: number } }).node.id}`;

// ------------------------------------------------------------------ the matrix

const SHAPE = [3, 4] as const;
/** (row, col, value): row 1 has one entry, the last row and the last column several. */
const ENTRIES: readonly (readonly [number, number, number])[] = [[0, 1, 1], [0, 3, 2], [1, 0, 3], [2, 1, 4], [2, 2, 5], [2, 3, 6]];
/** The same matrix as unsorted COO input with duplicates: (0, 1) = 0.5 + 0.5 and (2, 3) = 2 + 4. */
const DUPLICATED: readonly (readonly [number, number, number])[] = [[2, 3, 2], [0, 1, 0.5], [2, 3, 4], [1, 0, 3], [0, 3, 2], [2, 1, 4], [2, 2, 5], [0, 1, 0.5]];

/** Compressed arrays of unique entries along rows (CSR) or columns (CSC), written out independently. */
function compress(entries: readonly (readonly [number, number, number])[], byRow: boolean): { indptr: number[]; indices: number[]; data: number[] } {
  const major = byRow ? SHAPE[0] : SHAPE[1];
  const key = (e: readonly [number, number, number]): [number, number] => (byRow ? [e[0], e[1]] : [e[1], e[0]]);
  const sorted = [...entries].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
  const indptr = [0];
  for (let a = 0; a < major; a++) indptr.push(indptr[a]! + sorted.filter((e) => key(e)[0] === a).length);
  return { indptr, indices: sorted.map((e) => key(e)[1]), data: sorted.map((e) => e[2]) };
}

type Weights = 'constant' | 'lazy' | 'shared';
type Kind = 'csr' | 'csc' | 'coo' | 'coo-duplicates';
const KINDS: readonly Kind[] = ['csr', 'csc', 'coo', 'coo-duplicates'];
const WEIGHTS: readonly Weights[] = ['constant', 'lazy', 'shared'];
const SHARED = 1.5;

/** Values as given: plain numbers, or computed (x · 2 from halves, so the oracle's values stay the same). */
const given = (values: number[], w: Weights): number[] | LazyArray | number =>
  w === 'shared' ? SHARED : w === 'lazy' ? ef.array(values.map((v) => v / 2)).mul(2) : values;

function build(kind: Kind, w: Weights): ef.CSR | ef.CSC | ef.COO {
  if (kind === 'csr' || kind === 'csc') {
    const { indptr, indices, data } = compress(ENTRIES, kind === 'csr');
    return ef[kind]({ indptr, indices, data: given(data, w), shape: [...SHAPE] });
  }
  const list = kind === 'coo' ? ENTRIES : DUPLICATED;
  return ef.coo({ row: list.map((e) => e[0]), col: list.map((e) => e[1]), data: given(list.map((e) => e[2]), w), shape: [...SHAPE] });
}

/** The dense float64 matrix the input means (duplicates add up; a shared weight on every given entry). */
function denseOf(kind: Kind, w: Weights): number[][] {
  const M = Array.from({ length: SHAPE[0] }, () => new Array<number>(SHAPE[1]).fill(0));
  for (const [r, c, v] of kind === 'coo-duplicates' ? DUPLICATED : ENTRIES) M[r]![c]! += w === 'shared' ? SHARED : v;
  return M;
}

// ------------------------------------------------------------------ operands

interface Operand { readonly side: 'left' | 'right'; readonly values: number[][]; readonly events: boolean }
/** Vectors as one-column (right) or one-row (left) batches for the oracle. */
const OPERANDS: readonly Operand[] = [
  { side: 'left', values: [[1, 2, 3]], events: false },
  { side: 'left', values: [[1, 0, 1]], events: true },
  { side: 'left', values: [[1, -2, 3], [0.5, 4, -1]], events: false }, // a batch [2, 3]
  { side: 'right', values: [[1], [2], [3], [4]], events: false },
  { side: 'right', values: [[1], [0], [1], [1]], events: true },
  { side: 'right', values: [[1, 2], [-1, 0.5], [3, 0], [2, -4]], events: false }, // a batch [4, 2]
];

function operand(o: Operand): LazyArray {
  const vector = o.side === 'left' ? o.values.length === 1 : o.values[0]!.length === 1;
  const v = vector ? o.values.flat() : o.values;
  return o.events ? ef.binary(v as number[]) : ef.array(v as number[] | number[][]);
}

function oracle(M: number[][], o: Operand): { values: number[]; shape: number[] } {
  const [R, C] = SHAPE;
  if (o.side === 'left') {
    const out = o.values.map((x) => Array.from({ length: C }, (_, j) => x.reduce((s, xi, i) => s + xi * M[i]![j]!, 0)));
    return { values: out.flat(), shape: o.values.length === 1 ? [C] : [o.values.length, C] };
  }
  const B = o.values[0]!.length;
  const out = Array.from({ length: R }, (_, i) => Array.from({ length: B }, (_, b) => o.values.reduce((s, row, j) => s + M[i]![j]! * row[b]!, 0)));
  return { values: out.flat(), shape: B === 1 ? [R] : [R, B] };
}

const product = (m: ef.CSR | ef.CSC | ef.COO, x: LazyArray, side: 'left' | 'right'): LazyArray => (side === 'left' ? ef.matmul(x, m) : ef.matmul(m, x));

// ------------------------------------------------------------------ values

forEachBackend(test, 'x @ M and M @ x equal the dense float64 oracle: every format, constant, computed and shared weights, floats and events', (backend) => {
  for (const kind of KINDS) {
    for (const w of WEIGHTS) {
      const M = denseOf(kind, w);
      for (const o of OPERANDS) {
        const m = build(kind, w);
        const want = oracle(M, o);
        const what = `${kind} ${w} ${o.side} ${o.events ? 'events' : 'floats'} [${want.shape}]`;
        expectDense(backend, product(m, operand(o), o.side), { ...want, dtype: 'float32' }, what);
        // again through the transpose: x @ M = (Mᵀ @ xᵀ)ᵀ for a vector
        if (want.shape.length === 1) expectDense(backend, product(m.transpose(), operand(o), o.side === 'left' ? 'right' : 'left'), { ...want, dtype: 'float32' }, `${what}, transposed`);
      }
      const d = build(kind, w).todense().data;
      expectDense(backend, d, { values: M.flat(), shape: [...SHAPE], dtype: 'float32' }, `${kind} ${w} todense`);
    }
  }
});

forEachBackend(test, 'an empty matrix (nothing stored, or every line empty) gives zeros on both sides, for every weight', (backend) => {
  const empties = (w: number[] | number): (ef.CSR | ef.CSC | ef.COO)[] => [
    ef.coo({ row: [], col: [], data: w, shape: [...SHAPE] }),
    ef.csr({ indptr: [0, 0, 0, 0], indices: [], data: w, shape: [...SHAPE] }),
    ef.csc({ indptr: [0, 0, 0, 0, 0], indices: [], data: w, shape: [...SHAPE] }),
  ];
  const zeros = Array.from({ length: SHAPE[0] }, () => new Array<number>(SHAPE[1]).fill(0));
  for (const w of [[], SHARED]) {
    for (const m of empties(w)) {
      for (const o of OPERANDS) {
        const want = oracle(zeros, o);
        expectDense(backend, product(m, operand(o), o.side), { ...want, dtype: 'float32' }, `${String(m)} ${o.side} ${o.events ? 'events' : 'floats'}`);
      }
    }
  }
});

// ------------------------------------------------------------------ the plan

/** The stage line of the product y, and the operands of its sparseProduct node, as explain prints them. */
function plan(y: LazyArray): { stage: string; operands: string[] } {
  const text = ef.explain(y);
  const stage = text.split('\n').map((l) => /^\s+stage \d+: (.*)$/.exec(l)?.[1]).find((l) => l?.includes(` product ${id(y)} = `));
  const ops = new RegExp(`materialize: ${id(y)} = sparseProduct\\(([^)]*)\\)`).exec(text);
  assert.ok(stage !== undefined && ops !== null, `no stage or decision for ${id(y)} in\n${text}`);
  return { stage: stage!, operands: ops![1]!.split(', ') };
}

forEachBackend(test, 'explain: events walk the contracted axis, permuted only for per-entry weights stored the other way; floats the stored order', () => {
  for (const kind of KINDS) {
    for (const w of WEIGHTS) {
      for (const o of OPERANDS) {
        for (const transposed of [false, true]) {
          // the transpose [4, 3] takes the same vector on the other side
          if (transposed && o.values.length !== 1 && o.values[0]!.length !== 1) continue;
          const side = transposed ? (o.side === 'left' ? 'right' : 'left') : o.side;
          const m0 = build(kind, w);
          const m = transposed ? m0.transpose() : m0;
          const x = operand(o);
          const y = product(m, x, side);
          const stored = m.format === 'csr' || (m.format === 'coo' && !transposed) ? 'row' : 'col';
          const contracted = side === 'left' ? 'row' : 'col';
          const axis = o.events ? contracted : stored;
          // a shared weight on duplicated COO entries becomes per-entry sums (weight × count)
          const oneWeight = w === 'shared' && kind !== 'coo-duplicates';
          assert.is(m.data.ndim, oneWeight ? 0 : 1);
          const permuted = axis !== stored && !oneWeight;
          const [r, c] = m.shape;
          const mat = `sparse[${r}×${c} ${axis}s${permuted ? ', permuted' : ''}]`;
          const scatter = axis === contracted;
          const walk = o.events ? 'scatter over active entries (scan)' : scatter ? 'scatter' : 'gather per output';
          const spelled = side === 'left' ? `${id(x)} @ ${mat}` : `${mat} @ ${id(x)}`;
          const what = `${transposed ? 'transpose of ' : ''}${kind} ${w} ${side} ${o.events ? 'events' : 'floats'}`;
          const p = plan(y);
          assert.is(p.stage, `${o.events ? 'event' : 'float'} product ${id(y)} = ${spelled} (${walk})`, what);
          // operand, data, pointers, indices, and the permutation only where values are read through one
          assert.is(p.operands.length, permuted ? 5 : 4, `${what}: sparseProduct(${p.operands.join(', ')})`);
          assert.is(p.operands[0], id(x), what);
          assert.is(p.operands[1], id(m.data), what);
        }
      }
    }
  }
}, CPU_ONLY);

forEachBackend(test, 'explain: ef.coo sums computed duplicate values with one gather over the sorted entries (groups × entries), not a permuted view', () => {
  const raw = ef.array(DUPLICATED.map((e) => e[2] / 2));
  const values = raw.mul(2);
  const m = ef.coo({ row: DUPLICATED.map((e) => e[0]), col: DUPLICATED.map((e) => e[1]), data: values, shape: [...SHAPE] });
  assert.is(m.nnz, ENTRIES.length);
  // the merged values are a product of a 0/1 matrix (one row per merged entry, one column per given entry) with the given values
  const sums = m.data;
  assert.is(plan(sums).stage, `float product ${id(sums)} = sparse[${ENTRIES.length}×${DUPLICATED.length} rows] @ ${id(values)} (gather per output)`);
  assert.is(plan(sums).operands.length, 4);
  // in row-major order of the merged entries
  assert.equal(Array.from(sums.dataSync()), ENTRIES.map((e) => e[2]));
  assert.equal(Array.from(m.row), ENTRIES.map((e) => e[0]));
  assert.equal(Array.from(m.col), ENTRIES.map((e) => e[1]));
}, CPU_ONLY);

test.run();
