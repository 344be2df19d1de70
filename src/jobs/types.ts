/**
 * Types of batch jobs: what is submitted (pieces + a merge), how the scheduler is configured, and the job
 * record persisted as JSON in the work directory so that another process (a GUI, `calibman jobs ls`)
 * can follow the job.
 */

/** Where a task (one piece or the merge) or a whole job stands. */
export type JobPhase = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'unknown';

/** One unit of work: a command (argv, no shell) and the files it must leave behind. */
export interface PieceSpec {
  /** Program and arguments, run without a shell, e.g. `[process.execPath, cli, 'dark', 'piece', ...]`. */
  argv: string[];
  /** Files that must exist and be non-empty after success (checked after the scheduler says COMPLETED). */
  outputs?: string[];
  /** Short human label, e.g. `events 0-999`. */
  label?: string;
}

/** Site-specific SLURM settings (everything that differs between clusters is here). */
export interface SlurmOptions {
  /** `--partition`, e.g. `milano` on S3DF. */
  partition?: string;
  /** `--account`, e.g. `lcls:cxi12345`. */
  account?: string;
  /** `--qos`, e.g. `preemptable`. */
  qos?: string;
  /** `--time` limit per task in SLURM syntax (`30`, `1:00:00`, `1-00:00:00`). */
  time?: string;
  /** `--mem` per task (`4G`, `16000M`). */
  mem?: string;
  /** `--cpus-per-task`. */
  cpusPerTask?: number;
  /** At most this many pieces run at once (array throttle `%N`). */
  maxParallel?: number;
  /** `--job-name` (default `calibman`). */
  jobName?: string;
  /** Further sbatch options, passed as given, e.g. `['--constraint=milan', '--nice=10']`. */
  extraArgs?: string[];
}

/** What the scheduler says about one task. */
export interface SchedulerStatus {
  /** SLURM task id: `<array>_<index>` for array tasks, `<job>` otherwise. */
  id: string;
  /** SLURM state word as printed (`PENDING`, `RUNNING`, `COMPLETED`, `FAILED`, `TIMEOUT`, …). */
  state: string;
  /** Exit code of the batch script (first half of SLURM's `ExitCode=N:S`). */
  exitCode?: number;
  /** Signal that ended the batch script (second half of `ExitCode=N:S`), when not 0. */
  signal?: number;
  /** SLURM's reason field (`Resources`, `Dependency`, `DependencyNeverSatisfied`, `TimeLimit`, …). */
  reason?: string;
  /** Time limit as SLURM prints it (`00:01:00`, `UNLIMITED`). */
  timeLimit?: string;
  /** Which command answered: `squeue`, `scontrol`, `sacct`, or `marker` (the task's own exit file). */
  source: 'squeue' | 'scontrol' | 'sacct' | 'marker';
}

/** One piece (or the merge) as recorded in a job record. */
export interface TaskRecord {
  /** Piece index (0-based); the merge task has `index: -1`. */
  index: number;
  /** Label shown in listings. */
  label?: string;
  /** Command line the task runs. */
  argv: string[];
  /** Files the task must leave behind to count as completed. */
  outputs: string[];
  /** SLURM task id of the latest attempt (`123_4` or `125`). */
  slurmId?: string;
  /** Log file (stdout + stderr) of the latest attempt. */
  log?: string;
  /** Number of submissions of this task. */
  attempts: number;
  /** Where the task is (`pending`, `running`, `completed`, `failed`, `cancelled`, `unknown`). */
  phase: JobPhase;
  /** Last SLURM state seen. */
  schedulerState?: string;
  /** Exit code of the latest attempt, when it ended. */
  exitCode?: number;
  /** Signal number that ended the latest attempt, if any. */
  signal?: number;
  /** Why the task failed or was cancelled, in words. */
  reason?: string;
  /** Last line of the log that looks like an error (or the last line), for failed tasks. */
  lastErrorLine?: string;
}

/** One call of sbatch for a job (first submission or a retry). */
export interface SubmissionRecord {
  /** ISO time of submission. */
  at: string;
  /** Array job id of the pieces submitted (absent when only the merge was resubmitted). */
  arrayJobId?: string;
  /** Which pieces the array covers. */
  pieceIndices: number[];
  /** Job id of the merge task. */
  mergeJobId: string;
}

/** A job as persisted in `<workDir>/jobs/<id>.json`. */
export interface JobRecord {
  /** Format tag of the record file. */
  schema: 'calibman.job/1';
  /** Job record id (file name without `.json`); not a SLURM id. */
  id: string;
  /** Label shown in listings. */
  label?: string;
  /** Scheduler the job was submitted to. */
  backend: 'slurm';
  /** Absolute work directory. */
  workDir: string;
  /** The batch script all tasks run (`<workDir>/jobs/<id>/job.sh`). */
  script: string;
  /** Creation time, ISO 8601. */
  createdAt: string;
  /** Time of the last change, ISO 8601. */
  updatedAt: string;
  /** SLURM options the job was submitted with. */
  options: SlurmOptions;
  /** Overall phase: completed only when the merge completed with its outputs. */
  phase: JobPhase;
  /** Set by cancel; a cancelled job stays cancelled until retried. */
  cancelRequested?: boolean;
  /** The piece tasks, by index. */
  pieces: TaskRecord[];
  /** The task merging the pieces' results. */
  merge: TaskRecord;
  /** Every sbatch submission made for the job, in order. */
  submissions: SubmissionRecord[];
  /** One-line summary of the first failure, when the job failed. */
  failure?: string;
}

/** Phases after which a task no longer changes by itself. */
export function isTerminal(phase: JobPhase): boolean {
  return phase === 'completed' || phase === 'failed' || phase === 'cancelled';
}
