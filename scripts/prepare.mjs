// npm's `prepare` step (after `npm ci` / `npm install` in a checkout): build dist/ unless it is
// current, so that the checkout is usable as the package at once (a script of yours that
// imports 'eventfuse' resolves to dist/ through package.json's exports). It never fails the
// install: a type error in src/ still leaves an emitted dist/ and a warning, and without
// typescript (`--omit=dev`) it only says so; the bin falls back to src/ when dist/ is stale.
import { ensureDist } from './build-dist.mjs';

const r = ensureDist();
if (!r.fresh) {
  console.log('eventfuse: dist/ is current');
} else if (r.built && r.ok) {
  console.log(`eventfuse: built dist/ in ${(r.ms / 1000).toFixed(1)} s`);
} else {
  console.warn(`eventfuse: ${r.output}`);
  console.warn(r.built
    ? 'eventfuse: dist/ was built, with the type errors above'
    : 'eventfuse: dist/ was not built; `import "eventfuse"` needs it: run `npm run build`');
}
