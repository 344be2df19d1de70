/** What the calib store's writing operations take and give: the requests, their result, and a write prepared from a request. */
import type { DType } from '../io/dtype.js';
import type { CalibOperation, RunRange, ValidationReport } from '../deploy/index.js';

/** What to deploy and where. Give exactly one of `srcFile` and `bytes`. */
export interface DeployRequest {
  /** Input file (psana ndarray text, or geometry text). */
  readonly srcFile?: string;
  /** Input content instead of a file. */
  readonly bytes?: Uint8Array;
  /** Name for `bytes` in HISTORY `copy_of:` (default `<bytes>`). */
  readonly label?: string;
  /** Source in any spelling (`CxiDs1.0:Cspad.0`, `DetInfo(…)`, `CxiDs1-0|Cspad-0`). */
  readonly source: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type: string;
  /** Validity range, `42-end` or `{begin, end}`. */
  readonly runRange: string | RunRange;
  /** Calib group; default from the source's device. */
  readonly group?: string;
  /** HISTORY comment (default `calibman-deploy`). */
  readonly comment?: string;
  /** Plan and validate only; nothing is written. */
  readonly dryRun?: boolean;
  /** Run for HISTORY `run:` (the dark run); default the range's begin. */
  readonly run?: number;
  /** Experiment for HISTORY `exp:`; default the store's. */
  readonly experiment?: string;
  /**
   * Expected shape / dtype on top of what the source's detector type requires (registry shape, psana's text
   * layouts); `false` skips validation (not recommended).
   */
  readonly expect?:
    | {
        /** Expected shape (psana's ndarray shape). */
        readonly shape?: readonly number[];
        /** Expected dtype. */
        readonly dtype?: DType;
      }
    | false;
  /**
   * Deploy although the file does not fit the source's detector type (shape, calib type): the deliberate
   * exception, recorded in the HISTORY comment as `forced:`. Content problems (parse errors, NaN) are
   * still refused.
   */
  readonly force?: boolean;
}

/** Copy/move a calib file into this store with a new run range. */
export interface CopyRequest {
  /** A calib file path `.../<group>/<source>/<type>/<name>` (any store, e.g. another experiment's). */
  readonly from: string;
  /** Validity range of the copy, `42-end` or `{begin, end}`. */
  readonly runRange: string | RunRange;
  /** Target source; default that of the input path. */
  readonly source?: string;
  /** Target calib type; default that of the input path. */
  readonly type?: string;
  /** Target calib group; default that of the input path. */
  readonly group?: string;
  /** HISTORY comment; default `single-file-manager` (the CLI uses `group-file-manager` for several files). */
  readonly comment?: string;
  /** Plan and validate only; nothing is written. */
  readonly dryRun?: boolean;
  /** Run for HISTORY `run:`; default the range's begin. */
  readonly run?: number;
  /** Experiment for HISTORY `exp:`; default the store's. */
  readonly experiment?: string;
  /** Validate the content before copying (default true). */
  readonly validate?: boolean;
  /** As {@link DeployRequest.force}. */
  readonly force?: boolean;
}

/** Delete a calib file of this store: by path, or by source/type and file name (or range). */
export interface RemoveRequest {
  /** The calib file's path (instead of source/type/file). */
  readonly path?: string;
  /** Source in any spelling. */
  readonly source?: string;
  /** Calib type, e.g. `pedestals`. */
  readonly type?: string;
  /** Calib group; default from the source's device. */
  readonly group?: string;
  /** File name (`0-end.data`) or range (`0-end`). */
  readonly file?: string;
  /** HISTORY comment; default `single-file-manager`. */
  readonly comment?: string;
  /** Plan only; nothing is removed. */
  readonly dryRun?: boolean;
  /** Keep the file under a timestamped name (default true); false really deletes, as CalibManager does. */
  readonly keepBackup?: boolean;
}

/** What an operation did (or, for a dry run, would do). */
export interface StoreOperationResult {
  /** True when nothing was written (a dry run). */
  readonly dryRun: boolean;
  /** The calib file written or removed. */
  readonly target: string;
  /** Name an overwritten/deleted file was kept under, if any. */
  readonly backup: string | undefined;
  /** The file operations, in order (mkdir, backup, copy, remove, HISTORY records). */
  readonly operations: readonly CalibOperation[];
  /** Content validation of the input, undefined when skipped. */
  readonly validation: ValidationReport | undefined;
  /** Non-fatal problems (chgrp refused, calib dir not named `calib`, a forced detector mismatch). */
  readonly warnings: readonly string[];
  /** Detector-type problems deployed anyway because the request was forced (also in the HISTORY comment). */
  readonly forced: readonly string[];
}

/** One validated write of a deploy, copy or move: where, what (content or a checked file), and its HISTORY fields. */
export interface WriteJob {
  /** Content given in memory; else that of `file`, read again when written and checked against `size` and `digest`. */
  readonly content?: Uint8Array;
  /** Input file, when no `content` is given. */
  readonly file?: string;
  /** Input size, bytes. */
  readonly size: number;
  /** SHA-256 of the input as checked (hex); a file is checked against it again when copied. */
  readonly digest: string;
  /** The input's name in HISTORY `copy_of:`. */
  readonly fromLabel: string;
  /** Target calib group, e.g. `CsPad::CalibV1`. */
  readonly group: string;
  /** Target source directory name. */
  readonly source: string;
  /** Target calib type. */
  readonly type: string;
  /** Validity range of the written file. */
  readonly range: RunRange;
  /** HISTORY `comment:` (with the `forced:` note of a forced deployment). */
  readonly comment: string;
  /** HISTORY `run:`. */
  readonly run: number | string;
  /** HISTORY `exp:`. */
  readonly experiment: string;
  /** Plan only; nothing is written. */
  readonly dryRun: boolean;
  /** Remove this input after writing (move). */
  readonly removeInput?: string;
  readonly validation?: ValidationReport;
  /** Detector-type problems overridden by `force`. */
  readonly forced: readonly string[];
}
