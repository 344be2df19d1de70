/**
 * A thin client of the SLURM command-line tools (sbatch, squeue, scontrol, sacct, scancel, sinfo).
 * Processes are run with execFile (no shell); every command has a timeout.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { JobError } from '../errors.js';
import {
  parseSacct,
  parseSbatchOutput,
  parseScontrolShowJob,
  parseSqueue,
  phaseOfSlurmState,
  sacctArgs,
  squeueArgs,
} from './slurm-parse.js';
import type { SchedulerStatus } from './types.js';

/** Result of running one command. */
export interface CommandResult {
  /** Exit code, or null when the command could not start or was killed. */
  code: number | null;
  /** What the command wrote to stdout. */
  stdout: string;
  /** What the command wrote to stderr. */
  stderr: string;
  /** Set when the program could not be started (e.g. `ENOENT`: not on PATH). */
  spawnError?: string;
}

/** Runs a program with arguments; replaceable for tests or for running SLURM commands over ssh. */
export type CommandRunner = (program: string, args: string[], options: { timeoutMs: number }) => Promise<CommandResult>;

/** Options of {@link SlurmClient}. */
export interface SlurmClientOptions {
  /** Directory holding the SLURM programs (default: found on PATH; env `CALIBMAN_SLURM_BIN`). */
  binDir?: string;
  /** Timeout of one SLURM command in ms (default 30000). */
  timeoutMs?: number;
  /** How to run a program (default: `child_process.execFile`). */
  run?: CommandRunner;
}

/** The default {@link CommandRunner}: execFile without a shell. */
export const execCommand: CommandRunner = (program, args, { timeoutMs }) =>
  new Promise((resolve) => {
    execFile(program, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (e && typeof e.code === 'string') {
        resolve({ code: null, stdout: stdout ?? '', stderr: stderr ?? '', spawnError: e.code });
        return;
      }
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout: stdout ?? '', stderr: stderr ?? '' });
    });
  });

/** A SLURM cluster reached through its command-line tools. */
export class SlurmClient {
  /** Directory of the SLURM programs (`$CALIBMAN_SLURM_BIN`), undefined = found on PATH. */
  readonly binDir: string | undefined;
  /** Time limit of one SLURM command, ms (default 30000). */
  readonly timeoutMs: number;
  private readonly runner: CommandRunner;

  constructor(options: SlurmClientOptions = {}) {
    this.binDir = options.binDir ?? (process.env.CALIBMAN_SLURM_BIN || undefined);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.runner = options.run ?? execCommand;
  }

  /** Run one SLURM program (`sbatch`, `squeue`, …) with arguments. */
  async run(program: string, args: string[]): Promise<CommandResult> {
    const exe = this.binDir ? path.join(this.binDir, program) : program;
    return this.runner(exe, args, { timeoutMs: this.timeoutMs });
  }

  /**
   * Whether jobs can be submitted: sbatch exists and sinfo answers with an `up` partition (the given one,
   * or any). `reason` says what is missing.
   */
  async check(partition?: string): Promise<{
    /** True when SLURM answers (and the partition is up). */
    ok: boolean;
    /** Why not, in words. */
    reason?: string;
  }> {
    const sinfo = await this.run('sinfo', ['-h', ...(partition ? ['-p', partition] : []), '-o', '%P|%a|%D|%t']);
    if (sinfo.spawnError) return { ok: false, reason: `sinfo not found (${sinfo.spawnError}): SLURM client tools are not installed or not on PATH` };
    if (sinfo.code !== 0) return { ok: false, reason: `sinfo failed (exit ${sinfo.code}): ${firstLine(sinfo.stderr)}` };
    const lines = sinfo.stdout.split('\n').filter((l) => l.trim());
    if (lines.length === 0) return { ok: false, reason: partition ? `no partition "${partition}"` : 'sinfo lists no partition' };
    if (!lines.some((l) => l.split('|')[1] === 'up')) return { ok: false, reason: `partition${partition ? ` "${partition}"` : 's'} not up` };
    const sbatch = await this.run('sbatch', ['--version']);
    if (sbatch.spawnError || sbatch.code !== 0) return { ok: false, reason: 'sbatch not found on PATH' };
    return { ok: true };
  }

  /** Run sbatch with `--parsable` and the given arguments; returns the job id. */
  async sbatch(args: string[]): Promise<string> {
    const res = await this.run('sbatch', ['--parsable', ...args]);
    if (res.spawnError) throw new JobError(`sbatch could not be started (${res.spawnError}): is SLURM installed and on PATH?`);
    if (res.code !== 0) {
      throw new JobError(`sbatch refused the job (exit ${res.code}): ${res.stderr.trim() || res.stdout.trim() || 'no message'}`);
    }
    return parseSbatchOutput(res.stdout);
  }

  /** Cancel jobs (array ids cancel all their tasks). Ids unknown to SLURM are ignored. */
  async scancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    const res = await this.run('scancel', [...jobIds]);
    if (res.spawnError) throw new JobError(`scancel could not be started (${res.spawnError})`);
    if (res.code !== 0 && !/Invalid job id|already completed/i.test(res.stderr)) {
      throw new JobError(`scancel failed (exit ${res.code}): ${res.stderr.trim()}`);
    }
  }

  /**
   * Status of every task of the given jobs (array ids or plain ids), keyed by task id (`12_3`, `15`).
   * squeue answers for jobs the controller still holds; scontrol adds exit codes of finished ones; sacct
   * answers for jobs already purged from the controller (when accounting is enabled).
   */
  async query(jobIds: readonly string[]): Promise<Map<string, SchedulerStatus>> {
    const result = new Map<string, SchedulerStatus>();
    const ids = [...new Set(jobIds)];
    if (ids.length === 0) return result;
    const sq = await this.run('squeue', squeueArgs(ids));
    if (sq.spawnError) throw new JobError(`squeue could not be started (${sq.spawnError}): is SLURM installed and on PATH?`);
    if (sq.code === 0) for (const s of parseSqueue(sq.stdout)) result.set(s.id, s);
    // squeue fails as a whole when every id is unknown (fine: ask scontrol/sacct); any other failure
    // (controller busy or down) must not be mistaken for "the jobs are gone"
    else if (!INVALID_ID.test(sq.stderr)) throw unreachable('squeue', sq);

    const seen = (id: string) => [...result.keys()].some((k) => k === id || k.startsWith(`${id}_`));
    const needDetail = ids.filter((id) => {
      if (!seen(id)) return true;
      return [...result.values()].some(
        (s) => (s.id === id || s.id.startsWith(`${id}_`)) && phaseOfSlurmState(s.state) !== 'pending' && phaseOfSlurmState(s.state) !== 'running',
      );
    });
    const missing: string[] = [];
    for (const id of needDetail) {
      const sc = await this.run('scontrol', ['-o', 'show', 'job', id]);
      if (sc.code === 0) {
        for (const s of parseScontrolShowJob(sc.stdout)) result.set(s.id, { ...result.get(s.id), ...s });
      } else if (!INVALID_ID.test(sc.stderr)) {
        throw unreachable('scontrol', sc);
      } else if (!seen(id)) {
        missing.push(id);
      }
    }
    if (missing.length) {
      const sa = await this.run('sacct', sacctArgs(missing));
      if (sa.code === 0) for (const s of parseSacct(sa.stdout)) result.set(s.id, s);
    }
    return result;
  }
}

const INVALID_ID = /Invalid job id/i;

function unreachable(program: string, res: CommandResult): JobError {
  const why = res.spawnError ? `could not be started (${res.spawnError})` : `failed (exit ${res.code ?? 'killed/timeout'})`;
  return new JobError(`${program} ${why}: ${firstLine(res.stderr) || 'no message'}; the scheduler may be busy or down`);
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}
