/** Benchmark models built on the public API: the Brette et al. (2007) COBA and CUBA networks. */
export { brette, networkBytes, PARAMS } from './brette.js';
export type { ModelName, ConnKind, NetworkOptions, Network, Projection } from './brette.js';
export { simulate } from './simulate.js';
export type { SimulateOptions, SimulationResult } from './simulate.js';
