/**
 * Splitting one frame's fast calibration (./fast-calib.ts) over threads that share its WebAssembly
 * memory: the calling thread and its helpers take the frame's pixel groups one at a time, each with its
 * own scratch (thread id). The control block (first {@link CALIB_CTRL_BYTES} bytes, int32 words) is the only
 * channel: `GEN` job number, bumped and notified to start a frame; `NEXT` `(job << 16) | next group`, taken
 * with compare-and-exchange; `DONE` groups finished; `ERR` a kernel failed in a helper; `STOP` ends the
 * helpers; `NREG` groups of the job; `FRONT` / `BACK` groups claimed from either end (the calling thread
 * from the front, the helpers from the back, see JobEnds in ./thread-jobs.ts). Platform-neutral: starting
 * threads is a port (Node: src/node/detector-threads.ts); where the calling thread may not block (a
 * browser's main thread) run without helpers.
 */
import { helperProgram, SharedJobRunner } from './thread-jobs.js';

/** Bytes of the control block at offset 0 of the engine's memory. */
export const CALIB_CTRL_BYTES = 256;

/** Word indices of the control block (the shared words of ./thread-jobs.ts, then `NREG`, `FRONT`, `BACK`). */
export const CALIB_CTRL = Object.freeze({ GEN: 0, NEXT: 1, DONE: 2, ERR: 3, STOP: 4, NREG: 5, FRONT: 6, BACK: 7 });

/** Starts helper threads of a fast calibration engine. */
export interface CalibThreadPort {
  /** Start helper `tid` (1, 2, …): it instantiates `module` on the shared `memory` and serves jobs until `STOP`. */
  start(
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    tid: number,
  ): {
    /** End the helper at once. */
    terminate(): void;
  };
}

/** How many helper threads an engine may use, and how to start them. */
export interface CalibThreading {
  /** Helper threads besides the calling one (0 = none). */
  readonly helpers: number;
  /** How the helper threads are started. */
  readonly port: CalibThreadPort;
}

/** The calling thread takes groups from the front of the frame, the helpers from the back. */
const CALIB_ENDS = { front: CALIB_CTRL.FRONT, back: CALIB_CTRL.BACK };

const CALIB_JOB_NAMES = { engine: 'fast calibration engine', helper: 'calibration helper thread', item: 'group' };

/** Runs the groups of a frame on the calling thread (id 0) and its helpers. */
export class CalibJobRunner extends SharedJobRunner {
  constructor(memory: WebAssembly.Memory, module: WebAssembly.Module, private readonly kernel: (r0: number, r1: number, tid: number) => void, threading: CalibThreading) {
    super(memory, CALIB_CTRL_BYTES, CALIB_JOB_NAMES, threading.helpers, (tid) => threading.port.start(memory, module, tid), CALIB_ENDS);
  }

  /** Run groups [0, n) and return when all are done. */
  run(n: number): void {
    this.end(this.begin(n), n);
  }

  /** Hand groups [0, n) to the helpers and return at once; returns the job's number for {@link end}. */
  begin(n: number): number {
    this.assertOpen();
    this.ctrl[CALIB_CTRL.NREG] = n;
    return this.publish();
  }

  /** Take the groups of job `gen` (of `n`) still free on this thread, then wait until all are done. */
  end(gen: number, n: number): void {
    this.assertOpen();
    this.complete(gen, n, (r) => this.kernel(r, r + 1, 0));
  }
}

/**
 * The body of the helper threads' program (plain JavaScript): wait for a job, take groups while they
 * belong to it, report them done; exit on `STOP`. It expects the bindings `memory` (the shared
 * WebAssembly.Memory), `module` (the compiled shared-memory kernels) and `tid` (its thread id, ≥ 1) in
 * scope; a thread port puts its own platform's prelude in front that defines them.
 */
export const CALIB_HELPER_BODY = helperProgram({
  ctrl: CALIB_CTRL,
  ctrlBytes: CALIB_CTRL_BYTES,
  setup: 'const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.regions;',
  perJob: '  const n = ctrl[C.NREG];',
  work: 'kernel(i, i + 1, tid);',
  ends: CALIB_ENDS,
});
