/** Progress of a dark pass, reported through the `onProgress` of its request. */
export interface DarkProgress {
  /** Events read from the run so far (including skipped and rejected ones). */
  eventsRead: number;
  /** Events accepted and fed to the accumulators. */
  eventsUsed: number;
  /** Target number of used events (`-n`). */
  eventsTarget: number;
  /** Seconds since the pass started. */
  elapsedSec: number;
  /** Events read per second. */
  rate: number;
  /** Estimated seconds left (undefined until known). */
  etaSec: number | undefined;
  /** Set on the last report of the pass. */
  done?: boolean;
}
