#!/usr/bin/env bash
# The built package works for `import` users (plain Node ESM) and TypeScript users (types via exports),
# both for 'eventfuse' and for the subpath 'eventfuse/models'.
set -euo pipefail
cd "$(dirname "$0")/.."
node --input-type=module -e "
import * as ef from 'eventfuse';
import { brette } from 'eventfuse/models';
if (typeof brette !== 'function') { console.error('package import check: eventfuse/models has no brette'); process.exit(1); }
const v = ef.array([1, 2], 'mV').add(ef.scalar(1, 'V')).dataSync();
if (v[0] !== 1001 || v[1] !== 1002) { console.error('package import check: got', v); process.exit(1); }
console.log('package import check: ok');"
npx tsc -p .ci/consumer/tsconfig.json
echo "package types check: ok"
