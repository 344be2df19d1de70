/**
 * Real jobs on a real SLURM (the one-node cluster of `.ci/setup-slurm.sh`, or any cluster whose tools are
 * on PATH; CALIBMAN_TEST_PARTITION / CALIBMAN_TEST_ACCOUNT select where). Skipped, with a message, when
 * SLURM does not answer.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { SlurmClient } from '../../src/jobs/slurm.js';
import { submitPieces, type SubmitPiecesOptions } from '../../src/jobs/submit.js';
import { waitForJob } from '../../src/jobs/monitor.js';
import { listJobRecords, readJobRecord } from '../../src/jobs/records.js';
import { resolveCliCommand } from '../../src/jobs/cli-entry.js';
import { VERSION } from '../../src/version.js';

const exec = promisify(execFile);
const partition = process.env.CALIBMAN_TEST_PARTITION || undefined;
const account = process.env.CALIBMAN_TEST_ACCOUNT || undefined;
const slurm = new SlurmClient();
const check = await slurm.check(partition);
if (!check.ok) {
  console.warn(`SLURM integration tests skipped: ${check.reason}. Enable them with: sudo bash .ci/setup-slurm.sh`);
}

const program = path.resolve(new URL('./fixtures/partial-sum.mjs', import.meta.url).pathname);
const cli = resolveCliCommand({ prefer: 'src' });
/** The jobs command group alone (same wiring as the calibman CLI), bundled once so each run starts fast. */
const bundleDir = mkdtempSync(path.join(tmpdir(), 'calibman-jobs-cli-'));
await build({
  entryPoints: [path.resolve(new URL('./fixtures/jobs-cli.ts', import.meta.url).pathname)],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: path.join(bundleDir, 'jobs-cli.cjs'),
  logLevel: 'silent',
});
const jobsCli = [process.execPath, path.join(bundleDir, 'jobs-cli.cjs')];
const workDirs: string[] = [];
const wait = { pollMs: 500, timeoutMs: 90_000, slurm };

function sumSquares(from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += i * i;
  return s;
}

/** A job that sums i*i over [0, n) in `pieces` pieces; piece k fails while `<wd>/fail-k` exists. */
function sumJob(wd: string, n: number, pieces: number, extra: Partial<SubmitPiecesOptions> = {}): SubmitPiecesOptions {
  const bounds = Array.from({ length: pieces + 1 }, (_, k) => Math.round((k * n) / pieces));
  const parts = Array.from({ length: pieces }, (_, k) => path.join(wd, `part-${k}.json`));
  return {
    workDir: wd,
    name: 'sum',
    label: `sum of squares below ${n}`,
    pieces: parts.map((out, k) => ({
      argv: [process.execPath, program, 'piece', String(bounds[k]), String(bounds[k + 1]), out, path.join(wd, `fail-${k}`)],
      outputs: [out],
      label: `${bounds[k]}-${bounds[k + 1]}`,
    })),
    merge: { argv: [process.execPath, program, 'merge', path.join(wd, 'sum.json'), ...parts], outputs: ['sum.json'] },
    time: '5',
    ...(partition ? { partition } : {}),
    ...(account ? { account } : {}),
    slurm,
    ...extra,
  };
}

async function calibman(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(jobsCli[0], [...jobsCli.slice(1), ...args], { cwd: tmpdir() });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function newWorkDir(): string {
  const wd = mkdtempSync(path.join(tmpdir(), 'calibman-slurm-'));
  workDirs.push(wd);
  return wd;
}

afterAll(async () => {
  // never leave jobs behind, whatever failed
  for (const wd of workDirs) {
    for (const r of await listJobRecords(wd).catch(() => [])) {
      const ids = r.submissions.flatMap((s) => [s.arrayJobId, s.mergeJobId]).filter((x): x is string => !!x);
      await slurm.scancel(ids).catch(() => undefined);
    }
    rmSync(wd, { recursive: true, force: true });
  }
  rmSync(bundleDir, { recursive: true, force: true });
});

describe.skipIf(!check.ok)('real SLURM', () => {
  it('runs 4 pieces as an array and merges them: the merged sum equals the single-process sum', async () => {
    const wd = newWorkDir();
    const submitted = await submitPieces(sumJob(wd, 40_000, 4));
    expect(submitted.submissions[0].pieceIndices).toEqual([0, 1, 2, 3]);
    const done = await waitForJob(wd, submitted.id, wait);
    expect(done.failure).toBeUndefined();
    expect(done.phase).toBe('completed');
    expect(done.pieces.map((p) => [p.phase, p.exitCode, p.schedulerState])).toEqual(Array(4).fill(['completed', 0, 'COMPLETED']));
    const merged = JSON.parse(readFileSync(path.join(wd, 'sum.json'), 'utf8'));
    expect(merged).toEqual({ sum: sumSquares(0, 40_000), pieces: 4 });
    const log = readFileSync(done.pieces[2].log!, 'utf8');
    expect(log).toContain('piece 20000-30000 starting');
    expect(log).toMatch(/task 2 finished with exit code 0/);
  });

  it('reports a failing piece with exit code and last error line, then retries only that piece (CLI retry)', async () => {
    const wd = newWorkDir();
    writeFileSync(path.join(wd, 'fail-1'), '');
    const submitted = await submitPieces(sumJob(wd, 9_000, 3));
    const failed = await waitForJob(wd, submitted.id, wait);
    expect(failed.phase).toBe('failed');
    expect(failed.pieces[1]).toMatchObject({ phase: 'failed', exitCode: 3, reason: 'exit code 3', schedulerState: 'FAILED' });
    expect(failed.pieces[1].lastErrorLine).toMatch(/^Error: injected failure for range 3000-6000/);
    expect(failed.pieces[0].phase).toBe('completed');
    expect(failed.pieces[2].phase).toBe('completed');
    expect(failed.merge.phase).toBe('cancelled');
    expect(failed.failure).toMatch(/^piece 1 \(3000-6000\) failed: exit code 3; last error line: "Error: injected failure/);
    expect(existsSync(path.join(wd, 'sum.json'))).toBe(false);

    const show = await calibman(['jobs', 'show', submitted.id, '--work-dir', wd]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/phase: +failed/);
    expect(show.stdout).toContain('piece 1 (3000-6000) failed: exit code 3');

    rmSync(path.join(wd, 'fail-1'));
    const retry = await calibman(['jobs', 'retry', submitted.id, '--work-dir', wd]);
    expect(retry.stderr).toBe('');
    expect(retry.stdout).toMatch(/^resubmitted pieces 1 as array job \d+, merge as job \d+/);
    const done = await waitForJob(wd, submitted.id, wait);
    expect(done.phase).toBe('completed');
    expect(done.pieces.map((p) => p.attempts)).toEqual([1, 2, 1]);
    expect(done.submissions).toHaveLength(2);
    expect(JSON.parse(readFileSync(path.join(wd, 'sum.json'), 'utf8')).sum).toBe(sumSquares(0, 9_000));
  });

  it('cancels a running job (CLI cancel); the record says cancelled and SLURM agrees', async () => {
    const wd = newWorkDir();
    const sleeper = [process.execPath, program, 'sleep', '120'];
    const submitted = await submitPieces({ workDir: wd, name: 'sleepy', pieces: [sleeper, sleeper], merge: sleeper, time: '5', slurm, ...(partition ? { partition } : {}), ...(account ? { account } : {}) });
    const res = await calibman(['jobs', 'cancel', submitted.id, '--work-dir', wd]);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(new RegExp(`^cancelled job ${submitted.id} \\(3 task\\(s\\)`));
    const waited = await calibman(['jobs', 'wait', submitted.id, '--work-dir', wd, '--poll', '0.5', '--timeout', '60']);
    expect(waited).toMatchObject({ code: 1, stdout: `job ${submitted.id} cancelled\n`, stderr: `error: job ${submitted.id} cancelled\n` });
    const r = await readJobRecord(wd, submitted.id);
    expect(r.phase).toBe('cancelled');
    expect(r.cancelRequested).toBe(true);
    const ids = [submitted.submissions[0].arrayJobId!, submitted.submissions[0].mergeJobId];
    const deadline = Date.now() + 30_000;
    let states: string[] = [];
    do {
      states = [...(await slurm.query(ids)).values()].map((s) => s.state);
      if (states.every((s) => s === 'CANCELLED')) break;
      await new Promise((res2) => setTimeout(res2, 500));
    } while (Date.now() < deadline);
    expect(states.length).toBe(3);
    expect(new Set(states)).toEqual(new Set(['CANCELLED']));
  });

  it('job scripts run the calibman CLI itself; records are listed by another process (CLI ls/show --json)', async () => {
    const wd = newWorkDir();
    const submitted = await submitPieces({
      workDir: wd,
      name: 'cli',
      pieces: [[...cli, '--version']],
      merge: [...jobsCli, 'jobs', 'ls', '--work-dir', wd, '--no-refresh'],
      time: '5',
      slurm,
      ...(partition ? { partition } : {}),
      ...(account ? { account } : {}),
    });
    const done = await waitForJob(wd, submitted.id, wait);
    expect(done.phase).toBe('completed');
    expect(readFileSync(done.pieces[0].log!, 'utf8')).toContain(`\n${VERSION}\n`);
    // the merge task itself listed the records with the CLI, while the job was still in progress
    expect(readFileSync(done.merge.log!, 'utf8')).toMatch(new RegExp(`^${submitted.id} +(pending|running) +[01]/1 +0`, 'm'));

    const ls = await calibman(['jobs', 'ls', '--work-dir', wd]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/^ID +PHASE +PIECES +FAILED/);
    expect(ls.stdout).toMatch(new RegExp(`${submitted.id} +completed +1/1 +0`));
    const show = await calibman(['jobs', 'show', submitted.id, '--work-dir', wd, '--json', '--no-refresh']);
    expect(JSON.parse(show.stdout)).toEqual(await readJobRecord(wd, submitted.id));
  });
});

describe('jobs CLI errors', () => {
  it('names the missing record and exits 1 without a stack', async () => {
    const wd = newWorkDir();
    const res = await calibman(['jobs', 'show', 'no-such-job', '--work-dir', wd, '--no-refresh']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: no job record "no-such-job" in .*jobs \(no records\)\n$/);
    const ls = await calibman(['jobs', 'ls', '--work-dir', wd]);
    expect(ls.stdout).toMatch(/^no job records in /);
  });
});
