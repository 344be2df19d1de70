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
  /** The stage of a gain-mode job being read (absent for the single-gain pass). */
  stage?: DarkProgressStage;
}

/**
 * Where a gain-mode dark job is: Jungfrau's dark run of one gain stage, or one calib cycle (gain mode) of an
 * Epix10ka-family calibration run.
 */
export interface DarkProgressStage {
  /** `gain-run`: one run per gain stage (Jungfrau); `calib-cycle`: one calib cycle per gain mode (Epix10ka). */
  kind: 'gain-run' | 'calib-cycle';
  /** 0-based position of the stage in the job (run of `-r`, calib cycle of the run). */
  index: number;
  /** Stages of the job (runs given, or dark calib cycles expected). */
  count: number;
  /** The gain mode or stage (`FH`, `AML-M`, `Normal-00`), once known. */
  mode?: string;
  /** The run being read. */
  run?: number;
  /** The source being calibrated (Epix10ka: each source is a pass of its own). */
  source?: string;
  /** Set on the report made when the stage is finished. */
  finished?: boolean;
}
