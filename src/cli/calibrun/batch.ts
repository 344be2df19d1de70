import type { CalibrunConfig } from '../../calibrun/config.js';
import type { SessionLog } from '../../calibrun/session-log.js';
import { JobError } from '../../errors.js';
import { darkPieceDir, darkPieceJsonPath } from '../../calibrun/piece-files.js';
import { darkTaskSettingArgs } from '../../calibrun/task-args.js';
import { resolveCliCommand, submitPieces, waitForJob, SlurmClient } from '../../jobs/index.js';

/**
 * calibrun's own arguments for a batch task, rebuilt from the resolved configuration (absolute
 * directories, every threshold explicit) so the job does not depend on the submitting shell.
 */
export function batchArgs(c: CalibrunConfig, action: '-P' | '-D'): string[] {
  const a = [
    '-e', c.experiment,
    '-r', c.runs.join(','),
    '-d', c.detectors.join(','),
    '-w', c.workDir,
    '-c', c.calibDir,
    '-v', c.runRange,
    '--root', c.dataRoot,
    ...darkTaskSettingArgs(c),
    '-l', c.logLevel,
    '-p', '0' + c.printBits.toString(8),
  ];
  if (c.dataset.files || c.dataset.xtcDir) a.push('-x', c.dataset.files ? c.dataset.files[0] : c.dataset.text);
  if (c.eventCodes) a.push('-f', c.eventCodes.join(','));
  if (c.group) a.push('--group', c.group);
  if (c.expNameDb) a.push('--expnamedb', c.expNameDb);
  if (c.npy) a.push('--npy');
  if (c.zeroPeds) a.push('--zeropeds');
  a.push(action);
  return a;
}

/** Options of {@link batchSubmitter}. */
export interface BatchSubmitterOptions {
  /** Wait for the job and report like a local run (default true). */
  wait?: boolean;
  /** Poll interval while waiting, ms (default 2000). */
  pollMs?: number;
  /** Progress lines while waiting (default: stderr). */
  progress?: (line: string) => void;
}

/**
 * `-q <partition>`: submit the run as `--pieces` SLURM array tasks (`calibrun … --piece K/N`, each writing
 * its mergeable state), then a merge job (`--merge N`, plus `-D` to deploy) that starts only after every
 * piece completed; wait for it with a progress display and fail with the job's reason. Site settings come
 * from `CALIBMAN_SLURM_ACCOUNT` (e.g. `lcls:cxi12345`), `CALIBMAN_SLURM_TIME`, `CALIBMAN_SLURM_MEM`.
 */
export function batchSubmitter(slurm?: SlurmClient, env: Record<string, string | undefined> = process.env, options: BatchSubmitterOptions = {}) {
  return async (config: CalibrunConfig, _argv: string[], log: SessionLog): Promise<void> => {
    if (!config.process && !config.deploy) {
      log.critical('Nothing to submit: add "-P" (process) and/or "-D" (deploy)');
      return;
    }
    const cli = resolveCliCommand({ cli: 'calibrun' });
    const n = config.batchPieces;
    const dir = darkPieceDir(config.workDir, config.filePrefix, config.experiment, config.run);
    const pieces = config.process
      ? Array.from({ length: n }, (_, k) => ({
          argv: [...cli, ...batchArgs(config, '-P'), '--piece', `${k}/${n}`],
          outputs: [darkPieceJsonPath(dir, k, n)],
          label: `piece ${k} of ${n}`,
        }))
      : [{ argv: ['true'], label: 'nothing to process' }];
    const merge = config.process
      ? [...cli, ...batchArgs(config, '-P'), '--merge', String(n), ...(config.deploy ? ['-D'] : [])]
      : [...cli, ...batchArgs(config, '-D')];
    const record = await submitPieces({
      pieces,
      merge,
      workDir: config.workDir,
      name: `dark-r${String(config.run).padStart(4, '0')}`,
      label: `calibrun ${config.experiment} run ${config.runs.join(',')} ${config.detectors.join(',')}`,
      partition: config.queue,
      ...(env.CALIBMAN_SLURM_ACCOUNT ? { account: env.CALIBMAN_SLURM_ACCOUNT } : {}),
      ...(env.CALIBMAN_SLURM_TIME ? { time: env.CALIBMAN_SLURM_TIME } : {}),
      ...(env.CALIBMAN_SLURM_MEM ? { mem: env.CALIBMAN_SLURM_MEM } : {}),
      jobName: `calibrun-${config.experiment}-r${config.run}`,
      ...(slurm ? { slurm } : {}),
    });
    log.critical(
      `Submitted batch job ${record.id} to partition ${config.queue} (${pieces.length} piece(s) + merge): record ${config.workDir}/jobs/${record.id}.json; ` +
        `follow it with "calibman jobs show ${record.id} --work-dir ${config.workDir}"`,
    );
    if (options.wait === false) return;
    const progress = options.progress ?? ((line: string) => process.stderr.write(line + '\n'));
    let last = '';
    const done = await waitForJob(config.workDir, record.id, {
      pollMs: options.pollMs ?? 2000,
      ...(slurm ? { slurm } : {}),
      onUpdate: (r) => {
        const line = `job ${r.id}: pieces ${r.pieces.filter((t) => t.phase === 'completed').length}/${r.pieces.length} done, merge ${r.merge.phase}`;
        if (line !== last) progress((last = line));
      },
    });
    if (done.phase !== 'completed') {
      throw new JobError(`batch job ${done.id} ${done.phase}: ${done.failure ?? 'see its logs'}; resubmit the failed pieces with "calibman jobs retry ${done.id} --work-dir ${config.workDir}"`);
    }
    log.info(`Batch job ${done.id} completed${config.deploy ? '; constants deployed by the merge job' : ''}`);
  };
}
