/**
 * `calibman jobs show|ls` on unusual record files (run from sources with tsx, jobs commands only): a record with
 * 200,000 pieces, and record files that are not valid records.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { scanJobRecords, writeJobRecord } from '../../src/jobs/records.js';
import type { JobRecord } from '../../src/jobs/types.js';

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(tmpdir(), 'calibman-jobs-cli-rec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const entry = path.resolve(new URL('./fixtures/jobs-cli.ts', import.meta.url).pathname);

async function jobs(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', entry, 'jobs', ...args], { maxBuffer: 256 * 1024 * 1024 });
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

function record(workDir: string, id: string, pieces: number): JobRecord {
  const t = (index: number) => ({ index, argv: ['calibrun', '--piece', `${index}/${pieces}`], outputs: [], attempts: 1, phase: 'completed' as const, slurmId: `7_${index}` });
  return {
    schema: 'calibman.job/1', id, backend: 'slurm', workDir, script: path.join(workDir, 'jobs', id, 'job.sh'),
    createdAt: '2026-12-01T10:00:00.000Z', updatedAt: '', options: { partition: 'milano' }, phase: 'completed',
    pieces: Array.from({ length: pieces }, (_, i) => t(i)), merge: { ...t(-1), slurmId: '8' },
    submissions: [{ at: '2026-12-01T10:00:01.000Z', pieceIndices: [0], mergeJobId: '8' }],
  };
}

describe('jobs show and ls on unusual record files', () => {
  it('shows a record with 200,000 pieces', async () => {
    const wd = path.join(tmp, 'big');
    await writeJobRecord(record(wd, 'big-job', 200_000));
    const r = await jobs('show', 'big-job', '--work-dir', wd, '--no-refresh');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.filter((l) => /^\d+\s+completed\s+7_\d+/.test(l))).toHaveLength(200_000);
    expect(lines.find((l) => l.startsWith('199999 '))).toMatch(/^199999\s+completed\s+7_199999\s/);
    expect(lines.some((l) => /^merge\s+completed\s+8\s/.test(l))).toBe(true);
  });

  it('lists invalid record files as invalid, with the reason, next to the valid ones', async () => {
    const wd = path.join(tmp, 'mixed');
    await writeJobRecord(record(wd, 'good-job', 2));
    writeFileSync(path.join(wd, 'jobs', 'broken.json'), '{not json');
    writeFileSync(path.join(wd, 'jobs', 'foreign.json'), '{"schema":"calibman.job/1","id":"foreign"}');
    mkdirSync(path.join(wd, 'jobs', 'good-job'), { recursive: true });
    const scan = await scanJobRecords(wd);
    expect(scan.records.map((x) => x.id)).toEqual(['good-job']);
    expect(scan.invalid.map((x) => x.id)).toEqual(['broken', 'foreign']);

    const r = await jobs('ls', '--work-dir', wd);
    expect(r.code).toBe(0);
    const rows = r.out.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID\s+PHASE/);
    expect(rows.find((l) => l.startsWith('good-job'))).toMatch(/^good-job\s+completed\s+2\/2/);
    expect(rows.find((l) => l.startsWith('broken'))).toMatch(/^broken\s+invalid\s.*invalid JSON/);
    expect(rows.find((l) => l.startsWith('foreign'))).toMatch(/^foreign\s+invalid\s.*not a calibman job record: backend/);

    const j = await jobs('ls', '--work-dir', wd, '--json');
    const list = JSON.parse(j.out) as { id: string; phase: string; error?: string }[];
    expect(list.map((x) => [x.id, x.phase])).toEqual([['good-job', 'completed'], ['broken', 'invalid'], ['foreign', 'invalid']]);
    expect(list[1].error).toMatch(/broken\.json: invalid JSON/);
  });
});
