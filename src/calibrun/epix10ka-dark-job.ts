/**
 * The Epix10ka-family gain-mode dark job on Node: the job itself is platform-neutral
 * (src/dark/gain-modes/epix10ka-job.ts, registered with the pipeline on import, reading through the run
 * port), re-exported here for calibrun and the facade, plus the header scan of a run on disk.
 */
import { openXtcRun } from '../node/xtc-run.js';
import type { OpenRunRequest } from '../pipeline/ports.js';

export {
  EPIX10KA_BATCH_REFUSAL,
  EPIX10KA_DARK_JOB,
  EPIX10KA_WORK_FILE_FORMAT,
  epix10ka2MMenuSelects,
  epix10kaReportOf,
  type Epix10kaJobSourceResult,
} from '../dark/gain-modes/epix10ka-job.js';

/** Calib cycles of the run (header scan): a calibration run has one per gain mode. */
export async function calibCyclesOfRun(open: OpenRunRequest, signal?: AbortSignal): Promise<number> {
  const run = await openXtcRun(open);
  try {
    return (await run.scan({ signal })).calibCycles;
  } finally {
    await run.close();
  }
}
