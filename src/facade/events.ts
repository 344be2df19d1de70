/**
 * The Node-free events a `CalibManager` dispatches about a dark job (progress, log records), so that
 * the core (`calibman`) can name and construct them, e.g. in a browser page relaying a job's events.
 */
import type { DarkProgress } from '../pipeline/progress.js';

export { DarkLogEvent } from './log-event.js';

/** Progress event dispatched by `CalibManager` (`addEventListener('progress', …)`). */
export class DarkProgressEvent extends Event {
  /** @param progress where the job is (stage, events read/used, sources). */
  constructor(readonly progress: DarkProgress) {
    super('progress');
  }
}
