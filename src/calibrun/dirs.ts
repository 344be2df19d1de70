import { ConfigError } from '../errors.js';

/** The LCLS-I data root at SLAC before 2020 (instrument directories upper case). */
export const DATA_ROOT_REG = '/reg/d/psdm';
/** The S3DF data root (instrument directories lower case). */
export const DATA_ROOT_SDF = '/sdf/data/lcls/ds';
/** Environment variable psana and CalibManager read the data root from. */
export const DATA_ROOT_ENV = 'SIT_PSDM_DATA';

/** How the instrument directory is spelled under a data root. */
export type InstrumentCase = 'upper' | 'lower';

/**
 * Instrument of an experiment: its first three letters (`cxi12345` → `CXI`).
 * @throws ConfigError when the name is shorter than 4 characters or does not start with 3 letters.
 */
export function instrumentOf(experiment: string, letterCase: InstrumentCase = 'upper'): string {
  const m = /^([A-Za-z]{3})[A-Za-z0-9_]+$/.exec(experiment);
  if (!m) {
    throw new ConfigError('experiment', `expected a name like "cxi12345" (3-letter instrument + rest), found "${experiment}"`);
  }
  return letterCase === 'upper' ? m[1].toUpperCase() : m[1].toLowerCase();
}

/** The data root: an explicit value, else `$SIT_PSDM_DATA`, else `/reg/d/psdm`. */
export function dataRoot(explicit?: string, env: Record<string, string | undefined> = {}): string {
  const root = explicit ?? env[DATA_ROOT_ENV] ?? DATA_ROOT_REG;
  return root.length > 1 ? root.replace(/\/+$/, '') : root;
}

/** Instrument directory spelling for a data root: lower case under `/sdf/…` (S3DF), upper case elsewhere. */
export function instrumentCaseFor(root: string): InstrumentCase {
  return root.replace(/\/+$/, '').endsWith(DATA_ROOT_SDF) ? 'lower' : 'upper';
}

/** `<root>/<INS>/<EXP>` for an experiment. */
export function experimentDir(root: string, experiment: string, letterCase: InstrumentCase = instrumentCaseFor(root)): string {
  return `${root}/${instrumentOf(experiment, letterCase)}/${experiment}`;
}

/** Default xtc directory `<root>/<INS>/<EXP>/xtc`. */
export function defaultXtcDir(root: string, experiment: string, letterCase?: InstrumentCase): string {
  return `${experimentDir(root, experiment, letterCase)}/xtc`;
}

/** Default calib directory `<root>/<INS>/<EXP>/calib`. */
export function defaultCalibDir(root: string, experiment: string, letterCase?: InstrumentCase): string {
  return `${experimentDir(root, experiment, letterCase)}/calib`;
}

/**
 * Experiment and instrument named by a standard xtc directory path `…/<INS>/<EXP>/xtc`
 * (legacy calibrun `-x`), or undefined when the path does not have that shape.
 */
export function parseXtcDirPath(xtcDir: string): { root: string; instrument: string; experiment: string } | undefined {
  const parts = xtcDir.replace(/\/+$/, '').split('/');
  if (parts.length < 3 || parts[parts.length - 1] !== 'xtc') return undefined;
  const experiment = parts[parts.length - 2];
  const instrument = parts[parts.length - 3];
  if (!/^[A-Za-z]{3}$/.test(instrument) || experiment.slice(0, 3).toLowerCase() !== instrument.toLowerCase()) {
    return undefined;
  }
  return { root: parts.slice(0, -3).join('/') || '/', instrument, experiment };
}
