/**
 * Following a submitted job: refresh its record from the scheduler (squeue → scontrol → sacct, then the
 * tasks' own exit files), explain failures (exit code, signal, time limit, the log's last error line),
 * wait for the end, cancel, and resubmit only what failed.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { JobError } from '../errors.js';
import { jobFilesDir, readJobRecord, updateJobRecord } from './records.js';
import { describeStatus, phaseOfSlurmState } from './slurm-parse.js';
import { SlurmClient } from './slurm.js';
import { submitTasks } from './submit.js';
import { isTerminal, type JobPhase, type JobRecord, type SchedulerStatus, type TaskRecord } from './types.js';

/** Options shared by the monitoring functions. */
export interface MonitorOptions {
  /** SLURM client (default: tools on PATH). */
  slurm?: SlurmClient;
}

/** Ask the scheduler about every task of a job, update the record on disk and return it. */
export async function refreshJob(workDir: string, id: string, options: MonitorOptions = {}): Promise<JobRecord> {
  const slurm = options.slurm ?? new SlurmClient();
  return updateJobRecord(workDir, id, (record) => refreshRecord(record, slurm));
}

/** Update a record in memory from the scheduler, exit files, outputs and logs. */
export async function refreshRecord(record: JobRecord, slurm: SlurmClient): Promise<void> {
  const tasks = [...record.pieces, record.merge];
  const active = tasks.filter((t) => t.slurmId && !isTerminal(t.phase));
  if (active.length > 0) {
    const jobIds = [...new Set(active.map((t) => t.slurmId!.split('_')[0]))];
    const statuses = await slurm.query(jobIds);
    const statusDir = path.join(jobFilesDir(record.workDir, record.id), 'status');
    for (const t of active) {
      const marker = await readExitFile(path.join(statusDir, `${t.index < 0 ? 'merge' : t.index}.exit`));
      applyStatus(t, statuses.get(t.slurmId!), marker, record.options.mem);
      if (t.phase === 'completed') await checkOutputs(t);
      if (t.phase === 'failed' || t.phase === 'unknown' || (t.phase === 'cancelled' && t.log)) {
        t.lastErrorLine = t.log ? await lastErrorLineOfFile(t.log) : undefined;
        if (t.lastErrorLine === undefined) delete t.lastErrorLine;
      }
    }
  }
  summarise(record);
}

/**
 * Apply what the scheduler said (or, when it no longer knows the task, the task's exit file) to a task.
 * `marker` is the exit code from `<task>.exit`, if that file exists.
 */
export function applyStatus(t: TaskRecord, status: SchedulerStatus | undefined, marker: number | undefined, mem?: string): void {
  if (status) {
    t.schedulerState = status.state;
    let phase = phaseOfSlurmState(status.state);
    if (status.reason === 'DependencyNeverSatisfied' && (phase === 'pending' || phase === 'cancelled')) phase = 'cancelled';
    const exitCode = status.exitCode ?? (isTerminal(phase) ? marker : undefined);
    if (exitCode !== undefined) t.exitCode = exitCode;
    if (status.signal) t.signal = status.signal;
    t.phase = phase;
    const why = describeStatus({ ...status, exitCode }, { mem });
    if (why) t.reason = why;
    else delete t.reason;
  } else if (marker !== undefined) {
    t.exitCode = marker;
    t.phase = marker === 0 ? 'completed' : 'failed';
    if (marker !== 0) t.reason = `exit code ${marker} (from the task's exit file; the scheduler no longer lists the job)`;
  } else if (!isTerminal(t.phase)) {
    t.phase = 'unknown';
    t.reason = 'the scheduler no longer lists this task and it left no exit file (killed before it finished?)';
  }
}

async function checkOutputs(t: TaskRecord): Promise<void> {
  for (const file of t.outputs) {
    const size = await fsp.stat(file).then((s) => s.size, () => -1);
    if (size <= 0) {
      t.phase = 'failed';
      t.reason = `finished, but its output ${file} is ${size < 0 ? 'missing' : 'empty'}`;
      return;
    }
  }
}

/** Overall phase and failure summary from the tasks. */
export function summarise(record: JobRecord): void {
  const tasks = [...record.pieces, record.merge];
  const has = (p: JobPhase) => tasks.some((t) => t.phase === p);
  const firstBad = tasks.find((t) => t.phase === 'failed' || t.phase === 'unknown') ??
    tasks.find((t) => t.phase === 'cancelled' && t.reason && !t.reason.startsWith('not run'));
  if (firstBad && !(record.cancelRequested && firstBad.phase === 'cancelled')) {
    record.failure = describeTask(firstBad);
  } else {
    delete record.failure;
  }
  if (record.submissions.length === 0) return; // never submitted: keep the phase set at submission
  if (has('running') || (has('pending') && tasks.some((t) => t.phase !== 'pending'))) record.phase = 'running';
  else if (has('pending')) record.phase = 'pending';
  else if (record.merge.phase === 'completed') record.phase = 'completed';
  else if (record.cancelRequested) record.phase = 'cancelled';
  else if (has('failed') || has('unknown')) record.phase = 'failed';
  else if (has('cancelled')) record.phase = 'cancelled';
  else record.phase = 'unknown';
}

/** One line about a task: which, what happened, last error line, log. */
export function describeTask(t: TaskRecord): string {
  const name = t.index < 0 ? 'merge' : `piece ${t.index}${t.label ? ` (${t.label})` : ''}`;
  const parts = [`${name} ${t.phase}${t.reason ? `: ${t.reason}` : ''}`];
  if (t.lastErrorLine) parts.push(`last error line: "${t.lastErrorLine}"`);
  if (t.log && !t.reason?.startsWith('not run')) parts.push(`log: ${t.log}`);
  return parts.join('; ');
}

/** Exit code stored in a task's exit file, or undefined when there is none. */
export async function readExitFile(file: string): Promise<number | undefined> {
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isInteger(n) ? n : undefined;
}

const ERROR_WORDS = /\w*(error|exception)\b|\b(fatal|traceback|failed|failure|killed|cancelled|denied|abort(ed)?|not found|no such)\b/i;

/** The last line of a log that looks like an error; else the last non-empty line not written by calibman's script. */
export function lastErrorLine(log: string): string | undefined {
  const lines = log.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() && !/^calibman: (job|task) /.test(l));
  for (let i = lines.length - 1; i >= 0; i--) if (ERROR_WORDS.test(lines[i])) return lines[i].trim().slice(0, 500);
  const last = lines[lines.length - 1];
  return last === undefined ? undefined : last.trim().slice(0, 500);
}

async function lastErrorLineOfFile(file: string): Promise<string | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(file, 'r');
    const { size } = await handle.stat();
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await handle.read(buf, 0, len, size - len);
    return lastErrorLine(buf.toString('utf8'));
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** Options of {@link waitForJob}. */
export interface WaitOptions extends MonitorOptions {
  /** Poll interval in ms (default 2000). */
  pollMs?: number;
  /** Give up after this many ms with a JobError (default: wait forever). */
  timeoutMs?: number;
  /** Stop waiting when aborted. */
  signal?: AbortSignal;
  /** Called after every refresh. */
  onUpdate?: (record: JobRecord) => void;
  /** Consecutive failed refreshes (scheduler busy or down) tolerated before giving up (default 5). */
  maxRefreshErrors?: number;
}

/** Refresh until the job is completed, failed or cancelled; returns the final record. */
export async function waitForJob(workDir: string, id: string, options: WaitOptions = {}): Promise<JobRecord> {
  const slurm = options.slurm ?? new SlurmClient();
  const pollMs = options.pollMs ?? 2000;
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : Infinity;
  await readJobRecord(workDir, id); // an unknown id fails at once, not after the retries below
  let errors = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    let record: JobRecord;
    try {
      record = await refreshJob(workDir, id, { slurm });
      errors = 0;
    } catch (err) {
      if (!(err instanceof JobError) || ++errors > (options.maxRefreshErrors ?? 5) || Date.now() + pollMs > deadline) throw err;
      await sleep(pollMs, options.signal);
      continue;
    }
    options.onUpdate?.(record);
    if (isTerminal(record.phase) || record.phase === 'unknown') return record;
    if (Date.now() + pollMs > deadline) {
      throw new JobError(`job ${id} still ${record.phase} after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`);
    }
    await sleep(pollMs, options.signal);
  }
}

/** Cancel every unfinished task of a job (scancel) and record that the user cancelled it. */
export async function cancelJob(workDir: string, id: string, options: MonitorOptions = {}): Promise<JobRecord> {
  const slurm = options.slurm ?? new SlurmClient();
  return updateJobRecord(workDir, id, async (record) => {
    await refreshRecord(record, slurm);
    const ids = new Set<string>();
    for (const t of [...record.pieces, record.merge]) {
      if (t.slurmId && !isTerminal(t.phase)) ids.add(t.slurmId);
    }
    await slurm.scancel([...ids]);
    record.cancelRequested = true;
    for (const t of [...record.pieces, record.merge]) {
      if (t.slurmId && !isTerminal(t.phase)) {
        t.phase = 'cancelled';
        t.reason = 'cancelled by the user';
      }
    }
    summarise(record);
  });
}

/**
 * Resubmit only the pieces that failed, were cancelled or vanished (and the merge after them); with every
 * piece completed but the merge failed, resubmit the merge alone. Refuses while tasks are still queued or running.
 */
export async function retryJob(workDir: string, id: string, options: MonitorOptions = {}): Promise<JobRecord> {
  const slurm = options.slurm ?? new SlurmClient();
  return updateJobRecord(workDir, id, async (record) => {
    await refreshRecord(record, slurm);
    const busy = [...record.pieces, record.merge].filter((t) => t.phase === 'pending' || t.phase === 'running');
    if (busy.length > 0 && record.submissions.length > 0) {
      throw new JobError(`job ${id} is still ${record.phase} (${busy.length} task(s) queued or running): cancel it first or wait`);
    }
    if (record.phase === 'completed') throw new JobError(`job ${id} already completed: nothing to retry`);
    const redo = record.pieces.filter((t) => t.phase !== 'completed').map((t) => t.index);
    await submitTasks(record, redo, slurm);
    summarise(record);
  });
}

/** Read a job record without asking the scheduler (what a GUI shows between refreshes). */
export function getJob(workDir: string, id: string): Promise<JobRecord> {
  return readJobRecord(workDir, id);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
