/**
 * The selection panel's lists: instruments and experiments found under a data root
 * (`<root>/<INS>/<exp>/{xtc,calib}`, instrument directories upper case, or lower case under S3DF).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RunNotFoundError } from '../errors.js';
import { instrumentCaseFor } from '../calibrun/dirs.js';
import { type ExperimentYearGroup, groupExperimentsByYear } from '../xtc/experiment-year.js';

/** One instrument directory of a data root. */
export interface InstrumentEntry {
  /** Instrument name, upper case (`CXI`). */
  readonly name: string;
  /** Its directory (`<root>/CXI`, or `<root>/cxi` under S3DF). */
  readonly dir: string;
}

/** Experiments of an instrument, as a chooser shows them. */
export interface ExperimentList {
  /** Instrument, e.g. `CXI`. */
  readonly instrument: string;
  /** The instrument directory listed. */
  readonly dir: string;
  /** Experiments (directories with an `xtc` or `calib` sub-directory), sorted. */
  readonly experiments: readonly string[];
  /** The same experiments by year (last two digits of the name, CalibManager's grouping); names without one last. */
  readonly byYear: readonly ExperimentYearGroup[];
}

async function isDir(p: string): Promise<boolean> {
  return (await fsp.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

async function readDir(dir: string, what: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    throw new RunNotFoundError(`cannot list the ${what} ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Instrument directories of a data root: three-letter names in the root's spelling (upper case, lower case
 * under `/sdf/data/lcls/ds`), sorted.
 * @throws RunNotFoundError when the root cannot be listed
 */
export async function listInstruments(root: string): Promise<InstrumentEntry[]> {
  const lower = instrumentCaseFor(root) === 'lower';
  const out: InstrumentEntry[] = [];
  for (const n of (await readDir(root, 'data root')).sort()) {
    if (!/^[A-Za-z]{3}$/.test(n) || n !== (lower ? n.toLowerCase() : n.toUpperCase())) continue;
    if (await isDir(path.join(root, n))) out.push({ name: n.toUpperCase(), dir: path.join(root, n) });
  }
  return out;
}

/**
 * Experiments of an instrument under a data root: directories `<root>/<INS>/<exp>` whose name starts with the
 * instrument and that hold an `xtc` or `calib` directory, sorted and grouped by year.
 * @throws RunNotFoundError when the instrument directory cannot be listed
 */
export async function listExperimentsByYear(root: string, instrument: string): Promise<ExperimentList> {
  const { dir, experiments } = await experimentDirs(root, instrument, 4);
  return { instrument: instrument.toUpperCase(), dir, experiments, byYear: groupExperimentsByYear(experiments) };
}

/**
 * Experiments of an instrument under a data root: directories `<root>/<INS>/<exp>` whose name starts with the
 * instrument (the instrument's own name too) and that hold an `xtc` or `calib` directory, sorted.
 * @throws RunNotFoundError when the instrument directory cannot be listed
 */
export async function listExperimentNames(root: string, instrument: string): Promise<string[]> {
  return (await experimentDirs(root, instrument, 0)).experiments;
}

/** The instrument directory and its experiment directories of at least `minLength` characters, sorted. */
async function experimentDirs(root: string, instrument: string, minLength: number): Promise<{ dir: string; experiments: string[] }> {
  const ins = instrumentCaseFor(root) === 'upper' ? instrument.toUpperCase() : instrument.toLowerCase();
  const dir = path.join(root, ins);
  const experiments: string[] = [];
  for (const n of (await readDir(dir, 'instrument directory')).sort()) {
    if (n.slice(0, 3).toLowerCase() !== instrument.toLowerCase() || n.length < minLength) continue;
    if ((await isDir(path.join(dir, n, 'xtc'))) || (await isDir(path.join(dir, n, 'calib')))) experiments.push(n);
  }
  return { dir, experiments };
}
