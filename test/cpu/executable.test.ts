/**
 * The cpu backend's compiled programs through the backend interface itself (src/backends/backend.ts:
 * `Executable.run` writes every output buffer, `bind` fixes the buffers once, `inPlace` lists the
 * slots whose input and output MAY be one buffer). Runners always pass one buffer for such a slot
 * and always bind; these tests also pass two buffers, call `run`, and compare every output with
 * the reference backend's executable of the same traced program.
 * cpu only: outside the shared suites.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as ef from '../../src/index.js';
import type { ArrayRecord, StepFn } from '../../src/index.js';
import type { Backend, Program } from '../../src/backends/backend.js';
import type { TypedArray } from '../../src/ir/dtype.js';
import { tolerance, withBackend } from '../helpers/backends.js';

const N = 11;
const STEPS = 6;
const spread = (f: (i: number) => number): number[] => Array.from({ length: N }, (_, i) => f(i));

/** A refractory countdown kept where it rests (its in-place store is skipped there) and an integrating voltage. */
const neuron: StepFn = (s, inputs) => {
  const free = s.ref!.lessEqual(0);
  const vInt = ef.where(free, s.v!.add(inputs.I!.mul(0.3)), s.v!);
  const spike = vInt.greater(1);
  return {
    ref: ef.where(spike, ef.scalar(3), ef.where(free, s.ref!, s.ref!.sub(1))),
    v: ef.where(spike, ef.scalar(0), vInt),
  };
};
const init = (): ArrayRecord => ({ ref: ef.array(spread((i) => (i % 4) - 1)), v: ef.array(spread((i) => 0.1 * i)) });
const current = spread((i) => 0.4 + 0.05 * i);

/** The program `ef.compile(step)` hands the cpu backend, and the cpu and reference backends. */
function traced(step: StepFn, state: ArrayRecord, inputs: ef.RunOptions['inputs']): { program: Program; cpu: Backend; reference: Backend } {
  const cpu = withBackend('cpu', () => ef.backend());
  const reference = withBackend('reference', () => ef.backend());
  const compile = cpu.compile;
  let program: Program | undefined;
  (cpu as { compile: Backend['compile'] }).compile = (p) => {
    program = p;
    return compile.call(cpu, p);
  };
  try {
    withBackend('cpu', () => ef.compile(step).prepare(state, inputs));
  } finally {
    (cpu as { compile: Backend['compile'] }).compile = compile;
  }
  assert.ok(program, 'the runner compiled a program on cpu');
  return { program, cpu, reference };
}

/** Buffers for one step of the neuron program: state, the current I, t. */
function stepInputs(program: Program, state: readonly TypedArray[], s: number): TypedArray[] {
  return program.inputs.map((n, i) => (i < program.stateCount ? state[i]!.slice() : n.dtype === 'int32' ? Int32Array.of(s) : Float32Array.from(current)));
}
const fresh = (program: Program, fill: number): TypedArray[] => program.outputs.map((n) => (n.dtype === 'float32' ? new Float32Array(n.size).fill(fill) : new Float32Array(0)));

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const tol = tolerance('cpu', 'float32');
  assert.is(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: cpu ${got[i]}, reference ${want[i]}`);
  }
}

const setup = () => {
  const t = traced(neuron, init(), { I: ef.array(Array.from({ length: STEPS }, () => current), '1') });
  const cpuExe = t.cpu.compile(t.program);
  const refExe = t.reference.compile(t.program);
  const state0 = withBackend('cpu', () => [init().ref!.dataSync(), init().v!.dataSync()]) as TypedArray[];
  return { ...t, cpuExe, refExe, state0 };
};

test('[cpu] the neuron program updates its countdown in place (so a resting count is not stored)', () => {
  const { program, cpuExe } = setup();
  assert.is(program.stateCount, 2);
  assert.ok(cpuExe.inPlace?.has(0), 'ref (slot 0) may share one buffer');
  assert.is(program.outputs[0]!.dtype, 'float32');
});

test('[cpu] Executable.run with two buffers for a slot updated in place: every output as on the reference', () => {
  const { program, cpuExe, refExe, state0 } = setup();
  let cpuState: TypedArray[] = state0.map((a) => a.slice());
  let refState: TypedArray[] = state0.map((a) => a.slice());
  for (let s = 0; s < STEPS; s++) {
    const outs = fresh(program, Number.NaN); // not the inputs' buffers, and nothing left from before
    cpuExe.run(stepInputs(program, cpuState, s), outs);
    const want = fresh(program, 0);
    refExe.run(stepInputs(program, refState, s), want);
    program.outputs.forEach((_, k) => close(outs[k]!, want[k]!, `step ${s} output ${k}`));
    cpuState = outs.slice(0, program.stateCount);
    refState = want.slice(0, program.stateCount);
  }
});

test('[cpu] Executable.run with one buffer per in-place slot (as runners call it) agrees too', () => {
  const { program, cpuExe, refExe, state0 } = setup();
  const buffers = state0.map((a) => a.slice());
  let refState: TypedArray[] = state0.map((a) => a.slice());
  for (let s = 0; s < STEPS; s++) {
    const ins = stepInputs(program, buffers, s);
    ins.forEach((b, i) => i < program.stateCount && (ins[i] = buffers[i]!));
    const outs = program.outputs.map((n, k) => (cpuExe.inPlace?.has(k) ? buffers[k]! : new Float32Array(n.size)));
    cpuExe.run(ins, outs);
    outs.forEach((o, k) => o !== buffers[k] && buffers[k]!.set(o));
    const want = fresh(program, 0);
    refExe.run(stepInputs(program, refState, s), want);
    program.outputs.forEach((_, k) => close(buffers[k]!, want[k]!, `step ${s} output ${k}`));
    refState = want.slice(0, program.stateCount);
  }
});

test('[cpu] Executable.bind with two buffers per slot: the bound step reads and writes exactly those', () => {
  const { program, cpuExe, refExe, state0 } = setup();
  assert.ok(cpuExe.bind, 'the cpu backend binds');
  const a = stepInputs(program, state0, 0);
  const b = fresh(program, Number.NaN);
  const ab = cpuExe.bind!(a, b); // even steps: a -> b
  const ba = cpuExe.bind!([...b, ...a.slice(program.stateCount)], a.slice(0, program.stateCount)); // odd: b -> a
  let refState: TypedArray[] = state0.map((x) => x.slice());
  for (let s = 0; s < STEPS; s++) {
    a[program.inputs.length - 1]![0] = s; // t, shared by both bindings
    if (s % 2 === 0) b.forEach((x) => x.fill(Number.NaN));
    else a.slice(0, program.stateCount).forEach((x) => x.fill(Number.NaN));
    (s % 2 === 0 ? ab : ba)();
    const got = s % 2 === 0 ? b : a.slice(0, program.stateCount);
    const want = fresh(program, 0);
    refExe.run(stepInputs(program, refState, s), want);
    program.outputs.forEach((_, k) => close(got[k]!, want[k]!, `step ${s} output ${k}`));
    refState = want.slice(0, program.stateCount);
  }
});

test('[cpu] a step with no state and no records compiles and runs', async () => {
  const runner = withBackend('cpu', () => ef.compile(() => ({})));
  const out = await withBackend('cpu', () => runner.run({}, { steps: 3 }));
  assert.equal(out, { state: {}, records: {} });
  const { program, cpu } = traced(() => ({}), {}, {});
  assert.is(program.outputs.length, 0);
  const exe = cpu.compile(program);
  exe.run([Int32Array.of(0)], []);
  const bound = exe.bind!([Int32Array.of(0)], []);
  assert.type(bound, 'function');
  bound();
});

test('[cpu] declares the float32 tolerance docs/backends.md gives it (1e-5), and its float32 results meet it', () => {
  const caps = withBackend('cpu', () => ef.backend().capabilities);
  assert.ok(caps.float32Tolerance > 0 && caps.float32Tolerance <= 1e-5, `float32Tolerance ${caps.float32Tolerance}`);
  // a float32 chain with roundings at every store, against the same chain in float64
  const xs = spread((i) => 0.37 + 1.91 * i);
  const got = withBackend('cpu', () => ef.exp(ef.array(xs).mul(0.013)).div(ef.array(xs).add(2.5)).sum().item());
  const want = xs.map((x) => Math.exp(Math.fround(x) * 0.013) / (Math.fround(x) + 2.5)).reduce((p, q) => p + q, 0);
  assert.ok(Math.abs(got - want) <= caps.float32Tolerance * Math.abs(want), `${got} vs ${want}`);
  // and the float32 rounding of a result is visible at that tolerance: it is not a looser bound
  assert.ok(Math.abs(Math.fround(1 + 3e-5) - 1) > caps.float32Tolerance);
});

/** Typed arrays of exactly `length` elements constructed while `f` runs (any of the four kinds). */
function allocationsOf(length: number, f: () => void): number {
  const g = globalThis as unknown as Record<string, unknown>;
  const names = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array'];
  const originals = names.map((n) => g[n] as new (...a: unknown[]) => { length: number });
  let n = 0;
  try {
    originals.forEach((Orig, i) => {
      g[names[i]!] = class extends Orig {
        constructor(...a: unknown[]) {
          super(...a);
          if (this.length === length) n++;
        }
        static override [Symbol.hasInstance](x: unknown): boolean {
          return x instanceof Orig;
        }
      };
    });
    f();
  } finally {
    names.forEach((name, i) => (g[name] = originals[i]));
  }
  return n;
}

test('[cpu] compiling holds no buffer for state, inputs or outputs: those are the runner\'s, bound per call', () => {
  const M = 1013; // no other array of these programs has this length
  const state = { v: ef.array(Array.from({ length: M }, (_, i) => 0.001 * i)), w: ef.zeros([M]) };
  const inputs = { I: ef.full([3, M], 0.5) };
  const prepare = (step: StepFn) => allocationsOf(M, () => withBackend('cpu', () => ef.compile(step).prepare(state, inputs)));
  // one loop reads v, w and I and writes both next values
  assert.is(prepare((s, i) => ({ v: s.v!.mul(0.9).add(i.I!), w: s.w!.add(s.v!.mul(s.v!).exp()).mul(0.5) })), 0);
  // positive control: a costly value that two loops need (the second after its mean) gets one buffer
  const twoLoops: StepFn = (s, i) => {
    const e = s.v!.exp().mul(s.v!).add(i.I!);
    return { v: s.v!.mul(0.9).add(i.I!), w: e.sub(e.mean()) };
  };
  assert.is(prepare(twoLoops), 1);
});

test.run();
