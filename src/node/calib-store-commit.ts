/**
 * Carrying out the planned steps of a calib store write or delete so that a failure at any point leaves the
 * store as it was: content staged in a synced temp file and renamed into place, the previous file kept by a
 * hard link or copy, HISTORY records appended in one write, and every earlier step undone when a later one fails.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { CalibStoreError } from '../errors.js';
import type { CalibOperation } from '../deploy/index.js';
import { type StagedFile, stageFileChunks, tempNameFor } from './atomic-chunks.js';
import { syncDirectory } from './files.js';
import { verifiedPieces } from './calib-store-read.js';
import { type HistoryAppender, applyModeAndGroup, openHistory, storeError } from './calib-store-fs.js';
import type { StoreSettings } from './calib-store-fs.js';
import type { WriteJob } from './calib-store-requests.js';

/** Undo steps of a write, run in reverse order when a later step fails. */
type Undo = () => Promise<void>;

async function undoAll(undo: Undo[]): Promise<string[]> {
  const failed: string[] = [];
  for (const u of undo.reverse()) await u().catch((err: unknown) => failed.push((err as Error).message));
  return failed;
}

/**
 * Carry out planned write steps so that a failure at any point leaves the store as it was: the HISTORY is
 * opened first (an unwritable one stops everything), the new content is written completely to a synced
 * temp file before anything else changes (a full disk stops here), then the previous file is kept, the
 * temp file renamed into place (directory synced) and the records appended in one write. A failure after
 * the rename puts the previous file back. The input of a move is removed only once all that succeeded.
 */
export async function commitWrite(s: StoreSettings, steps: readonly CalibOperation[], job: WriteJob, warnings: string[]): Promise<void> {
  const { fileMode, gid } = s;
  const copy = steps.find((o): o is Extract<CalibOperation, { op: 'copy' }> => o.op === 'copy')!;
  const backup = steps.find((o): o is Extract<CalibOperation, { op: 'backup' }> => o.op === 'backup');
  const records = steps.filter((o): o is Extract<CalibOperation, { op: 'history' }> => o.op === 'history');
  const typeDir = path.dirname(copy.to);
  const mainHist = records.find((r) => path.dirname(r.path) === typeDir);
  const inputRecords = records.filter((r) => r !== mainHist && path.dirname(r.path) !== typeDir);
  const appenders: HistoryAppender[] = [];
  const undo: Undo[] = [];
  const fail = async (err: unknown, what?: string): Promise<never> => {
    const failedUndo = await undoAll(undo);
    const e = err instanceof CalibStoreError ? err : storeError(copy.to, err, what ?? 'write');
    if (!failedUndo.length) throw e;
    throw new CalibStoreError(`${e.message}; undoing the earlier steps failed too (${failedUndo.join('; ')}): check the directory and HISTORY`, { path: typeDir });
  };
  try {
    let main: HistoryAppender | undefined;
    if (mainHist) {
      main = await openHistory(mainHist.path, { create: true, mode: fileMode, gid, warnings, writer: s.writer });
      if (main) {
        appenders.push(main);
        const m = main;
        undo.push(() => m.revert());
      }
    }
    let staged: StagedFile;
    try {
      const pieces = job.content ? [job.content] : job.file ? verifiedPieces(job.file, job) : undefined;
      if (!pieces) throw new CalibStoreError('nothing to write');
      staged = await stageFileChunks(copy.to, pieces, { mode: fileMode, writer: s.writer });
    } catch (err) {
      return await fail(err instanceof CalibStoreError ? err : new CalibStoreError(`${(err as Error).message}; nothing was changed`));
    }
    const beforeRename = undo.length;
    undo.push(() => staged.discard());
    if (backup) {
      try {
        await keepCopy(backup.from, backup.to);
      } catch (err) {
        return await fail(err, 'keep the existing file');
      }
      undo.push(() => fsp.unlink(backup.to));
    }
    try {
      await staged.commit();
    } catch (err) {
      return await fail(err instanceof CalibStoreError ? err : new CalibStoreError((err as Error).message));
    }
    // the temp file is gone; what undoes the rename now also takes care of the backup
    undo.length = beforeRename;
    if (backup) {
      // the previous content comes back under its name, the backup name disappears
      undo.push(async () => {
        await fsp.rename(backup.to, backup.from);
        await syncDirectory(typeDir);
      });
    } else {
      undo.push(async () => {
        await fsp.unlink(copy.to);
        await syncDirectory(typeDir);
      });
    }
    if (main && mainHist) {
      const text = records.filter((r) => r.path === mainHist.path).map((r) => r.record).join('');
      try {
        await main.append(text);
      } catch (err) {
        return await fail(new CalibStoreError(`${(err as Error).message}; the deployment was undone`, { path: copy.to }));
      }
    }
    if (gid !== undefined) await applyModeAndGroup(copy.to, undefined, gid, warnings);
    if (job.removeInput) await removeMovedInput(s, job.removeInput, inputRecords, warnings);
  } finally {
    for (const a of appenders) await a.close();
  }
}

/** Last step of a move: remove the input (the copy is complete and logged) and log that where a HISTORY exists. */
async function removeMovedInput(s: StoreSettings, input: string, records: readonly Extract<CalibOperation, { op: 'history' }>[], warnings: string[]): Promise<void> {
  try {
    await fsp.unlink(input);
    await syncDirectory(path.dirname(input));
  } catch (err) {
    throw new CalibStoreError(`copied and logged, but the input could not be removed (${storeError(input, err, 'remove').message}); the move is now a copy`, { path: input });
  }
  for (const r of records) {
    const h = await openHistory(r.path, { create: false, mode: s.fileMode, gid: s.gid, warnings, writer: s.writer }).catch((err: unknown) => {
      warnings.push(`moved, but the record could not be added to ${r.path}: ${(err as Error).message}`);
      return undefined;
    });
    if (!h) continue;
    await h.append(r.record).catch((err: unknown) => warnings.push(`moved, but ${(err as Error).message}`));
    await h.close();
  }
}

/**
 * Delete a calib file so that a failure leaves it in place: it is renamed away (to its backup name, or to
 * a hidden temp name when no backup is kept), the record appended, and only then the hidden file removed.
 */
export async function commitRemove(s: StoreSettings, file: string, backupPath: string | undefined, ops: readonly CalibOperation[], warnings: string[]): Promise<void> {
  const typeDir = path.dirname(file);
  const record = ops.find((o): o is Extract<CalibOperation, { op: 'history' }> => o.op === 'history');
  const h = record ? await openHistory(record.path, { create: false, mode: s.fileMode, gid: s.gid, warnings, writer: s.writer }) : undefined;
  try {
    const away = backupPath ?? tempNameFor(file);
    await fsp.rename(file, away).catch((err: unknown) => {
      throw storeError(file, err, 'remove');
    });
    await syncDirectory(typeDir);
    if (h && record) {
      try {
        await h.append(record.record);
      } catch (err) {
        await fsp.rename(away, file).catch(() => undefined);
        await syncDirectory(typeDir).catch(() => undefined);
        throw new CalibStoreError(`${(err as Error).message}; the file was left in place`, { path: file });
      }
    }
    if (!backupPath) {
      await fsp.unlink(away).catch((err: unknown) => warnings.push(`removed from the store, but the hidden copy ${away} could not be deleted: ${(err as Error).message}`));
      await syncDirectory(typeDir).catch(() => undefined);
    }
  } finally {
    await h?.close();
  }
}

/**
 * Keep the existing `from` as `to`: a hard link (instant, no space), else a copy (a partial copy is removed).
 * @throws CalibStoreError naming `to` when neither works
 */
async function keepCopy(from: string, to: string): Promise<void> {
  try {
    await fsp.link(from, to);
    return;
  } catch {
    // file systems without hard links: copy
  }
  try {
    await fsp.copyFile(from, to, fsp.constants?.COPYFILE_EXCL ?? 1);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await fsp.unlink(to).catch(() => undefined);
    throw storeError(to, err, 'keep the existing file (nothing was changed)');
  }
}
