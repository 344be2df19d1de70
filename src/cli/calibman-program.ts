/** The whole `calibman` command tree built at once (tests, harnesses); the CLI loads it per command (calibman.ts). */
import type { Command } from 'commander';
import { finishCommandTree } from './program-setup.js';
import { TOP_COMMANDS, rootProgram } from './command-index.js';
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

const REGISTER: Readonly<Record<string, (program: Command) => void>> = {
  xtc: registerXtc,
  dark: registerDark,
  calib: registerCalib,
  geometry: registerGeometry,
  mask: registerMask,
  plot: registerPlot,
  metrology: registerMetrology,
  align: registerAlign,
  jobs: registerJobs,
  det: registerDet,
};

/** Build the complete `calibman` command tree, every command registered. */
export function buildProgram(): Command {
  const program = rootProgram();
  for (const c of TOP_COMMANDS) REGISTER[c.name](program);
  finishCommandTree(program);
  return program;
}
