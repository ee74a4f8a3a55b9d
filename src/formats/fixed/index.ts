/** Fixed-number connectivity: every row (FixedPostNum) or column (FixedPreNum) has exactly `num` entries. */
export { fixedPostNum, fixedPreNum } from './construct.js';
export type { FixedNumInput } from './construct.js';
export { FixedPostNum, FixedPreNum } from './matrix.js';
