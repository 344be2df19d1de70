import { CalibStoreError } from '../errors.js';

/** A DAQ DetInfo address: detector name and id, device name and id (pdsdata enum names). */
export interface DetInfoSource {
  /** Detector (location) name, e.g. `CxiDs1`. */
  readonly detName: string;
  readonly detId: number;
  /** Device name, e.g. `Cspad`. */
  readonly devName: string;
  readonly devId: number;
}

const CALIB_FORM = /^([A-Za-z][A-Za-z0-9_]*)\.(\d+):([A-Za-z][A-Za-z0-9_]*)\.(\d+)$/;
const REGDB_FORM = /^([A-Za-z][A-Za-z0-9_]*)-(\d+)\|([A-Za-z][A-Za-z0-9_]*)-(\d+)$/;

/**
 * Parse a source in any of its three spellings: calib directory form `CxiDs1.0:Cspad.0`, psana printout
 * `DetInfo(CxiDs1.0:Cspad.0)` (text between the first `(` and the last `)`), or pdsdata/RegDB
 * `CxiDs1-0|Cspad-0`. Aliases such as `cspad` are not sources and are refused.
 * @throws CalibStoreError naming the text and the accepted forms
 */
export function parseSource(text: string): DetInfoSource {
  let s = text.trim();
  const open = s.indexOf('(');
  const close = s.lastIndexOf(')');
  if (open >= 0 && close > open) s = s.slice(open + 1, close).trim();
  const m = CALIB_FORM.exec(s) ?? REGDB_FORM.exec(s);
  if (!m) {
    throw new CalibStoreError(
      `source "${text}" is not a DetInfo source; expected <Det>.<id>:<Dev>.<id> (e.g. CxiDs1.0:Cspad.0), ` +
        'DetInfo(<Det>.<id>:<Dev>.<id>) or <Det>-<id>|<Dev>-<id>',
    );
  }
  return { detName: m[1], detId: Number(m[2]), devName: m[3], devId: Number(m[4]) };
}

/** The calib-directory spelling of a source, `CxiDs1.0:Cspad.0`. */
export function formatSource(src: DetInfoSource): string {
  return `${src.detName}.${src.detId}:${src.devName}.${src.devId}`;
}

/** Any accepted source spelling → the calib directory name (`DetInfo(CxiDs1.0:Cspad.0)` → `CxiDs1.0:Cspad.0`). */
export function sourceDirName(text: string): string {
  return formatSource(parseSource(text));
}

/** True when `name` is a directory name of the `<Det>.<id>:<Dev>.<id>` form. */
export function isSourceDirName(name: string): boolean {
  return CALIB_FORM.test(name);
}
