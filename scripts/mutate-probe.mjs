// Preloaded (`--import`) in the coverage pass of scripts/mutate.mjs: the instrumented sources
// call globalThis.__efMutantHit(k) where mutant k would be planted; at exit, the mutants
// reached are appended to the file EF_MUTATE_HITS names. Child processes inherit it through
// NODE_OPTIONS, so code run in a spawned CLI counts too.
import { appendFileSync } from 'node:fs';

const out = process.env.EF_MUTATE_HITS;
const reached = new Uint8Array(Number(process.env.EF_MUTATE_COUNT ?? 0));
globalThis.__efMutantHit = (k) => {
  reached[k] = 1;
};
process.on('exit', () => {
  if (!out) return;
  const ids = [];
  for (let k = 0; k < reached.length; k++) if (reached[k]) ids.push(k);
  if (ids.length) appendFileSync(out, `${ids.join('\n')}\n`);
});
