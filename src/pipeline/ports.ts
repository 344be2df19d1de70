import type { DarkFileKind } from '../dark/file-names.js';
import type { DarkArrays } from '../dark/result.js';
import type { NdArray } from '../io/ndarray.js';
import type { DarkThresholds } from './params.js';
import type { ConfigEntry } from '../xtc/decoding.js';
import type { XtcScan } from '../xtc/scan.js';

/**
 * The ports of the dark pipeline: the narrow interfaces it needs for reading runs (the XTC reader) and
 * accumulating frames (the dark kernel, on one thread or several). src/calibrun/engines.ts binds them to the
 * real modules on Node; tests bind them to in-memory runs; a browser binds them to its own reader.
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
  /** Calib cycle of the event (0-based, -1 before the first BeginCalibCycle); absent when the reader does not tell. */
  readonly calibCycle?: number;
}

/** The configuration objects of a run in force at the current event (the XTC reader's `ConfigStore`). */
export interface RunConfigs {
  /** The configuration of type `typeId` of the source with DetInfo physical id `phy`, if any. */
  get(phy: number, typeId: number): ConfigEntry | undefined;
}

/** An open run. */
export interface RunReader {
  /** The xtc files read. */
  readonly files: readonly string[];
  /** The run's events in order (the signal stops the iteration). */
  events(opts?: { signal?: AbortSignal }): AsyncIterable<RunEvent>;
  /** Configurations in force at the event being read (gain-mode jobs need them; the XTC reader gives them). */
  readonly configs?: RunConfigs;
  /** Header scan of the whole run: calib cycles, events, sources (gain-mode jobs need it; the XTC reader gives it). */
  scan?(opts?: { signal?: AbortSignal }): Promise<Pick<XtcScan, 'calibCycles' | 'events' | 'sources'>>;
  /** Close the files. */
  close(): Promise<void> | void;
}

/** What to open: explicit files, or experiment/run in an xtc directory. */
export interface OpenRunRequest {
  /** Explicit xtc files (instead of xtcDir/experiment/run). */
  files?: string[];
  /** Directory holding the run's xtc files. */
  xtcDir?: string;
  /** Experiment, e.g. `cxi12345`. */
  experiment?: string;
  /** Run number. */
  run?: number;
  /** The experiment's ExpNameDb number: only `e<number>` files (or files named after the experiment) are read. */
  experimentNumber?: number;
  /** ExpNameDb file to look the number up in; `false` = none (absent: the reader searches `$SIT_DATA`). */
  expNameDb?: string | false;
  /** Wait for files still being written; gives up after `timeoutMs` ms without growth. */
  live?: {
    /** ms without growth before giving up. */
    timeoutMs: number;
  };
}

/** The per-source arrays of a finished dark accumulation (dark-processing.md §2.5): the kernel's {@link DarkArrays}. */
export type { DarkArrays } from '../dark/result.js';

/**
 * Work files of a detector job in a layout of their own (psana's Epix10ka merge files: `ave`/`rms` `%.3f`,
 * `sta` `%4i`, no comment lines): only the kinds listed are written, each with its number format.
 */
export interface DarkWorkFileFormat {
  /** printf format per kind written (`%.3f`); kinds not listed are not written. */
  formats: Partial<Record<DarkFileKind, string>>;
  /** Write the `DATASET`/`STATISTICS`/`ARR_TYPE`/`SOURCE` comment lines (default true). */
  comments?: boolean;
}

/** Accumulates the frames of one source. */
export interface SourceAccumulator {
  /** Add one raw frame (copied). */
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

/** Work files written for one source, by kind (paths as the writer port names them). */
export type DarkOutputFiles = Partial<Record<DarkFileKind, string>>;

/** Minimum number of frames a source needs (psana produces nothing with fewer than 3). */
export const MIN_DARK_FRAMES = 3;

/** Factories the driver uses. */
export interface DarkEngines {
  /** True when the run can also be opened from worker threads (the real XTC reader), enabling local parallelism. */
  parallelSafe?: boolean;
  /** Open a run for reading. */
  openRun(req: OpenRunRequest): Promise<RunReader>;
  /** A dark accumulator for one source of raw `shape`. */
  createAccumulator(thresholds: DarkThresholds, shape: readonly number[], source: string, options?: AccumulatorOptions): SourceAccumulator;
  /** Sources of a run with their detector types (optional; the facade falls back to reading events). */
  scanSources?(
    req: OpenRunRequest,
    opts: { events?: number; signal?: AbortSignal },
  ): Promise<
    {
      /** DetInfo source string. */
      source: string;
      /** Detector type, undefined if unknown. */
      detectorType: string | undefined;
    }[]
  >;
}
