import { Command, CommanderError } from 'commander';
import { reportError } from './action.js';
import { isEntryModule } from './entry.js';
import { installLifecycle } from './lifecycle.js';
import { finishCommandTree } from './program-setup.js';
import { register as registerXtc } from './commands/xtc.js';
import { register as registerDark } from './commands/dark.js';
import { register as registerCalib } from './commands/calib.js';
import { register as registerGeometry } from './commands/geometry.js';
import { register as registerMask } from './commands/mask.js';
import { register as registerPlot } from './commands/plot.js';
import { register as registerMetrology } from './commands/metrology.js';
import { register as registerAlign } from './commands/align.js';
import { register as registerJobs } from './commands/jobs.js';
import { register as registerDet } from './commands/det.js';
import { VERSION } from '../version.js';

/** Build the `calibman` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('calibman')
    .description('Calibration management for LCLS area detectors (XTC, dark processing, calib store, geometry)')
    .version(VERSION)
    .exitOverride();
  registerXtc(program);
  registerDark(program);
  registerCalib(program);
  registerGeometry(program);
  registerMask(program);
  registerPlot(program);
  registerMetrology(program);
  registerAlign(program);
  registerJobs(program);
  registerDet(program);
  finishCommandTree(program);
  return program;
}

/**
 * Run `calibman` on `argv` (as `process.argv`) and return the exit status: 0 success, 1 an error
 * (message on stderr) or a usage error; 130/143 when stopped by SIGINT/SIGTERM (see src/cli/lifecycle.ts).
 */
export async function calibmanMain(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    return reportError(err);
  }
}

if (isEntryModule(import.meta.url)) {
  installLifecycle({ name: 'calibman' });
  process.exitCode = await calibmanMain(process.argv);
}
