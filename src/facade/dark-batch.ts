/**
 * A {@link CalibManager}'s batch dark jobs: `runDark({ queue })` as the SLURM pieces + merge of
 * src/facade/batch-job.ts made from the manager's configuration, and the batch jobs recorded in its work directory.
 */
import { ConfigError } from '../errors.js';
import type { JobRecord } from '../jobs/types.js';
import { BatchJobEvent, listBatchJobs, runBatchDark, type BatchDarkJob } from './batch-job.js';
import { loadManagerJob } from './dark-run.js';
import { parseInput } from './input-errors.js';
import { jobsSchema, type DarkJobOptions } from './manager-options.js';
import type { ManagerContext } from './manager-context.js';

/**
 * `runDark({ queue })`: the SLURM pieces + merge, followed (`batch` and `log` events) until the merge wrote
 * the work files; the job is then read back from them (`loadJob`). Aborting `signal` cancels the job.
 */
export async function runDarkBatch(ctx: ManagerContext, o: DarkJobOptions, ctl: { signal?: AbortSignal }): Promise<BatchDarkJob> {
  const detectors = ctx.darkJobDetectors();
  for (const f of ['files', 'mergePieces', 'liveTimeoutSec'] as const) {
    if (o[f] !== undefined) throw new ConfigError(f, `not available with queue (a batch job reads the run's files in the xtc directory)`);
  }
  const runs = Array.isArray(o.run) ? o.run : [o.run];
  const lookup = await ctx.runLookup();
  const record = await runBatchDark(
    {
      experiment: ctx.experiment,
      runs,
      detectors,
      root: ctx.root,
      xtcDir: ctx.xtcDir,
      calibDir: ctx.calibDir,
      workDir: ctx.workDir,
      filePrefix: ctx.config.filePrefix,
      ...(lookup.expNameDb ? { expNameDb: lookup.expNameDb } : {}),
      thresholds: ctx.thresholds,
      dirMode: ctx.config.dirMode,
      fileMode: ctx.config.fileMode,
      numEvents: o.numEvents,
      skipEvents: o.skipEvents,
      scanEvents: o.scanEvents,
      eventCodes: o.eventCodes,
      npy: o.npy,
      zeroPeds: o.zeroPeds,
      queue: o.queue!,
      pieces: o.pieces ?? 4,
      account: o.slurm?.account ?? ctx.env.CALIBMAN_SLURM_ACCOUNT,
      time: o.slurm?.time ?? ctx.env.CALIBMAN_SLURM_TIME,
      mem: o.slurm?.mem ?? ctx.env.CALIBMAN_SLURM_MEM,
      pollMs: o.pollMs ?? 2000,
    },
    { signal: ctl.signal, onRecord: (r) => ctx.emit(new BatchJobEvent(r)), log: (r) => ctx.emitLog(r) },
  );
  const job = await loadManagerJob(ctx, runs[0]);
  return { ...job, runs, batch: record };
}

/** `jobs`: the batch jobs recorded in `<workDir>/jobs/`; `refresh: true` first asks the scheduler about the unfinished ones. */
export async function managerJobs(ctx: ManagerContext, opts: { refresh?: boolean }): Promise<JobRecord[]> {
  parseInput(jobsSchema, opts, 'jobs');
  return listBatchJobs(ctx.workDir, opts);
}
