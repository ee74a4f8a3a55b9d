/** Text rendering of a fusion plan: kernels, what each computes, and why boundaries are where they are. */
import { ref } from '../ir/structured.js';
import { describeNode } from '../ir/traits.js';
import type { Plan, Stage } from './kernel.js';

function stageLine(s: Stage): string {
  if (s.kind === 'product') {
    const into = s.into ? `, ${s.into.negate ? 'subtracted from' : 'added into'} ${ref(s.into.node)}` : '';
    const lists = s.lists ? `; lists active ${ref(s.node)} into ${ref(s.lists.node)}${s.lists.dense ? '' : ' (the array itself is not stored)'}` : '';
    return `${describeNode(s.node, s.events)}${into}${lists}`;
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
