import { Command, CommanderError } from 'commander';
import { reportError } from './action.js';
import { register as registerXtc } from './commands/xtc.js';
import { register as registerDark } from './commands/dark.js';
import { register as registerCalib } from './commands/calib.js';
import { register as registerGeometry } from './commands/geometry.js';
import { register as registerMask } from './commands/mask.js';
import { register as registerPlot } from './commands/plot.js';
import { register as registerMetrology } from './commands/metrology.js';
import { register as registerAlign } from './commands/align.js';
import { register as registerJobs } from './commands/jobs.js';
import { VERSION } from '../version.js';

/** Build the `calibman` command tree (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('calibman')
    .description('Calibration management for LCLS area detectors (XTC, dark processing, calib store, geometry)')
    .version(VERSION)
    .showHelpAfterError()
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
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.exitCode = reportError(err);
  }
}

await main(process.argv);
