import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/**
 * Facade input checks in the domain's words: a zod issue becomes a {@link ConfigError} naming the field,
 * what it should be (`a run number`) and what was given (`the string "7"`), whatever method received it.
 */

/** What each facade field should be, as a user would say it. */
const EXPECTED: Readonly<Record<string, string>> = {
  run: 'a run number',
  runs: 'a list of run numbers',
  numEvents: 'a number of events (an integer >= 1)',
  skipEvents: 'a number of events to skip (an integer >= 0)',
  scanEvents: 'a number of events to scan (an integer >= 0; 0 = no limit)',
  events: 'a number of events (an integer >= 1)',
  eventCodes: 'a list of event codes (integers; a negative code inverts the selection)',
  files: 'a non-empty list of xtc file paths',
  write: 'true or false',
  npy: 'true or false',
  dryRun: 'true or false',
  threads: 'a number of threads (an integer 1..64)',
  experiment: 'an experiment name like "cxi12345"',
  instrument: 'an instrument name like "cxi"',
  detectors: 'a list of detector menu names (CSPAD, Opal1000, …) or sources (CxiDs1.0:Cspad.0)',
  root: 'a data root directory',
  xtcDir: 'an xtc directory',
  calibDir: 'a calib directory',
  workDir: 'a work directory',
  filePrefix: 'a file name prefix',
  thresholds: 'an object of thresholds (intLo, intHi, rmsLo, rmsHi, intNLo, intNHi, rmsNLo, rmsNHi, fracLm, nrecs1)',
  intLo: 'an intensity limit in ADU (a finite number)',
  intHi: 'an intensity limit in ADU (a finite number)',
  rmsLo: 'an rms limit in ADU (a finite number)',
  rmsHi: 'an rms limit in ADU (a finite number; 0 = no hot-rms criterion)',
  intNLo: 'a number of sigmas (>= 0)',
  intNHi: 'a number of sigmas (>= 0)',
  rmsNLo: 'a number of sigmas (>= 0)',
  rmsNHi: 'a number of sigmas (>= 0)',
  fracLm: 'a fraction 0..1',
  nrecs1: 'a stage-1 block size (an integer >= 1)',
  dirMode: 'a directory mode such as 0o2775',
  fileMode: 'a file mode such as 0o664',
  group: 'a group name',
  historyFileName: 'a HISTORY file name (empty: no HISTORY records)',
  runRange: 'a run range like "42-end" or "5-17"',
  threshold: 'a change threshold (a number >= 0)',
  types: 'a list of calib types among pedestals, pixel_rms, pixel_status',
  comment: 'a comment text',
  signal: 'an AbortSignal',
  scan: 'true or false',
  intervalMs: 'a polling interval in ms (an integer >= 10)',
  initial: 'true or false',
  source: 'a psana source such as "CxiDs1.0:Cspad.0"',
  type: 'a calib type such as "pedestals"',
  from: 'the path of a calib file (.../<group>/<source>/<type>/<begin>-<end>.data)',
  path: 'the path of a calib file',
  file: 'a file path or name',
  keepBackup: 'true or false',
  force: 'true or false',
  fromCalibDir: "another experiment's calib directory",
  fromExperiment: 'an experiment name like "cxi12345"',
  fromRun: 'a run number',
  sources: 'a list of psana sources',
  geometry: '"store" or "default"',
  targetSize: 'a picture size in px (a number > 0) or "full"',
  colormap: 'a colour map name (viridis, inferno, magma, gray, jet, hot)',
  title: 'a title text',
  unit: 'a unit text such as "ADU"',
  bins: 'a number of bins (an integer >= 1)',
};

/** How a given value reads in a message: `the string "7"`, `the number -1`, `an array of 2 items`. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '...' : v)}`;
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'function') return 'a function';
  return 'an object';
}

function fieldName(path: readonly PropertyKey[], what: string): string {
  if (!path.length) return what;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * zod's parse options for inputs checked once per call (options of a facade method, calibrun's parameters): no
 * generated fast path, whose code generation (≈ 10 ms for calibrun's schemas) costs more than such a parse.
 * The checks and their issues are the same either way.
 */
export const PARSE_ONCE = { jitless: true } as const;

/**
 * Parse `value` with `schema`; the first problem becomes a ConfigError such as
 * `run: expected a run number, found the string "7"` or `foo: unknown runDark option`.
 * `what` names the input (`runDark`, `CalibManager`) for whole-value and unknown-key problems.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value, PARSE_ONCE);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = (issue as { keys?: string[] }).keys;
  if (issue.code === 'unrecognized_keys' && keys?.length) {
    const where = issue.path.length ? ` in ${fieldName(issue.path, what)}` : '';
    throw new ConfigError(keys.join(', '), `unknown ${what} option${keys.length > 1 ? 's' : ''}${where}`);
  }
  const named = [...issue.path].reverse().find((p): p is string => typeof p === 'string');
  const expected = (named !== undefined ? EXPECTED[named] : undefined) ?? (issue.path.length ? undefined : `options for ${what} (an object)`);
  const found = describeValue(valueAt(value, issue.path));
  throw new ConfigError(fieldName(issue.path, what), expected ? `expected ${expected}, found ${found}` : `${issue.message}, found ${found}`);
}
