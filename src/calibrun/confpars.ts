import { ConfigError } from '../errors.js';
import { DETECTOR_MENU_NAMES } from './detector-menu.js';

/**
 * `confpars-calibman.txt`, the configuration file of the calibman GUI that calibrun `-L` reads
 * (calibrun.md §5): one `NAME` (left-justified to 32) + space + value per line, sorted by name.
 */

/** Declared type of a configuration parameter (python CalibManager types). */
export type ConfparType = 'str' | 'int' | 'long' | 'float' | 'bool';
/** A parameter value; `null` is python `None`. */
export type ConfparValue = string | number | boolean | null;

/** Default file name, looked up in the current directory. */
export const CONFPARS_FILE_NAME = 'confpars-calibman.txt';

interface ConfparDecl {
  type: ConfparType;
  def: ConfparValue;
}

const decls = new Map<string, ConfparDecl>();
const declare = (name: string, type: ConfparType, def: ConfparValue) => decls.set(name, { type, def });

declare('INSTRUMENT_DIR', 'str', '/reg/d/psdm');
declare('INSTRUMENT_NAME', 'str', 'Select');
declare('EXPERIMENT_NAME', 'str', 'Select');
declare('DETECTOR_NAMES', 'str', '');
DETECTOR_MENU_NAMES.forEach((_, i) => declare(`DETECTOR_CBX_STATE:${String(i).padStart(3, '0')}`, 'bool', false));
declare('CALIB_DIRECTORY', 'str', 'Select');
declare('DIRECTORY_WORK', 'str', './work');
declare('DIRECTORY_RESULTS', 'str', './results');
declare('FILE_NAME_PREFIX', 'str', 'clb-');
declare('HISTORY_FILE_NAME', 'str', 'HISTORY');
declare('BATCH_QUEUE', 'str', 'psanaq');
declare('BATCH_SUBMIT_INTERVAL_SEC', 'int', 30);
declare('JOB_TIMEOUT_SEC', 'int', 2000);
declare('BATCH_DARK_START', 'int', 1);
declare('BATCH_DARK_END', 'int', 1000);
declare('BATCH_DARK_SCAN', 'int', 10);
declare('BATCH_DARK_EVCODES', 'str', null);
declare('MASK_PIX_ADU_THR_MIN', 'float', 0.1);
declare('MASK_PIX_ADU_THR_MAX', 'float', 16000);
declare('MASK_PIX_MIN_THR_RMS', 'float', 0.1);
declare('MASK_PIX_MAX_THR_RMS', 'float', 10000);
declare('MASK_PIX_INTNLO', 'float', 5);
declare('MASK_PIX_INTNHI', 'float', 5);
declare('MASK_PIX_RMSNLO', 'float', 5);
declare('MASK_PIX_RMSNHI', 'float', 5);
declare('MASK_PIX_IS_USED', 'bool', true);
declare('DARK_DEPLOY_HOTPIX', 'bool', true);
declare('DARK_DEPLOY_CMODE', 'bool', true);
declare('SMD_IS_ON', 'bool', false);
declare('DSNAME', 'str', '');
declare('DSNAMEX', 'str', '');
declare('DARK_LIST_SHOW_RUNS', 'str', 'in range');
declare('DARK_LIST_SHOW_DETS', 'str', 'any');
declare('DARK_LIST_RUN_MIN', 'int', 1);
declare('DARK_LIST_RUN_MAX', 'int', 10);
declare('LOG_LEVEL_OF_MSGS', 'str', 'info');
declare('SAVE_LOG_AT_EXIT', 'bool', true);
declare('SAVE_CONFIG_AT_EXIT', 'bool', true);
declare('LOGNAME', 'str', './work/logs/log.txt');

/** Names of the parameters this port knows, sorted as written. */
export function confparNames(): string[] {
  return [...decls.keys()].sort();
}

/** Declared type and default of a known parameter, or undefined. */
export function confparDecl(name: string): Readonly<ConfparDecl> | undefined {
  return decls.get(name);
}

/** The content of a confpars file: known parameters with typed values, unknown lines kept as text. */
export class Confpars {
  /** Known parameters that differ from or were explicitly set over the defaults. */
  readonly values = new Map<string, ConfparValue>();
  /** Lines whose name this port does not know (other GUI tabs): written back unchanged. */
  readonly extra = new Map<string, string>();
  /** Warnings collected while reading (unknown names). */
  readonly warnings: string[] = [];

  /** Value of a parameter, its default when unset or None. */
  get(name: string): ConfparValue {
    const d = decls.get(name);
    if (!d) throw new ConfigError(name, 'unknown configuration parameter');
    const v = this.values.get(name);
    return v === undefined || v === null ? d.def : v;
  }

  /** True when the parameter was given (in the file or by `set`) and is not python None. */
  isSet(name: string): boolean {
    return this.values.has(name) && this.values.get(name) !== null;
  }

  /** Set a known parameter, converting to its declared type (`null` = python None = default). */
  set(name: string, value: ConfparValue): this {
    const d = decls.get(name);
    if (!d) throw new ConfigError(name, 'unknown configuration parameter');
    this.values.set(name, value === null ? null : coerce(name, d.type, value));
    return this;
  }
}

function coerce(name: string, type: ConfparType, value: string | number | boolean): ConfparValue {
  switch (type) {
    case 'str':
      return typeof value === 'string' ? value : pyStr(value);
    case 'int':
    case 'long': {
      const n = typeof value === 'number' ? value : /^\s*[+-]?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
      if (!Number.isInteger(n)) throw new ConfigError(name, `expected an integer, found "${String(value)}"`);
      return n;
    }
    case 'float': {
      const n = typeof value === 'number' ? value : parsePyFloat(String(value));
      if (Number.isNaN(n) && !/^\s*[+-]?nan\s*$/i.test(String(value))) {
        throw new ConfigError(name, `expected a number, found "${String(value)}"`);
      }
      return n;
    }
    case 'bool': {
      if (typeof value === 'boolean') return value;
      const t = String(value).toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw new ConfigError(name, `expected True or False, found "${String(value)}"`);
    }
  }
}

function parsePyFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

/** Python `str()` of a value: `None`, `True`/`False`, floats with `.0` and 2-digit exponents. */
function pyStr(v: ConfparValue, type?: ConfparType): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (type === 'float') {
      if (Number.isNaN(v)) return 'nan';
      if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
      if (Number.isInteger(v) && Math.abs(v) < 1e16) return `${v}.0`;
      return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
    }
    return String(v);
  }
  return v;
}

/**
 * Parse the text of a confpars file. Empty lines are skipped; unknown names are kept in `extra` with a
 * warning; a value `none` (any case) means the default.
 * @throws ConfigError naming the file, line and parameter for a bad number or boolean.
 */
export function parseConfpars(text: string, file = CONFPARS_FILE_NAME): Confpars {
  const out = new Confpars();
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '') return;
    const sp = line.indexOf(' ');
    const name = sp < 0 ? line : line.slice(0, sp);
    const value = sp < 0 ? '' : line.slice(sp + 1).replace(/^ +| +$/g, '');
    const d = decls.get(name);
    if (!d) {
      out.extra.set(name, value);
      out.warnings.push(`${file} line ${i + 1}: unknown parameter ${name} ignored`);
      return;
    }
    if (value.toLowerCase() === 'none') {
      out.values.set(name, null);
      return;
    }
    try {
      out.values.set(name, coerce(name, d.type, value));
    } catch (err) {
      throw new ConfigError(name, `${file} line ${i + 1}: ${(err as ConfigError).message.replace(/^[^:]*: /, '')}`);
    }
  });
  return out;
}

/** Text of a confpars file: every known parameter (defaults where unset) plus the kept unknown lines, sorted. */
export function formatConfpars(pars: Confpars): string {
  const rows = new Map<string, string>();
  for (const name of decls.keys()) {
    const d = decls.get(name)!;
    const v = pars.values.has(name) ? pars.values.get(name)! : d.def;
    rows.set(name, pyStr(v === null ? d.def : v, d.type));
  }
  for (const [name, value] of pars.extra) if (!rows.has(name)) rows.set(name, value);
  return [...rows.keys()]
    .sort()
    .map((name) => `${name.padEnd(32)} ${rows.get(name)}\n`)
    .join('');
}
