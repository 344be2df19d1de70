import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CalibStoreError, CalibmanError } from '../errors.js';
import { trackTempFile } from './temp-files.js';

/** Read a whole (small) file as bytes; a missing file is a CalibmanError naming the path. */
export async function readFileBytes(file: string): Promise<Uint8Array> {
  try {
    const buf = await fsp.readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    throw fileError(file, err, 'read');
  }
}

/** Read a whole text file (UTF-8). */
export async function readTextFile(file: string): Promise<string> {
  return new TextDecoder().decode(await readFileBytes(file));
}

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Refuse to replace an existing file (default false: replace). */
  noOverwrite?: boolean;
  /** File mode of the result, e.g. 0o664. */
  mode?: number;
  /** Create missing parent directories (default true). */
  mkdirs?: boolean;
}

/**
 * Write a file so that readers see either the old or the complete new content, never half of it:
 * write a temp file in the same directory, fsync it, rename over the target, fsync the directory.
 */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  if (options.mkdirs !== false) await fsp.mkdir(dir, { recursive: true }).catch((err) => {
    throw fileError(dir, err, 'create directory');
  });
  if (options.noOverwrite && (await exists(file))) {
    throw new CalibStoreError('refusing to overwrite an existing file', { path: file });
  }
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  const untrack = trackTempFile(tmp);
  try {
    handle = await fsp.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, options.mode ?? 0o664);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (options.mode !== undefined) await fsp.chmod(tmp, options.mode);
    if (options.noOverwrite) {
      // link fails if the target appeared meanwhile, so a concurrent writer is never clobbered
      await fsp.link(tmp, file);
      await fsp.unlink(tmp);
    } else {
      await fsp.rename(tmp, file);
    }
    await syncDirectory(dir);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && options.noOverwrite) {
      throw new CalibStoreError('refusing to overwrite an existing file', { path: file });
    }
    throw fileError(file, err, 'write');
  } finally {
    untrack();
  }
}

/**
 * fsync a directory so a rename or unlink in it survives a power loss. Platforms that cannot open or sync
 * a directory (Windows) are skipped.
 * @throws CalibmanError naming the directory when the sync itself fails (e.g. EIO)
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, fsc.O_RDONLY);
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EBADF' || code === 'ENOTSUP') return;
    throw fileError(dir, err, 'sync directory');
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** True when `file` exists (any type). */
export async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch {
    return false;
  }
}

/** Turn a Node fs error into a CalibmanError that names the path and the operation. */
export function fileError(file: string, err: unknown, op: string): CalibmanError {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e?.code === 'ENOENT'
      ? 'no such file or directory'
      : e?.code === 'EACCES' || e?.code === 'EPERM'
        ? 'permission denied'
        : e?.code === 'EISDIR'
          ? 'is a directory'
          : e?.code === 'ENOSPC'
            ? 'no space left on device'
            : e?.code === 'EDQUOT'
              ? 'disk quota exceeded'
              : e?.code === 'EROFS'
                ? 'read-only file system'
                : (e?.message ?? String(err));
  return new CalibmanError(`cannot ${op} ${file}: ${reason}`);
}
