import { CalibStoreError } from '../errors.js';

/** The open end of a run range (`end` in a file name). */
export const OPEN_END = 'end';

/** Largest run number psana's Python tools accept in a calib file name (GUI fields, PSCalib). */
export const MAX_RUN = 9999;

/** Largest run the C++ finder represents (`end` = UINT_MAX). */
export const UINT_MAX = 4294967295;

/** A validity run range; `end` is inclusive, or `'end'` for an open range. */
export interface RunRange {
  /** First run of the range. */
  readonly begin: number;
  /** Last run of the range (inclusive), or open (`end`). */
  readonly end: number | typeof OPEN_END;
}

/** Numeric end of a range, `'end'` → {@link UINT_MAX} (the C++ finder's value). */
export function rangeEnd(r: RunRange): number {
  return r.end === OPEN_END ? UINT_MAX : r.end;
}

/** `42-end`, `5-17`: the text used in calib file names. */
export function formatRunRange(r: RunRange): string {
  return `${r.begin}-${r.end}`;
}

/**
 * Parse a run range for writing, `<begin>-<end>` with `end` a number or `end`, following PSCalib's
 * `makeCalibFileName` rules: integers, 0 ≤ begin ≤ end ≤ 9999.
 * @throws CalibStoreError saying what was expected and what was found
 */
export function parseRunRange(text: string): RunRange {
  const s = text.trim();
  const m = /^(\d+)-(\d+|end)$/.exec(s);
  if (!m) {
    throw new CalibStoreError(`run range "${text}": expected <begin>-<end> with end a run number or "end", e.g. 42-end or 5-17`);
  }
  const begin = Number(m[1]);
  const end = m[2] === OPEN_END ? OPEN_END : Number(m[2]);
  if (begin > MAX_RUN || (end !== OPEN_END && end > MAX_RUN)) {
    throw new CalibStoreError(`run range "${text}": run numbers must be between 0 and ${MAX_RUN}`);
  }
  if (end !== OPEN_END && end < begin) {
    throw new CalibStoreError(`run range "${text}": end ${end} is before begin ${begin}`);
  }
  return { begin, end };
}

/** A `.data` file name parsed the way psana's C++ finder does. */
export interface CalibFileName {
  /** The file name as listed, e.g. `0-end.data`. */
  readonly name: string;
  /** The run range the name encodes. */
  readonly range: RunRange;
}

/** Why a name in a type directory is not a calib file. */
export type SkipReason = 'history' | 'not-data' | 'malformed';

/**
 * Parse a directory entry as psana's finder (C++ `CalibFileFinder::selectCalibFile`): extension must be
 * `.data`; the stem is split at the first `-`; begin is an unsigned integer (leading zeros allowed); end is
 * `end` or an unsigned integer ≤ UINT_MAX. Returns the reason instead when the entry is skipped.
 */
export function parseCalibFileName(name: string): CalibFileName | SkipReason {
  if (name === 'HISTORY') return 'history';
  const dot = name.lastIndexOf('.');
  if (dot < 0 || name.slice(dot) !== '.data') return 'not-data';
  const stem = name.slice(0, dot);
  const m = /^(\d+)-(\d+|end)$/.exec(stem);
  if (!m) return 'malformed';
  const begin = Number(m[1]);
  const end = m[2] === OPEN_END ? OPEN_END : Number(m[2]);
  if (begin > UINT_MAX || (end !== OPEN_END && end > UINT_MAX)) return 'malformed';
  return { name, range: { begin, end } };
}

/** The file name for a range, `<begin>-<end>.data` (begin without zero padding, as CalibManager writes). */
export function calibFileName(r: RunRange): string {
  return `${formatRunRange(r)}.data`;
}
