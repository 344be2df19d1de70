/**
 * Splitting one frame's fast calibration (./fast-calib.ts) over threads that share its WebAssembly
 * memory: the calling thread and its helpers take the frame's pixel groups one at a time, each with its
 * own scratch (thread id). The control block (first {@link CALIB_CTRL_BYTES} bytes, int32 words) is the only
 * channel: `GEN` job number, bumped and notified to start a frame; `NEXT` `(job << 16) | next group`, taken
 * with compare-and-exchange; `DONE` groups finished; `ERR` a kernel failed in a helper; `STOP` ends the
 * helpers; `NREG` groups of the job. Platform-neutral: starting threads is a port (Node:
 * src/node/detector-threads.ts); where the calling thread may not block (a browser's main thread) run
 * without helpers.
 */
import { CalibmanError } from '../errors.js';

/** Bytes of the control block at offset 0 of the engine's memory. */
export const CALIB_CTRL_BYTES = 256;

/** Word indices of the control block. */
export const CALIB_CTRL = Object.freeze({ GEN: 0, NEXT: 1, DONE: 2, ERR: 3, STOP: 4, NREG: 5 });

/** Starts helper threads of a fast calibration engine. */
export interface CalibThreadPort {
  /** Start helper `tid` (1, 2, …): it instantiates `module` on the shared `memory` and serves jobs until `STOP`. */
  start(memory: WebAssembly.Memory, module: WebAssembly.Module, tid: number): { terminate(): void };
}

/** How many helper threads an engine may use, and how to start them. */
export interface CalibThreading {
  /** Helper threads besides the calling one (0 = none). */
  readonly helpers: number;
  readonly port: CalibThreadPort;
}

/** Seconds without progress after which a job is declared lost. */
const STALL_SEC = 60;

/** Runs the groups of a frame on the calling thread (id 0) and its helpers. */
export class CalibJobRunner {
  private readonly ctrl: Int32Array;
  private readonly threads: { terminate(): void }[] = [];
  private gen = 0;
  private closed = false;

  constructor(memory: WebAssembly.Memory, module: WebAssembly.Module, private readonly kernel: (r0: number, r1: number, tid: number) => void, threading: CalibThreading) {
    this.ctrl = new Int32Array(memory.buffer, 0, CALIB_CTRL_BYTES / 4);
    for (let t = 0; t < threading.helpers; t++) this.threads.push(threading.port.start(memory, module, t + 1));
  }

  /** Helper threads running. */
  get helpers(): number {
    return this.threads.length;
  }

  /** Run groups [0, n) and return when all are done. */
  run(n: number): void {
    if (this.closed) throw new CalibmanError('fast calibration engine already closed');
    const ctrl = this.ctrl;
    const C = CALIB_CTRL;
    const gen = (this.gen = (this.gen + 1) & 0x7fff);
    ctrl[C.NREG] = n;
    Atomics.store(ctrl, C.DONE, 0);
    Atomics.store(ctrl, C.NEXT, gen << 16);
    Atomics.store(ctrl, C.GEN, gen);
    Atomics.notify(ctrl, C.GEN);
    for (;;) {
      const v = Atomics.load(ctrl, C.NEXT);
      if (v >>> 16 !== gen || (v & 0xffff) >= n) break;
      if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
      const r = v & 0xffff;
      this.kernel(r, r + 1, 0);
      Atomics.add(ctrl, C.DONE, 1);
    }
    let seen = Atomics.load(ctrl, C.DONE);
    let since = Date.now();
    while (seen < n) {
      Atomics.wait(ctrl, C.DONE, seen, 50);
      const d = Atomics.load(ctrl, C.DONE);
      if (d !== seen) {
        seen = d;
        since = Date.now();
      } else if (Date.now() - since > STALL_SEC * 1000) {
        this.close();
        throw new CalibmanError(`a calibration helper thread made no progress for ${STALL_SEC} s (group ${seen} of ${n}); stopped`);
      }
    }
    if (Atomics.load(ctrl, C.ERR)) {
      this.close();
      throw new CalibmanError('a calibration helper thread failed in a WebAssembly kernel');
    }
  }

  /** Stop the helper threads. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CALIB_CTRL.STOP, 1);
    Atomics.add(this.ctrl, CALIB_CTRL.GEN, 1);
    Atomics.notify(this.ctrl, CALIB_CTRL.GEN);
    for (const t of this.threads) t.terminate();
  }
}

/**
 * The body of the helper threads' program (plain JavaScript): wait for a job, take groups while they
 * belong to it, report them done; exit on `STOP`. It expects the bindings `memory` (the shared
 * WebAssembly.Memory), `module` (the compiled shared-memory kernels) and `tid` (its thread id, ≥ 1) in
 * scope; a thread port puts its own platform's prelude in front that defines them.
 */
export const CALIB_HELPER_BODY = `
const C = ${JSON.stringify(CALIB_CTRL)};
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports.regions;
const ctrl = new Int32Array(memory.buffer, 0, ${CALIB_CTRL_BYTES / 4});
let seen = -1;
for (;;) {
  Atomics.wait(ctrl, C.GEN, seen);
  const gen = Atomics.load(ctrl, C.GEN);
  seen = gen;
  if (Atomics.load(ctrl, C.STOP)) break;
  const n = ctrl[C.NREG];
  for (;;) {
    const v = Atomics.load(ctrl, C.NEXT);
    if ((v >>> 16) !== (gen & 0x7fff) || (v & 0xffff) >= n) break;
    if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
    const r = v & 0xffff;
    try { kernel(r, r + 1, tid); } catch { Atomics.store(ctrl, C.ERR, 1); }
    if (Atomics.add(ctrl, C.DONE, 1) + 1 === n) Atomics.notify(ctrl, C.DONE);
  }
}
`;
