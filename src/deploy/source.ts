import { CalibStoreError } from '../errors.js';
import { type DetInfoSource, detInfoText, isPsanaDetInfoText, readDetInfo } from '../xtc/source.js';

export type { DetInfoSource } from '../xtc/source.js';

/**
 * Parse a DetInfo source in any of its spellings (src/xtc/source.ts): calib directory form
 * `CxiDs1.0:Cspad.0`, psana printout `DetInfo(CxiDs1.0:Cspad.0)`, or pdsdata/RegDB `CxiDs1-0|Cspad-0`.
 * Aliases such as `cspad` are not sources and are refused.
 * @throws CalibStoreError naming the text and the accepted forms
 */
export function parseSource(text: string): DetInfoSource {
  const src = readDetInfo(text);
  if (!src) {
    throw new CalibStoreError(
      `source "${text}" is not a DetInfo source; expected <Det>.<id>:<Dev>.<id> (e.g. CxiDs1.0:Cspad.0), ` +
        'DetInfo(<Det>.<id>:<Dev>.<id>) or <Det>-<id>|<Dev>-<id>',
    );
  }
  return src;
}

/** The calib-directory spelling of a source, `CxiDs1.0:Cspad.0`. */
export function formatSource(src: Omit<DetInfoSource, 'kind'>): string {
  return detInfoText(src.detName, src.detId, src.devName, src.devId);
}

/** Any accepted source spelling → the calib directory name (`DetInfo(CxiDs1.0:Cspad.0)` → `CxiDs1.0:Cspad.0`). */
export function sourceDirName(text: string): string {
  return formatSource(parseSource(text));
}

/** True when `name` is a directory name of the `<Det>.<id>:<Dev>.<id>` form. */
export function isSourceDirName(name: string): boolean {
  return isPsanaDetInfoText(name);
}
