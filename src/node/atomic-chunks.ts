/**
 * Writing a file atomically from a sequence of byte pieces (e.g. {@link ndarrayTextChunks}): the pieces go
 * to a temp file in the same directory while the next piece is produced, then fsync and rename, so readers
 * see the old or the complete new file and no large buffer is needed.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CalibmanError } from '../errors.js';
import { fileError } from './files.js';

async function writeAll(handle: fsp.FileHandle, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

/**
 * Write `pieces` to `file` atomically (temp file + fsync + rename; the temp file is removed on failure).
 * A piece must stay unchanged until the one after next is requested (double buffering).
 * @throws CalibmanError naming the file when it cannot be written, or the producer's CalibmanError
 */
export async function writeFileAtomicChunks(file: string, pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: { mode?: number } = {}): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  let writing: Promise<void> = Promise.resolve();
  try {
    handle = await fsp.open(tmp, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, options.mode ?? 0o664);
    const h = handle;
    for await (const piece of pieces) {
      await writing;
      writing = writeAll(h, piece);
    }
    await writing;
    await h.sync();
    await h.close();
    handle = undefined;
    if (options.mode !== undefined) await fsp.chmod(tmp, options.mode);
    await fsp.rename(tmp, file);
  } catch (err) {
    await writing.catch(() => undefined);
    await handle?.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    // a producer's own verdict (e.g. the input changed) passes through unchanged
    throw err instanceof CalibmanError ? err : fileError(file, err, 'write');
  }
}
