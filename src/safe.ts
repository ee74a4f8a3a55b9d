/**
 * Either forms of the validating constructors, for pipelines that prefer values to
 * exceptions: `ef.safe.array(data, 'mV')` is `Right(array)` or `Left(EventfuseError)`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { EventfuseError } from './errors.js';
import * as C from './api/create.js';
import { dense as denseMatrix } from './formats/dense.js';
import * as S from './formats/sparse/construct.js';
import { binary as binaryArray } from './formats/events/binary.js';
import { fromIndices as eventsFromIndices } from './formats/events/indices.js';
import * as F from './formats/fixed/index.js';
import * as JC from './formats/jitc/construct.js';

/**
 * Every bad input is a typed EventfuseError, returned as Left. Anything else would be a bug in
 * eventfuse: it is rethrown as it is, not disguised as an input error.
 */
const toError = (e: unknown): EventfuseError => {
  if (e instanceof EventfuseError) return e;
  throw e;
};
const safely = <A extends unknown[], R>(f: (...args: A) => R) =>
  (...args: A): E.Either<EventfuseError, R> => E.tryCatch(() => f(...args), toError);

export const array = safely(C.array);
export const scalar = safely(C.scalar);
export const full = safely(C.full);
export const zeros = safely(C.zeros);
export const ones = safely(C.ones);
export const arange = safely(C.arange);
export const dense = safely(denseMatrix);
export const csr = safely(S.csr);
export const csc = safely(S.csc);
export const coo = safely(S.coo);
export const binary = safely(binaryArray);
export const fromIndices = safely(eventsFromIndices);
export const fixedPostNum = safely(F.fixedPostNum);
export const fixedPreNum = safely(F.fixedPreNum);
export const jitc = {
  scalar: safely(JC.jitcScalar),
  uniform: safely(JC.jitcUniform),
  normal: safely(JC.jitcNormal),
} as const;
