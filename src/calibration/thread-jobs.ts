/**
 * The control-block protocol shared by the threaded WebAssembly engines (fast calibration,
 * ./fast-calib-threads.ts; dark kernels, ../dark/threads.ts): a job is `n` work items that the calling
 * thread and its helper threads take in turn over one shared memory. The first words of the control block:
 * `GEN` job number (15 bits), bumped and notified to start a job; `NEXT` `(job << 16) | next item`, taken
 * with compare-and-exchange so a late helper never runs an item of a job whose arguments it did not read;
 * `DONE` items finished; `ERR` a kernel failed in a helper; `STOP` ends the helpers. Each engine adds its
 * own words after these. Platform-neutral: starting threads is the engine's port.
 */
import { CalibmanError } from '../errors.js';

/** Word indices of the control block common to all threaded engines. */
export const JOB_CTRL = Object.freeze({ GEN: 0, NEXT: 1, DONE: 2, ERR: 3, STOP: 4 });

/** A started helper thread. */
export interface HelperThread {
  /** End the thread at once. */
  terminate(): void;
}

/** How an engine names itself and its work items in errors. */
export interface JobNames {
  /** The engine, e.g. `fast calibration engine`. */
  readonly engine: string;
  /** Its helper threads, e.g. `calibration helper thread`. */
  readonly helper: string;
  /** One work item, e.g. `group`. */
  readonly item: string;
}

/** Seconds without progress after which a job is declared lost. */
const STALL_SEC = 60;

/** Runs jobs over the control block at offset 0 of a shared memory on the calling thread and its helpers. */
export abstract class SharedJobRunner {
  /** The control block (int32 words). */
  protected readonly ctrl: Int32Array;
  private readonly threads: HelperThread[] = [];
  private gen = 0;
  private closed = false;

  /**
   * `ctrlBytes`: bytes of the control block; `start(tid)` starts helper `tid` (1, 2, …), `helpers` times;
   * `ends`: see {@link JobEnds} (default: every thread takes items in order from the front).
   */
  protected constructor(memory: WebAssembly.Memory, ctrlBytes: number, private readonly names: JobNames, helpers: number, start: (tid: number) => HelperThread, private readonly ends?: JobEnds) {
    this.ctrl = new Int32Array(memory.buffer, 0, ctrlBytes / 4);
    for (let t = 0; t < helpers; t++) this.threads.push(start(t + 1));
  }

  /** Helper threads running. */
  get helpers(): number {
    return this.threads.length;
  }

  /** Throws once the runner is closed. */
  protected assertOpen(): void {
    if (this.closed) throw new CalibmanError(`${this.names.engine} already closed`);
  }

  /** Start the next job (its own words already written) and wake the helpers; returns its number. */
  protected publish(): number {
    const ctrl = this.ctrl;
    const gen = (this.gen = (this.gen + 1) & 0x7fff);
    Atomics.store(ctrl, JOB_CTRL.DONE, 0);
    if (this.ends) {
      Atomics.store(ctrl, this.ends.front, 0);
      Atomics.store(ctrl, this.ends.back, 0);
    }
    Atomics.store(ctrl, JOB_CTRL.NEXT, gen << 16);
    Atomics.store(ctrl, JOB_CTRL.GEN, gen);
    Atomics.notify(ctrl, JOB_CTRL.GEN);
    return gen;
  }

  /** Take the items of job `gen` still free on this thread (`work(i)`), then wait until all `n` are done. */
  protected complete(gen: number, n: number, work: (i: number) => void): void {
    const ctrl = this.ctrl;
    for (;;) {
      const v = Atomics.load(ctrl, JOB_CTRL.NEXT);
      if (v >>> 16 !== gen || (v & 0xffff) >= n) break;
      if (Atomics.compareExchange(ctrl, JOB_CTRL.NEXT, v, v + 1) !== v) continue;
      work(this.ends ? Atomics.add(ctrl, this.ends.front, 1) : v & 0xffff);
      Atomics.add(ctrl, JOB_CTRL.DONE, 1);
    }
    let seen = Atomics.load(ctrl, JOB_CTRL.DONE);
    let since = Date.now();
    while (seen < n) {
      Atomics.wait(ctrl, JOB_CTRL.DONE, seen, 50);
      const d = Atomics.load(ctrl, JOB_CTRL.DONE);
      if (d !== seen) {
        seen = d;
        since = Date.now();
      } else if (Date.now() - since > STALL_SEC * 1000) {
        this.close();
        throw new CalibmanError(`a ${this.names.helper} made no progress for ${STALL_SEC} s (${this.names.item} ${seen} of ${n}); stopped`);
      }
    }
    if (Atomics.load(ctrl, JOB_CTRL.ERR)) {
      this.close();
      throw new CalibmanError(`a ${this.names.helper} failed in a WebAssembly kernel`);
    }
  }

  /** Stop the helper threads. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, JOB_CTRL.STOP, 1);
    Atomics.add(this.ctrl, JOB_CTRL.GEN, 1);
    Atomics.notify(this.ctrl, JOB_CTRL.GEN);
    for (const t of this.threads) t.terminate();
  }
}

/**
 * Two control words that split a job's items between the two ends of their order: the calling thread takes
 * items from the front (0, 1, …) and the helpers from the back (n − 1, n − 2, …), so that each thread keeps
 * mostly the same items from one job to the next (their data stays in its core's caches) and items running
 * at the same time are far apart. A claim is won on `NEXT` first (which bounds all claims at n), then
 * numbered by an atomic add on the word of its end, so front and back numbers never meet.
 */
export interface JobEnds {
  /** Word index counting the items claimed from the front. */
  readonly front: number;
  /** Word index counting the items claimed from the back. */
  readonly back: number;
}

/** The engine-specific parts of a helper thread's program (plain JavaScript source). */
export interface HelperProgramParts {
  /** All word indices of the engine's control block (bound as `C`). */
  readonly ctrl: Readonly<Record<string, number>>;
  /** Bytes of the control block. */
  readonly ctrlBytes: number;
  /** Statements run once at start (instantiate `module` on `memory`). */
  readonly setup: string;
  /** Statements run per job, defining `n` (its item count) and what `work` needs. */
  readonly perJob: string;
  /** Statements running item `i` of the job. */
  readonly work: string;
  /** Helpers take items from the back (see {@link JobEnds}); default: in order from the front. */
  readonly ends?: JobEnds;
}

/**
 * The body of a helper thread's program: wait for a job, take items while they belong to it, report them
 * done; exit on `STOP`. It expects `memory` (the shared WebAssembly.Memory) and `module` in scope (plus what
 * the parts use); a thread port puts its own platform's prelude in front that defines them.
 */
export function helperProgram(parts: HelperProgramParts): string {
  return `
const C = ${JSON.stringify(parts.ctrl)};
${parts.setup}
const ctrl = new Int32Array(memory.buffer, 0, ${parts.ctrlBytes / 4});
let seen = -1;
for (;;) {
  Atomics.wait(ctrl, C.GEN, seen);
  const gen = Atomics.load(ctrl, C.GEN);
  seen = gen;
  if (Atomics.load(ctrl, C.STOP)) break;
${parts.perJob}
  for (;;) {
    const v = Atomics.load(ctrl, C.NEXT);
    if ((v >>> 16) !== (gen & 0x7fff) || (v & 0xffff) >= n) break;
    if (Atomics.compareExchange(ctrl, C.NEXT, v, v + 1) !== v) continue;
    const i = ${parts.ends ? `n - 1 - Atomics.add(ctrl, ${parts.ends.back}, 1)` : 'v & 0xffff'};
    try { ${parts.work} } catch { Atomics.store(ctrl, C.ERR, 1); }
    if (Atomics.add(ctrl, C.DONE, 1) + 1 === n) Atomics.notify(ctrl, C.DONE);
  }
}
`;
}
