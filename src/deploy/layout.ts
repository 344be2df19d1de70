import { CalibStoreError } from '../errors.js';
import { isCalibType } from './calib-types.js';
import { calibGroupForSource } from './groups.js';
import { type RunRange, calibFileName } from './run-range.js';
import { isSourceDirName, sourceDirName } from './source.js';

/** Where one calibration file lives: `<calibDir>/<group>/<source>/<type>/<name>`. */
export interface CalibFileLocation {
  /** Root of the calib store, e.g. `<exp dir>/calib`. */
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
  return joinPath(calibDir, group !== undefined ? checkCalibGroup(group) : calibGroupForSource(src), src, type);
}

/** C0 and C1 control characters, DEL and the Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The first control character of `text` as `U+XXXX`, or `undefined` when there is none. */
export function findControlChar(text: string): string | undefined {
  const m = CONTROL.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * Check a name that becomes one path component inside the store: not empty, not `.` or `..`, no `/` or
 * `\\`, no control characters.
 * @throws CalibStoreError naming `what` and the offending text
 */
export function checkPathComponent(name: string, what: string): string {
  const ctl = findControlChar(name);
  const why =
    name === '' ? 'is empty'
      : name === '.' || name === '..' ? 'is a relative directory reference'
        : /[/\\]/.test(name) ? 'contains a path separator'
          : ctl ? `contains the control character ${ctl}`
            : undefined;
  if (why) throw new CalibStoreError(`${what} ${JSON.stringify(name)} ${why}; it must be a single directory or file name`);
  return name;
}

const GROUP_NAME = /^[A-Za-z][A-Za-z0-9_]*::[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Check a calib group directory name: one path component of psana's `<Family>::<Name>` form
 * (`CsPad::CalibV1`, `Camera::CalibV1`).
 * @throws CalibStoreError otherwise
 */
export function checkCalibGroup(group: string): string {
  checkPathComponent(group, 'calib group');
  if (!GROUP_NAME.test(group)) throw new CalibStoreError(`calib group ${JSON.stringify(group)} is not of psana's <Family>::<Name> form, e.g. CsPad::CalibV1 or Camera::CalibV1`);
  return group;
}

/**
 * Check a HISTORY file name: one path component that psana's finder ignores (not `<range>.data`, not a
 * dot-file that would be hidden from listings).
 * @throws CalibStoreError otherwise
 */
export function checkHistoryFileName(name: string): string {
  checkPathComponent(name, 'HISTORY file name');
  if (name.endsWith('.data') || name.startsWith('.')) {
    throw new CalibStoreError(`HISTORY file name ${JSON.stringify(name)} must not end in .data (psana would read it as constants) nor start with a dot`);
  }
  return name;
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
