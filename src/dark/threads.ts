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

/** Bytes reserved for the control block at offset 0 of a threaded engine's memory. */
export const DARK_CTRL_BYTES = 256;

/** Word indices of the control block. */
export const CTRL = Object.freeze({ GEN: 0, NEXT: 1, DONE: 2, ERR: 3, STOP: 4, FN: 5, NCHUNK: 6, CHUNK: 7, NP: 8, NARGS: 9, ARGS: 16 });

/** Kernel names by their `FN` code. */
export const DARK_KERNELS = Object.freeze(['', 'acc', 'st1', 'prep']);

/** Starts helper threads for a threaded engine. */
export interface DarkThreadPort {
  /**
   * Start one helper thread that instantiates `module` on the shared `memory` and serves jobs of the
   * control block until `STOP`. Returns how to end it at once.
   */
  start(memory: WebAssembly.Memory, module: WebAssembly.Module): { terminate(): void };
}

/** How many helper threads a dark engine may use, and how to start them. */
export interface DarkThreading {
  /** Helper threads besides the calling one (0 = none). */
  helpers: number;
  port: DarkThreadPort;
}

type Kernel = (...args: number[]) => void;

/** Seconds without progress after which a job is declared lost. */
const STALL_SEC = 60;

/** Runs kernel jobs over pixel chunks on the calling thread and its helpers. */
export class DarkJobRunner {
  private readonly ctrl: Int32Array;
  private readonly kernels: Kernel[];
  private readonly threads: { terminate(): void }[] = [];
  private gen = 0;
  private closed = false;
  private pending: { gen: number; n: number; chunk: number; np: number; kernel: Kernel; args: number[] } | undefined;

  constructor(
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    exports: WebAssembly.Exports,
    threading: DarkThreading,
  ) {
    this.ctrl = new Int32Array(memory.buffer, 0, DARK_CTRL_BYTES / 4);
    this.kernels = DARK_KERNELS.map((k) => exports[k] as Kernel);
    for (let t = 0; t < threading.helpers; t++) this.threads.push(threading.port.start(memory, module));
  }

  /** Helper threads running. */
  get helpers(): number {
    return this.threads.length;
  }

  /** Run kernel `fn` over pixels [0, np) (np a multiple of 8) with `args` after (p0, p1); returns when done. */
  run(fn: number, np: number, args: readonly number[]): void {
    this.start(fn, np, args);
    this.wait();
  }

  /**
   * Publish a job for the helper threads and return at once (the calling thread may fill other memory
   * meanwhile); {@link wait} completes it. A job still pending is completed first.
   */
  start(fn: number, np: number, args: readonly number[]): void {
    if (this.closed) throw new CalibmanError('dark engine already closed');
    this.wait();
    const ctrl = this.ctrl;
    const chunk = Math.max(64, Math.ceil(np / (8 * (this.threads.length + 1)) / 64) * 64);
    const n = Math.ceil(np / chunk);
    const gen = (this.gen = (this.gen + 1) & 0x7fff);
    for (let a = 0; a < args.length; a++) ctrl[CTRL.ARGS + a] = args[a];
    ctrl[CTRL.NARGS] = args.length;
    ctrl[CTRL.FN] = fn;
    ctrl[CTRL.NCHUNK] = n;
    ctrl[CTRL.CHUNK] = chunk;
    ctrl[CTRL.NP] = np;
    Atomics.store(ctrl, CTRL.DONE, 0);
    Atomics.store(ctrl, CTRL.NEXT, gen << 16);
    Atomics.store(ctrl, CTRL.GEN, gen);
    Atomics.notify(ctrl, CTRL.GEN);
    this.pending = { gen, n, chunk, np, kernel: this.kernels[fn], args: [...args] };
  }

  /** Complete the pending job: take its remaining chunks on this thread, then wait for the helpers. */
  wait(): void {
    const job = this.pending;
    if (!job) return;
    this.pending = undefined;
    const ctrl = this.ctrl;
    const { gen, n, chunk, np, kernel, args } = job;
    for (;;) {
      const v = Atomics.load(ctrl, CTRL.NEXT);
      if (v >>> 16 !== gen || (v & 0xffff) >= n) break;
      if (Atomics.compareExchange(ctrl, CTRL.NEXT, v, v + 1) !== v) continue;
      const p0 = (v & 0xffff) * chunk;
      kernel(p0, Math.min(np, p0 + chunk), ...args);
      Atomics.add(ctrl, CTRL.DONE, 1);
    }
    let seen = Atomics.load(ctrl, CTRL.DONE);
    let since = Date.now();
    while (seen < n) {
      Atomics.wait(ctrl, CTRL.DONE, seen, 50);
      const d = Atomics.load(ctrl, CTRL.DONE);
      if (d !== seen) {
        seen = d;
        since = Date.now();
      } else if (Date.now() - since > STALL_SEC * 1000) {
        this.close();
        throw new CalibmanError(`a dark-processing helper thread made no progress for ${STALL_SEC} s (chunk ${seen} of ${n}); stopped`);
      }
    }
    if (Atomics.load(ctrl, CTRL.ERR)) {
      this.close();
      throw new CalibmanError('a dark-processing helper thread failed in a WebAssembly kernel');
    }
  }

  /** Stop the helper threads. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    Atomics.add(this.ctrl, CTRL.GEN, 1);
    Atomics.notify(this.ctrl, CTRL.GEN);
    for (const t of this.threads) t.terminate();
  }
}

/**
 * The body of the helper threads' program (plain JavaScript): wait for a job, take chunks while they
 * belong to it, report them done; exit on `STOP`. It expects the bindings `memory` (the shared
 * WebAssembly.Memory) and `module` (the compiled engine) in scope; a thread port puts its own platform's
 * prelude in front that defines them.
 */
export const DARK_HELPER_BODY = `
const C = ${JSON.stringify(CTRL)};
const inst = new WebAssembly.Instance(module, { env: { memory } });
const kernels = ${JSON.stringify(DARK_KERNELS)}.map((k) => inst.exports[k]);
const ctrl = new Int32Array(memory.buffer, 0, ${DARK_CTRL_BYTES / 4});
let seen = -1;
for (;;) {
  Atomics.wait(ctrl, C.GEN, seen);
  const gen = Atomics.load(ctrl, C.GEN);
  seen = gen;
  if (Atomics.load(ctrl, C.STOP)) break;
  const kernel = kernels[ctrl[C.FN]];
  const n = ctrl[C.NCHUNK], chunk = ctrl[C.CHUNK], np = ctrl[C.NP];
  const args = Array.from(ctrl.subarray(C.ARGS, C.ARGS + ctrl[C.NARGS]));
  for (;;) {
    const v = Atomics.load(ctrl, C.NEXT);
    if ((v >>> 16) !== (gen & 0x7fff) || (v & 0xffff) >= n) break;
    if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
    const p0 = (v & 0xffff) * chunk;
    try { kernel(p0, Math.min(np, p0 + chunk), ...args); } catch { Atomics.store(ctrl, C.ERR, 1); }
    if (Atomics.add(ctrl, C.DONE, 1) + 1 === n) Atomics.notify(ctrl, C.DONE);
  }
}
`;
