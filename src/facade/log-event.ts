/**
 * The `log` event of {@link CalibManager}: one record of a job's steps (parameters, selection counts, file
 * writes, deployment commands, warnings), with the text calibrun's session log has for it.
 */
import type { DarkLogLevel, DarkLogRecord, DarkLogStep } from '../pipeline/log.js';

export type { DarkLogLevel, DarkLogRecord, DarkLogStep } from '../pipeline/log.js';

/** Log event dispatched by `CalibManager` (`addEventListener('log', …)`). */
export class DarkLogEvent extends Event {
  /** `info`, `warn` or `error`. */
  readonly level: DarkLogLevel;
  /** When the record was made. */
  readonly time: Date;
  /** The text (may span lines). */
  readonly message: string;
  /** The step of the job it reports. */
  readonly step: DarkLogStep;

  /**
   * @param record The record this event carries (also kept whole as `record`).
   */
  constructor(
    /** The record, as the pipeline's log port received it. */
    readonly record: DarkLogRecord,
  ) {
    super('log');
    this.level = record.level;
    this.time = record.time;
    this.message = record.message;
    this.step = record.step;
  }
}
