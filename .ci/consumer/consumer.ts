// Type-checks against the built package (dist/*.d.ts via the exports map), as a user would.
import * as ef from 'eventfuse';

const i: ef.LazyArray = ef.scalar(10, 'nS').mul(ef.array([-65, -60], 'mV')).to('pA');
const values: ef.TypedArray = i.dataSync();
if (Math.abs(values[0]! + 650) > 1e-3) throw new Error(`expected -650 pA, got ${values[0]}`);
