import { CommanderError } from 'commander';
import { CalibmanError } from '../../errors.js';
import { userErrorMessage } from '../action.js';
import type { runCalibrun, CalibrunOutcome } from '../../calibrun/app.js';
import { createProgressRenderer } from '../../calibrun/progress.js';
import { humanStamp } from '../../calibrun/session-log.js';
import type { DarkEngines } from '../../pipeline/ports.js';
import { buildCalibrunProgram, programOptionsToInput } from './program.js';

/** Message of calibrun without arguments: the required parameters, in calibrun's order of checks. */
export const MISSING_PARAMETERS = 'MISSING PARAMETERS --run or -r, --exp or -e, --detector or -d NEED TO BE SPECIFIED';

/** Where calibrun writes and what it runs with (process defaults in the real CLI; injectable for tests). */
export interface CalibrunMainIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** The XTC reader and dark accumulator, or a loader of them called once the command line asks for a run (the CLI's, so that `--help` and command-line errors do not load the pipeline). */
  engines: DarkEngines | (() => DarkEngines | Promise<DarkEngines>);
  signal?: AbortSignal;
  submitBatch?: Parameters<typeof runCalibrun>[1]['submitBatch'];
  /** Map the dark engine's memory on a helper thread while the pipeline loads (the CLI's; default false; see ./warm-engine.ts). */
  warmEngine?: boolean;
  /** Receives the outcome on success (tests). */
  onOutcome?: (o: CalibrunOutcome) => void;
}

/**
 * Run calibrun on `argv` (without `node` and the script) and return the exit status:
 * 0 success, 1 a calibman or operating-system error (message on stderr), 2 an internal error, 130 aborted
 * through `io.signal` (the CLI entry reports 143 when the abort came from SIGTERM).
 */
export async function calibrunMain(argv: string[], io: CalibrunMainIO): Promise<number> {
  if (argv.length === 0) {
    io.stderr.write(`${MISSING_PARAMETERS}\ntry: calibrun -h\n`);
    return 1;
  }
  const program = buildCalibrunProgram();
  program.configureOutput({ writeErr: (s) => io.stderr.write(s), writeOut: (s) => io.stdout.write(s) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 1;
    throw err;
  }
  const t0 = Date.now();
  if (io.warmEngine) (await import('./warm-engine.js')).warmEngineForOptions(program.opts(), io.env);
  const renderer = createProgressRenderer(io.stderr);
  try {
    // the dark pipeline and the facade load only once the command line asks for a run
    const { runCalibrun } = await import('../../calibrun/app.js');
    const engines = typeof io.engines === 'function' ? await io.engines() : io.engines;
    const outcome = await runCalibrun(programOptionsToInput(program.opts()), {
      env: io.env,
      cwd: io.cwd,
      argv: ['calibrun', ...argv],
      echo: (line) => io.stdout.write(line + '\n'),
      onProgress: (p) => renderer.update(p),
      signal: io.signal,
      engines,
      submitBatch: io.submitBatch,
    });
    renderer.end();
    io.stdout.write(`${humanStamp(new Date())} end of calibrun, consumed time = ${((Date.now() - t0) / 1000).toFixed(3)}(sec)\n`);
    io.onOutcome?.(outcome);
    return 0;
  } catch (err) {
    renderer.end();
    const message = userErrorMessage(err);
    if (message !== undefined) {
      io.stderr.write(`calibrun: ${message}\n`);
      return err instanceof CalibmanError && err.name === 'AbortError' ? 130 : 1;
    }
    io.stderr.write(`calibrun: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (io.env.CALIBMAN_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
    return 2;
  }
}
