/**
 * Monitoring logic against a scripted scheduler (a CommandRunner that answers like SLURM 22.05), so the
 * state machine is tested on any machine; the real-SLURM runs are in slurm.integration.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SlurmClient, type CommandRunner } from '../../src/jobs/slurm.js';
import { submitPieces } from '../../src/jobs/submit.js';
import { applyStatus, lastErrorLine, refreshJob, retryJob, cancelJob, waitForJob } from '../../src/jobs/monitor.js';
import { jobFilesDir, readJobRecord } from '../../src/jobs/records.js';
import type { TaskRecord } from '../../src/jobs/types.js';
import { ConfigError, JobError } from '../../src/errors.js';

const made: string[] = [];
/** A fresh temporary directory, removed after the file's tests. */
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'calibman-mon-'));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});


/** A scheduler whose task states the test sets; records every sbatch/scancel call. */
function fakeSlurm() {
  let nextId = 100;
  const states = new Map<string, { state: string; exit?: string; reason?: string }>();
  const calls: string[][] = [];
  const outage = { squeueFailures: 0 };
  const run: CommandRunner = async (program, args) => {
    const name = path.basename(program);
    calls.push([name, ...args]);
    if (name === 'squeue' && outage.squeueFailures > 0) {
      outage.squeueFailures--;
      return { code: 1, stdout: '', stderr: 'squeue: error: slurm_load_jobs error: Socket timed out on send/recv operation' };
    }
    if (name === 'sbatch') {
      const id = String(nextId++);
      const array = args.find((a) => a.startsWith('--array='));
      if (array) {
        for (const i of array.slice(8).replace(/%\d+$/, '').split(',').flatMap((p) => {
          const [a, b] = p.split('-').map(Number);
          return Array.from({ length: (b ?? a) - a + 1 }, (_, k) => a + k);
        })) states.set(`${id}_${i}`, { state: 'PENDING', reason: 'Resources' });
      } else states.set(id, { state: 'PENDING', reason: 'Dependency' });
      return { code: 0, stdout: `${id}\n`, stderr: '' };
    }
    if (name === 'squeue') {
      const ids = args[args.indexOf('-j') + 1].split(',');
      const lines = [...states].filter(([k]) => ids.some((j) => k === j || k.startsWith(`${j}_`)))
        .map(([k, v]) => `${k}|${v.state}|${v.reason ?? 'None'}|UNLIMITED`);
      return lines.length ? { code: 0, stdout: lines.join('\n') + '\n', stderr: '' } : { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified' };
    }
    if (name === 'scontrol') {
      const j = args[args.length - 1];
      const lines = [...states].filter(([k]) => k === j || k.startsWith(`${j}_`)).map(([k, v]) => {
        const [arr, task] = k.split('_');
        const arrayPart = task !== undefined ? `ArrayJobId=${arr} ArrayTaskId=${task} ` : '';
        return `JobId=${k.replace('_', '9')} ${arrayPart}JobName=calibman JobState=${v.state} Reason=${v.reason ?? 'None'} ExitCode=${v.exit ?? '0:0'} TimeLimit=UNLIMITED`;
      });
      return lines.length ? { code: 0, stdout: lines.join('\n') + '\n', stderr: '' } : { code: 1, stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified' };
    }
    if (name === 'scancel') {
      for (const j of args) for (const [k, v] of states) if (k === j || k.startsWith(`${j}_`)) if (v.state === 'PENDING' || v.state === 'RUNNING') v.state = 'CANCELLED';
      return { code: 0, stdout: '', stderr: '' };
    }
    if (name === 'sacct') return { code: 1, stdout: '', stderr: 'Slurm accounting storage is disabled' };
    return { code: null, stdout: '', stderr: '', spawnError: 'ENOENT' };
  };
  return { slurm: new SlurmClient({ run }), states, calls, outage };
}

async function setup(nPieces = 3) {
  const wd = tempDir();
  const fake = fakeSlurm();
  const rec = await submitPieces({
    workDir: wd,
    name: 'sum',
    pieces: Array.from({ length: nPieces }, (_, i) => ({ argv: ['node', 'piece.js', String(i)], outputs: [`part-${i}.json`] })),
    merge: ['node', 'merge.js'],
    partition: 'milano',
    account: 'lcls:cxi12345',
    qos: 'preemptable',
    time: '1:00:00',
    mem: '4G',
    maxParallel: 2,
    extraArgs: ['--constraint', 'milan'],
    slurm: fake.slurm,
  });
  return { wd, rec, ...fake };
}

describe('submission (scripted scheduler)', () => {
  it('submits one array over the pieces and a merge depending on it, with the site options', async () => {
    const { calls, rec } = await setup();
    const sb = calls.filter((c) => c[0] === 'sbatch');
    expect(sb).toHaveLength(2);
    const common = ['--job-name=calibman', `--chdir=${rec.workDir}`, '--partition=milano', '--account=lcls:cxi12345', '--qos=preemptable', '--time=1:00:00', '--mem=4G', '--constraint', 'milan'];
    expect(sb[0].slice(2, 2 + common.length)).toEqual(common);
    expect(sb[0]).toContain('--array=0-2%2');
    expect(sb[0][sb[0].length - 1]).toBe(rec.script);
    expect(sb[1]).toContain('--dependency=afterok:100');
    expect(sb[1]).toContain('--kill-on-invalid-dep=yes');
    expect(sb[1].slice(-2)).toEqual([rec.script, 'merge']);
    expect(rec.pieces.map((p) => p.slurmId)).toEqual(['100_0', '100_1', '100_2']);
    expect(rec.merge.slurmId).toBe('101');
  });

  it('rejects bad options before submitting anything', async () => {
    const fake = fakeSlurm();
    const base = { workDir: tempDir(), merge: ['m'], slurm: fake.slurm };
    await expect(submitPieces({ ...base, pieces: [] })).rejects.toThrow(ConfigError);
    await expect(submitPieces({ ...base, pieces: [[]] })).rejects.toThrow(/pieces\[0\]/);
    await expect(submitPieces({ ...base, pieces: [['a']], time: 'soon' })).rejects.toThrow(/time/);
    await expect(submitPieces({ ...base, pieces: [['a']], partition: 'a b' })).rejects.toThrow(/partition/);
    await expect(submitPieces({ ...base, pieces: [['a']], extraArgs: ['--array=1-3'] })).rejects.toThrow(JobError);
    expect(fake.calls).toHaveLength(0);
  });
});

describe('refresh, failure and retry (scripted scheduler)', () => {
  it('follows states, reports a failed piece with exit code and log line, and retries only it', async () => {
    const { wd, rec, states, calls, slurm } = await setup();
    states.set('100_0', { state: 'RUNNING' });
    let r = await refreshJob(wd, rec.id, { slurm });
    expect(r.phase).toBe('running');
    expect(r.pieces.map((p) => p.phase)).toEqual(['running', 'pending', 'pending']);

    for (const i of [0, 2]) writeFileSync(path.join(wd, `part-${i}.json`), '{"sum":1}');
    states.set('100_0', { state: 'COMPLETED' });
    states.set('100_1', { state: 'FAILED', exit: '3:0', reason: 'NonZeroExitCode' });
    states.set('100_2', { state: 'COMPLETED' });
    states.set('101', { state: 'CANCELLED', reason: 'DependencyNeverSatisfied' });
    mkdirSync(path.dirname(r.pieces[1].log!), { recursive: true });
    writeFileSync(r.pieces[1].log!, 'calibman: job x task 1 on vm\npiece starting\nError: injected failure\nmore output\ncalibman: task 1 finished with exit code 3\n');
    r = await refreshJob(wd, rec.id, { slurm });
    expect(r.phase).toBe('failed');
    expect(r.pieces[1]).toMatchObject({ phase: 'failed', exitCode: 3, reason: 'exit code 3', lastErrorLine: 'Error: injected failure' });
    expect(r.merge).toMatchObject({ phase: 'cancelled', reason: 'not run: a piece it depends on failed' });
    expect(r.failure).toMatch(/^piece 1 failed: exit code 3; last error line: "Error: injected failure"; log: /);

    const before = calls.length;
    r = await retryJob(wd, rec.id, { slurm });
    const sb = calls.slice(before).filter((c) => c[0] === 'sbatch');
    expect(sb[0]).toContain('--array=1%2');
    expect(sb[1]).toContain('--dependency=afterok:102');
    expect(r.pieces.map((p) => p.attempts)).toEqual([1, 2, 1]);
    expect(r.pieces[1]).toMatchObject({ slurmId: '102_1', phase: 'pending' });
    expect(r.pieces[1].log).toMatch(/piece-1\.s2\.log$/);
    expect(r.pieces[1].lastErrorLine).toBeUndefined();
    expect(r.phase).toBe('running'); // two pieces already done, one queued again

    writeFileSync(path.join(wd, 'part-1.json'), '{"sum":1}');
    states.set('102_1', { state: 'COMPLETED' });
    states.set('103', { state: 'COMPLETED' });
    r = await refreshJob(wd, rec.id, { slurm });
    expect(r.phase).toBe('completed');
    expect(r.failure).toBeUndefined();
    await expect(retryJob(wd, rec.id, { slurm })).rejects.toThrow(/already completed/);
  });

  it('fails a completed piece whose output is missing, and refuses to retry a running job', async () => {
    const { wd, rec, states, slurm } = await setup(2);
    states.set('100_0', { state: 'COMPLETED' });
    states.set('100_1', { state: 'RUNNING' });
    const r = await refreshJob(wd, rec.id, { slurm });
    expect(r.pieces[0]).toMatchObject({ phase: 'failed' });
    expect(r.pieces[0].reason).toMatch(/output .*part-0\.json is missing/);
    await expect(retryJob(wd, rec.id, { slurm })).rejects.toThrow(/still running .*cancel it first/);
  });

  it('cancels unfinished tasks and keeps the job cancelled', async () => {
    const { wd, rec, states, calls, slurm } = await setup(2);
    states.set('100_0', { state: 'RUNNING' });
    const r = await cancelJob(wd, rec.id, { slurm });
    expect(calls.find((c) => c[0] === 'scancel')?.slice(1).sort()).toEqual(['100_0', '100_1', '101']);
    expect(r.phase).toBe('cancelled');
    expect((await refreshJob(wd, rec.id, { slurm })).phase).toBe('cancelled');
    expect((await readJobRecord(wd, rec.id)).cancelRequested).toBe(true);
  });

  it('cancels a record whose work directory was moved, or whose workDir/id fields were edited, where it was read', async () => {
    const { wd, rec, slurm } = await setup(2);
    const moved = `${wd}-moved`;
    made.push(moved);
    renameSync(wd, moved);
    const r = await cancelJob(moved, rec.id, { slurm });
    expect(r.cancelRequested).toBe(true);
    expect((await readJobRecord(moved, rec.id)).cancelRequested).toBe(true);
    // nothing written at the place named inside the record
    expect(existsSync(wd)).toBe(false);

    // an edited record: fields pointing at another directory and another id
    const other = tempDir();
    const file = path.join(moved, 'jobs', `${rec.id}.json`);
    const edited = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...edited, cancelRequested: false, workDir: other, id: 'someone-else' }));
    await cancelJob(moved, rec.id, { slurm });
    expect((await readJobRecord(moved, rec.id)).cancelRequested).toBe(true);
    expect(existsSync(path.join(other, 'jobs'))).toBe(false);
  });

  it('does not mistake a scheduler outage for vanished jobs, and waitForJob rides it out', async () => {
    const { wd, rec, states, slurm, outage } = await setup(2);
    states.set('100_0', { state: 'RUNNING' });
    outage.squeueFailures = 1;
    await expect(refreshJob(wd, rec.id, { slurm })).rejects.toThrow(/squeue failed \(exit 1\): .*Socket timed out.*busy or down/);
    expect((await readJobRecord(wd, rec.id)).pieces.map((p) => p.phase)).toEqual(['pending', 'pending']);

    for (const k of ['100_0', '100_1', '101']) states.set(k, { state: 'COMPLETED' });
    for (const i of [0, 1]) writeFileSync(path.join(wd, `part-${i}.json`), '{}');
    outage.squeueFailures = 3;
    const done = await waitForJob(wd, rec.id, { slurm, pollMs: 10, timeoutMs: 10_000 });
    expect(done.phase).toBe('completed');
    await expect(waitForJob(wd, 'no-such-job', { slurm, pollMs: 10 })).rejects.toThrow(/no job record "no-such-job"/);
  });

  it('uses the task exit file when the scheduler has forgotten the job', async () => {
    const { wd, rec, states, slurm } = await setup(2);
    states.clear();
    const statusDir = path.join(jobFilesDir(wd, rec.id), 'status');
    mkdirSync(statusDir, { recursive: true });
    writeFileSync(path.join(statusDir, '0.exit'), '0\n');
    writeFileSync(path.join(statusDir, '1.exit'), '2\n');
    writeFileSync(path.join(wd, 'part-0.json'), '{}');
    const r = await refreshJob(wd, rec.id, { slurm });
    expect(r.pieces[0].phase).toBe('completed');
    expect(r.pieces[1]).toMatchObject({ phase: 'failed', exitCode: 2 });
    expect(r.merge.phase).toBe('unknown');
    expect(r.phase).toBe('failed');
  });
});

describe('helpers', () => {
  it('picks the last error-looking line of a log', () => {
    expect(lastErrorLine('a\nError: first\nb\nTypeError: second\nc\n')).toBe('TypeError: second');
    expect(lastErrorLine('slurmstepd: error: *** JOB 12 ON vm CANCELLED AT 2026-11-23T20:22:10 DUE TO TIME LIMIT ***\n'))
      .toMatch(/DUE TO TIME LIMIT/);
    expect(lastErrorLine('just output\nlast words\ncalibman: task 0 finished with exit code 1\n')).toBe('last words');
    expect(lastErrorLine('')).toBeUndefined();
  });

  it('applies a time-out with its limit', () => {
    const t: TaskRecord = { index: 0, argv: ['x'], outputs: [], attempts: 1, phase: 'running' };
    applyStatus(t, { id: '1_0', state: 'TIMEOUT', exitCode: 0, signal: 15, timeLimit: '00:10:00', source: 'scontrol' }, undefined);
    expect(t).toMatchObject({ phase: 'failed', reason: 'time limit exceeded (limit 00:10:00)', signal: 15 });
  });
});
