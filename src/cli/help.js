/**
 * What `eventfuse --help` prints, the defaults and limits that text states, and when help is
 * asked for. Plain JavaScript with no imports, so that bin/eventfuse.mjs can answer --help
 * without the TypeScript loader (from a checkout) and without loading the library; args.ts
 * re-exports the constants, typed, and asks wantsHelp first.
 */

/** Option defaults, as written on the command line. */
export const DEFAULTS = Object.freeze(
  /** @type {const} */ ({
    neurons: 4000,
    duration: '10s',
    dt: '0.1ms',
    conn: 'csr',
    backend: 'cpu',
    gpuMode: 'webgl',
    seed: 1,
  }),
);

/** The smallest network: both populations (80% excitatory) need a neuron. */
export const MIN_NEURONS = 10;
/** Seeds are 32-bit unsigned integers. */
export const MAX_SEED = 2 ** 32 - 1;

export const HELP = `eventfuse: run the Brette et al. (2007) benchmark networks (COBA, CUBA)

Usage:
  eventfuse coba|cuba [options]

Options:
  --neurons N        network size, an integer of at least ${MIN_NEURONS} (default ${DEFAULTS.neurons}; 80% excitatory)
  --duration T       simulated time with its unit: 10s, 250ms, or quoted with a space:
                     '0.5 s' (default ${DEFAULTS.duration})
  --dt T             time step, e.g. 0.1ms (default ${DEFAULTS.dt}); a step above a tenth of
                     the model's fastest time constant still runs, with a warning on stderr
  --conn KIND        connectivity: csr (stored), jitc (regenerated from the seed), fixed (fixed fan-out)
                     (default ${DEFAULTS.conn})
  --backend NAME     cpu, wasm, gpujs or reference (default ${DEFAULTS.backend}); wasm is the cpu
                     backend's plans and numerics with loops and sparse products in WebAssembly
  --gpu-mode MODE    with --backend gpujs: webgl (run under xvfb-run -a without a display),
                     webgpu or cpu (gpu.js in JavaScript) (default ${DEFAULTS.gpuMode})
  --threads K        with --backend wasm: threads that share each large stage, 1 to 256
                     (default: this machine's cores); the spikes are the same for any K
  --precision P      with --backend wasm: float64 (default: the cpu backend's numbers, bit
                     for bit) or float32 (float32 loops in four float32 lanes: faster, other
                     spikes in a chaotic network)
  --seed S           an integer in [0, ${MAX_SEED}] (default ${DEFAULTS.seed})
  --max-memory SIZE  refuse a network estimated to need more, e.g. 4GiB, 500MB
                     (default: this machine's memory)
  --raster FILE      write a spike raster and population rate of the first 100 neurons as SVG
  --json             print one JSON object instead of the text summary (no progress bar):
                     "backend" and "mode" (the gpu.js mode; null for other backends);
                     times in s to the ms, rates to 4 significant digits, counts exact
  --help             show this help

Options may also be written --name=value; integers also as 1e6.

Examples:
  eventfuse coba --neurons 4000 --duration 1s
  eventfuse cuba --conn jitc --duration 500ms --raster cuba.svg
  eventfuse coba --neurons 400 --duration 50ms --json
`;

/**
 * Whether `argv` (without `node` and the script) asks for help: --help or -h anywhere before
 * a `--`. Help wins over everything else on the line, mistakes included.
 * @param {readonly string[]} argv
 * @returns {boolean}
 */
export function wantsHelp(argv) {
  const end = argv.indexOf('--');
  return (end >= 0 ? argv.slice(0, end) : argv).some((a) => a === '--help' || a === '-h');
}
