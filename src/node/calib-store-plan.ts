/**
 * The steps of a calib store write or delete, planned against the type directory as it is now: whether the
 * existing file is kept under a backup name, the copy, the removal of a moved input and the HISTORY records.
 * A dry run returns them; a real operation plans them again inside the type directory's lock and carries them out.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import { type CalibOperation, type HistoryContext, backupName, formatDeleteRecord, formatDeployRecord, joinPath } from '../deploy/index.js';
import { stampFile } from './calib-store-read.js';
import { listDir } from './calib-store-fs.js';
import type { StoreSettings } from './calib-store-fs.js';
import type { WriteJob } from './calib-store-requests.js';

/** HISTORY fields of a write's records. */
export interface WriteRecordFields {
  /** HISTORY `copy_of:`, the input's name. */
  copyOf: string;
  /** HISTORY `exp:`. */
  experiment: string;
  /** HISTORY `run:`. */
  run: number | string;
  /** HISTORY `comment:`. */
  comment: string;
}

/** The HISTORY file of a type directory, undefined when HISTORY records are off. */
export function historyPath(s: StoreSettings, dir: string): string | undefined {
  return s.historyFileName ? joinPath(dir, s.historyFileName) : undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** True when `file` exists with exactly the content of the job. */
async function sameContent(file: string, job: WriteJob): Promise<boolean> {
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st || st.size !== job.size) return false;
  if (job.content) {
    const old = await fsp.readFile(file).catch(() => undefined);
    return old !== undefined && sameBytes(old, job.content);
  }
  const old = await stampFile(file, 'read').catch(() => undefined);
  return old !== undefined && old.size === job.size && old.digest === job.digest;
}

/** The name the existing `name` of `typeDir` is kept under before the write, undefined when there is none or it holds the same content. */
export async function planBackup(typeDir: string, name: string, target: string, job: WriteJob, time: Date): Promise<string | undefined> {
  const names = await listDir(typeDir);
  if (!names.includes(name) || (await sameContent(target, job))) return undefined;
  return backupName(name, time, (n) => names.includes(n));
}

/** Append to `ops` the steps of a write: keep the existing file, copy, remove a moved input, HISTORY records. */
export function planWriteSteps(
  s: StoreSettings, ops: CalibOperation[], job: WriteJob, typeDir: string, target: string, backup: string | undefined,
  fields: WriteRecordFields, ctx: HistoryContext, inputDir: string | undefined,
): void {
  const hist = historyPath(s, typeDir);
  if (backup) {
    ops.push({ op: 'backup', from: target, to: joinPath(typeDir, backup) });
    if (hist) ops.push({ op: 'history', path: hist, record: formatDeployRecord({ ...fields, file: backup, copyOf: target, comment: 'kept-before-overwrite' }, ctx) });
  }
  ops.push({ op: 'copy', from: job.fromLabel, to: target, bytes: job.size });
  if (job.removeInput) {
    ops.push({ op: 'remove', path: job.removeInput });
    const inHist = inputDir ? historyPath(s, inputDir) : undefined;
    if (inHist && inHist !== hist) ops.push({ op: 'history', path: inHist, record: formatDeleteRecord(path.basename(job.removeInput), `moved-to:${target}`, ctx) });
  }
  if (hist) ops.push({ op: 'history', path: hist, record: formatDeployRecord({ ...fields, file: path.basename(target) }, ctx) });
}

/**
 * The steps of deleting `file` (named `name`) from `typeDir`: kept under a backup name when `keep`, removed,
 * with a `cmd:rm` HISTORY record.
 * @throws CalibStoreError when the file is no longer there
 */
export async function planRemoveSteps(
  s: StoreSettings, file: string, name: string, keep: boolean, comment: string, ctx: HistoryContext,
): Promise<{ ops: CalibOperation[]; backup?: string }> {
  const typeDir = path.dirname(file);
  const hist = historyPath(s, typeDir);
  const names = await listDir(typeDir);
  if (!names.includes(name)) throw new CalibStoreError('no such calib file', { path: file });
  const backup = keep ? backupName(name, ctx.time, (n) => names.includes(n)) : undefined;
  const ops: CalibOperation[] = [];
  if (backup) ops.push({ op: 'backup', from: file, to: joinPath(typeDir, backup) });
  ops.push({ op: 'remove', path: file });
  if (hist) ops.push({ op: 'history', path: hist, record: formatDeleteRecord(name, backup ? `${comment} kept-as:${backup}` : comment, ctx) });
  return { ops, backup };
}
