/** Text that goes into HISTORY records from a request: checks of the user's text and the comment of a forced deployment. */
import { CalibStoreError } from '../errors.js';
import { HISTORY_FIELD_KEYS } from './history.js';
import { findControlChar } from './layout.js';
import type { ValidationReport } from './validate.js';

/**
 * Check text that goes into a HISTORY record as given by the user (comment, experiment).
 * @throws CalibStoreError for control characters (a newline would forge a record)
 */
export function checkRecordText(text: string | undefined, what: string): void {
  if (text === undefined) return;
  const ctl = findControlChar(text);
  if (ctl) throw new CalibStoreError(`${what} ${JSON.stringify(text)} contains the control character ${ctl}; HISTORY records are single lines of printable text`);
  const key = RECORD_KEY.exec(text);
  if (key) throw new CalibStoreError(`${what} ${JSON.stringify(text)} contains "${key[0].trim()}", which would read as another field of the HISTORY record`);
}

/** A HISTORY field key after white space, as the record parser finds fields. */
const RECORD_KEY = new RegExp(`\\s(${HISTORY_FIELD_KEYS.join('|')}):`);

/** The HISTORY comment of a forced deployment: the given comment plus what was overridden, compactly. */
export function forcedComment(comment: string, forced: readonly string[], validation: ValidationReport | undefined): string {
  if (!forced.length) return comment;
  const shape = validation?.shape.length ? `found(${validation.shape.join(',')})` : 'type-mismatch';
  return `${comment} forced:detector-check-overridden:${shape}`;
}
