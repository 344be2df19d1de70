/**
 * Parsers of SLURM command output (sbatch --parsable, squeue, scontrol show job, sacct -P) and the
 * mapping from SLURM states to {@link JobPhase}. Pure functions on strings: no processes here.
 */
import { JobError } from '../errors.js';
import type { JobPhase, SchedulerStatus } from './types.js';

/** Job id printed by `sbatch --parsable` (`123` or `123;cluster`), or by plain sbatch (`Submitted batch job 123`). */
export function parseSbatchOutput(stdout: string): string {
  const text = stdout.trim();
  const plain = /Submitted batch job (\d+)/.exec(text);
  if (plain) return plain[1];
  const line = text.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';
  const m = /^(\d+)(?:;\S+)?$/.exec(line);
  if (!m) throw new JobError(`sbatch: expected a job id ("123" or "123;cluster"), found "${text.slice(0, 200)}"`);
  return m[1];
}

/** `ExitCode=N:S` → exit code N and signal S. */
export function parseExitCode(text: string | undefined): { exitCode?: number; signal?: number } {
  const m = /^(\d+):(\d+)$/.exec((text ?? '').trim());
  if (!m) return {};
  return { exitCode: Number(m[1]), signal: Number(m[2]) };
}

/**
 * Expand an array-task list as SLURM prints it: `0-3`, `1,4-5`, `0-9%2` (throttle ignored), `[0-3]`.
 * Returns the task indices.
 */
export function expandTaskRange(spec: string): number[] {
  const body = spec.trim().replace(/^\[/, '').replace(/\]$/, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    const step = m[3] !== undefined ? Math.max(1, Number(m[3])) : 1;
    for (let i = a; i <= b; i += step) out.push(i);
  }
  return out;
}

/** Expand a job id as squeue/sacct print it (`12`, `12_3`, `12_[4-6%2]`) into task ids (`12`, `12_3`, `12_4`…). */
export function expandJobId(id: string): string[] {
  const m = /^(\d+)_(.+)$/.exec(id.trim());
  if (!m) return [id.trim()];
  if (/^\d+$/.test(m[2])) return [id.trim()];
  return expandTaskRange(m[2]).map((i) => `${m[1]}_${i}`);
}

/** Arguments that make squeue print what {@link parseSqueue} reads, for the given job ids. */
export function squeueArgs(jobIds: readonly string[]): string[] {
  return ['-h', '-r', '-t', 'all', '-j', jobIds.join(','), '-o', '%i|%T|%r|%l'];
}

/** Parse `squeue -h -r -o '%i|%T|%r|%l'` output (one task per line; pending arrays may be bracketed). */
export function parseSqueue(stdout: string): SchedulerStatus[] {
  const out: SchedulerStatus[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const [id, state, reason, timeLimit] = t.split('|');
    if (!id || !state) continue;
    for (const tid of expandJobId(id)) {
      out.push({
        id: tid,
        state: state.trim(),
        reason: nonEmpty(reason),
        timeLimit: nonEmpty(timeLimit),
        source: 'squeue',
      });
    }
  }
  return out;
}

/** Split `scontrol show job` output into key→value maps, one per job (multi-line or `-o` one-line form). */
export function parseScontrolRecords(stdout: string): Array<Record<string, string>> {
  const records: Array<Record<string, string>> = [];
  let cur: Record<string, string> | undefined;
  let lastKey: string | undefined;
  for (const line of stdout.split('\n')) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    for (const tok of tokens) {
      const eq = tok.indexOf('=');
      if (eq > 0) {
        const key = tok.slice(0, eq);
        if (key === 'JobId') {
          cur = {};
          records.push(cur);
        }
        if (!cur) continue;
        cur[key] = tok.slice(eq + 1);
        lastKey = key;
      } else if (cur && lastKey) {
        cur[lastKey] += ' ' + tok; // a value with spaces (e.g. a path in Command=)
      }
    }
  }
  return records;
}

/** Parse `scontrol show job <id>` into per-task statuses (array records expand to their task ids). */
export function parseScontrolShowJob(stdout: string): SchedulerStatus[] {
  const out: SchedulerStatus[] = [];
  for (const rec of parseScontrolRecords(stdout)) {
    const state = rec.JobState;
    if (!state) continue;
    const { exitCode, signal } = parseExitCode(rec.ExitCode);
    let ids: string[];
    if (rec.ArrayJobId && rec.ArrayTaskId && rec.ArrayTaskId !== 'N/A') {
      ids = expandTaskRange(rec.ArrayTaskId).map((i) => `${rec.ArrayJobId}_${i}`);
    } else {
      ids = [rec.JobId];
    }
    for (const id of ids) {
      out.push({
        id,
        state,
        exitCode,
        signal,
        reason: rec.Reason && rec.Reason !== 'None' ? rec.Reason : undefined,
        timeLimit: rec.TimeLimit,
        source: 'scontrol',
      });
    }
  }
  return out;
}

/** Arguments that make sacct print what {@link parseSacct} reads. */
export function sacctArgs(jobIds: readonly string[]): string[] {
  return ['-n', '-X', '-P', '-j', jobIds.join(','), '-o', 'JobID,State,ExitCode,Timelimit'];
}

/** Parse `sacct -n -X -P -o JobID,State,ExitCode,Timelimit` output (`CANCELLED by 1234` is split). */
export function parseSacct(stdout: string): SchedulerStatus[] {
  const out: SchedulerStatus[] = [];
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const [id, stateField, exit, timeLimit] = t.split('|');
    if (!id || !stateField || id.includes('.')) continue; // job steps (`12.batch`) are not tasks
    const [state, ...rest] = stateField.trim().split(/\s+/);
    const { exitCode, signal } = parseExitCode(exit);
    for (const tid of expandJobId(id)) {
      out.push({
        id: tid,
        state: state.replace(/\+$/, ''),
        exitCode,
        signal,
        reason: rest.length ? rest.join(' ') : undefined,
        timeLimit: nonEmpty(timeLimit),
        source: 'sacct',
      });
    }
  }
  return out;
}

/** Map a SLURM state word (long or short form) to a phase. */
export function phaseOfSlurmState(state: string): JobPhase {
  switch (state.trim().toUpperCase().replace(/\+$/, '')) {
    case 'PENDING': case 'PD': case 'CONFIGURING': case 'CF': case 'REQUEUED': case 'RQ':
    case 'REQUEUE_HOLD': case 'REQUEUE_FED': case 'RESV_DEL_HOLD': case 'SPECIAL_EXIT': case 'SE':
      return 'pending';
    case 'RUNNING': case 'R': case 'COMPLETING': case 'CG': case 'SUSPENDED': case 'S': case 'STOPPED':
    case 'ST': case 'SIGNALING': case 'SI': case 'STAGE_OUT': case 'SO': case 'RESIZING': case 'RS':
      return 'running';
    case 'COMPLETED': case 'CD':
      return 'completed';
    case 'CANCELLED': case 'CA':
      return 'cancelled';
    case 'FAILED': case 'F': case 'TIMEOUT': case 'TO': case 'OUT_OF_MEMORY': case 'OOM': case 'NODE_FAIL':
    case 'NF': case 'BOOT_FAIL': case 'BF': case 'DEADLINE': case 'DL': case 'PREEMPTED': case 'PR':
    case 'REVOKED': case 'RV':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** A failure or cancellation in words: exit code, signal, time limit, memory, node failure. */
export function describeStatus(status: SchedulerStatus, options: { mem?: string } = {}): string | undefined {
  const state = status.state.toUpperCase();
  const sig = status.signal ? `, signal ${status.signal}${signalName(status.signal)}` : '';
  switch (phaseOfSlurmState(state)) {
    case 'completed':
    case 'running':
      return undefined;
    case 'pending':
      return status.reason === 'DependencyNeverSatisfied' ? 'will never run: a piece it depends on failed' : undefined;
    case 'cancelled':
      if (status.reason === 'DependencyNeverSatisfied') return 'not run: a piece it depends on failed';
      return `cancelled${status.reason ? ` (${status.reason})` : ''}`;
    default:
      break;
  }
  if (state === 'TIMEOUT' || state === 'TO') return `time limit exceeded (limit ${status.timeLimit ?? 'unknown'})`;
  if (state === 'OUT_OF_MEMORY' || state === 'OOM') return `out of memory (--mem=${options.mem ?? 'site default'})`;
  if (state === 'NODE_FAIL' || state === 'NF') return 'node failure';
  if (state === 'BOOT_FAIL' || state === 'BF') return 'node boot failure';
  if (state === 'PREEMPTED' || state === 'PR') return 'preempted by a higher-priority job';
  if (state === 'DEADLINE' || state === 'DL') return 'deadline reached before the job could run';
  if (status.exitCode !== undefined && (status.exitCode !== 0 || status.signal)) {
    return `exit code ${status.exitCode}${sig}`;
  }
  return `${state.toLowerCase()}${sig}`;
}

const SIGNAL_NAMES: Record<number, string> = { 1: 'HUP', 2: 'INT', 6: 'ABRT', 9: 'KILL', 11: 'SEGV', 15: 'TERM' };
function signalName(sig: number): string {
  return SIGNAL_NAMES[sig] ? ` (SIG${SIGNAL_NAMES[sig]})` : '';
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}
