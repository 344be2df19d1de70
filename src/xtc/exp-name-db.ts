/**
 * psana's experiment name database (`ExpNameDb/experiment-db.dat`): one line per experiment,
 * `<expnum> <INSTRUMENT> <expname>` separated by white space. LCLS-I DAQ files are named after the number
 * (`e<expnum>-r<run>-s<stream>-c<chunk>.xtc`), so this table links them to the experiment's name.
 */
import { ConfigError } from '../errors.js';

/** One experiment of the database. */
export interface ExpNameDbEntry {
  /** Experiment number, as in the `e<expnum>` part of the DAQ file names. */
  number: number;
  /** Instrument name as written in the file (`CXI`). */
  instrument: string;
  /** Experiment name (`cxitut13`). */
  experiment: string;
}

/** A parsed experiment name database. */
export interface ExpNameDb {
  /** Where it was read from (for messages). */
  readonly file: string | undefined;
  /** Every line of the database, in file order. */
  readonly entries: readonly ExpNameDbEntry[];
  /** The entry of an experiment name; when a name appears more than once the last line wins (as psana). */
  lookup(experiment: string): ExpNameDbEntry | undefined;
}

/**
 * Parse the text of an `experiment-db.dat` file. Blank lines are skipped.
 * @throws ConfigError (field `ExpNameDb`) naming the file and line of a line that is not `<number> <instrument> <name>`
 */
export function parseExpNameDb(text: string, file?: string): ExpNameDb {
  const entries: ExpNameDbEntry[] = [];
  const byName = new Map<string, ExpNameDbEntry>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 3 || !/^\d+$/.test(parts[0])) {
      throw new ConfigError(
        'ExpNameDb',
        `${file ?? 'experiment database'} line ${i + 1}: expected "<expnum> <INSTRUMENT> <experiment>", found "${line.slice(0, 80)}"`,
      );
    }
    const entry = { number: Number(parts[0]), instrument: parts[1], experiment: parts[2] };
    entries.push(entry);
    byName.set(entry.experiment, entry);
  }
  return { file, entries, lookup: (experiment) => byName.get(experiment) };
}
