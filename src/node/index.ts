/**
 * calibman/node — the platform-neutral core (everything `calibman` exports) plus what needs Node: files and
 * run discovery, the calib store on disk, worker threads, SLURM jobs, calibrun, the {@link CalibManager}
 * facade and `openDetector`.
 * @packageDocumentation
 * @module calibman/node
 */

export * from '../index.js';

// ---- PNG: node:zlib compresses every PNG encoded in this process (installed at load) ---------------
export { nodePngDeflate } from './png-deflate.js';

// ---- files: ndarrays, xtc runs, ExpNameDb -------------------------------------------------------
export { readNpyFile, writeNpyFile, readNpyFileHeader } from './npy-files.js';
export { openXtcRun, findRunFiles, listRuns, type XtcRun, type RunFiles, type OpenXtcRunOptions, type RunLookupOptions } from './xtc-run.js';
export { findExpNameDb, readExpNameDb, resolveExperimentNumber, type ExperimentNumberLookup } from './exp-name-db.js';
export { openXtcFile, type LiveOptions } from './xtc-file-source.js';
export { writeSyntheticRun, type WriteSyntheticRunOptions, type WrittenSyntheticRun } from './xtc-synthetic.js';
export { runEpix10kaCalibration, writeEpix10kaWorkFiles, type Epix10kaCalibrationRequest, type Epix10kaCalibrationResult } from '../calibrun/epix10ka-dark.js';

// ---- dark processing threads (worker_threads) ---------------------------------------------------
export { nodeDarkThreading, nodeDarkThreadPort } from './dark-threads.js';

// ---- calib store on disk ------------------------------------------------------------------------
export { CalibStore, openCalibStore } from './calib-store.js';
export type {
  CalibStoreOptions,
  TypeAddress,
  StoreFindResult,
  StoreStatus,
  TypeDirFiles,
  TypeStatus,
  StoreDiffResult,
  DeployRequest,
  CopyRequest,
  RemoveRequest,
  StoreOperationResult,
  StoreSettings,
} from './calib-store.js';

// ---- dark report files --------------------------------------------------------------------------
export {
  darkReportSection,
  writeDarkReport,
  rawVsCalibratedSection,
  type DarkReportSource,
  type DarkReportSectionOptions,
  type RawVsCalibratedInput,
} from './dark-report.js';

// ---- calibrated frames from a run --------------------------------------------------------------
export { openDetector, type OpenDetectorOptions, type OpenedDetector } from './detector.js';

// ---- jobs: local worker pool, SLURM -------------------------------------------------------------
export type {
  JobPhase,
  PieceSpec,
  SlurmOptions,
  SchedulerStatus,
  TaskRecord,
  SubmissionRecord,
  JobRecord,
  SubmitPiecesOptions,
  MonitorOptions,
  WaitOptions,
  SlurmClientOptions,
  CommandRunner,
  CommandResult,
  CliCommandOptions,
  WorkerPoolOptions,
  TransferResult,
  IndexRange,
  InvalidJobRecord,
} from '../jobs/index.js';
export {
  submitPieces,
  refreshJob,
  waitForJob,
  cancelJob,
  retryJob,
  getJob,
  readJobRecord,
  listJobRecords,
  scanJobRecords,
  SlurmClient,
  resolveCliCommand,
  runInWorkers,
  serveWorkerTasks,
  withTransfer,
} from '../jobs/index.js';

// ---- facade -------------------------------------------------------------------------------------
export { CalibManager, DarkProgressEvent, CalibManagerConfigSchema, DarkJobOptionsSchema } from '../facade/calib-manager.js';
export type {
  CalibManagerConfig,
  CalibManagerEventMap,
  CalibManagerConfigInput,
  DarkJobOptionsInput,
  DarkJob,
  DarkConstants,
  QualityCheck,
} from '../facade/calib-manager.js';
export { RunsEvent, RunsOptionsSchema, WatchRunsOptionsSchema } from '../facade/runs.js';
export type { RunRecord, RunFile, RunStatus, ProcessedStatus, WorkFile, DeployedConstants, ScannedSource, RunsOptions, WatchRunsOptions, RunsChange } from '../facade/runs.js';
export type { InstrumentEntry, ExperimentList } from '../facade/data-root.js';
export { CopyFileOptionsSchema, DeleteFileOptionsSchema, DeployFileOptionsSchema, GroupCopyOptionsSchema } from '../facade/store-ops.js';
export type { ConfirmationWindow, FileManagerResult, DeployedTypeFiles, CopyFileOptions, DeleteFileOptions, DeployFileOptions, GroupCopyOptions } from '../facade/store-ops.js';
export { PictureOptionsSchema } from '../facade/pictures.js';
export type { PictureJob, PictureConstants, PictureOptions } from '../facade/pictures.js';
export { DarkLogEvent } from '../facade/log-event.js';
export type { DarkLogLevel, DarkLogRecord, DarkLogStep } from '../facade/log-event.js';
export { BatchJobEvent } from '../facade/batch-job.js';
export type { BatchDarkJob } from '../facade/batch-job.js';

// ---- calibrun (the command-line job, callable) --------------------------------------------------
export { runCalibrun } from '../calibrun/app.js';
export type { CalibrunContext, CalibrunOutcome } from '../calibrun/app.js';
export { resolveCalibrunConfig, configToConfpars } from '../calibrun/config.js';
export type { CalibrunConfig } from '../calibrun/config.js';
export { CalibrunOptionsSchema, parseCalibrunOptions, CALIBRUN_DEFAULTS } from '../calibrun/options.js';
export type { CalibrunOptionsInput, CalibrunOptions } from '../calibrun/options.js';
export { Confpars, parseConfpars, formatConfpars, CONFPARS_FILE_NAME } from '../calibrun/confpars.js';
export type { ConfparValue, ConfparType } from '../calibrun/confpars.js';
export {
  dataRoot,
  instrumentOf,
  defaultXtcDir,
  defaultCalibDir,
  DATA_ROOT_REG,
  DATA_ROOT_SDF,
  DATA_ROOT_ENV,
} from '../calibrun/dirs.js';
export { resolveDataset, parseDatasetString, parseRunList } from '../calibrun/dataset.js';
export type { DatasetSpec } from '../calibrun/dataset.js';
export { formatProgressLine } from '../calibrun/progress.js';

// ---- supporting types (named in the signatures above) -------------------------------------------
export type { ResolveContext as CalibrunResolveContext } from '../calibrun/config.js';
export type { InstrumentCase } from '../calibrun/dirs.js';
export type { ChunkWriter } from './atomic-chunks.js';
export type { Epix10kaWorkFileOptions } from '../calibrun/epix10ka-dark.js';
export type { DarkDeployInput } from '../facade/dark-job.js';
export type { SessionLog } from '../calibrun/session-log.js';
