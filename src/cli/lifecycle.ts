import { CalibmanError } from '../errors.js';
import { removeTrackedTempFiles } from '../node/temp-files.js';

/**
 * Process life cycle of the calibman/calibrun commands: SIGINT/SIGTERM stop a command promptly with
 * exit status 128 + signal number (130, 143) and no temp files left behind, and a closed stdout
 * (`calibman xtc dump … | head`) ends the command quietly with status 0.
 */

/** Exit status of a command stopped by a signal (shell convention 128 + signal number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** A signal the commands stop on. */
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/** Something to undo when a command is stopped (synchronous: it runs just before the process exits). */
export type Cleanup = () => void;

const cleanups = new Set<Cleanup>();

/** Register a cleanup run when the command is stopped by a signal; returns its unregistration. */
export function onStop(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    try {
      fn();
    } catch {
      // a failing cleanup must not keep the others from running
    }
  }
  cleanups.clear();
  removeTrackedTempFiles();
}

/** Options of {@link installLifecycle}. */
export interface LifecycleOptions {
  /** Program name in the interruption message. */
  name: string;
  /**
   * Milliseconds a command may take to wind down after the first signal (it sees `signal` aborted);
   * then, or at a second signal, the process exits at once. 0 (default) exits immediately.
   */
  graceMs?: number;
}

/** What {@link installLifecycle} hands to the command. */
export interface Lifecycle {
  /** Aborted at the first SIGINT/SIGTERM; long commands pass it down. */
  readonly signal: AbortSignal;
  /** The signal that stopped the command, if any. */
  readonly stoppedBy: StopSignal | undefined;
  /** Exit status for the stop signal, if any. */
  readonly exitCode: number | undefined;
  /** Remove the handlers (tests; a CLI keeps them until the process ends). */
  dispose(): void;
}

/**
 * Install the signal and stdout handlers of a command. At the first SIGINT/SIGTERM the returned signal
 * is aborted; after `graceMs` (or at once, or at a second signal) the registered cleanups run, tracked
 * temp files are removed and the process exits with 130/143. A broken pipe on stdout (EPIPE) exits 0.
 */
export function installLifecycle(opts: LifecycleOptions): Lifecycle {
  const ac = new AbortController();
  let stoppedBy: StopSignal | undefined;
  let timer: NodeJS.Timeout | undefined;
  const exitNow = (code: number): never => {
    runCleanups();
    process.exit(code);
  };
  const onSignal = (sig: StopSignal) => {
    const code = SIGNAL_EXIT_CODES[sig];
    if (stoppedBy !== undefined || !opts.graceMs) {
      stoppedBy ??= sig;
      if (!ac.signal.aborted) ac.abort(stopError(opts.name, sig));
      exitNow(SIGNAL_EXIT_CODES[stoppedBy]);
    }
    stoppedBy = sig;
    process.stderr.write(`\n${opts.name}: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}, stopping (${sig === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to quit at once)\n`);
    ac.abort(stopError(opts.name, sig));
    timer = setTimeout(() => exitNow(code), opts.graceMs);
    timer.unref();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  // the reader went away (`| head`): stop quietly with the status so far; another output failure is an error
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exitNow(Number(process.exitCode ?? 0));
    try {
      process.stderr.write(`error: cannot write the output: ${err.code ?? err.message}\n`);
    } catch {
      // stderr is gone too
    }
    exitNow(1);
  };
  const onExit = () => removeTrackedTempFiles();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.stdout.on('error', onOutputError);
  process.stderr.on('error', onOutputError);
  process.on('exit', onExit);
  return {
    signal: ac.signal,
    get stoppedBy() {
      return stoppedBy;
    },
    get exitCode() {
      return stoppedBy ? SIGNAL_EXIT_CODES[stoppedBy] : undefined;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.stdout.off('error', onOutputError);
      process.stderr.off('error', onOutputError);
      process.off('exit', onExit);
    },
  };
}

function stopError(name: string, sig: StopSignal): CalibmanError {
  const err = new CalibmanError(`${name}: stopped by ${sig}`);
  err.name = 'AbortError';
  return err;
}
