import { ConfigError } from '../errors.js';

/** Where the events of a dark run come from, resolved from `-e/-r/-x`. */
export interface DatasetSpec {
  /** psana-style dataset text, e.g. `exp=cxi12345:run=42:dir=/data/CXI/cxi12345/xtc`, or the xtc file path. */
  text: string;
  /** Experiment named by the dataset (`exp=`), if any. */
  experiment?: string;
  /** Runs named by the dataset (`run=`), if any. */
  runs?: number[];
  /** xtc directory (`dir=` or a directory given to `-x`). */
  xtcDir?: string;
  /** Explicit xtc files (a single file given to `-x`). */
  files?: string[];
  /** `:smd` was given (accepted; this reader always reads the full xtc files). */
  smd?: boolean;
  /** `:live` was given: follow files that are still being written. */
  live?: boolean;
  /** `:stream=…` selection, if given. */
  streams?: number[];
}

/**
 * Parse a run list such as `42`, `2,4-7` into ascending-as-written run numbers.
 * @throws ConfigError (field `run`) on anything else.
 */
export function parseRunList(text: string, field = 'run'): number[] {
  const runs: number[] = [];
  const t = text.trim();
  if (!t) throw new ConfigError(field, 'expected a run number or list like "2,4-7", found an empty value');
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new ConfigError(field, `expected a run number or list like "2,4-7", found "${text}"`);
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a) throw new ConfigError(field, `run range "${part.trim()}" ends before it begins`);
    if (b - a > 100000) throw new ConfigError(field, `run range "${part.trim()}" is too long`);
    for (let r = a; r <= b; r++) if (!runs.includes(r)) runs.push(r);
  }
  return runs;
}

/** Parse a psana dataset string `exp=…:run=…[:dir=…][:smd][:live][:stream=…]`. */
export function parseDatasetString(text: string): DatasetSpec {
  const spec: DatasetSpec = { text };
  // split only before `key=`/flag fields, so that a `dir=` path containing ':' survives
  const fields = text.split(/:(?=[A-Za-z_]+(?:=|:|$))/);
  for (const raw of fields) {
    const f = raw.trim();
    if (!f) continue;
    const eq = f.indexOf('=');
    const key = eq < 0 ? f : f.slice(0, eq);
    const value = eq < 0 ? '' : f.slice(eq + 1);
    switch (key) {
      case 'exp':
        if (!value) throw new ConfigError('dsnamex', `empty "exp=" in dataset "${text}"`);
        spec.experiment = value;
        break;
      case 'run':
        spec.runs = parseRunList(value, 'dsnamex');
        break;
      case 'dir':
        if (!value) throw new ConfigError('dsnamex', `empty "dir=" in dataset "${text}"`);
        spec.xtcDir = value;
        break;
      case 'stream':
        spec.streams = parseRunList(value, 'dsnamex');
        break;
      case 'smd':
        spec.smd = true;
        break;
      case 'live':
        spec.live = true;
        break;
      case 'xtc':
      case 'idx':
        break;
      default:
        throw new ConfigError(
          'dsnamex',
          `unknown field "${f}" in dataset "${text}"; expected exp=, run=, dir=, stream=, smd, xtc, live`,
        );
    }
  }
  return spec;
}

/**
 * Resolve calibrun's `-x` value together with `-e`/`-r`:
 * * empty → `exp=<exp>:run=<run>` (standard xtc directory);
 * * starting with `:` → appended to `exp=<exp>:run=<run>` (e.g. `:dir=/path/xtc`, `:smd`);
 * * containing `exp=` or `run=` → a complete dataset string;
 * * ending in `.xtc` → a single xtc file;
 * * anything else → an xtc directory (legacy `-x`, `…/<INS>/<EXP>/xtc`).
 */
export function resolveDataset(x: string | undefined, experiment: string, runText: string): DatasetSpec {
  const base = `exp=${experiment}:run=${runText}`;
  if (x === undefined || x.trim() === '') return parseDatasetString(base);
  const v = x.trim();
  if (v.startsWith(':')) return parseDatasetString(base + v);
  if (/(^|:)(exp|run)=/.test(v)) return parseDatasetString(v);
  if (v.endsWith('.xtc')) return { text: v, files: [v] };
  return { ...parseDatasetString(base), xtcDir: v.replace(/\/+$/, '') || '/', text: `${base}:dir=${v}` };
}
