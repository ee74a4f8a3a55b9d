/**
 * Every format module, loaded for its registration with the conversion hub (hub.ts), so that
 * conversions between formats (`csr.todense()`, `dense.tocsr()`, `spikes.bitpack()`) find their
 * target whichever module a program imported first. src/index.ts imports this module.
 */
import './dense.js';
import './sparse/matrix.js';
import './fixed/matrix.js';
import './jitc/matrix.js';
import './events/binary.js';
import './events/bitpack.js';
