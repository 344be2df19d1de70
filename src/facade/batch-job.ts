/**
 * A dark job run on SLURM from the facade, as `calibrun -q` runs it (src/cli/calibrun/batch.ts): a job array
 * of `calibrun … --piece K/N` tasks, each writing its mergeable state, then a `calibrun … --merge N` task that
 * writes the work files. The job is recorded in `<workDir>/jobs/` (src/jobs/) and followed through the
 * monitor until the merge ends; the finished job is then read back from its work files.
 */
import * as path from 'node:path';
import { CalibmanError, ConfigError, JobError } from '../errors.js';
import { cancelJob, listJobRecords, refreshJob, resolveCliCommand, submitPieces, waitForJob, type SlurmClient } from '../jobs/index.js';
import type { JobRecord } from '../jobs/types.js';
import { darkPieceDir, darkPieceJsonPath } from '../calibrun/piece-files.js';
import { isEpix10kaMenuName, refuseEpix10kaCalibrationBatch } from '../calibrun/epix10ka-dark.js';
import { darkTaskSettingArgs } from '../calibrun/task-args.js';
import type { DarkThresholds } from '../pipeline/params.js';
import { type DarkLogRecord, darkLogRecord } from '../pipeline/log.js';
import type { DarkJob } from './dark-job.js';

/** What a batch dark job is made of (the facade's configuration and the job's options). */
export interface BatchDarkRequest {
  experiment: string;
  runs: number[];
  detectors: readonly string[];
  root: string;
  xtcDir: string;
  calibDir: string;
  workDir: string;
  filePrefix: string;
  expNameDb?: string;
  thresholds: DarkThresholds;
  dirMode: number;
  fileMode: number;
  numEvents: number;
  skipEvents: number;
  scanEvents: number;
  eventCodes?: readonly number[];
  npy: boolean;
  zeroPeds: boolean;
  /** SLURM partition. */
  queue: string;
  /** Array tasks. */
  pieces: number;
  /** sbatch `--account`, `--time`, `--mem` (default `$CALIBMAN_SLURM_ACCOUNT`, `…_TIME`, `…_MEM`). */
  account?: string;
  time?: string;
  mem?: string;
  /** Poll interval of the monitor, ms. */
  pollMs: number;
}

/** A dark job finished on SLURM: the job read back from the merge's work files, and its batch record. */
export interface BatchDarkJob extends DarkJob {
  /** The batch job's record (`<workDir>/jobs/<id>.json`) as it ended. */
  batch: JobRecord;
}

/** Event dispatched by `CalibManager` after every look at a batch job (`addEventListener('batch', …)`). */
export class BatchJobEvent extends Event {
  constructor(
    /** The job record as the monitor last saw it. */
    readonly record: JobRecord,
  ) {
    super('batch');
  }
  /** Pieces completed so far. */
  get piecesDone(): number {
    return this.record.pieces.filter((t) => t.phase === 'completed').length;
  }
}

/** calibrun's arguments of a task of the job (absolute paths, every threshold explicit), as `calibrun -q` gives its tasks. */
export function batchDarkArgs(r: BatchDarkRequest): string[] {
  const abs = (p: string) => path.resolve(p);
  const a = [
    '-e', r.experiment,
    '-r', r.runs.join(','),
    '-d', r.detectors.join(','),
    '-w', abs(r.workDir),
    '-c', abs(r.calibDir),
    '--root', abs(r.root),
    '-x', `exp=${r.experiment}:run=${r.runs.join(',')}:dir=${abs(r.xtcDir)}`,
    ...darkTaskSettingArgs(r),
  ];
  if (r.eventCodes?.length) a.push('-f', r.eventCodes.join(','));
  if (r.expNameDb) a.push('--expnamedb', abs(r.expNameDb));
  if (r.npy) a.push('--npy');
  if (r.zeroPeds) a.push('--zeropeds');
  a.push('-P');
  return a;
}

/**
 * Submit the pieces and the merge, then follow the job until it ends; `onRecord` gets every look at the
 * record, `log` the steps (submission, pieces done). Aborting `signal` cancels the job (scancel).
 * @returns the ended record
 * @throws JobError when sbatch refuses or the job fails; CalibmanError `AbortError` when aborted
 */
export async function runBatchDark(
  r: BatchDarkRequest,
  hooks: { signal?: AbortSignal; onRecord: (rec: JobRecord) => void; log: (rec: DarkLogRecord) => void; slurm?: SlurmClient },
): Promise<JobRecord> {
  if (r.filePrefix !== 'clb-') throw new ConfigError('filePrefix', `batch jobs write calibrun's work files (prefix "clb-"), found "${r.filePrefix}"`);
  if (r.detectors.length && r.detectors.every(isEpix10kaMenuName)) {
    await refuseEpix10kaCalibrationBatch({ experiment: r.experiment, run: r.runs[0], xtcDir: r.xtcDir, expNameDb: r.expNameDb, env: {} }, hooks.signal);
  }
  const workDir = path.resolve(r.workDir);
  const cli = resolveCliCommand({ cli: 'calibrun' });
  const args = batchDarkArgs(r);
  const n = r.pieces;
  const dir = darkPieceDir(workDir, r.filePrefix, r.experiment, r.runs[0]);
  const record = await submitPieces({
    pieces: Array.from({ length: n }, (_, k) => ({ argv: [...cli, ...args, '--piece', `${k}/${n}`], outputs: [darkPieceJsonPath(dir, k, n)], label: `piece ${k} of ${n}` })),
    merge: [...cli, ...args, '--merge', String(n)],
    workDir,
    name: `dark-r${String(r.runs[0]).padStart(4, '0')}`,
    label: `calibman ${r.experiment} run ${r.runs.join(',')} ${r.detectors.join(',')}`,
    partition: r.queue,
    ...(r.account ? { account: r.account } : {}),
    ...(r.time ? { time: r.time } : {}),
    ...(r.mem ? { mem: r.mem } : {}),
    jobName: `calibman-${r.experiment}-r${r.runs[0]}`,
    ...(hooks.slurm ? { slurm: hooks.slurm } : {}),
  });
  hooks.onRecord(record);
  hooks.log(darkLogRecord('info', 'parameters', `Submitted batch job ${record.id} to partition ${r.queue} (${n} piece(s) + merge): record ${workDir}/jobs/${record.id}.json`));
  let last = '';
  let done: JobRecord;
  try {
    done = await waitForJob(workDir, record.id, {
      pollMs: r.pollMs,
      signal: hooks.signal,
      ...(hooks.slurm ? { slurm: hooks.slurm } : {}),
      onUpdate: (rec) => {
        hooks.onRecord(rec);
        const line = `job ${rec.id}: pieces ${rec.pieces.filter((t) => t.phase === 'completed').length}/${rec.pieces.length} done, merge ${rec.merge.phase}`;
        if (line !== last) hooks.log(darkLogRecord('info', 'selection', (last = line)));
      },
    });
  } catch (err) {
    if (!hooks.signal?.aborted) throw err;
    const cancelled = await cancelJob(workDir, record.id, hooks.slurm ? { slurm: hooks.slurm } : {});
    hooks.onRecord(cancelled);
    const e = new CalibmanError(`batch job ${record.id} cancelled (aborted); nothing was written by its merge`);
    e.name = 'AbortError';
    throw e;
  }
  if (done.phase !== 'completed') {
    throw new JobError(`batch job ${done.id} ${done.phase}: ${done.failure ?? 'see its logs'}; resubmit the failed pieces with "calibman jobs retry ${done.id} --work-dir ${workDir}"`);
  }
  hooks.log(darkLogRecord('info', 'files', `Batch job ${done.id} completed`));
  return done;
}

/** The recorded batch jobs of a work directory, oldest first; `refresh` asks the scheduler about the unfinished ones. */
export async function listBatchJobs(workDir: string, opts: { refresh?: boolean; slurm?: SlurmClient } = {}): Promise<JobRecord[]> {
  const records = await listJobRecords(workDir);
  if (!opts.refresh) return records;
  const out: JobRecord[] = [];
  for (const rec of records) {
    const ended = rec.phase === 'completed' || rec.phase === 'failed' || rec.phase === 'cancelled';
    out.push(ended ? rec : await refreshJob(workDir, rec.id, opts.slurm ? { slurm: opts.slurm } : {}).catch(() => rec));
  }
  return out;
}
