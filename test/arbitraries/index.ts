/** Reusable fast-check generators for eventfuse tests. */
export * from './shape.js';
export * from './dtype.js';
export * from './units.js';
export * from './values.js';
