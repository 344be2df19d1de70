import type { CalibrunConfig } from '../../calibrun/config.js';
import type { SessionLog } from '../../calibrun/session-log.js';
import { resolveCliCommand, submitPieces, SlurmClient } from '../../jobs/index.js';

/**
 * calibrun's own arguments for a batch task, rebuilt from the resolved configuration (absolute
 * directories, every threshold explicit) so the job does not depend on the submitting shell.
 */
export function batchArgs(c: CalibrunConfig, action: '-P' | '-D'): string[] {
  const t = c.thresholds;
  const a = [
    '-e', c.experiment,
    '-r', c.runs.join(','),
    '-d', c.detectors.join(','),
    '-w', c.workDir,
    '-c', c.calibDir,
    '-v', c.runRange,
    '--root', c.dataRoot,
    '-n', String(c.numEvents),
    '-s', String(c.skipEvents),
    '-m', String(c.scanEvents),
    '-B', String(t.intLo), '-T', String(t.intHi), '-b', String(t.rmsLo), '-t', String(t.rmsHi),
    '-Z', String(t.intNLo), '-U', String(t.intNHi), '-z', String(t.rmsNLo), '-u', String(t.rmsNHi),
    '--nrecs1', String(t.nrecs1),
    '--dirmode', '0' + c.dirMode.toString(8),
    '--filemode', '0' + c.fileMode.toString(8),
    '-l', c.logLevel,
    '-p', '0' + c.printBits.toString(8),
  ];
  if (c.dataset.files || c.dataset.xtcDir) a.push('-x', c.dataset.files ? c.dataset.files[0] : c.dataset.text);
  if (c.eventCodes) a.push('-f', c.eventCodes.join(','));
  if (c.group) a.push('--group', c.group);
  if (c.npy) a.push('--npy');
  if (c.zeroPeds) a.push('--zeropeds');
  a.push(action);
  return a;
}

/**
 * `-q <partition>`: submit the processing (`-P`) as a SLURM job and the deployment (`-D`, reading the
 * work files) as a job that starts only after it completed; returns once submitted. Site settings come from
 * `CALIBMAN_SLURM_ACCOUNT` (e.g. `lcls:cxi12345`), `CALIBMAN_SLURM_TIME`, `CALIBMAN_SLURM_MEM`.
 */
export function batchSubmitter(slurm?: SlurmClient, env: Record<string, string | undefined> = process.env) {
  return async (config: CalibrunConfig, _argv: string[], log: SessionLog): Promise<void> => {
    if (!config.process && !config.deploy) {
      log.critical('Nothing to submit: add "-P" (process) and/or "-D" (deploy)');
      return;
    }
    const cli = resolveCliCommand({ cli: 'calibrun' });
    const piece = config.process ? [...cli, ...batchArgs(config, '-P')] : ['true'];
    const merge = config.deploy ? [...cli, ...batchArgs(config, '-D')] : ['true'];
    const record = await submitPieces({
      pieces: [piece],
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
      `Submitted batch job ${record.id} to partition ${config.queue}: record ${config.workDir}/jobs/${record.id}.json; ` +
        `follow it with "calibman jobs show ${record.id} --work-dir ${config.workDir}"`,
    );
  };
}
