import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  jobRecordPath,
  listJobIds,
  listJobRecords,
  newJobId,
  readJobRecord,
  updateJobRecord,
  writeJobRecord,
} from '../../src/jobs/records.js';
import type { JobRecord } from '../../src/jobs/types.js';
import { JobError } from '../../src/errors.js';

const made: string[] = [];
/** A fresh temporary directory, removed after the file's tests. */
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'calibman-rec-'));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});


const run = promisify(execFile);

function makeRecord(workDir: string, id: string): JobRecord {
  const t = (index: number) => ({ index, argv: ['node', 'x'], outputs: [], attempts: 0, phase: 'pending' as const });
  return {
    schema: 'calibman.job/1',
    id,
    backend: 'slurm',
    workDir,
    script: path.join(workDir, 'jobs', id, 'job.sh'),
    createdAt: new Date().toISOString(),
    updatedAt: '',
    options: { partition: 'debug' },
    phase: 'pending',
    pieces: [t(0), t(1)],
    merge: t(-1),
    submissions: [],
  };
}

describe('job records', () => {
  it('makes sortable ids from a name and the time', () => {
    const id = newJobId('Dark r0042!', new Date('2026-11-23T20:21:04Z'));
    expect(id).toMatch(/^dark-r0042-20261123-202104-[0-9a-f]{4}$/);
    expect(() => jobRecordPath('/w', '../etc/passwd')).toThrow(JobError);
  });

  it('writes, lists and reads back records; another process reads the same JSON', async () => {
    const wd = tempDir();
    const a = makeRecord(wd, newJobId('a'));
    const b = makeRecord(wd, newJobId('b'));
    await writeJobRecord(a);
    await writeJobRecord(b);
    expect(await listJobIds(wd)).toEqual([a.id, b.id].sort());
    expect((await readJobRecord(wd, a.id)).options).toEqual({ partition: 'debug' });
    expect((await listJobRecords(wd)).map((r) => r.id)).toEqual([a.id, b.id]);
    const { stdout } = await run(process.execPath, [
      '-e',
      'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.id, r.phase, r.pieces.length)',
      jobRecordPath(wd, b.id),
    ]);
    expect(stdout.trim()).toBe(`${b.id} pending 2`);
  });

  it('names the file and field of a broken record, and lists records when an id is unknown', async () => {
    const wd = tempDir();
    mkdirSync(path.join(wd, 'jobs'));
    writeFileSync(path.join(wd, 'jobs', 'bad.json'), '{"schema":"calibman.job/1","id":"bad"}');
    writeFileSync(path.join(wd, 'jobs', 'junk.json'), '{not json');
    await expect(readJobRecord(wd, 'bad')).rejects.toThrow(/bad\.json: not a calibman job record: backend/);
    await expect(readJobRecord(wd, 'junk')).rejects.toThrow(/junk\.json: invalid JSON/);
    await expect(readJobRecord(wd, 'nope')).rejects.toThrow(/no job record "nope" .*records: bad, junk/);
    expect(await listJobRecords(wd)).toEqual([]);
  });

  it('serialises concurrent updates with a lock (no lost update)', async () => {
    const wd = tempDir();
    const r = makeRecord(wd, 'locked');
    await writeJobRecord(r);
    await Promise.all(
      Array.from({ length: 8 }, () =>
        updateJobRecord(wd, 'locked', async (rec) => {
          const n = rec.merge.attempts;
          await new Promise((res) => setTimeout(res, 5));
          rec.merge.attempts = n + 1;
        }),
      ),
    );
    expect((await readJobRecord(wd, 'locked')).merge.attempts).toBe(8);
  });
});
