/**
 * Writing a file atomically from a sequence of byte pieces (e.g. {@link ndarrayTextChunks}): the pieces go
 * to a temp file in the same directory while the next piece is produced, then fsync, rename and fsync of the
 * directory, so readers see the old or the complete new file (also after a power loss) and no large buffer
 * is needed. The write can be split in two: {@link stageFileChunks} leaves a complete, synced temp file that
 * the caller renames into place with {@link StagedFile.commit} once its other steps are ready.
 * {@link writeFilesAtomicChunks} writes a sequence of files with each file's fsync and rename running
 * behind the writing of the next.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CalibmanError } from '../errors.js';
import { fileError, syncDirectory } from './files.js';
import { trackTempFile } from './temp-files.js';

/**
 * The write system call the temp files go through (a port: tests inject a writer that fails with
 * `ENOSPC` or `EIO` after some bytes, where a small file system cannot be mounted).
 */
export type ChunkWriter = (handle: fsp.FileHandle, bytes: Uint8Array, offset: number, length: number, file: string) => Promise<{ bytesWritten: number }>;

/** The default {@link ChunkWriter}: `FileHandle.write`. */
export const nodeChunkWriter: ChunkWriter = (handle, bytes, offset, length) => handle.write(bytes, offset, length);

/** Options of {@link stageFileChunks} and {@link writeFileAtomicChunks}. */
export interface ChunkWriteOptions {
  /** File mode of the result, e.g. 0o664. */
  readonly mode?: number;
  /** Write call to use (default {@link nodeChunkWriter}). */
  readonly writer?: ChunkWriter;
}

/** A complete, synced temp file next to its target, not yet renamed into place. */
export interface StagedFile {
  readonly target: string;
  readonly tmp: string;
  /** Rename the temp file over the target and fsync the directory; the temp file is removed if that fails. */
  commit(): Promise<void>;
  /** Remove the temp file (nothing else was changed). */
  discard(): Promise<void>;
}

/** Write all of `bytes` to `handle` (of `file`) through `writer`. */
export async function writeAll(handle: fsp.FileHandle, bytes: Uint8Array, writer: ChunkWriter, file: string): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await writer(handle, bytes, off, bytes.length - off, file);
    off += bytesWritten;
  }
}

/** Name of a temp file for `file`: a dot-file in the same directory (hidden from listings, ignored by psana). */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** A temp file next to its target with all its bytes written, not yet synced. */
export interface WrittenTempFile {
  readonly target: string;
  readonly tmp: string;
  /** fsync and close the temp file (and set its mode): a {@link StagedFile}; the temp file is removed if that fails. */
  sync(): Promise<StagedFile>;
}

/**
 * Write `pieces` to a temp file next to `file` (created exclusively with `mode`), without syncing it. A
 * piece must stay unchanged until the one after next is requested (double buffering): each piece is written
 * (on libuv's thread pool) while the next is produced. On any failure — a write error such as `ENOSPC`, or
 * the producer's own error — the temp file is removed and the error thrown; a failed write stops the producer.
 * @throws CalibmanError naming the file when it cannot be written, or the producer's CalibmanError
 */
export async function writeTempFileChunks(file: string, pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: ChunkWriteOptions = {}): Promise<WrittenTempFile> {
  const tmp = tempNameFor(file);
  const writer = options.writer ?? nodeChunkWriter;
  let handle: fsp.FileHandle | undefined;
  let created = false;
  // the write of one piece runs while the next is produced; its failure is kept here, never left unhandled
  let writing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  // a command stopped by SIGINT/SIGTERM removes it (src/cli/lifecycle.ts)
  const untrack = trackTempFile(tmp);
  const fail = async (err: unknown): Promise<never> => {
    await handle?.close().catch(() => undefined);
    if (created) await fsp.unlink(tmp).catch(() => undefined);
    untrack();
    // a producer's own verdict (e.g. the input changed) passes through unchanged
    throw err instanceof CalibmanError ? err : fileError(file, err, 'write');
  };
  try {
    handle = await fsp.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, options.mode ?? 0o664);
    created = true;
    const h = handle;
    for await (const piece of pieces) {
      await writing;
      if (failure) break;
      writing = writeAll(h, piece, writer, tmp).catch((error: unknown) => {
        failure = { error };
      });
    }
    await writing;
    if (failure) throw failure.error;
  } catch (err) {
    await writing;
    return fail(err);
  }
  const h = handle;
  return {
    target: file,
    tmp,
    async sync() {
      try {
        await h.sync();
        await h.close();
        handle = undefined;
        if (options.mode !== undefined) await fsp.chmod(tmp, options.mode);
      } catch (err) {
        return fail(err);
      }
      return stagedFile(file, tmp, untrack);
    },
  };
}

function stagedFile(file: string, tmp: string, untrack: () => void): StagedFile {
  return {
    target: file,
    tmp,
    async commit() {
      try {
        await fsp.rename(tmp, file);
      } catch (err) {
        await fsp.unlink(tmp).catch(() => undefined);
        throw fileError(file, err, 'write');
      } finally {
        untrack();
      }
      await syncDirectory(path.dirname(file));
    },
    async discard() {
      await fsp.unlink(tmp).catch(() => undefined);
      untrack();
    },
  };
}

/**
 * Write `pieces` to a synced temp file next to `file` (created exclusively with `mode`). A piece must stay
 * unchanged until the one after next is requested (double buffering). On any failure — a write error such
 * as `ENOSPC`, or the producer's own error — the temp file is removed and the error thrown; a failed write
 * stops the producer.
 * @throws CalibmanError naming the file when it cannot be written, or the producer's CalibmanError
 */
export async function stageFileChunks(file: string, pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: ChunkWriteOptions = {}): Promise<StagedFile> {
  return (await writeTempFileChunks(file, pieces, options)).sync();
}

/** One file of {@link writeFilesAtomicChunks}. */
export interface AtomicChunkFile {
  readonly file: string;
  /** Its bytes, produced when the file's turn comes (a piece stays valid until the one after next). */
  pieces(): Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** Run once the file is in place (e.g. write a companion file). */
  after?(): Promise<void>;
}

/** Files whose fsync, rename and directory fsync may run behind the writing of the next ones. */
const SYNCS_IN_FLIGHT = 2;

/**
 * Write several files, each atomically as {@link writeFileAtomicChunks} does, one after the other: the
 * pieces of one file at a time are produced (and written while the next is produced), and the fsync,
 * rename and directory fsync of a written file run on libuv's thread pool while the next files are
 * produced, so the producing thread does not wait for the disk. Files are put in place in order; after a
 * failure no further file is started, the files before the failed one are completed, the ones after it
 * removed, and the first error is thrown.
 * @throws CalibmanError naming the file that cannot be written, or a producer's CalibmanError
 */
export async function writeFilesAtomicChunks(files: readonly AtomicChunkFile[], options: ChunkWriteOptions = {}): Promise<void> {
  const tails: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  const record = (error: unknown) => {
    failure ??= { error };
  };
  // each file's tail waits for the one before it, so files land in order
  let previous: Promise<void> = Promise.resolve();
  for (const f of files) {
    if (failure) break;
    let written: WrittenTempFile;
    try {
      written = await writeTempFileChunks(f.file, f.pieces(), options);
    } catch (err) {
      record(err);
      break;
    }
    const before = previous;
    const tail = (async () => {
      const staged = await written.sync();
      try {
        await before;
      } catch (err) {
        // rejected in turn, so that every file after a failed one is discarded too
        await staged.discard();
        throw err;
      }
      await staged.commit();
      await f.after?.();
    })();
    tail.catch(record);
    previous = tail;
    tails.push(tail);
    if (tails.length > SYNCS_IN_FLIGHT) await tails[tails.length - 1 - SYNCS_IN_FLIGHT].catch(() => undefined);
  }
  await Promise.allSettled(tails);
  if (failure) throw failure.error;
}

/**
 * Write `pieces` to `file` atomically (temp file + fsync + rename + directory fsync; the temp file is
 * removed on failure). A piece must stay unchanged until the one after next is requested (double buffering).
 * @throws CalibmanError naming the file when it cannot be written, or the producer's CalibmanError
 */
export async function writeFileAtomicChunks(file: string, pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: ChunkWriteOptions = {}): Promise<void> {
  await (await stageFileChunks(file, pieces, options)).commit();
}
