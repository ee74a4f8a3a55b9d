/**
 * Lazy loading of gpu.js and of the native runtime one gpu.js mode needs ('gl' for webgl,
 * 'webgpu' (dawn) for webgpu), with errors that say what is missing and how to get it.
 *
 * Nothing here runs at import time: importing eventfuse never loads gpu.js or a native module.
 * The webgl runtime loads in process; the webgpu one is meant for the WebGPU worker only
 * (WebGL and WebGPU cannot share a process here), and it keeps gpu.js from loading 'gl' there.
 */
import { createRequire, Module } from 'node:module';
import { BackendUnavailableError } from '../../errors.js';

const require = createRequire(import.meta.url);

// ---- the parts of gpu.js this backend uses -------------------------------------------------

export interface GpuKernelSettings {
  readonly output: number[];
  readonly pipeline?: boolean;
  readonly immutable?: boolean;
  readonly precision?: 'single';
  readonly tactic?: 'precision';
  readonly loopMaxIterations?: number;
  /** Helper function texts (named `function name(...) {...}`). */
  readonly functions?: string[];
}

/** A device-resident kernel result in pipeline mode: a GL texture or a WebGPU buffer handle. */
export interface GpuHandle {
  readonly output: readonly number[];
  toArray(): unknown;
  clone(): GpuHandle;
  delete(): void;
}

/** What a kernel is called with and returns: host arrays, device handles. */
export type GpuValue = Float32Array | GpuHandle;

export interface GpuKernelClass {
  readonly name: string;
  readonly isSupported: boolean;
  readonly features: {
    readonly maxTextureSize?: number;
    readonly isTextureFloat?: boolean;
    readonly isFloatRead?: boolean;
  } | null;
}

/** The object `gpu.createKernel` returns: callable, with the real kernel on `.kernel`. */
export interface GpuKernel {
  (...args: GpuValue[]): unknown;
  /** The kernel instance that runs; gpu.js swaps it (e.g. to a CPUKernel) on fallback. */
  readonly kernel: object;
  destroy(removeCanvasReferences?: boolean): void;
}

export interface GpuInstance {
  createKernel(source: string, settings: GpuKernelSettings): GpuKernel;
}

export interface GpuJs {
  readonly GPU: new (settings: { mode: string }) => GpuInstance;
  readonly CPUKernel: GpuKernelClass;
  readonly HeadlessGLKernel: GpuKernelClass;
  readonly WebGPUKernel: GpuKernelClass;
  readonly utils: { closestSquareDimensions(length: number): Int32Array };
}

/** The WebGPU limits the worker checks slot sizes against. */
export interface WebGpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

// ---- loading --------------------------------------------------------------------------------

let gpuJs: GpuJs | null = null;

function gpuJsEntry(): string {
  try {
    return require.resolve('gpu.js');
  } catch {
    throw new BackendUnavailableError("the gpujs backend needs the 'gpu.js' package: run `npm install gpu.js`");
  }
}

/** gpu.js itself (for 'cpu' mode nothing else is needed). */
export function loadGpuJs(): GpuJs {
  if (gpuJs === null) {
    const entry = gpuJsEntry();
    try {
      gpuJs = require(entry) as GpuJs;
    } catch (e) {
      throw new BackendUnavailableError(`gpu.js failed to load: ${(e as Error).message}`);
    }
  }
  return gpuJs;
}

// 'gl' is not a dependency of eventfuse (it compiles for minutes where no prebuilt binary
// downloads), so the errors say how to opt in.
const GL_BUILD_DEPS =
  'where no prebuilt binary downloads it compiles from source and needs build-essential python3 pkg-config ' +
  'libx11-dev libxi-dev libxext-dev libgl-dev (Debian/Ubuntu names) and `npm_config_nodedir=/usr`';
const GL_RUN = 'it also needs an X display: run under `xvfb-run -a` (Debian: xvfb xauth libgl1-mesa-dri libglx-mesa0)';

interface GlExtension { destroy?: () => void }
interface GlContext { getExtension(name: string): GlExtension | null }

/** gpu.js with a working headless WebGL context ('gl' package), for 'webgl' mode. */
export function loadWebGL(): GpuJs {
  // gpu.js requires 'gl' optionally (and silently); probe it the same way, from gpu.js's
  // own location, to say which of "not installed", "not built" and "no display" it is.
  const fromGpuJs = createRequire(gpuJsEntry());
  let glPath: string;
  try {
    glPath = fromGpuJs.resolve('gl');
  } catch {
    throw new BackendUnavailableError(
      "gpujs mode 'webgl' needs the 'gl' package (headless WebGL), which is not installed: run `npm i gl` " +
        `(${GL_BUILD_DEPS}); ${GL_RUN}`,
    );
  }
  let createContext: (width: number, height: number, options?: object) => GlContext | null;
  try {
    createContext = fromGpuJs(glPath) as typeof createContext;
  } catch (e) {
    throw new BackendUnavailableError(
      `gpujs mode 'webgl' needs the 'gl' package, which is installed but not built (${firstLine(e)}): ` +
        `run \`npm rebuild gl\` or \`npm i gl\` (${GL_BUILD_DEPS}); ${GL_RUN}`,
    );
  }
  let context: GlContext | null = null;
  try {
    context = createContext(1, 1);
  } catch {
    context = null;
  }
  if (context === null) {
    throw new BackendUnavailableError(
      "gpujs mode 'webgl': the 'gl' package could not create a WebGL context" +
        (process.env.DISPLAY ? ` on DISPLAY=${process.env.DISPLAY}` : ' (DISPLAY is not set)') +
        '; it needs an X display: run under `xvfb-run -a` (Debian package xvfb) or set DISPLAY',
    );
  }
  context.getExtension('STACKGL_destroy_context')?.destroy?.();
  const g = loadGpuJs();
  const Kernel = g.HeadlessGLKernel;
  if (!Kernel.isSupported) {
    throw new BackendUnavailableError(
      "gpujs mode 'webgl': gpu.js does not support this headless WebGL context (HeadlessGLKernel.isSupported is false)",
    );
  }
  if (!Kernel.features?.isTextureFloat || !Kernel.features.isFloatRead) {
    throw new BackendUnavailableError(
      "gpujs mode 'webgl': this WebGL context lacks float textures (OES_texture_float) or float readback, " +
        'which single precision needs',
    );
  }
  return g;
}

interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<unknown> };
  globals: object;
}

interface WebGpuAdapter {
  readonly limits: WebGpuLimits;
}

/**
 * The adapter, with requestDevice asking for as many storage buffers per shader stage as the
 * adapter offers. gpu.js asks only for larger buffers, so the default of 8 applies, and a fused
 * kernel that reads more buffers failed to build (seen in the random-graph property: 10
 * buffers, where this adapter offers 16).
 */
function withStorageBufferLimit(adapter: unknown): unknown {
  if (adapter === null || typeof adapter !== 'object') return adapter;
  const real = adapter as { limits: { maxStorageBuffersPerShaderStage?: number }; requestDevice(d?: { requiredLimits?: object }): unknown };
  return new Proxy(real, {
    get(target, key) {
      if (key === 'requestDevice') {
        return (d: { requiredLimits?: object } = {}) => target.requestDevice({
          ...d,
          requiredLimits: { ...d.requiredLimits, maxStorageBuffersPerShaderStage: target.limits.maxStorageBuffersPerShaderStage },
        });
      }
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

let webGpuReady: Promise<{ gpuJs: GpuJs; limits: WebGpuLimits }> | null = null;

/**
 * gpu.js set up for 'webgpu' mode: dawn ('webgpu' package) installed as navigator.gpu, an
 * adapter checked. Run this in the WebGPU worker only. EGL_PLATFORM must be 'surfaceless'
 * in the process environment before dawn loads: a worker's process.env is its own copy, so the
 * main thread sets it (see webgpu-client.ts); here it is checked.
 */
export function loadWebGPU(): Promise<{ gpuJs: GpuJs; limits: WebGpuLimits }> {
  webGpuReady ??= setUpWebGPU();
  return webGpuReady;
}

async function setUpWebGPU(): Promise<{ gpuJs: GpuJs; limits: WebGpuLimits }> {
  const entry = gpuJsEntry();
  blockGl(entry);
  let dawn: DawnModule;
  try {
    const specifier: string = 'webgpu';
    dawn = (await import(specifier)) as DawnModule;
  } catch (e) {
    throw new BackendUnavailableError(
      `gpujs mode 'webgpu' needs the 'webgpu' package (dawn for Node), which failed to load (${firstLine(e)}): ` +
        'run `npm install webgpu`; it needs libEGL (Debian: libegl1, libegl-dev, libgles2, mesa) ' +
        'and the environment variable EGL_PLATFORM=surfaceless',
    );
  }
  Object.assign(globalThis, dawn.globals);
  const real = dawn.create(['backend=opengles']);
  const requestAdapter = async (options?: object): Promise<unknown> =>
    withStorageBufferLimit(await real.requestAdapter({ featureLevel: 'compatibility', ...(options ?? {}) }));
  Object.defineProperty(globalThis, 'navigator', {
    value: { gpu: { requestAdapter } },
    configurable: true,
    writable: true,
  });
  let adapter: WebGpuAdapter | null;
  try {
    adapter = (await requestAdapter()) as WebGpuAdapter | null;
  } catch {
    adapter = null;
  }
  if (adapter === null || adapter === undefined) {
    const env = process.env.EGL_PLATFORM;
    throw new BackendUnavailableError(
      "gpujs mode 'webgpu': dawn found no WebGPU adapter (OpenGL ES backend, compatibility mode). " +
        (env === 'surfaceless'
          ? 'Check that libEGL and a Mesa driver are installed (Debian: libegl1, libegl-dev, libgles2, libgl1-mesa-dri)'
          : `Set the environment variable EGL_PLATFORM=surfaceless before starting node (it is ${env === undefined ? 'unset' : `'${env}'`})`),
    );
  }
  const limits = {
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    maxBufferSize: adapter.limits.maxBufferSize,
  };
  return { gpuJs: loadGpuJs(), limits };
}

/**
 * gpu.js requires 'gl' when it loads; in the WebGPU worker that must not happen (the two native
 * GL stacks cannot share a process), so 'gl' is answered with nothing, as if not installed.
 */
function blockGl(gpuJsEntryPath: string): void {
  if (gpuJs !== null) return;
  let glPath: string;
  try {
    glPath = createRequire(gpuJsEntryPath).resolve('gl');
  } catch {
    return; // not installed: nothing to block
  }
  if (require.cache[glPath]) return;
  const stub = new Module(glPath);
  stub.exports = null;
  stub.loaded = true;
  require.cache[glPath] = stub;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0] ?? message;
}
