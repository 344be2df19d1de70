/** Batch jobs: SLURM backend (job arrays + merge), job records, monitoring, local worker pool. */
export type {
  JobPhase,
  PieceSpec,
  SlurmOptions,
  SchedulerStatus,
  TaskRecord,
  SubmissionRecord,
  JobRecord,
} from './types.js';
export { isTerminal } from './types.js';
export {
  parseSbatchOutput,
  parseExitCode,
  expandTaskRange,
  expandJobId,
  parseSqueue,
  parseScontrolRecords,
  parseScontrolShowJob,
  parseSacct,
  phaseOfSlurmState,
  describeStatus,
} from './slurm-parse.js';
export { SlurmClient, execCommand } from './slurm.js';
export type { SlurmClientOptions, CommandRunner, CommandResult } from './slurm.js';
export {
  jobsDir,
  jobRecordPath,
  jobFilesDir,
  newJobId,
  readJobRecord,
  writeJobRecord,
  listJobIds,
  listJobRecords,
  scanJobRecords,
  updateJobRecord,
  validateJobRecord,
} from './records.js';
export type { InvalidJobRecord } from './records.js';
export { shellQuote, shellQuoteArgv, jobScriptText } from './script.js';
export { submitPieces, submitTasks, commonSbatchArgs, compressIndices, validateSlurmOptions } from './submit.js';
export type { SubmitPiecesOptions } from './submit.js';
export {
  refreshJob,
  refreshRecord,
  applyStatus,
  summarise,
  describeTask,
  lastErrorLine,
  readExitFile,
  waitForJob,
  cancelJob,
  retryJob,
  getJob,
} from './monitor.js';
export type { MonitorOptions, WaitOptions } from './monitor.js';
export { resolveCliCommand, findPackageRoot } from './cli-entry.js';
export type { CliCommandOptions } from './cli-entry.js';
export { runInWorkers, serveWorkerTasks, withTransfer } from './worker-pool.js';
export type { WorkerPoolOptions, TransferResult } from './worker-pool.js';
export { splitRange } from './split.js';
export type { IndexRange } from './split.js';
