/** Node side of psana's ExpNameDb: find `ExpNameDb/experiment-db.dat` and map an experiment name to its number. */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../errors.js';
import { type ExpNameDb, parseExpNameDb } from '../xtc/exp-name-db.js';
import { fileError } from './files.js';

/** Environment variable psana searches for data files (colon-separated directories). */
export const SIT_DATA_ENV = 'SIT_DATA';
/** Path of the database relative to a `$SIT_DATA` directory. */
export const EXP_NAME_DB_RELATIVE = 'ExpNameDb/experiment-db.dat';

async function isFile(p: string): Promise<boolean> {
  return (await fsp.stat(p).catch(() => undefined))?.isFile() ?? false;
}

/**
 * The database file psana would read: the first `<dir>/ExpNameDb/experiment-db.dat` that exists among the
 * colon-separated directories of `$SIT_DATA`; undefined when there is none.
 */
export async function findExpNameDb(env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  for (const dir of (env[SIT_DATA_ENV] ?? '').split(':')) {
    if (!dir.trim()) continue;
    const file = path.join(dir, EXP_NAME_DB_RELATIVE);
    if (await isFile(file)) return file;
  }
  return undefined;
}

/**
 * The database file named by a user: the file itself, or a directory holding `ExpNameDb/experiment-db.dat`
 * (a `$SIT_DATA` directory) or `experiment-db.dat`.
 * @throws ConfigError (field `field`) when no such file exists
 */
export async function expNameDbFileOf(given: string, field = 'ExpNameDb'): Promise<string> {
  const st = await fsp.stat(given).catch(() => undefined);
  if (st?.isFile()) return given;
  if (st?.isDirectory()) {
    for (const rel of [EXP_NAME_DB_RELATIVE, 'experiment-db.dat']) {
      const f = path.join(given, rel);
      if (await isFile(f)) return f;
    }
    throw new ConfigError(field, `no ${EXP_NAME_DB_RELATIVE} or experiment-db.dat in the directory ${given}`);
  }
  throw new ConfigError(field, `experiment database ${given} not found (expected psana's ExpNameDb/experiment-db.dat)`);
}

/** Read and parse a database file. */
export async function readExpNameDb(file: string): Promise<ExpNameDb> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw fileError(file, err, 'read the experiment database');
  }
  return parseExpNameDb(text, file);
}

/** What {@link resolveExperimentNumber} found. */
export interface ExperimentNumberLookup {
  /** The database file read, if any. */
  dbFile: string | undefined;
  /** The experiment's number, when the database lists it. */
  experimentNumber: number | undefined;
}

/**
 * The ExpNameDb number of an experiment: from the file given (`expNameDb`: file or directory, see
 * `expNameDbFileOf`), else from `$SIT_DATA`. No database, or an experiment it does not list,
 * gives an undefined number (run files are then recognised without it).
 */
export async function resolveExperimentNumber(
  experiment: string,
  opts: { expNameDb?: string; env?: Record<string, string | undefined>; field?: string } = {},
): Promise<ExperimentNumberLookup> {
  const dbFile = opts.expNameDb !== undefined ? await expNameDbFileOf(opts.expNameDb, opts.field) : await findExpNameDb(opts.env ?? process.env);
  if (!dbFile) return { dbFile, experimentNumber: undefined };
  const db = await readExpNameDb(dbFile);
  return { dbFile, experimentNumber: db.lookup(experiment)?.number };
}
