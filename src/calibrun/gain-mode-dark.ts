/**
 * calibrun's Jungfrau gain-mode dark job (`calibrun -d JUNGFRAU -r 21,22,23 -P -D`): the platform-neutral job
 * of src/dark/gain-modes/jungfrau-job.ts, re-exported here for calibrun and the facade; importing this module
 * registers the job with the pipeline.
 */
export {
  JUNGFRAU_DARK_JOB,
  JUNGFRAU_MENU_NAME,
  jungfrauStagesOf,
  selectsJungfrau,
  type JungfrauDarkSourceResult,
  type JungfrauRunReport,
} from '../dark/gain-modes/jungfrau-job.js';
