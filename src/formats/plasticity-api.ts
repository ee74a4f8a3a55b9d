/** The `ef.plasticity` namespace. */
export { onPre, onPost } from './plasticity.js';
export { eligibility } from './eligibility.js';
