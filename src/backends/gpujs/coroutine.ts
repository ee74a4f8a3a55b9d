/**
 * Sync/async coroutines: the program logic (program-runner.ts) and the device probes
 * (devices.ts) are written once as generators that yield a Promise where a device answers
 * asynchronously; runSync drives them for 'cpu'/'webgl', runAsync in the WebGPU worker.
 */

/** A computation that may wait on promises: it yields a Promise and is resumed with its value. */
export type Co<T> = Generator<unknown, T, unknown>;

export function* settle<T>(value: T | Promise<T>): Co<T> {
  if (value instanceof Promise) return (yield value) as T;
  return value;
}

/** Drive a coroutine whose device never returns promises ('cpu', 'webgl'). */
export function runSync<T>(co: Co<T>): T {
  let step = co.next();
  while (!step.done) {
    if (step.value instanceof Promise) {
      step.value.catch(() => undefined);
      step = co.throw(new Error('internal: a synchronous gpu.js executor was handed a Promise'));
    } else {
      step = co.next(step.value);
    }
  }
  return step.value;
}

/** Drive a coroutine awaiting what it yields (the WebGPU worker). */
export async function runAsync<T>(co: Co<T>): Promise<T> {
  let step = co.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = await step.value;
    } catch (e) {
      step = co.throw(e);
      continue;
    }
    step = co.next(value);
  }
  return step.value;
}
