import type { DType } from '../io/dtype.js';
import type { NdArray } from '../io/ndarray.js';
import type { DarkThresholds } from './config.js';

/**
 * The narrow interfaces the run-level dark driver needs from the XTC reader and the dark accumulator.
 * `engines.ts` binds them to the real modules; tests may bind them to in-memory runs.
 */

/** One event of a run (a subset of the XTC reader's `XtcEvent`). */
export interface RunEvent {
  /** 0-based index of the event in the run. */
  readonly index: number;
  /** EVR event codes present in the event (empty when the event has no EVR data). */
  readonly eventCodes: readonly number[];
  /** DetInfo sources with data in this event (`CxiDs1.0:Cspad.0`). */
  readonly sources: readonly string[];
  /** Raw frame of a source; a view valid until the next event (decoded into `into` where the decoder can). */
  frame(source: string, into?: Uint16Array): NdArray | undefined;
  /** Damage word of a source's data (0 = intact). */
  damage(source: string): number;
}

/** An open run. */
export interface RunReader {
  /** The xtc files read. */
  readonly files: readonly string[];
  events(opts?: { signal?: AbortSignal }): AsyncIterable<RunEvent>;
  close(): Promise<void> | void;
}

/** What to open: explicit files, or experiment/run in an xtc directory. */
export interface OpenRunRequest {
  files?: string[];
  xtcDir?: string;
  experiment?: string;
  run?: number;
  /** The experiment's ExpNameDb number: only `e<number>` files (or files named after the experiment) are read. */
  experimentNumber?: number;
  /** ExpNameDb file to look the number up in; `false` = none (absent: the reader searches `$SIT_DATA`). */
  expNameDb?: string | false;
  live?: { timeoutMs: number };
}

/** The per-source arrays of a finished dark accumulation (dark-processing.md §2.5). */
export interface DarkArrays {
  /** Gated average (ADU), float. */
  pedestals: NdArray;
  /** Gated rms (ADU), float. */
  pixel_rms: NdArray;
  /** Status bits, 0 = good. */
  pixel_status: NdArray;
  /** 1 = good, 0 = bad. */
  mask?: NdArray;
  /** Max / min of the raw values (ADU). */
  max: NdArray;
  min: NdArray;
  /** Value written as `STATISTICS` (psana: number of records − 1). */
  statistics: number;
  /** numpy dtype names for the file headers, by array name. */
  dtypes?: Partial<Record<'pedestals' | 'pixel_rms' | 'pixel_status' | 'mask' | 'max' | 'min', DType>>;
}

/** Accumulates the frames of one source. */
export interface DarkAccumulator {
  add(frame: NdArray): void;
  /** Where the next frame will be stored (raw 16-bit words), for decoding straight into it. */
  nextSlot?(): Uint16Array | undefined;
  /** Frames added so far. */
  readonly count: number;
  /** @throws InsufficientDataError when too few frames were added. */
  finish(): DarkArrays;
  /** Release helper threads when the pass ends without `finish` (error, abort). */
  close?(): void;
}

/** Options of {@link DarkEngines.createAccumulator}. */
export interface AccumulatorOptions {
  /** Threads that may share the accumulation (the calling one included; default 1). */
  threads?: number;
}

/** Minimum number of frames a source needs (psana produces nothing with fewer than 3). */
export const MIN_DARK_FRAMES = 3;

/** Factories the driver uses. */
export interface DarkEngines {
  /** True when the run can also be opened from worker threads (the real XTC reader), enabling local parallelism. */
  parallelSafe?: boolean;
  openRun(req: OpenRunRequest): Promise<RunReader>;
  createAccumulator(thresholds: DarkThresholds, shape: readonly number[], source: string, options?: AccumulatorOptions): DarkAccumulator;
  /** Sources of a run with their detector types (optional; the facade falls back to reading events). */
  scanSources?(req: OpenRunRequest, opts: { events?: number; signal?: AbortSignal }): Promise<{ source: string; detectorType: string | undefined }[]>;
}
