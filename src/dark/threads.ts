/**
 * Splitting the dark kernels over threads that share one WebAssembly memory: a job is one kernel call
 * over all pixels, cut into chunks that the calling thread and its helper threads take in turn. The
 * control block (first {@link DARK_CTRL_BYTES} bytes of the memory, int32 words) is the only channel:
 *
 * - `GEN` job number (15 bits), bumped and notified by the caller to start a job;
 * - `NEXT` `(job << 16) | next chunk`, taken with compare-and-exchange so a late helper can never run a
 *   chunk of a job that is not the one whose arguments it read;
 * - `DONE` chunks finished; `ERR` set when a kernel failed in a helper; `STOP` ends the helpers;
 * - `FN`, `NCHUNK`, `CHUNK` (pixels per chunk), `NP` (pixels), `NARGS`, then the kernel arguments.
 *
 * Platform-neutral: starting the helper threads is a port (Node: src/node/dark-threads.ts).
 */
import { CalibmanError } from '../errors.js';
import { helperProgram, SharedJobRunner } from '../calibration/thread-jobs.js';

/** Bytes reserved for the control block at offset 0 of a threaded engine's memory. */
export const DARK_CTRL_BYTES = 256;

/** Word indices of the control block (the shared words of ../calibration/thread-jobs.ts, then the job's). */
export const CTRL = Object.freeze({ GEN: 0, NEXT: 1, DONE: 2, ERR: 3, STOP: 4, FN: 5, NCHUNK: 6, CHUNK: 7, NP: 8, NARGS: 9, ARGS: 16 });

/** Kernel names by their `FN` code. */
export const DARK_KERNELS = Object.freeze(['', 'acc', 'st1', 'prep', 'fin', 'avg', 'sta', 'mom']);

/** Starts helper threads for a threaded engine. */
export interface DarkThreadPort {
  /**
   * Start one helper thread that instantiates `module` on the shared `memory` and serves jobs of the
   * control block until `STOP`. Returns how to end it at once.
   */
  start(
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
  ): {
    /** End the helper at once. */
    terminate(): void;
  };
  /**
   * A shared memory of at least `pages` 64-KiB pages, all zero, whose pages a helper thread started earlier
   * is mapping (writing them before a run is cheaper than on first use); that thread then serves the engine
   * built on it through {@link start}. Undefined when there is none (the engine makes its own).
   */
  takeMemory?(pages: number): WebAssembly.Memory | undefined;
}

/** How many helper threads a dark engine may use, and how to start them. */
export interface DarkThreading {
  /** Helper threads besides the calling one (0 = none). */
  helpers: number;
  /** How the helper threads are started. */
  port: DarkThreadPort;
}

type Kernel = (...args: number[]) => void;

const DARK_JOB_NAMES = { engine: 'dark engine', helper: 'dark-processing helper thread', item: 'chunk' };

/** Runs kernel jobs over pixel chunks on the calling thread and its helpers. */
export class DarkJobRunner extends SharedJobRunner {
  private readonly kernels: Kernel[];
  private pending: { gen: number; n: number; chunk: number; np: number; kernel: Kernel; args: number[] } | undefined;

  constructor(
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    exports: WebAssembly.Exports,
    threading: DarkThreading,
  ) {
    super(memory, DARK_CTRL_BYTES, DARK_JOB_NAMES, threading.helpers, () => threading.port.start(memory, module));
    this.kernels = DARK_KERNELS.map((k) => exports[k] as Kernel);
  }

  /**
   * Run kernel `fn` over pixels [0, np) (np a multiple of 8) with `args` (32-bit integers) after (p0, p1);
   * returns when done.
   */
  run(fn: number, np: number, args: readonly number[]): void {
    this.start(fn, np, args);
    this.wait();
  }

  /**
   * Publish a job for the helper threads and return at once (the calling thread may fill other memory
   * meanwhile); {@link wait} completes it. A job still pending is completed first.
   */
  start(fn: number, np: number, args: readonly number[]): void {
    this.assertOpen();
    this.wait();
    const ctrl = this.ctrl;
    const chunk = Math.max(64, Math.ceil(np / (8 * (this.helpers + 1)) / 64) * 64);
    const n = Math.ceil(np / chunk);
    for (let a = 0; a < args.length; a++) {
      // the helpers read the arguments as int32 words (a float would reach them truncated)
      if ((args[a] | 0) !== args[a]) throw new CalibmanError(`dark kernel ${DARK_KERNELS[fn]}: argument ${a} (${args[a]}) is not a 32-bit integer`);
      ctrl[CTRL.ARGS + a] = args[a];
    }
    ctrl[CTRL.NARGS] = args.length;
    ctrl[CTRL.FN] = fn;
    ctrl[CTRL.NCHUNK] = n;
    ctrl[CTRL.CHUNK] = chunk;
    ctrl[CTRL.NP] = np;
    const gen = this.publish();
    this.pending = { gen, n, chunk, np, kernel: this.kernels[fn], args: [...args] };
  }

  /** Complete the pending job: take its remaining chunks on this thread, then wait for the helpers. */
  wait(): void {
    const job = this.pending;
    if (!job) return;
    this.pending = undefined;
    const { gen, n, chunk, np, kernel, args } = job;
    this.complete(gen, n, (c) => {
      const p0 = c * chunk;
      kernel(p0, Math.min(np, p0 + chunk), ...args);
    });
  }
}

/**
 * The body of the helper threads' program (plain JavaScript): wait for a job, take chunks while they
 * belong to it, report them done; exit on `STOP`. It expects the bindings `memory` (the shared
 * WebAssembly.Memory) and `module` (the compiled engine) in scope; a thread port puts its own platform's
 * prelude in front that defines them.
 */
export const DARK_HELPER_BODY = helperProgram({
  ctrl: CTRL,
  ctrlBytes: DARK_CTRL_BYTES,
  setup: `const inst = new WebAssembly.Instance(module, { env: { memory } });
const kernels = ${JSON.stringify(DARK_KERNELS)}.map((k) => inst.exports[k]);`,
  perJob: `  const kernel = kernels[ctrl[C.FN]];
  const n = ctrl[C.NCHUNK], chunk = ctrl[C.CHUNK], np = ctrl[C.NP];
  const args = Array.from(ctrl.subarray(C.ARGS, C.ARGS + ctrl[C.NARGS]));`,
  work: 'const p0 = i * chunk; kernel(p0, Math.min(np, p0 + chunk), ...args);',
});
