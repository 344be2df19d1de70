import { CalibStoreError } from '../errors.js';
import { isCalibType } from './calib-types.js';
import { calibGroupForSource } from './groups.js';
import { type RunRange, calibFileName } from './run-range.js';
import { isSourceDirName, sourceDirName } from './source.js';

/** Where one calibration file lives: `<calibDir>/<group>/<source>/<type>/<name>`. */
export interface CalibFileLocation {
  readonly calibDir: string;
  /** Calib group, e.g. `CsPad::CalibV1`. */
  readonly group: string;
  /** Source directory name, e.g. `CxiDs1.0:Cspad.0`. */
  readonly source: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type: string;
  /** File name, e.g. `0-end.data`. */
  readonly name: string;
}

/** Join path parts with `/` (calib stores are POSIX paths), without doubling separators. */
export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') || '/' : p.replace(/^\/+|\/+$/g, '')))
    .join('/')
    .replace(/^\/\//, '/');
}

/** `<calibDir>/<group>/<source>/<type>` for a source in any spelling; the group comes from the source unless given. */
export function calibTypeDir(calibDir: string, source: string, type: string, group?: string): string {
  checkType(type);
  const src = sourceDirName(source);
  return joinPath(calibDir, group ?? calibGroupForSource(src), src, type);
}

/** Full path of the calib file for a run range. */
export function calibFilePath(calibDir: string, source: string, type: string, range: RunRange, group?: string): string {
  return joinPath(calibTypeDir(calibDir, source, type, group), calibFileName(range));
}

/** Location parts of a calib file path (five levels: calib dir, group, source, type, file), or `undefined`. */
export function splitCalibFilePath(path: string): CalibFileLocation | undefined {
  const parts = path.replace(/\/+$/, '').split('/');
  if (parts.length < 5) return undefined;
  const [group, source, type, name] = parts.slice(-4);
  const calibDir = parts.slice(0, -4).join('/') || (path.startsWith('/') ? '/' : '.');
  if (!group.includes('::') || !isSourceDirName(source) || !name) return undefined;
  return { calibDir, group, source, type, name };
}

/** Last path component is `calib`, the convention every LCLS tool checks for a user-chosen directory. */
export function isCalibDirName(dir: string): boolean {
  const parts = dir.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1] === 'calib';
}

/** Experiment name from `<root>/<ins>/<exp>/calib`, or `''` when the path does not look like that. */
export function experimentFromCalibDir(dir: string): string {
  const parts = dir.replace(/\/+$/, '').split('/');
  const exp = parts.length >= 2 && parts[parts.length - 1] === 'calib' ? parts[parts.length - 2] : '';
  return exp === '.' || exp === '..' ? '' : exp;
}

/**
 * @throws CalibStoreError for a calib type psana does not know
 */
export function checkType(type: string): void {
  if (!isCalibType(type)) throw new CalibStoreError(`unknown calib type "${type}"; expected one of pedestals, pixel_status, pixel_rms, pixel_gain, pixel_mask, pixel_bkgd, common_mode, geometry, pixel_offset, status_extra, … (see docs/calib-store.md)`);
}
