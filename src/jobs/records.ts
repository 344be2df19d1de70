/**
 * Job records on disk: `<workDir>/jobs/<id>.json` (written atomically, so a reader in another process
 * sees the old or the new record, never half of one) plus a folder `<workDir>/jobs/<id>/` holding the
 * batch script, the logs and the tasks' exit files. Updates take a lock so that a GUI refreshing a record
 * and a CLI retrying it do not overwrite each other.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import lockfile from 'proper-lockfile';
import * as z from 'zod';
import { JobError } from '../errors.js';
import { writeFileAtomic } from '../node/files.js';
import type { JobRecord } from './types.js';

/** `<workDir>/jobs` */
export function jobsDir(workDir: string): string {
  return path.join(workDir, 'jobs');
}

/** `<workDir>/jobs/<id>.json` */
export function jobRecordPath(workDir: string, id: string): string {
  checkJobId(id);
  return path.join(jobsDir(workDir), `${id}.json`);
}

/** `<workDir>/jobs/<id>/`: script, logs and exit files of one job. */
export function jobFilesDir(workDir: string, id: string): string {
  checkJobId(id);
  return path.join(jobsDir(workDir), id);
}

/** A new job record id: `<name>-<yyyymmdd>-<hhmmss>-<4 hex>` (sortable by creation time). */
export function newJobId(name = 'job', now = new Date()): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'job';
  const iso = now.toISOString(); // 2026-11-23T20:21:04.123Z
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
  return `${slug}-${stamp}-${randomBytes(2).toString('hex')}`;
}

function checkJobId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) || id.includes('..')) {
    throw new JobError(`invalid job record id "${id}": expected letters, digits, '.', '_' or '-'`);
  }
}

const taskSchema = z.object({
  index: z.number().int(),
  argv: z.array(z.string()),
  outputs: z.array(z.string()),
  attempts: z.number().int(),
  phase: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'unknown']),
}).passthrough();

const recordSchema = z.object({
  schema: z.literal('calibman.job/1'),
  id: z.string(),
  backend: z.literal('slurm'),
  workDir: z.string(),
  script: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  options: z.object({}).passthrough(),
  phase: z.enum(['pending', 'running', 'completed', 'failed', 'cancelled', 'unknown']),
  pieces: z.array(taskSchema),
  merge: taskSchema,
  submissions: z.array(z.object({ at: z.string(), pieceIndices: z.array(z.number().int()), mergeJobId: z.string() }).passthrough()),
}).passthrough();

/** Check that parsed JSON is a job record; the error names the file and the first bad field. */
export function validateJobRecord(value: unknown, file = '<record>'): JobRecord {
  const r = recordSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new JobError(`${file}: not a calibman job record: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data as unknown as JobRecord;
}

/** Read one job record. */
export async function readJobRecord(workDir: string, id: string): Promise<JobRecord> {
  const file = jobRecordPath(workDir, id);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      const known = (await listJobIds(workDir)).slice(-10);
      throw new JobError(`no job record "${id}" in ${jobsDir(workDir)}${known.length ? `; records: ${known.join(', ')}` : ' (no records)'}`);
    }
    throw new JobError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JobError(`${file}: invalid JSON: ${(err as Error).message}`);
  }
  return validateJobRecord(json, file);
}

/**
 * Write a job record atomically (sets `updatedAt`) to `file`, by default `<record.workDir>/jobs/<record.id>.json`
 * (where a new record goes); a record read from disk is written back where it was read.
 */
export async function writeJobRecord(record: JobRecord, file = jobRecordPath(record.workDir, record.id)): Promise<void> {
  record.updatedAt = new Date().toISOString();
  await writeFileAtomic(file, JSON.stringify(record, null, 2) + '\n');
}

/** Ids of the job records in a work directory, oldest first. */
export async function listJobIds(workDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fsp.readdir(jobsDir(workDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new JobError(`cannot list ${jobsDir(workDir)}: ${(err as Error).message}`);
  }
  return names
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .map((n) => n.slice(0, -5))
    .sort();
}

/** A record file of a work directory that could not be used: its id (file name) and why. */
export interface InvalidJobRecord {
  /** Job record id (file name without `.json`). */
  id: string;
  /** The record file. */
  file: string;
  /** Why it could not be read. */
  error: string;
}

/** All job record files of a work directory: the valid records (oldest first) and the invalid ones (by id). */
export async function scanJobRecords(workDir: string): Promise<{
  /** Valid records, oldest first. */
  records: JobRecord[];
  /** Record files that could not be read. */
  invalid: InvalidJobRecord[];
}> {
  const records: JobRecord[] = [];
  const invalid: InvalidJobRecord[] = [];
  for (const id of await listJobIds(workDir)) {
    const file = path.join(jobsDir(workDir), `${id}.json`);
    try {
      records.push(await readJobRecord(workDir, id));
    } catch (err) {
      if (!(err instanceof JobError)) throw err;
      invalid.push({ id, file, error: err.message });
    }
  }
  records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { records, invalid };
}

/** All valid job records of a work directory, oldest first (see {@link scanJobRecords} for the invalid ones). */
export async function listJobRecords(workDir: string): Promise<JobRecord[]> {
  return (await scanJobRecords(workDir)).records;
}

/**
 * Read-modify-write a record under an exclusive lock (`<id>.json.lock`), for processes that change it.
 * `change` may mutate the record; the result is written atomically and returned.
 */
export async function updateJobRecord(
  workDir: string,
  id: string,
  change: (record: JobRecord) => Promise<void> | void,
): Promise<JobRecord> {
  const file = jobRecordPath(workDir, id);
  await fsp.mkdir(path.dirname(file), { recursive: true });
  let release: (() => Promise<void>) | undefined;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: 60_000,
      retries: { retries: 40, factor: 1.3, minTimeout: 50, maxTimeout: 1000 },
    });
  } catch (err) {
    throw new JobError(`job record ${id} is locked by another process (${(err as Error).message})`);
  }
  try {
    const record = await readJobRecord(workDir, id);
    await change(record);
    // back where it was read: a moved work directory or an edited workDir/id must not send the update elsewhere
    await writeJobRecord(record, file);
    return record;
  } finally {
    await release().catch(() => undefined);
  }
}
