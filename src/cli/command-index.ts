/**
 * The top-level `calibman` commands as the help lists them, each with a loader of its module, so that the
 * CLI loads only the module of the command it runs (`calibman --help` loads none). Must match what each
 * module's `register` declares: test/cli/lazy-program.test.ts compares this with the full tree.
 */
import { Command, Option } from 'commander';
import { CalibmanError } from '../errors.js';
import { VERSION } from '../version.js';

/** One top-level command: what `calibman --help` shows of it and how to load it. */
export interface TopCommandEntry {
  name: string;
  description: string;
  /** Arguments as the help prints them, e.g. `<file>`. */
  args: readonly string[];
  /** True when the command has options of its own (the help then shows `[options]`). */
  hasOptions: boolean;
  /** Import the module that registers the command. */
  load: () => Promise<{ register(program: Command): void }>;
}

/** Top-level commands in help order. */
export const TOP_COMMANDS: readonly TopCommandEntry[] = [
  { name: 'xtc', description: 'Read, summarize and generate LCLS-I XTC files', args: [], hasOptions: false, load: () => import('./commands/xtc.js') },
  { name: 'dark', description: 'Dark (pedestal) processing: pedestals, pixel_rms, pixel_status', args: [], hasOptions: false, load: () => import('./commands/dark.js') },
  {
    name: 'calib',
    description:
      'The experiment calib directory <calib>/<group>/<source>/<type>/<begin>-<end>.data: find the file psana uses for a run, list what is deployed, deploy/copy/move/delete files with HISTORY records, compare new constants (docs/calib-store.md)',
    args: [],
    hasOptions: false,
    load: () => import('./commands/calib.js'),
  },
  {
    name: 'geometry',
    description: 'psana detector geometry files: coordinates, image index maps, masks, images, alignment, CrystFEL',
    args: [],
    hasOptions: false,
    load: () => import('./commands/geometry.js'),
  },
  {
    name: 'mask',
    description: 'Pixel masks (1 = good, 0 = masked): ROI forms drawn on the detector image, pixel_status masks',
    args: [],
    hasOptions: false,
    load: () => import('./commands/mask.js'),
  },
  {
    name: 'plot',
    description:
      'Render an ndarray file (.npy or psana ndarray text: raw frame, pedestals, pixel_rms, pixel_status, mask) as a PNG figure with axes and a colour bar (pixel_status: a legend of every status bit): assembled with its geometry when --geometry is given (axes in mm; empty image bins drawn as off-sensor and left out of the automatic range), otherwise 2-D arrays as they are and stacks of segments tiled. With --hist, draw the histogram (spectrum) of its values instead.',
    args: ['<file>'],
    hasOptions: true,
    load: () => import('./commands/plot.js'),
  },
  {
    name: 'metrology',
    description: 'Optical metrology (survey .xlsx or text) → CSPAD geometry, center and tilt constants, quality report',
    args: [],
    hasOptions: false,
    load: () => import('./commands/metrology.js'),
  },
  {
    name: 'align',
    description: 'fit the beam centre and align geometry objects (quads, modules, sensors) on a powder-ring image',
    args: [],
    hasOptions: true,
    load: () => import('./commands/align.js'),
  },
  {
    name: 'jobs',
    description: 'follow batch jobs recorded in a work directory (<work-dir>/jobs/<id>.json): list, show, cancel, retry',
    args: [],
    hasOptions: false,
    load: () => import('./commands/jobs.js'),
  },
  {
    name: 'det',
    description: 'Apply deployed constants: calibrated frames and assembled images of one source of a run (psana det.calib / det.image)',
    args: [],
    hasOptions: false,
    load: () => import('./commands/det.js'),
  },
];

/**
 * The top-level command an argument vector (as `process.argv`) runs: the first operand (the root
 * command's own options take no values), or the operand after `help`; undefined for none or an unknown name.
 */
export function commandNamed(argv: readonly string[]): TopCommandEntry | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  return TOP_COMMANDS.find((c) => c.name === name);
}

/** The root `calibman` command, without sub-commands. */
export function rootProgram(): Command {
  return new Command('calibman')
    .description('Calibration management for LCLS area detectors (XTC, dark processing, calib store, geometry)')
    .version(VERSION)
    .exitOverride();
}

/**
 * Register a stand-in for a command whose module is not loaded: the same name, description, arguments
 * and `[options]` marker in the root help; running it is an internal error (the CLI loads the module of
 * the command it runs).
 */
export function registerStandIn(program: Command, entry: TopCommandEntry): void {
  const cmd = program.command(entry.name).description(entry.description);
  for (const a of entry.args) cmd.argument(a);
  if (entry.hasOptions) cmd.addOption(new Option('--stand-in').hideHelp());
  cmd.action(() => {
    throw new CalibmanError(`internal: the module of "calibman ${entry.name}" was not loaded`);
  });
}
