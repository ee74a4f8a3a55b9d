/** ef.linalg: linear solvers for sparse (and dense) matrices, on the host in float64. */
export { cg } from './cg.js';
export type { CgOptions, CgResult } from './cg.js';
export { solve, LU_DEFAULT_N } from './solve.js';
export type { SolveOptions } from './solve.js';
export { LU_MAX_N, LU_MAX_FILL } from './lu.js';
