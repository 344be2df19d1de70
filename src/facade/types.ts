/**
 * The facade's types that need no Node: what `CalibManager.runDark` / `loadJob` return and what `deploy`
 * takes, so that the core (`calibman`, e.g. a browser page showing a job) can name them. The Node parts of
 * the facade (the other files of src/facade) import them from here.
 */
import type { NdArray } from '../io/ndarray.js';
import type { DarkSourceResult } from '../pipeline/dark-pass.js';
import type { DarkOutputFiles } from '../pipeline/ports.js';

export type { DarkLogLevel, DarkLogRecord, DarkLogStep } from '../pipeline/log.js';

/**
 * The facade's view of one source of a dark job: the pipeline's result (its `arrays` are the kernel's
 * `DarkArrays`, with the kernel's names) plus the work files written and the bad-pixel count.
 */
export interface DarkConstants extends DarkSourceResult {
  /** Work files written for this source, by kind (`ave`, `rms`, `sta`, …). */
  files: DarkOutputFiles;
  /**
   * Pedestals, ADU (the detector's raw shape).
   * @deprecated The same array as `arrays.pedestals`; use that.
   */
  pedestals: NdArray;
  /**
   * Pixel rms, ADU (raw shape).
   * @deprecated The same array as `arrays.pixel_rms`; use that.
   */
  pixelRms: NdArray;
  /**
   * Pixel status bits (raw shape; 0 = good).
   * @deprecated The same array as `arrays.pixel_status`; use that.
   */
  pixelStatus: NdArray;
  /** Number of pixels with a non-zero status. */
  badPixels: number;
}

/** Result of `CalibManager.runDark`. */
export interface DarkJob {
  /** Experiment, e.g. `cxi12345`. */
  experiment: string;
  /** The dark run (the first of `runs`): it names the work files and the default run range. */
  run: number;
  /** Runs read, in order. */
  runs: number[];
  /** Constants of every processed source. */
  sources: DarkConstants[];
  /** Events read from the run(s). */
  eventsRead: number;
  /** Events that went into the constants. */
  eventsUsed: number;
  /** Events rejected (damaged or not selected). */
  eventsRejected: number;
  /** Wall time of the job, seconds. */
  elapsedSec: number;
  /** xtc files read. */
  xtcFiles: string[];
  /** Sources whose pedestals were written as zeros (`zeroPeds`, Rayonix); deployment takes those. */
  zeroPedsSources: string[];
  /** Constants of a source, or of the first source of a menu detector. */
  get(sourceOrDetector: string): DarkConstants;
}

/** What can be deployed: a {@link DarkJob}, or work files of an earlier job (calibrun `-D` without `-P`). */
export interface DarkDeployInput {
  /** Experiment, e.g. `cxi12345`. */
  experiment: string;
  /** Dark run (names the default run range `<run>-end`). */
  run: number;
  /** Work files per source (DetInfo source string → files by kind). */
  sources: readonly {
    /** DetInfo source string. */
    source: string;
    /** Its work files, by kind. */
    files: DarkOutputFiles;
  }[];
  /** Sources whose `zero` work file is deployed as pedestals. */
  zeroPedsSources?: readonly string[];
}
