/** Shapes, NumPy broadcasting and axis handling. */
import { describeValue } from '../describe.js';
import { InvalidArgumentError, ShapeMismatchError } from '../errors.js';

export type Shape = readonly number[];

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);
export const showShape = (shape: Shape): string => `[${shape.join(', ')}]`;

export function checkShape(shape: unknown, what = 'shape'): Shape {
  if (!Array.isArray(shape)) throw new InvalidArgumentError(`${what} must be an array of non-negative integers, got ${describeValue(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(`${what}[${i}] must be a non-negative integer, got ${describeValue(d)}`);
    }
  });
  return Object.freeze([...(shape as number[])]);
}

/** NumPy broadcasting of several shapes: align on the right, size-1 dims stretch. */
export function broadcastShapes(op: string, shapes: readonly Shape[]): Shape {
  const rankOut = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = new Array(rankOut).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rankOut - s.length + i;
      const d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeMismatchError(
          `${op}: shapes ${shapes.map(showShape).join(' and ')} do not broadcast: dimension ${o} is ${out[o]} in one and ${d} in another; expected equal sizes or 1`,
        );
      }
    }
  }
  return Object.freeze(out);
}

/** Row-major strides of `shape` seen from an output of rank `outRank`; broadcast dims get 0. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = outShape.length - shape.length + i;
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeMismatchError(`${op}: axis ${axis} is out of range for an array of rank ${rank}; expected an integer in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Merge adjacent loop dims that every access walks contiguously; drop size-1 dims. */
export function collapseDims(shape: Shape, vecs: number[][]): { shape: number[]; vecs: number[][] } {
  const keep = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
  const outShape: number[] = [];
  const outVecs: number[][] = vecs.map(() => []);
  for (const d of keep) {
    const last = outShape.length - 1;
    if (last >= 0 && vecs.every((v, k) => outVecs[k]![last] === v[d]! * shape[d]!)) {
      outShape[last]! *= shape[d]!;
      vecs.forEach((v, k) => (outVecs[k]![last] = v[d]!));
    } else {
      outShape.push(shape[d]!);
      vecs.forEach((v, k) => outVecs[k]!.push(v[d]!));
    }
  }
  return { shape: outShape, vecs: outVecs };
}
