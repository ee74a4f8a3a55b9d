/** Text rendering of a fusion plan: kernels, what each computes, and why boundaries are where they are. */
import type { JitcArg, Node, PlasticityArg, SparseArg } from '../ir/node.js';
import type { Plan, Stage } from './kernel.js';

const ref = (n: Node): string => `%${n.id}`;

function productLine(n: Node, events: Node | undefined): string {
  const [a, b] = n.src as [Node, Node];
  switch (n.op) {
    case 'sparseProduct': {
      const arg = n.arg as SparseArg;
      const kind = a.dtype === 'bool' ? 'event' : 'float';
      const m = `sparse[${arg.rows}×${arg.cols} ${arg.compressed}s${arg.permuted ? ', permuted' : ''}]`;
      const spelled = arg.side === 'left' ? `${ref(a)} @ ${m}` : `${m} @ ${ref(a)}`;
      const walk = (arg.side === 'left') === (arg.compressed === 'row')
        ? (kind === 'event' ? (events ? `scatter over the active list ${ref(events)}` : 'scatter over active entries (scan)') : 'scatter')
        : 'gather per output';
      return `${kind} product ${ref(n)} = ${spelled} (${walk})`;
    }
    case 'jitcProduct': {
      const arg = n.arg as JitcArg;
      const m = `jitc[${arg.rows}×${arg.cols} ${arg.dist}, p=${arg.prob}, seed ${arg.seed}, ${arg.line}s]`;
      const spelled = arg.side === 'left' ? `${ref(a)} @ ${m}` : `${m} @ ${ref(a)}`;
      const walk = (arg.side === 'left') === (arg.line === 'row')
        ? (a.dtype === 'bool' ? (events ? `regenerate the lines of the active list ${ref(events)}` : 'regenerate the lines of active entries') : 'regenerate every line (scatter)')
        : 'regenerate every output line (gather)';
      return `${a.dtype === 'bool' ? 'event' : 'float'} product ${ref(n)} = ${spelled} (${walk})`;
    }
    case 'plasticityUpdate': {
      const arg = n.arg as PlasticityArg;
      const walk = events ? `the active list ${ref(events)}` : `active ${arg.spikes === 'row' ? 'rows' : 'columns'} (scan)`;
      return `plasticity ${arg.spikes === 'row' ? 'onPre' : 'onPost'} ${ref(n)} = ${ref(a)} updated along ${walk}${arg.permuted ? ' via the other view' : ''}`;
    }
    case 'jitcDensify':
      return `densify ${ref(n)} [${n.shape.join('×')}] (just-in-time)`;
    case 'densify':
      return `densify ${ref(n)} [${n.shape.join('×')}]`;
    case 'gather':
      return `gather ${ref(n)} = ${ref(a)}[${ref(b)}]`;
    default:
      return `${a.dtype === 'bool' || b.dtype === 'bool' ? 'event ' : ''}matmul ${ref(n)} = ${ref(a)} @ ${ref(b)}`;
  }
}

function stageLine(s: Stage): string {
  if (s.kind === 'product') {
    const into = s.into ? `, ${s.into.negate ? 'subtracted from' : 'added into'} ${ref(s.into.node)}` : '';
    return `${productLine(s.node, s.events)}${into}`;
  }
  const ops = s.body.map((n) => n.op);
  const parts = [
    `loop over [${s.shape.join(', ')}]`,
    `${ops.length} fused op${ops.length === 1 ? '' : 's'}${ops.length ? ` (${ops.join(', ')})` : ''}`,
  ];
  if (s.stores.length) parts.push(`stores ${s.stores.map(ref).join(', ')}`);
  if (s.reductions.length) parts.push(`reduces ${s.reductions.map((r) => `${ref(r)}=${r.op}`).join(', ')}`);
  if (s.seeds.length) parts.push(`seeds ${s.seeds.map((x) => `${ref(x.into)} with ${ref(x.value)}`).join(', ')}`);
  if (s.compactions.length) parts.push(`lists active ${s.compactions.map((c) => `${ref(c.src[0]!)} into ${ref(c)}`).join(', ')}`);
  return parts.join('; ');
}

/** `sources[i]` is the generated source of kernel i, when the backend generates any. */
export function explainPlan(plan: Plan, sources?: readonly string[]): string {
  const out: string[] = [];
  out.push(`${plan.kernels.length} kernel${plan.kernels.length === 1 ? '' : 's'} for ${plan.roots.length} output${plan.roots.length === 1 ? '' : 's'} (${plan.roots.map(ref).join(', ')})`);
  for (const k of plan.kernels) {
    out.push(`kernel ${k.id}: reads ${k.reads.map(ref).join(', ') || 'nothing'}; writes ${k.writes.map(ref).join(', ') || 'nothing'}`);
    k.stages.forEach((s, i) => out.push(`  stage ${i}: ${stageLine(s)}`));
  }
  out.push('fusion decisions:');
  for (const d of plan.decisions) out.push(`  ${d.action}: ${d.reason}`);
  if (sources) {
    sources.forEach((src, i) => {
      out.push(`--- kernel ${i} source ---`);
      out.push(src);
    });
  }
  return out.join('\n');
}
