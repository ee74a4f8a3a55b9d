/** The `ef.jitc` namespace: just-in-time random connectivity. */
export { jitcScalar as scalar, jitcUniform as uniform, jitcNormal as normal } from './construct.js';
