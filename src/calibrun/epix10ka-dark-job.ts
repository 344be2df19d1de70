/**
 * The Epix10ka-family gain-mode dark job of calibrun and the facade: the job itself is platform-neutral
 * (src/dark/gain-modes/epix10ka-job.ts, registered with the pipeline on import, reading through the run
 * port), re-exported here.
 */
export {
  EPIX10KA_BATCH_REFUSAL,
  EPIX10KA_DARK_JOB,
  EPIX10KA_WORK_FILE_FORMAT,
  epix10ka2MMenuSelects,
  epix10kaReportOf,
  type Epix10kaJobSourceResult,
} from '../dark/gain-modes/epix10ka-job.js';
